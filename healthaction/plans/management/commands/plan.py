import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from healthaction.plans.interchange import DEFAULT, PlanFormatError, export_plan, import_plan
from healthaction.plans.models import Plan
from healthaction.plans.signals import plan_imported
from healthaction.registry.models import OrgUnit
from healthaction.registry.services import AreaError, add_area


class Command(BaseCommand):
    group = "Plans and data"
    help = "Import or export a plan in the interchange format (JSON)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        imp = sub.add_parser("import", help="Create a draft plan from a JSON file (a list of plans is accepted).")
        imp.add_argument("file", help="JSON file, or - for standard input")
        imp.add_argument(
            "--area",
            metavar="CODE",
            help="attach the plan to this area (official code, e.g. 150525; set up from the shipped divisions when missing)",
        )
        chain = imp.add_mutually_exclusive_group()
        chain.add_argument(
            "--parent",
            type=int,
            metavar="ID",
            help="the plan it implements (default: the published plan of the nearest area above)",
        )
        chain.add_argument("--no-parent", action="store_true", help="the plan implements no plan of this instance")
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
        unit = self._area(options["area"]) if options["area"] else None
        parent = DEFAULT
        if options["no_parent"]:
            parent = None
        elif options["parent"] is not None:
            parent = Plan.objects.filter(pk=options["parent"]).first()
            if parent is None:
                raise CommandError(f"No plan with id {options['parent']}.")
        for item in data if isinstance(data, list) else [data]:
            notes: list[str] = []
            try:
                # run by an operator: the plan's area may be anywhere and a missing one is created (and said so)
                plan = import_plan(item, notes=notes, org_unit=unit, parent=parent)
            except PlanFormatError as exc:
                raise CommandError("The plan was not imported:\n  " + "\n  ".join(exc.errors))
            for note in notes:
                self.stdout.write(self.style.WARNING(note))
            notes = "".join(f"; {answer}" for _, answer in plan_imported.send(sender=Plan, plan=plan) if answer)
            implements = f"; implements plan {plan.parent_id}: {plan.parent.title}" if plan.parent else ""
            self.stdout.write(
                f"Imported plan {plan.pk}: {plan.title} ({plan.actions.count()} actions,"
                f" {plan.indicators.count()} indicators, {plan.tasks.count()} tasks{notes}){implements}"
            )

    def _area(self, code: str) -> OrgUnit:
        unit = OrgUnit.objects.filter(code=code).first()
        if unit is not None:
            return unit
        try:
            result = add_area(code)
        except AreaError:
            raise CommandError(f"No area has the code {code}, here or among the official divisions.")
        self.stdout.write(f"Set up the area {code} {result.unit.name}: {result.created} org units created")
        return result.unit
