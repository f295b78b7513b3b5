from django.core.management.base import BaseCommand

from healthaction.catalogue.services import load_catalogue, match_plan
from healthaction.plans.models import Plan


class Command(BaseCommand):
    group = "Plans and data"
    help = "Load the national indicator catalogue (`load`) or match plans' indicators to it (`match [--plan ID]`)."

    def add_arguments(self, parser):
        parser.add_argument("verb", choices=["load", "match"])
        parser.add_argument("--plan", type=int)

    def handle(self, *args, **options):
        if options["verb"] == "load":
            self.stdout.write(f"catalogue: {load_catalogue()} indicators")
            return
        plans = Plan.objects.all() if not options["plan"] else Plan.objects.filter(pk=options["plan"])
        for plan in plans:
            counts = match_plan(plan)
            self.stdout.write(f"plan {plan.pk}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
