from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Migrate, then serve healthaction (development server, static files included)."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args, **options):
        call_command("migrate", verbosity=0, interactive=False)
        # --insecure serves the vendored static files without DEBUG; production uses a web server (docs/deploy.md).
        call_command("runserver", options["addrport"], "--insecure", "--noreload")
