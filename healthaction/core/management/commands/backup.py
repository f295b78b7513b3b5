from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from healthaction.core.backup import EXCLUDE, BackupError, default_path, table_counts, write_backup

__all__ = ["Command", "EXCLUDE", "table_counts"]


class Command(BaseCommand):
    group = "Operations"
    help = (
        "Write a backup (.zip): the database through its own tool (SQLite's online backup, pg_dump) and every "
        "uploaded file, with checksums; --portable writes tables as JSON lines that restore into either kind."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "-o", "--output", default=None, help="file to write (default: var/backups/healthaction-YYYYmmdd-HHMMSS.zip)"
        )
        parser.add_argument(
            "--portable", action="store_true", help="tables as JSON lines: restorable into SQLite or PostgreSQL"
        )

    def handle(self, *args, **options):
        output = Path(options["output"]) if options["output"] else default_path()
        try:
            path = write_backup(output, portable=options["portable"])
        except BackupError as exc:
            raise CommandError(str(exc), returncode=2)
        self.stdout.write(f"wrote {path}: {sum(table_counts().values())} rows")
