import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from healthaction.plans.interchange import PlanFormatError, export_plan, import_plan
from healthaction.plans.models import Plan
from healthaction.plans.signals import plan_imported


class Command(BaseCommand):
    group = "Plans and data"
    help = "Import or export a plan in the interchange format (JSON)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        imp = sub.add_parser("import", help="Create a draft plan from a JSON file (a list of plans is accepted).")
        imp.add_argument("file", help="JSON file, or - for standard input")
        exp = sub.add_parser("export", help="Write a plan as JSON.")
        exp.add_argument("plan_id", type=int)
        exp.add_argument("-o", "--output", default="-", help="output file (default: standard output)")

    def handle(self, *args, **options):
        if options["verb"] == "export":
            try:
                plan = Plan.objects.get(pk=options["plan_id"])
            except Plan.DoesNotExist:
                raise CommandError(f"No plan with id {options['plan_id']}.")
            text = json.dumps(export_plan(plan), ensure_ascii=False, indent=2)
            if options["output"] == "-":
                self.stdout.write(text)
            else:
                with open(options["output"], "w", encoding="utf-8") as fh:
                    fh.write(text + "\n")
            return
        try:
            raw = sys.stdin.read() if options["file"] == "-" else Path(options["file"]).read_text(encoding="utf-8")
            data = json.loads(raw)
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CommandError(f"Cannot read {options['file']}: {exc}")
        for item in data if isinstance(data, list) else [data]:
            notes: list[str] = []
            try:
                # run by an operator: the plan's area may be anywhere and a missing one is created (and said so)
                plan = import_plan(item, notes=notes)
            except PlanFormatError as exc:
                raise CommandError("The plan was not imported:\n  " + "\n  ".join(exc.errors))
            for note in notes:
                self.stdout.write(self.style.WARNING(note))
            notes = "".join(f"; {answer}" for _, answer in plan_imported.send(sender=Plan, plan=plan) if answer)
            self.stdout.write(
                f"Imported plan {plan.pk}: {plan.title} ({plan.actions.count()} actions,"
                f" {plan.indicators.count()} indicators, {plan.tasks.count()} tasks{notes})"
            )
