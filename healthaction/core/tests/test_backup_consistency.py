"""Issue 24, finding 3: native backups taken while people save restore, and a failed restore leaves nothing behind.

On main at 05c271a the counts of a native backup were taken outside its snapshot ("restored row counts differ" for
backups taken during saves: SQLite 1 of 3, PostgreSQL 3 of 3), and a restore that failed after loading left its rows
and files in place and refused the retry as "not empty". Runs on the database the tests run on (SQLite or
PostgreSQL), through real `healthaction` processes."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

from healthaction.core import backup
from healthaction.core.backup import fingerprint, table_counts
from healthaction.core.choices import Level
from healthaction.core.tests.procs import ProcDB, wait_for
from healthaction.registry.models import OrgUnit

SAVER = """
import threading, time
from pathlib import Path
from django.db import connection
from healthaction.registry.models import OrgUnit
stop = Path("stop")
root = OrgUnit.objects.get_or_create(code="S0", defaults={"name": "保存市", "level": "city"})[0]
def save(k):
    n = 0
    while not stop.exists():
        OrgUnit.objects.create(code=f"S{k}-{n}", name=f"单位{k}-{n}", level="county", parent=root)
        n += 1
    connection.close()
threads = [threading.Thread(target=save, args=(k,)) for k in range(4)]
[t.start() for t in threads]
[t.join() for t in threads]
print("saved", OrgUnit.objects.count())
"""


@pytest.mark.flushes
def test_native_backups_taken_while_four_threads_save_all_restore(transactional_db, tmp_path):
    source = ProcDB(tmp_path / "source", "saving")
    try:
        source.run("migrate")
        saver = source.start("shell", "--no-imports", "-c", SAVER, log_name="saver")
        wait_for(lambda: source.query("SELECT COUNT(*) FROM registry_orgunit")[0][0] > 20, what="saves under way")
        archives = []
        for k in range(3):
            archive = tmp_path / f"during-{k}.zip"
            source.run("backup", "-o", str(archive))
            archives.append(archive)
        (tmp_path / "source" / "stop").write_text("")
        assert saver.wait(timeout=120) == 0, source.log("saver")
        assert "saved" in source.log("saver")
        for k, archive in enumerate(archives):
            target = ProcDB(tmp_path / f"target-{k}", f"restored{k}")
            try:
                result = target.run("restore", str(archive), check=False)
                assert result.returncode == 0, result.stderr[-2000:]
                counted = target.query("SELECT COUNT(*) FROM registry_orgunit")[0][0]
                assert counted > 20
            finally:
                target.drop()
    finally:
        source.drop()


@pytest.mark.flushes
def test_a_restore_that_fails_midway_leaves_an_empty_database_and_no_files_and_a_retry_works(
    transactional_db, tmp_path, monkeypatch
):
    city = OrgUnit.objects.create(code="B10", name="备份市", level=Level.CITY)
    OrgUnit.objects.create(code="B11", name="备份县", level=Level.COUNTY, parent=city)
    names = {}
    for n in "abc":
        data = b"%PDF-1.4 " + n.encode()
        names[default_storage.save(f"evidence/2026/12/{n}.pdf", ContentFile(data))] = data
    counts, before = table_counts(), fingerprint()
    archive = tmp_path / "native.zip"
    call_command("backup", "-o", str(archive), stdout=io.StringIO())

    call_command("flush", interactive=False, verbosity=0)
    media = Path(settings.MEDIA_ROOT)
    for name in names:
        (media / name).unlink()

    def files():
        return sorted(p for p in media.rglob("*") if p.is_file())

    untouched = files()  # other tests' files may be there, with the archive's content: they stay
    placed = []

    def place_then_fail(source, target):
        if placed:
            raise OSError("disk full (forced by the test)")
        backup.os.replace(source, target)
        placed.append(target)

    monkeypatch.setattr(backup, "_place", place_then_fail)
    with pytest.raises(OSError, match="forced"):
        call_command("restore", str(archive), stdout=io.StringIO())
    assert len(placed) == 1
    assert not any(table_counts().values())  # the database is as it was: empty
    assert files() == untouched  # and the media folder too: none of the archive's new files stayed

    monkeypatch.undo()
    call_command("restore", str(archive), stdout=io.StringIO())  # the retry is accepted and completes
    assert table_counts() == counts
    assert all((media / name).read_bytes() == data for name, data in names.items())
    after = fingerprint()
    assert [label for label in before if after.get(label) != before[label]] == []


def test_a_count_mismatch_is_refused_and_rolled_back(transactional_db, tmp_path, monkeypatch):
    """The last check of a restore (the manifest's counts) failing also leaves the database empty."""
    OrgUnit.objects.create(code="B20", name="核对市", level=Level.CITY)
    archive = tmp_path / "native.zip"
    call_command("backup", "-o", str(archive), stdout=io.StringIO())
    call_command("flush", interactive=False, verbosity=0)
    real = backup.table_counts

    def miscount(excluded=backup.EXCLUDE):
        counts = real(excluded)
        if excluded == []:
            counts["registry.orgunit"] += 1
        return counts

    monkeypatch.setattr(backup, "table_counts", miscount)
    with pytest.raises(CommandError, match="differ"):
        call_command("restore", str(archive), stdout=io.StringIO())
    monkeypatch.undo()
    assert not any(table_counts().values())
    call_command("restore", str(archive), stdout=io.StringIO())
    assert OrgUnit.objects.filter(code="B20").count() == 1
