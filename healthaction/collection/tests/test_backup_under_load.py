"""Issue 24, Done-when 4: native and portable backups taken while 20 users save values all restore, with the
archive's own row counts, on the database the tests run on (SQLite or PostgreSQL).

A bounded form of the load: 20 threads in one `healthaction shell` process, each saving drafts of its own
indicator value through collection.services.save_submission (the path every door takes), for as long as the
backups take. Each backup runs in its own `healthaction backup` process while the saves go on; each archive is
restored into a fresh database, and the rows there are counted and compared with the counts in its manifest.
"""

import json
import re
import zipfile

import pytest

from healthaction.core.tests.procs import ProcDB, wait_for

SAVER = """
import threading
from pathlib import Path
from django.contrib.auth import get_user_model
from django.db import connection, OperationalError
from healthaction.collection import services
from healthaction.collection.models import DueItem
from healthaction.core.choices import DueKind, ValueStatus
from healthaction.registry import scopes

USERS = 20
stop = Path("stop")
liaison = get_user_model().objects.get(username="liaison")
items = []
for item in DueItem.objects.filter(kind=DueKind.INDICATOR_VALUE, obsolete=False, indicator__unit="%").order_by("pk"):
    obj = services.submission_for(item)
    if scopes.can_report(liaison, item) and (obj is None or obj.status in (ValueStatus.DRAFT, ValueStatus.RETURNED)):
        items.append(item)
    if len(items) == USERS:
        break
assert len(items) == USERS, len(items)
saved, refused, other = [0] * USERS, [0] * USERS, {}

def save(k):
    item, n = items[k], 0
    while not stop.exists():
        obj = services.submission_for(item)
        version = obj.version if obj is not None and obj.pk else 0
        try:
            _obj, check = services.save_submission(
                liaison, item, {"value": 20 + (n % 50) / 10, "source": "负载"}, submit=False, expected_version=version
            )
            saved[k] += 0 if check.errors else 1
        except (OperationalError, services.Conflict):  # a locked SQLite write: the user saves again
            refused[k] += 1
        except Exception as exc:  # anything else is counted and shown, and the user goes on
            other[type(exc).__name__ + ": " + str(exc)[:120]] = other.get(type(exc).__name__ + ": " + str(exc)[:120], 0) + 1
        n += 1
    connection.close()

threads = [threading.Thread(target=save, args=(k,)) for k in range(USERS)]
Path("started").write_text("")
[t.start() for t in threads]
[t.join() for t in threads]
print("users", sum(1 for s in saved if s), "saved", sum(saved), "refused", sum(refused), "other", other)
"""

TABLES = {
    "collection.indicatorvalue": "collection_indicatorvalue",
    "collection.revision": "collection_revision",
    "collection.dueitem": "collection_dueitem",
    "plans.indicator": "plans_indicator",
}


def _manifest_counts(archive) -> dict[str, int]:
    with zipfile.ZipFile(archive) as zf:
        return json.loads(zf.read("manifest.json"))["counts"]


pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def source(tmp_path_factory, django_db_setup, django_db_blocker):
    """A database of its own holding the demo, copied outside any test transaction (SQLite's in-memory test
    database cannot be copied from inside one)."""
    with django_db_blocker.unblock():
        db = ProcDB(tmp_path_factory.mktemp("load"), "load")
        db.copy_test_database()
    yield db
    db.drop()


def test_native_and_portable_backups_taken_while_20_users_save_all_restore(source, tmp_path):
    targets = []
    try:

        def revisions():  # every save raises a value's version (a draft's revisions are merged, not added)
            return source.query("SELECT COALESCE(SUM(version), 0) FROM collection_indicatorvalue")[0][0]

        before = revisions()
        saver = source.start("shell", "--no-imports", "-c", SAVER, log_name="saver")
        wait_for(lambda: revisions() >= before + 100, timeout=180, what="saves under way")
        archives, progress = {}, [before]
        for name, extra in (("native", []), ("portable", ["--portable"]), ("native-2", [])):
            archives[name] = tmp_path / f"{name}.zip"
            source.run("backup", *extra, "-o", str(archives[name]))
            progress.append(revisions())
        (source.tmp / "stop").write_text("")
        assert saver.wait(timeout=180) == 0, source.log("saver")[-3000:]
        print(source.log("saver")[-3000:], "saved versions before, after each backup:", progress)
        log = source.log("saver")
        users = re.search(r"users (\d+) saved (\d+)", log)
        assert users and int(users.group(1)) >= 15, log[-3000:]  # nearly every one of the 20 saved, many times
        after = revisions()

        for k, (name, archive) in enumerate(archives.items()):
            counts = _manifest_counts(archive)
            target = ProcDB(tmp_path / f"target-{k}", f"loadr{k}")
            targets.append(target)
            result = target.run("restore", str(archive), check=False, timeout=900)
            assert result.returncode == 0, (name, result.stderr[-3000:])
            restored = {label: target.query(f"SELECT COUNT(*) FROM {table}")[0][0] for label, table in TABLES.items()}
            assert restored == {label: counts[label] for label in TABLES}, name
            # taken during the saves: more saved than before the load, less than at its end
            versions = target.query("SELECT COALESCE(SUM(version), 0) FROM collection_indicatorvalue")[0][0]
            assert before < versions <= after, (name, before, versions, after, progress)
    finally:
        (source.tmp / "stop").write_text("")
        for target in targets:
            target.drop()
