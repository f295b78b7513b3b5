from django.core.management import call_command
from django.core.management.base import BaseCommand

from healthaction.demo.build import build_demo


class Command(BaseCommand):
    group = "Run"
    help = "Create or refresh the demo city, plan, values and users (running it twice keeps one copy)."

    def handle(self, *args, **options):
        call_command("migrate", verbosity=0, interactive=False)
        summary = build_demo()
        self.stdout.write(
            f"Demo ready: {summary['plan'].title} (id {summary['plan'].pk}): {summary['actions']} actions, "
            f"{summary['indicators']} indicators, {summary['tasks']} tasks, {summary['departments']} departments, "
            f"{summary['org_units']} org units, {summary['values']} values, {summary['results']} evaluation results."
        )
        self.stdout.write("Demo logins (user / password):")
        for username, password, full_name in summary["logins"]:
            self.stdout.write(f"  {username:<12} {password:<20} {full_name}")
