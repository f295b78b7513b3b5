"""Backup, then restore into an empty database, reproduces every row and every uploaded file."""

import hashlib
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from healthaction.collection.models import Evidence, IndicatorValue
from healthaction.core.management.commands.backup import EXCLUDE, table_counts


def _plain(value):
    """Equal values print alike: the database driver may hand back a different but equal tzinfo object."""
    import datetime as dt

    if isinstance(value, dt.datetime):
        return value.astimezone(dt.timezone.utc).isoformat()
    if isinstance(value, float):
        return value + 0.0  # -0.0 and 0.0 are the same number
    return value


def _fingerprint() -> dict[str, str]:
    """A digest per backed-up table of every row's values (datetimes to the microsecond), in primary-key order."""
    from django.apps import apps

    digests = {}
    for model in sorted(apps.get_models(), key=lambda m: m._meta.label_lower):
        label = model._meta.label_lower
        if any(label == e or label.startswith(e + ".") for e in EXCLUDE):
            continue
        rows = model._default_manager.order_by("pk")
        digests[label] = hashlib.sha256(repr([tuple(_plain(v) for v in row) for row in rows.values_list()]).encode()).hexdigest()
    return digests


@pytest.mark.flushes
def test_backup_then_restore_into_an_empty_database(transactional_db, tmp_path):
    from healthaction.demo.build import DEMO_DOC_NUMBER, build_demo
    from healthaction.plans.models import Plan

    if not Plan.objects.filter(doc_number=DEMO_DOC_NUMBER).exists():
        build_demo()
    value = IndicatorValue.objects.first()
    from django.core.files.base import ContentFile

    evidence = Evidence.objects.create(value=value, file=ContentFile(b"%PDF-1.4 evidence", name="backup-test.pdf"), original_name="证明.pdf",
                                       content_type="application/pdf", size=17, sha256=hashlib.sha256(b"%PDF-1.4 evidence").hexdigest())
    counts, fingerprint = table_counts(), _fingerprint()



    archive = tmp_path / "backup.tar.gz"
    call_command("backup", "-o", str(archive), stdout=io.StringIO())

    call_command("flush", interactive=False, verbosity=0)
    media_file = Path(settings.MEDIA_ROOT) / evidence.file.name
    media_file.unlink()
    assert not any(table_counts().values())

    call_command("restore", str(archive), stdout=io.StringIO())
    assert table_counts() == counts
    after = _fingerprint()
    assert [label for label in fingerprint if after[label] != fingerprint[label]] == []
    assert media_file.read_bytes() == b"%PDF-1.4 evidence"
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(archive), stdout=io.StringIO())
    bogus = tmp_path / "bogus.tar.gz"
    bogus.write_bytes(b"not a backup")
    with pytest.raises(CommandError, match="not a healthaction backup"):
        call_command("restore", str(bogus), stdout=io.StringIO())
