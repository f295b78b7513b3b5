"""Load test: concurrent liaisons submit values against a real server; every submission must be stored.

Each user is the office of one of N counties and submits (POST /api/values/, token auth, submit=true)
the values its county owes, one after another, on its own keep-alive connection, against gunicorn in a
second process. Prints throughput, p50/p95 latency and errors, then counts the rows in the database.

PostgreSQL (default): .venv/bin/python bench/submit_load.py [--users 50 --seconds 60]
SQLite, the default set-up (WAL, busy timeout, IMMEDIATE transactions) while plan imports run in another
process the whole time: .venv/bin/python bench/submit_load.py --sqlite --users 20 --seconds 20
The last line is `submit-load: N accepted, E errors, M rows counted`.
"""

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SQLITE = "--sqlite" in sys.argv
if SQLITE:
    # the default set-up: no DATABASE_URL, so settings use var/healthaction.sqlite3 with their SQLite options
    os.environ.pop("DATABASE_URL", None)
    os.environ["HEALTHACTION_VAR_DIR"] = tempfile.mkdtemp(prefix="ha-submit-sqlite-")
else:
    DB_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ha_bench")
    os.environ["DATABASE_URL"] = DB_URL
    os.environ.setdefault("HEALTHACTION_VAR_DIR", tempfile.mkdtemp(prefix="ha-submit-"))
os.environ["DJANGO_SETTINGS_MODULE"] = "healthaction.settings"
PORT = 8766
SEEDS = [ROOT / "../shared/seeds", ROOT / "../../shared/seeds", Path("/work/shared/seeds")]


def wait_for_server(port: int) -> None:
    for _ in range(100):
        try:
            http.client.HTTPConnection("127.0.0.1", port, timeout=1).request("GET", "/healthz")
            return
        except OSError:
            time.sleep(0.2)


def import_source(folder: Path) -> Path:
    """The plan the concurrent imports load: a real seed document (Yunfu) parsed once, else a generated plan."""
    target = folder / "import-plan.json"
    seed = next((p for d in SEEDS if d.is_dir() for p in sorted(d.glob("004_*.txt"))), None)
    if seed is not None:
        from healthaction.documents import parse_document

        target.write_text(json.dumps(parse_document(seed.read_bytes(), seed.name), ensure_ascii=False))
    else:
        target.write_text(
            json.dumps(
                {
                    "format": "healthaction.plan",
                    "version": 1,
                    "plan": {
                        "title": "导入负载方案",
                        "horizon": {"start": 2020, "end": 2030},
                        "org_unit": {"code": "S01", "name": "报送市", "level": "city"},
                    },
                    "actions": [{"number": 1, "name": "导入行动"}],
                    "indicators": [
                        {"number": str(i), "action": 1, "name": f"导入指标{i}", "unit": "%", "nature": "expected"}
                        for i in range(1, 301)
                    ],
                    "tasks": [],
                },
                ensure_ascii=False,
            )
        )
    return target


