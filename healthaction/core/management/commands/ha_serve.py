import fcntl
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from healthaction.core import server
from healthaction.core.registry import registry
from healthaction.core.security import refuse_demo_passwords


class Command(BaseCommand):
    group = "Run"
    help = (
        "Migrate, collect static files, then serve with gunicorn and one task worker (--dev: the development server)."
    )

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument(
            "--dev", action="store_true", help="Django's autoreloading development server instead (no worker)"
        )
        parser.add_argument(
            "--no-worker", action="store_true", help="serve only; workers run elsewhere (`healthaction worker`)"
        )
        parser.add_argument("--web-only", action="store_true", help="(internal) run gunicorn in this process")

    def handle(self, *args, **options):
        bind = options["addrport"]
        if ":" not in bind:
            bind = f"127.0.0.1:{bind}"
        if options["web_only"]:
            refuse_demo_passwords()  # a web server started on its own is a production start like any other
            server.run_web(bind)
            return
        call_command("migrate", verbosity=0, interactive=False)
        refuse_demo_passwords()
        self._first_run_hint(bind)
        if options["dev"]:
            call_command("runserver", bind, "--insecure")  # static files without DEBUG too
            return
        # several `serve` processes on one machine share STATIC_ROOT: one collects at a time, the others wait
        Path(settings.STATIC_ROOT).parent.mkdir(parents=True, exist_ok=True)
        with open(Path(settings.STATIC_ROOT).parent / "collectstatic.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            call_command("collectstatic", verbosity=0, interactive=False)
        self.stdout.write(
            f"healthaction: serving http://{bind} with gunicorn"
            f"{'' if options['no_worker'] else ' and one task worker'} (static files from {settings.STATIC_ROOT})"
        )
        self.stdout.flush()
        code = server.supervise(bind, with_worker=not options["no_worker"])
        if code:
            raise SystemExit(code)

    def _first_run_hint(self, bind: str) -> None:
        """Lines the apps want said at start (registry: where the first-run page is and the code it asks for)."""
        for note in registry["serve_notes"].values():
            line = note(bind)
            if line:
                self.stdout.write(line)
