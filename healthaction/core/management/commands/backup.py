import hashlib
import io
import json
import tarfile
import time
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

EXCLUDE = ["contenttypes", "auth.permission", "sessions", "axes", "admin.logentry"]


def table_counts() -> dict[str, int]:
    counts = {}
    for model in apps.get_models():
        label = model._meta.label_lower
        if any(label == e or label.startswith(e + ".") for e in EXCLUDE):
            continue
        counts[label] = model._default_manager.count()
    return counts


class Command(BaseCommand):
    help = "Write a backup (.tar.gz) of the database (as portable JSON, SQLite or PostgreSQL alike) and every uploaded file."

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", default=None, help="file to write (default: var/backups/healthaction-YYYYmmdd-HHMMSS.tar.gz)")

    def handle(self, *args, **options):
        output = Path(options["output"] or Path(settings.VAR_DIR) / "backups" / time.strftime("healthaction-%Y%m%d-%H%M%S.tar.gz"))
        output.parent.mkdir(parents=True, exist_ok=True)
        data = io.StringIO()
        # XML keeps datetimes to the microsecond; Django's JSON encoder rounds them to milliseconds
        call_command("dumpdata", "--natural-foreign", "--format=xml", *[f"--exclude={e}" for e in EXCLUDE], stdout=data)
        payload = data.getvalue().encode("utf-8")
        media = Path(settings.MEDIA_ROOT)
        files = {}
        with tarfile.open(output, "w:gz") as tar:
            info = tarfile.TarInfo("data.xml")
            info.size = len(payload)
            tar.addfile(info, io.BytesIO(payload))
            if media.is_dir():
                for path in sorted(p for p in media.rglob("*") if p.is_file()):
                    rel = path.relative_to(media).as_posix()
                    files[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
                    tar.add(path, arcname=f"media/{rel}")
            manifest = json.dumps({"format": "healthaction.backup", "version": 1, "counts": table_counts(), "files": files}, ensure_ascii=False, indent=1).encode("utf-8")
            info = tarfile.TarInfo("manifest.json")
            info.size = len(manifest)
            tar.addfile(info, io.BytesIO(manifest))
        self.stdout.write(f"wrote {output}: {sum(table_counts().values())} rows, {len(files)} files")
