from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from healthaction.core.backup import BackupError, restore


class Command(BaseCommand):
    group = "Operations"
    help = (
        "Restore a backup made by `healthaction backup` into an empty database and the media folder; the whole "
        "archive is checked first and nothing is written when anything is wrong."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            done = restore(path)
        except BackupError as exc:
            raise CommandError(str(exc), returncode=2)
        self.stdout.write(f"restored {done['rows']} rows and {done['files']} files from {path} ({done['mode']})")
