"""Backup and restore times of the demo on SQLite and PostgreSQL, next to the old XML restore (dumpdata/loaddata).

Builds the demo once in an SQLite database under a temporary folder, then times, each as a `healthaction` command
in its own process (Python and Django start-up included, about 1–2 s):
- SQLite: native backup (online backup API) and restore into a new empty database; portable backup and restore;
- PostgreSQL: the demo moved there with the portable restore (timed), then native backup (pg_dump) and restore
  (pg_restore) into a new empty database;
- baseline: the former backup's restore, Django's XML `loaddata` of a `dumpdata` of the same demo, on SQLite.
Needs PostgreSQL on 127.0.0.1:5432 for its half (BENCH_PG, default postgres://postgres@127.0.0.1:5432; databases
ha_runtime_br1 and ha_runtime_br2 are created and dropped). Run: .venv/bin/python bench/backup_restore.py
"""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
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


def main():
    tmp = Path(tempfile.mkdtemp(prefix="ha-bench-br-"))
    source = env_for(tmp / "source", f"sqlite:///{tmp / 'source' / 'demo.sqlite3'}")
    print("building the demo on SQLite…", flush=True)
    run(source, "demo")
    size = (tmp / "source" / "demo.sqlite3").stat().st_size
    print(f"demo database: {size / 1e6:.1f} MB")
    rows = []

    native, portable = tmp / "native.zip", tmp / "portable.zip"
    rows.append(("SQLite", "backup (online backup API)", run(source, "backup", "-o", str(native))))
    fresh = env_for(tmp / "sqlite2", f"sqlite:///{tmp / 'sqlite2' / 'db.sqlite3'}")
    rows.append(("SQLite", "restore into an empty database", run(fresh, "restore", str(native))))
    rows.append(("SQLite", "backup --portable", run(source, "backup", "--portable", "-o", str(portable))))
    fresh = env_for(tmp / "sqlite3", f"sqlite:///{tmp / 'sqlite3' / 'db.sqlite3'}")
    rows.append(("SQLite", "restore of the portable backup", run(fresh, "restore", str(portable))))

    try:
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
            pg_native = tmp / "pg.zip"
            rows.append(("PostgreSQL", "backup (pg_dump)", run(pg1, "backup", "-o", str(pg_native))))
            rows.append(
                ("PostgreSQL", "restore into an empty database (pg_restore)", run(pg2, "restore", str(pg_native)))
            )
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


if __name__ == "__main__":
    main()
