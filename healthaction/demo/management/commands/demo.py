from django.core.management import call_command
from django.core.management.base import BaseCommand

from healthaction.demo.build import build_demo
from healthaction.demo.province import build_province


class Command(BaseCommand):
    help = "Create or refresh the demo city, plan, values and users (running it twice keeps one copy)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--province",
            action="store_true",
            help="Build the province demo instead: 山西省, three cities and twelve counties, each with its own plan.",
        )

    def handle(self, *args, **options):
        call_command("migrate", verbosity=0, interactive=False)
        if options["province"]:
            return self._province()
        summary = build_demo()
        self.stdout.write(
            f"Demo ready: {summary['plan'].title} (id {summary['plan'].pk}): {summary['actions']} actions, "
            f"{summary['indicators']} indicators, {summary['tasks']} tasks, {summary['departments']} departments, "
            f"{summary['org_units']} org units, {summary['values']} values, {summary['results']} evaluation results."
        )
        self.stdout.write("Demo logins (user / password):")
        for username, password, full_name in summary["logins"]:
            self.stdout.write(f"  {username:<12} {password:<20} {full_name}")

    def _province(self):
        summary = build_province()
        plans = summary["plans"]
        self.stdout.write(
            f"Province demo ready: {len(plans)} plans ({summary['province'].title}, id {summary['province'].pk}, "
            f"and the plans of its cities and counties), {summary['values']} values."
        )
        self.stdout.write("Office logins (user / password), one per area; liaisons are liaison<code>_<n>:")
        for username, password, full_name in summary["logins"]:
            if username.startswith("office"):
                self.stdout.write(f"  {username:<16} {password:<20} {full_name}")
