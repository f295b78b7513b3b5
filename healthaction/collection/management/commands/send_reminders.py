import datetime as dt

from django.core.management.base import BaseCommand

from healthaction.collection.services.reminders import REMINDER_DAYS_BEFORE, send_reminders


class Command(BaseCommand):
    group = "Operations"
    help = "Email reminders for due items (N days before, on the day, overdue); safe to run many times a day."

    def add_arguments(self, parser):
        parser.add_argument("--days-before", type=int, default=REMINDER_DAYS_BEFORE)
        parser.add_argument("--today", type=dt.date.fromisoformat, help="pretend today is this date (YYYY-MM-DD)")

    def handle(self, *args, **options):
        sent = send_reminders(today=options["today"], days_before=options["days_before"])
        self.stdout.write(f"reminders sent to {sent} people")
