import json

from django.core.management.base import BaseCommand, CommandError

from healthaction.catalogue.services import compare_plan_json, load_catalogue, match_plan
from healthaction.plans.models import Plan


class Command(BaseCommand):
    group = "Plans and data"
    help = (
        "Load the national indicator catalogue (`load`), match plans' indicators to it (`match [--plan ID]`) or "
        "compare a plan's targets with the level above and the national ones (`compare --plan ID [--json]`)."
    )

    def add_arguments(self, parser):
        parser.add_argument("verb", choices=["load", "match", "compare"])
        parser.add_argument("--plan", type=int)
        parser.add_argument("--json", action="store_true", help="compare: print JSON (one object per indicator)")

    def handle(self, *args, **options):
        if options["verb"] == "load":
            self.stdout.write(f"catalogue: {load_catalogue()} indicators")
            return
        if options["verb"] == "compare":
            self._compare(options)
            return
        plans = Plan.objects.all() if not options["plan"] else Plan.objects.filter(pk=options["plan"])
        for plan in plans:
            counts = match_plan(plan)
            self.stdout.write(f"plan {plan.pk}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))

    def _compare(self, options) -> None:
        if not options["plan"]:
            raise CommandError("compare needs --plan ID")
        plan = Plan.objects.filter(pk=options["plan"]).select_related("parent").first()
        if plan is None:
            raise CommandError(f"No plan with id {options['plan']}")
        rows = compare_plan_json(plan)
        if options["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=1))
            return
        for row in rows:
            if row["flags"]:
                self.stdout.write(f"{row['indicator']}: {', '.join(row['flags'])}")
        flagged = sum(1 for row in rows if row["flags"])
        self.stdout.write(f"plan {plan.pk}: {len(rows)} indicators, {flagged} flagged")
