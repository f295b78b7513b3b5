"""Load test: 50 concurrent liaisons submit values for 60 s against PostgreSQL; every submission must be stored.

Each user is the office of one of 50 counties and submits (POST /api/values/, token auth, submit=true)
the values its county owes, one after another, on its own keep-alive connection, against gunicorn in a
second process. Prints throughput, p50/p95 latency and errors, then counts the rows in the database.
Run: .venv/bin/python bench/submit_load.py [--users 50 --seconds 60]
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
DB_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ha_bench")
os.environ["DATABASE_URL"] = DB_URL
os.environ.setdefault("HEALTHACTION_VAR_DIR", tempfile.mkdtemp(prefix="ha-submit-"))
os.environ["DJANGO_SETTINGS_MODULE"] = "healthaction.settings"
PORT = 8766


def setup(users: int):
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
    counties = [OrgUnit.objects.create(code=f"S01{k:02d}", name=f"报送县{k}", level="county", parent=city) for k in range(users)]
    plan = import_plan({
        "format": "healthaction.plan", "version": 1,
        "plan": {"title": "报送负载方案", "horizon": {"start": 2016, "end": 2030}, "org_unit": {"code": "S01", "name": "报送市", "level": "city"}, "status": "published"},
        "actions": [{"number": 1, "name": "负载行动"}],
        "indicators": [{"number": str(i), "action": 1, "name": f"报送指标{i}", "unit": "%", "nature": "expected",
                        "targets": [{"year": 2030, "kind": "numeric", "comparator": ">=", "value": 60.0, "raw": "≥60"}]} for i in range(1, 101)],
        "tasks": [],
    })
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
    args = parser.parse_args()
    tokens, indicators = setup(args.users)
    env = dict(os.environ, DEBUG="0", ALLOWED_HOSTS="127.0.0.1,localhost")
    server = subprocess.Popen([str(ROOT / ".venv/bin/gunicorn"), "healthaction.wsgi", "-b", f"127.0.0.1:{PORT}", "-w", "3", "--threads", "8", "--log-level", "warning"], env=env, cwd=ROOT)
    latencies, ok, errors = [], [0], []
    lock = threading.Lock()
    try:
        from bench.web_load import wait_for_server

        wait_for_server(PORT)
        stop = time.monotonic() + args.seconds

        def liaison(token, county):
            conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
            mine, good = [], 0
            work = [(ind, year) for year in range(2016, 2031) for ind in indicators]
            for ind, year in work:
                if time.monotonic() >= stop:
                    break
                body = json.dumps({"indicator": ind, "org_unit": county, "year": year, "value": 50.5, "source": "负载测试", "submit": True})
                t0 = time.perf_counter()
                conn.request("POST", "/api/values/", body, {"Authorization": f"Token {token}", "Content-Type": "application/json"})
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
    finally:
        server.terminate()
        server.wait(10)
    from healthaction.collection.models import IndicatorValue

    stored = IndicatorValue.objects.filter(status="submitted").count()
    latencies.sort()
    print(f"{len(tokens)} liaisons for {elapsed:.0f} s: {ok[0]:,} submissions accepted, {len(errors)} errors {sorted(set(errors))}")
    print(f"throughput {ok[0] / elapsed:.1f} submissions/s; latency p50 {statistics.median(latencies) * 1000:.0f} ms, p95 {latencies[int(len(latencies) * 0.95)] * 1000:.0f} ms")
    print(f"rows in the database: {stored:,} ({'all there' if stored == ok[0] else 'MISMATCH'})")


if __name__ == "__main__":
    main()
