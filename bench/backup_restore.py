"""Backup and restore times of the demo on SQLite and PostgreSQL, next to the old XML restore (dumpdata/loaddata).

Builds the demo once in an SQLite database under a temporary folder and gives it uploaded files of every kind the
site stores (the demo itself has none): evidence on values and task reports, the plan's source document (a seed
plan when /work/shared/seeds is there), photos of inspection scores, rectification evidence and a report a job made —
FILES files, 2 KB to 2 MB of incompressible bytes. Then times, each as a `healthaction` command in its own process
(Python and Django start-up included, about 1–2 s):
- SQLite: native backup (online backup API) and restore into a new empty database; portable backup and restore;
- PostgreSQL: the demo moved there with the portable restore (timed), then native backup (pg_dump) and restore
  (pg_restore) into a new empty database;
- baseline: the former backup's restore, Django's XML `loaddata` of a `dumpdata` of the same demo, on SQLite.
After every restore the restored database and files are compared with the source, table by table and file by file
(core.backup.fingerprint: each row as Django reads it, each file's SHA-256); any difference stops the run.
Needs PostgreSQL on 127.0.0.1:5432 for its half (BENCH_PG, default postgres://postgres@127.0.0.1:5432; databases
ha_runtime_br1 and ha_runtime_br2 are created and dropped). Run: .venv/bin/python bench/backup_restore.py
--smoke: an empty migrated database with 8 files instead of the demo, SQLite only (a shared PostgreSQL is left alone).
"""

import argparse
import hashlib
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = Path("/work/shared/seeds")
FILES = 240
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
EXCLUDE = ["contenttypes", "auth.permission", "sessions", "axes", "admin.logentry"]


