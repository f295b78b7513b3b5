from django.core.management.base import BaseCommand, CommandError

from healthaction.collection.services.due import generate_due_items
from healthaction.core.choices import PlanStatus
from healthaction.plans.models import Plan


class Command(BaseCommand):
    group = "Operations"
    help = "Regenerate the due items of published plans after a plan changed (nothing already reported is lost)."

    def add_arguments(self, parser):
        parser.add_argument("--plan", type=int)

    def handle(self, *args, **options):
        plans = Plan.objects.filter(status=PlanStatus.PUBLISHED)
        if options["plan"]:
            plans = plans.filter(pk=options["plan"])
            if not plans.exists():
                raise CommandError(f"No published plan with id {options['plan']}.")
        for plan in plans:
            counts = generate_due_items(plan)
            self.stdout.write(f"plan {plan.pk}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