def setup(users: int):
    if not SQLITE:
        from bench.web_load import ensure_database

        ensure_database()
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from rest_framework.authtoken.models import Token

    from healthaction.collection.services import generate_due_items
    from healthaction.plans.interchange import import_plan
    from healthaction.registry.models import Membership, OrgUnit

    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    province = OrgUnit.objects.create(code="S0", name="报送省", level="province")
    city = OrgUnit.objects.create(code="S01", name="报送市", level="city", parent=province)
    counties = [
        OrgUnit.objects.create(code=f"S01{k:02d}", name=f"报送县{k}", level="county", parent=city) for k in range(users)
    ]
    plan = import_plan(
        {
            "format": "healthaction.plan",
            "version": 1,
            "plan": {
                "title": "报送负载方案",
                "horizon": {"start": 2016, "end": 2030},
                "org_unit": {"code": "S01", "name": "报送市", "level": "city"},
                "status": "published",
            },
            "actions": [{"number": 1, "name": "负载行动"}],
            "indicators": [
                {
                    "number": str(i),
                    "action": 1,
                    "name": f"报送指标{i}",
                    "unit": "%",
                    "nature": "expected",
                    "targets": [{"year": 2030, "kind": "numeric", "comparator": ">=", "value": 60.0, "raw": "≥60"}],
                }
                for i in range(1, 101)
            ],
            "tasks": [],
        }
    )
    generate_due_items(plan)
    tokens = []
    for k, county in enumerate(counties):
        user = get_user_model().objects.create_user(f"county{k}", password="x" * 12)
        Membership.objects.create(user=user, role="area_office", org_unit=county)
        tokens.append((Token.objects.create(user=user).key, county.pk))
    indicators = list(plan.indicators.values_list("pk", flat=True))
    return tokens, indicators


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument(
        "--sqlite", action="store_true", help="the default SQLite set-up, with plan imports running alongside"
    )
    parser.add_argument("--port", type=int, default=PORT)
    args = parser.parse_args()
    port = args.port
    tokens, indicators = setup(args.users)
    env = dict(os.environ, DEBUG="0", ALLOWED_HOSTS="127.0.0.1,localhost")
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "healthaction.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            "3",
            "--threads",
            "8",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
    )
    imports = {"done": 0, "failed": []}
    importer = None
    latencies, ok, errors = [], [0], []
    lock = threading.Lock()
    try:
        wait_for_server(port)
        for _ in range(6):  # warm each worker up (URLconf, views, charts) before the clock starts
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            conn.request("GET", "/api/values/?limit=1", headers={"Authorization": f"Token {tokens[0][0]}"})
            conn.getresponse().read()
        stop = time.monotonic() + args.seconds

        if args.sqlite:
            source = import_source(Path(os.environ["HEALTHACTION_VAR_DIR"]))

            def import_plans():
                # one plan import after another in its own process for the whole run: long write transactions
                while time.monotonic() < stop:
                    done = subprocess.run(
                        [sys.executable, str(ROOT / "manage.py"), "plan", "import", str(source)],
                        env=env,
                        cwd=ROOT,
                        capture_output=True,
                        text=True,
                    )
                    if done.returncode == 0:
                        imports["done"] += 1
                    else:
                        imports["failed"].append(done.stderr.strip().splitlines()[-1:] or ["?"])

            importer = threading.Thread(target=import_plans)
            importer.start()

        def liaison(token, county):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            mine, good = [], 0
            work = [(ind, year) for year in range(2016, 2031) for ind in indicators]
            for ind, year in work:
                if time.monotonic() >= stop:
                    break
                body = json.dumps(
                    {
                        "indicator": ind,
                        "org_unit": county,
                        "year": year,
                        "value": 50.5,
                        "source": "负载测试",
                        "submit": True,
                    }
                )
                t0 = time.perf_counter()
                conn.request(
                    "POST",
                    "/api/values/",
                    body,
                    {"Authorization": f"Token {token}", "Content-Type": "application/json"},
                )
                response = conn.getresponse()
                response.read()
                mine.append(time.perf_counter() - t0)
                if response.status == 200:
                    good += 1
                else:
                    with lock:
                        errors.append(response.status)
            with lock:
                latencies.extend(mine)
                ok[0] += good

        threads = [threading.Thread(target=liaison, args=t) for t in tokens]
        started = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - started
        if importer is not None:
            importer.join()
    finally:
        server.terminate()
        server.wait(10)
    from healthaction.collection.models import IndicatorValue

    stored = IndicatorValue.objects.filter(status="submitted").count()
    latencies.sort()
    print(
        f"{len(tokens)} liaisons for {elapsed:.0f} s: {ok[0]:,} submissions accepted, {len(errors)} errors {sorted(set(errors))}"
    )
    print(
        f"throughput {ok[0] / elapsed:.1f} submissions/s; latency p50 {statistics.median(latencies) * 1000:.0f} ms,"
        f" p95 {latencies[int(len(latencies) * 0.95)] * 1000:.0f} ms"
    )
    print(f"rows in the database: {stored:,} ({'all there' if stored == ok[0] else 'MISMATCH'})")
    if args.sqlite:
        print(
            f"plan imports alongside: {imports['done']} finished, {len(imports['failed'])} failed {imports['failed'][:3]}"
        )
    print(f"submit-load: {ok[0]} accepted, {len(errors) + len(imports['failed'])} errors, {stored} rows counted")


if __name__ == "__main__":
    main()
