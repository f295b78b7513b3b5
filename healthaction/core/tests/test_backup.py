"""Backup and restore: the demo with uploaded files round-trips exactly (native tools, and the portable format into
the other database kind), a tampered archive is refused before anything is written, a non-empty database is
refused. Rows are compared as Django reads them, table by table in primary-key order."""

import hashlib
import io
import json
import shutil
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from healthaction.collection.models import Evidence, IndicatorValue
from healthaction.core.backup import fingerprint, table_counts
from healthaction.core.tests.procs import ProcDB, reachable

# leading and trailing whitespace, tabs, blank lines: a restore must keep them byte for byte
TRICKY_TEXT = "  第一行\t\n\n  second line with trailing blanks   \n\t"


def _remote_fingerprint(db: ProcDB) -> dict[str, str]:
    return json.loads(
        db.shell("import json; from healthaction.core.backup import fingerprint; print(json.dumps(fingerprint()))")
    )


def _with_uploads():
    from healthaction.plans.models import Plan

    value = IndicatorValue.objects.first()
    data = b"%PDF-1.4 evidence \x00\xff"
    evidence = Evidence.objects.create(
        value=value,
        file=ContentFile(data, name="backup-test.pdf"),
        original_name="证明 .pdf",
        content_type="application/pdf",
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )
    Plan.objects.filter(pk=Plan.objects.first().pk).update(document_text=TRICKY_TEXT)
    return evidence, data


@pytest.fixture
def uploaded(demo):
    return _with_uploads()[0]


@pytest.fixture
def archive(uploaded, tmp_path):
    path = tmp_path / "backup.zip"
    call_command("backup", "-o", str(path), stdout=io.StringIO())
    return path


def _tampered(source: Path, target: Path, change) -> Path:
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w") as dst:
        for info in src.infolist():
            name, data = change(info.filename, src.read(info))
            dst.writestr(name, data)
    return target


def test_the_archive_is_a_zip_with_the_database_its_files_and_their_checksums(archive, uploaded):
    with zipfile.ZipFile(archive) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        names = set(zf.namelist())
        database = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}[connection.vendor]
        assert manifest["mode"] == connection.vendor and database in names
        media = [n for n in names if n == f"media/{uploaded.file.name}"]
        assert len(media) == 1
        assert manifest["members"][media[0]]["sha256"] == hashlib.sha256(b"%PDF-1.4 evidence \x00\xff").hexdigest()
        assert zf.read(media[0]) == b"%PDF-1.4 evidence \x00\xff"


def test_a_restore_into_a_non_empty_database_is_refused(archive):
    before = table_counts()
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(archive), stdout=io.StringIO())
    assert table_counts() == before


@pytest.mark.parametrize("damage", ["checksum", "traversal", "extra", "not-a-zip"])
def test_a_tampered_archive_is_refused_before_anything_is_written(archive, uploaded, tmp_path, damage):
    """Checked on a database that would otherwise be refused as not empty: the archive check comes first."""
    media = Path(settings.MEDIA_ROOT)
    before_files = sorted(p for p in media.rglob("*") if p.is_file())
    bad, member = tmp_path / "bad.zip", f"media/{uploaded.file.name}"
    if damage == "checksum":
        _tampered(archive, bad, lambda n, d: (n, d.replace(b"evidence", b"EVIDENCE") if n == member else d))
        message = "checksum mismatch"
    elif damage == "traversal":

        def rename(n, d):
            if n == member:
                return "media/../../escaped.pdf", d
            if n == "manifest.json":
                m = json.loads(d)
                m["members"] = {("media/../../escaped.pdf" if k == member else k): v for k, v in m["members"].items()}
                return n, json.dumps(m)
            return n, d

        _tampered(archive, bad, rename)
        message = "unsafe path"
    elif damage == "extra":
        shutil.copy(archive, bad)
        with zipfile.ZipFile(bad, "a") as zf:
            zf.writestr("media/planted.txt", b"not in the manifest")
        message = "do not match its manifest"
    else:
        bad.write_bytes(b"not a backup")
        message = "not a healthaction backup"
    with pytest.raises(CommandError, match=message):
        call_command("restore", str(bad), stdout=io.StringIO())
    assert sorted(p for p in media.rglob("*") if p.is_file()) == before_files
    assert not (media.parent / "escaped.pdf").exists() and not (media.parent.parent / "escaped.pdf").exists()


@pytest.mark.flushes
def test_backup_then_restore_round_trips_every_row_and_file(transactional_db, tmp_path):
    """Native backup restored (1) into a fresh database by another process and (2) into this one after a flush; a
    portable backup restored into the other database kind when it is reachable. Every row and file identical."""
    from healthaction.demo.build import DEMO_DOC_NUMBER, build_demo
    from healthaction.plans.models import Plan

    if not Plan.objects.filter(doc_number=DEMO_DOC_NUMBER).exists():
        build_demo()
    evidence, data = _with_uploads()
    counts, before = table_counts(), fingerprint()
    archive, portable = tmp_path / "backup.zip", tmp_path / "portable.zip"
    call_command("backup", "-o", str(archive), stdout=io.StringIO())
    call_command("backup", "--portable", "-o", str(portable), stdout=io.StringIO())

    fresh = ProcDB(tmp_path / "fresh", "restore")
    try:
        fresh.run("restore", str(archive))
        assert _remote_fingerprint(fresh) == before
        assert (tmp_path / "fresh" / "var" / "media" / evidence.file.name).read_bytes() == data
    finally:
        fresh.drop()

    other = "sqlite" if connection.vendor == "postgresql" else "postgresql"
    if other == "sqlite" or reachable("127.0.0.1", 5432):
        crossed = ProcDB(tmp_path / "other", "portable", vendor=other)
        try:
            crossed.run("restore", str(portable))
            assert _remote_fingerprint(crossed) == before
            assert (tmp_path / "other" / "var" / "media" / evidence.file.name).read_bytes() == data
        finally:
            crossed.drop()
    else:
        print("portable restore into PostgreSQL skipped: nothing answers on 127.0.0.1:5432")

    call_command("flush", interactive=False, verbosity=0)
    media_file = Path(settings.MEDIA_ROOT) / evidence.file.name
    media_file.unlink()
    assert not any(table_counts().values())
    call_command("restore", str(archive), stdout=io.StringIO())
    assert table_counts() == counts
    after = fingerprint()
    assert [label for label in before if after[label] != before[label]] == []
    assert media_file.read_bytes() == data
    assert Plan.objects.filter(document_text=TRICKY_TEXT).count() == 1
