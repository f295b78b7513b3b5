from django.core.management.base import BaseCommand

from healthaction.core import worker


class Command(BaseCommand):
    group = "Run"
    help = (
        "Run background jobs (imports, evaluations, reports) and the schedule (reminders, nightly evaluation, "
        "weekly backup); start as many as you like, on one machine or several."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-schedule", action="store_true", help="run jobs only; another worker keeps the schedule"
        )
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between looks at an empty queue")
        parser.add_argument("--batch", action="store_true", help="run what is queued, then exit (for cron)")
        parser.add_argument("--max-tasks", type=int, default=None, help="exit after this many tasks")
        parser.add_argument(
            "--worker-id", default=None, help="a name unique among the workers (default: host-pid-random)"
        )

    def handle(self, *args, **options):
        worker.run(
            worker_id=options["worker_id"],
            interval=options["interval"],
            run_schedule=not options["no_schedule"],
            max_tasks=options["max_tasks"],
            batch=options["batch"],
        )
