import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from healthaction.demo import province_scale
from healthaction.demo.build import build_demo
from healthaction.demo.province import build_province

SIZES = {"small": province_scale.SMALL, "medium": province_scale.MEDIUM, "full": province_scale.FULL}


class Command(BaseCommand):
    help = "Create or refresh the demo city, plan, values and users (running it twice keeps one copy)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--province",
            action="store_true",
            help="Build the province demo instead: 山西省, three cities and twelve counties, each with its own plan.",
        )
        parser.add_argument(
            "--province-scale",
            choices=list(SIZES),
            nargs="?",
            const="full",
            help="instead, build the province-scale data set for load tests (1 province, 14 cities, 120 counties, "
            "2,500 liaisons at full size) into a database that does not hold it yet",
        )

    def handle(self, *args, **options):
        call_command("migrate", verbosity=0, interactive=False)
        if options["province"]:
            return self._province()
        if options["province_scale"]:
            self.province_scale(SIZES[options["province_scale"]])
            return
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

    def province_scale(self, scale):
        started = time.perf_counter()
        try:
            built = province_scale.build_province(scale)
        except ValueError as exc:
            raise CommandError(str(exc))
        counts = ", ".join(f"{n:,} {name.replace('_', ' ')}" for name, n in built.counts.items())
        self.stdout.write(f"Province-scale data set built in {time.perf_counter() - started:.0f} s: {counts}.")
        self.stdout.write(f"Logins (password {province_scale.PASSWORD}):")
        for role, username in built.logins.items():
            self.stdout.write(f"  {role:<12} {username}")
