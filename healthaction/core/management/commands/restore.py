import hashlib
import json
import tarfile
import tempfile
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from healthaction.core.management.commands.backup import table_counts


class Command(BaseCommand):
    help = "Restore a backup made by `healthaction backup` into an empty database (after migrate) and the media folder."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--replace", action="store_true", help="empty the database first (everything in it is lost)")

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            tar = tarfile.open(path, "r:gz")
        except (OSError, tarfile.TarError) as exc:
            raise CommandError(f"{path} is not a healthaction backup: {exc}", returncode=2)
        with tar:
            names = tar.getnames()
            if "data.xml" not in names or "manifest.json" not in names:
                raise CommandError(f"{path} is not a healthaction backup (data.xml or manifest.json missing).", returncode=2)
            manifest = json.loads(tar.extractfile("manifest.json").read())
            call_command("migrate", verbosity=0, interactive=False)
            if any(table_counts().values()):
                if not options["replace"]:
                    raise CommandError("The database is not empty; restore into an empty database or pass --replace.", returncode=2)
                call_command("flush", interactive=False, verbosity=0)
            with tempfile.TemporaryDirectory() as tmp:
                data = Path(tmp) / "data.xml"
                data.write_bytes(tar.extractfile("data.xml").read())
                with transaction.atomic():
                    call_command("loaddata", str(data), verbosity=0)
            media = Path(settings.MEDIA_ROOT)
            restored = 0
            for member in tar.getmembers():
                if not member.isfile() or not member.name.startswith("media/"):
                    continue
                rel = PurePosixPath(member.name).relative_to("media")
                if rel.is_absolute() or ".." in rel.parts:
                    raise CommandError(f"unsafe path in backup: {member.name}", returncode=2)
                target = media / Path(*rel.parts)
                target.parent.mkdir(parents=True, exist_ok=True)
                content = tar.extractfile(member).read()
                if hashlib.sha256(content).hexdigest() != manifest["files"].get(rel.as_posix()):
                    raise CommandError(f"checksum mismatch for {member.name}", returncode=2)
                target.write_bytes(content)
                restored += 1
        counts = table_counts()
        differ = {k: (v, counts.get(k)) for k, v in manifest["counts"].items() if counts.get(k) != v}
        if differ:
            raise CommandError(f"restored row counts differ from the backup: {differ}", returncode=2)
        self.stdout.write(f"restored {sum(counts.values())} rows and {restored} files from {path}")