def run(env, *args, quiet=True) -> float:
    t0 = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "healthaction.cli", *args], env=env, capture_output=quiet, text=True)
    if result.returncode:
        raise SystemExit(f"healthaction {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return time.perf_counter() - t0


def env_for(var: Path, url: str) -> dict:
    var.mkdir(parents=True, exist_ok=True)
    return dict(
        os.environ,
        DATABASE_URL=url,
        HEALTHACTION_VAR_DIR=str(var),
        HEALTHACTION_SCHEDULE="off",
        HEALTHACTION_DEMO="1",
        LOG_LEVEL="ERROR",
        HEALTHACTION_LOG_LEVEL="ERROR",
    )


def pg_admin(*statements):
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        for s in statements:
            conn.execute(s)


def _django():
    os.environ["DJANGO_SETTINGS_MODULE"] = "healthaction.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def add_files(files: int = FILES) -> None:
    """Give the demo uploaded files of every kind (run in the source database's environment)."""
    _django()
    from django.core.files.base import ContentFile

    from healthaction.collection.models import Evidence, IndicatorValue, TaskReport
    from healthaction.core.models import Job
    from healthaction.inspections.models import FindingEvent, Score, ScoreFile
    from healthaction.plans.models import Plan

    rng = random.Random(18)

    def blob(k: int) -> bytes:
        size = 2_000 if k % 10 else 2_000_000  # most small, one in ten 2 MB (a scanned PDF, a photo)
        return rng.randbytes(rng.randrange(size // 2, size))

    k = 0
    for value in IndicatorValue.objects.order_by("pk")[: files // 2]:
        data = blob(k)
        Evidence.objects.create(
            value=value,
            file=ContentFile(data, name=f"e{k}.pdf"),
            original_name=f"佐证材料 {k}.pdf",
            content_type="application/pdf",
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
        )
        k += 1
    for report in TaskReport.objects.order_by("pk")[: files // 4]:
        data = blob(k)
        Evidence.objects.create(
            task_report=report,
            file=ContentFile(data, name=f"t{k}.docx"),
            original_name=f"工作总结{k}.docx",
            content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
        )
        k += 1
    for score in Score.objects.order_by("pk")[: files // 8]:
        ScoreFile.objects.create(score=score, file=ContentFile(blob(k), name=f"s{k}.jpg"), name=f"现场照片{k}.jpg")
        k += 1
    for event in FindingEvent.objects.order_by("pk")[: files // 16]:
        event.evidence.save(f"r{k}.pdf", ContentFile(blob(k)), save=False)
        event.evidence_name = f"整改材料{k}.pdf"
        event.save(update_fields=["evidence", "evidence_name"])
        k += 1
    seed = next(iter(sorted(SEEDS.glob("*.txt"))), None) if SEEDS.is_dir() else None
    for plan in Plan.objects.order_by("pk"):
        data = seed.read_bytes() if seed else blob(k)
        plan.source_file.save(f"plan-{plan.pk}.txt", ContentFile(data), save=True)
        k += 1
    job = Job.objects.create(kind="report", status="done", progress=100)
    job.result_file.save("年度监测评估报告.docx", ContentFile(blob(k)), save=True)
    print(k + 1)


def print_fingerprint() -> None:
    _django()
    from healthaction.core.backup import fingerprint

    print(json.dumps(fingerprint()))


def fingerprint_of(env) -> dict[str, str]:
    result = subprocess.run(
        [sys.executable, __file__, "--fingerprint"], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def check_round_trip(name: str, expected: dict[str, str], env) -> None:
    got = fingerprint_of(env)
    differ = sorted(k for k in expected.keys() | got.keys() if expected.get(k) != got.get(k))
    if differ:
        raise SystemExit(
            f"{name}: the restored data differ from the source in {len(differ)} tables/files: {differ[:10]}"
        )
    files = sum(1 for k in got if k.startswith("media/"))
    print(f"  {name}: identical ({len(got) - files} tables, {files} files)", flush=True)


def main(smoke: bool = False):
    tmp = Path(tempfile.mkdtemp(prefix="ha-bench-br-"))
    source = env_for(tmp / "source", f"sqlite:///{tmp / 'source' / 'demo.sqlite3'}")
    if smoke:
        print("smoke: an empty migrated database instead of the demo", flush=True)
        run(source, "migrate")
    else:
        print("building the demo on SQLite…", flush=True)
        run(source, "demo")
    added = subprocess.run(
        [sys.executable, __file__, "--add-files", str(16 if smoke else FILES)],
        env=source,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()[-1]
    size = (tmp / "source" / "demo.sqlite3").stat().st_size
    media = sum(p.stat().st_size for p in (tmp / "source" / "media").rglob("*") if p.is_file())
    print(f"demo database: {size / 1e6:.1f} MB; uploaded files: {added}, {media / 1e6:.1f} MB")
    expected = fingerprint_of(source)
    rows = []

    native, portable = tmp / "native.zip", tmp / "portable.zip"
    rows.append(("SQLite", "backup (online backup API)", run(source, "backup", "-o", str(native))))
    fresh = env_for(tmp / "sqlite2", f"sqlite:///{tmp / 'sqlite2' / 'db.sqlite3'}")
    rows.append(("SQLite", "restore into an empty database", run(fresh, "restore", str(native))))
    check_round_trip("SQLite native", expected, fresh)
    if smoke:
        print("smoke: the portable backup and PostgreSQL are left to a full run")
    else:
        rows.append(("SQLite", "backup --portable", run(source, "backup", "--portable", "-o", str(portable))))
        fresh = env_for(tmp / "sqlite3", f"sqlite:///{tmp / 'sqlite3' / 'db.sqlite3'}")
        rows.append(("SQLite", "restore of the portable backup", run(fresh, "restore", str(portable))))
        check_round_trip("SQLite portable", expected, fresh)

    try:
        if smoke:
            raise RuntimeError("smoke mode")
        pg_admin(
            "DROP DATABASE IF EXISTS ha_runtime_br1 WITH (FORCE)",
            "DROP DATABASE IF EXISTS ha_runtime_br2 WITH (FORCE)",
            "CREATE DATABASE ha_runtime_br1",
            "CREATE DATABASE ha_runtime_br2",
        )
    except Exception as exc:  # noqa: BLE001 - the SQLite half still stands
        print(f"PostgreSQL part skipped: {exc}")
    else:
        try:
            pg1, pg2 = env_for(tmp / "pg1", f"{PG}/ha_runtime_br1"), env_for(tmp / "pg2", f"{PG}/ha_runtime_br2")
            rows.append(("PostgreSQL", "restore of the SQLite portable backup", run(pg1, "restore", str(portable))))
            check_round_trip("PostgreSQL from the SQLite portable backup", expected, pg1)
            pg_native = tmp / "pg.zip"
            rows.append(("PostgreSQL", "backup (pg_dump)", run(pg1, "backup", "-o", str(pg_native))))
            rows.append(
                ("PostgreSQL", "restore into an empty database (pg_restore)", run(pg2, "restore", str(pg_native)))
            )
            check_round_trip("PostgreSQL native", expected, pg2)
        finally:
            pg_admin(
                "DROP DATABASE IF EXISTS ha_runtime_br1 WITH (FORCE)",
                "DROP DATABASE IF EXISTS ha_runtime_br2 WITH (FORCE)",
            )

    xml = tmp / "data.xml"
    with open(xml, "w") as out:
        t0 = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "healthaction.cli",
                "dumpdata",
                "--natural-foreign",
                "--format=xml",
                *[f"--exclude={e}" for e in EXCLUDE],
            ],
            env=source,
            stdout=out,
            check=True,
        )
        rows.append(("baseline", "old backup: dumpdata XML (SQLite)", time.perf_counter() - t0))
    old = env_for(tmp / "old", f"sqlite:///{tmp / 'old' / 'db.sqlite3'}")
    migrate = run(old, "migrate")
    rows.append(("baseline", "old restore: loaddata XML (SQLite, after migrate)", run(old, "loaddata", str(xml))))

    print(f"\n{'database':<11} {'step':<52} {'seconds':>8}")
    for db, step, seconds in rows:
        print(f"{db:<11} {step:<52} {seconds:8.1f}")
    baseline = rows[-1][2]
    new = next(s for d, st, s in rows if d == "SQLite" and st.startswith("restore into"))
    print(
        f"\nnative SQLite restore: {baseline / new:.1f} x faster than the old XML restore in this run "
        f"(migrate of the empty database for the old restore: {migrate:.1f} s more)"
    )
    for name in ("native.zip", "portable.zip", "pg.zip"):
        if (tmp / name).exists():
            print(f"{name}: {(tmp / name).stat().st_size / 1e6:.1f} MB")
    print(
        f"backup-restore: native SQLite restore {new:.1f} s, old XML restore {baseline:.1f} s,"
        f" {baseline / new:.1f} × faster (target: faster than the old XML restore, every restore identical)"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--smoke", action="store_true", help="a tiny database, SQLite only (scripts/test runs it so)")
    parser.add_argument("--add-files", type=int, metavar="N", help=argparse.SUPPRESS)
    parser.add_argument("--fingerprint", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.add_files is not None:
        add_files(args.add_files)
    elif args.fingerprint:
        print_fingerprint()
    else:
        main(args.smoke)
