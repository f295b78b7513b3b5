"""Load test, the reporting deadline's peak: liaisons submit values while offices approve, a plan import and an
evaluation run beside them; every accepted submission must be stored once.

Each liaison is the office of one county and submits (POST /api/values/, a token issued as the API issues them:
api.tokens.issue, submit=true) the values its county owes, one after another, on its own keep-alive connection.
At the same time `--approvers` committee-office users (default 5) log in to the site and approve what was
submitted (the review form, POST /report/items/<id>/review/), finding it through GET /api/due-items/; in
other processes a plan import (`healthaction plan import`) and an evaluation of the load plan
(`healthaction evaluate --plan`) run one after another for the whole run. The server is `healthaction serve`
with its defaults (gunicorn and one task worker, which evaluates what is approved) in a second process.
Prints throughput, p50/p95 of the saves and approvals, errors, then counts the rows in the database.

PostgreSQL (default; BENCH_DATABASE_URL, database created when missing and emptied):
    .venv/bin/python bench/submit_load.py --users 100 --seconds 120
SQLite, the default set-up (WAL, busy timeout, IMMEDIATE transactions):
    .venv/bin/python bench/submit_load.py --sqlite --users 50 --seconds 60
--smoke: SQLite, 3 liaisons and 2 approvers for 5 s on a free port (scripts/test runs it so).
The last line is `submit-load: N accepted, E errors, M rows counted; …` (target: 0 errors, M = N, save p95 ≤ 1 s).
"""

import argparse
import http.client
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SQLITE = "--sqlite" in sys.argv or "--smoke" in sys.argv
if SQLITE:
    # the default set-up: no DATABASE_URL, so settings use var/healthaction.sqlite3 with their SQLite options
    os.environ.pop("DATABASE_URL", None)
    os.environ["HEALTHACTION_VAR_DIR"] = tempfile.mkdtemp(prefix="ha-submit-sqlite-")
else:
    DB_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ha_bench")
    os.environ["DATABASE_URL"] = DB_URL
    os.environ["HEALTHACTION_VAR_DIR"] = tempfile.mkdtemp(prefix="ha-submit-")
os.environ["DJANGO_SETTINGS_MODULE"] = "healthaction.settings"
PORT = int(os.environ.get("BENCH_PORT", "8119"))
SEEDS = [ROOT / "../shared/seeds", ROOT / "../../shared/seeds", Path("/work/shared/seeds")]
PASSWORD = "submit-load-password"
FIRST_YEAR, LAST_YEAR = 2016, 2030


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_is_free(port: int) -> bool:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def wait_for_server(port: int, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 180  # serve migrates and collects static files first
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"healthaction serve exited with code {server.returncode} before answering on {port}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"nothing answered /healthz on port {port} within 180 s")


def ensure_database(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


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


def setup(users: int, approvers: int, indicators: int):
    """The load plan (published, due items generated), one liaison per county with an API token, the offices."""
    if not SQLITE:
        ensure_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from healthaction.api import tokens
    from healthaction.collection.services import generate_due_items
    from healthaction.plans.interchange import import_plan
    from healthaction.registry.models import Membership, OrgUnit

    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    province = OrgUnit.objects.create(code="S0", name="报送省", level="province")
    city = OrgUnit.objects.create(code="S01", name="报送市", level="city", parent=province)
    counties = [
        OrgUnit.objects.create(code=f"S01{k:03d}", name=f"报送县{k}", level="county", parent=city) for k in range(users)
    ]
    plan = import_plan(
        {
            "format": "healthaction.plan",
            "version": 1,
            "plan": {
                "title": "报送负载方案",
                "horizon": {"start": FIRST_YEAR, "end": LAST_YEAR},
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
                for i in range(1, indicators + 1)
            ],
            "tasks": [],
        }
    )
    generate_due_items(plan)
    User = get_user_model()
    liaisons = []
    for k, county in enumerate(counties):
        user = User.objects.create_user(f"county{k}")  # API tokens only: no password to hash (seconds per 100 users)
        Membership.objects.create(user=user, role="area_office", org_unit=county)
        _token, key = tokens.issue(user)
        liaisons.append((key, county.pk))
    offices = []
    for k in range(approvers):
        user = User.objects.create_user(f"office{k}", password=PASSWORD)
        Membership.objects.create(user=user, role="office_admin", org_unit=city)
        offices.append(user.username)
    return plan.pk, liaisons, offices, list(plan.indicators.values_list("pk", flat=True))


# a review-queue row: its tick box and the version shown beside it (collection/review.html)
QUEUE_ROW = re.compile(r'name="item" value="(\d+)"[^>]*><input type="hidden" name="version-\d+" value="(\d+)"')


class WebClient:
    """A logged-in browser: session and CSRF cookies on one keep-alive connection."""

    def __init__(self, port: int):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}

    def request(self, method, path, body=None, headers=None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        data = response.read()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return response.status, data

    def post_form(self, path, fields):
        fields = {"csrfmiddlewaretoken": self.cookies.get("csrftoken", ""), **fields}
        return self.request(
            "POST",
            path,
            urlencode(fields),
            {"Content-Type": "application/x-www-form-urlencoded", "Referer": f"http://127.0.0.1:{self.port}{path}"},
        )

    def login(self, username):
        status, body = self.request("GET", "/accounts/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
        status, _ = self.request(
            "POST",
            "/accounts/login/",
            urlencode({"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD}),
            {
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": f"http://127.0.0.1:{self.port}/accounts/login/",
            },
        )
        if status != 302:
            raise SystemExit(f"{username} could not log in (HTTP {status})")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))] if ordered else 0.0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=50, help="liaisons submitting at once (one county each)")
    parser.add_argument("--approvers", type=int, default=5, help="committee-office users approving at once")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--indicators", type=int, default=100, help="indicators of the load plan")
    parser.add_argument("--sqlite", action="store_true", help="the default SQLite set-up instead of PostgreSQL")
    parser.add_argument("--port", type=int, default=PORT)
    parser.add_argument(
        "--smoke", action="store_true", help="SQLite, 3 liaisons, 2 approvers, 5 s (scripts/test runs it so)"
    )
    args = parser.parse_args()
    if args.smoke:
        args.users, args.approvers, args.seconds, args.indicators, args.port = 3, 2, 5, 10, free_port()
    port = args.port
    if not port_is_free(port):
        raise SystemExit(f"port {port} is taken by another process: choose a free one with --port or BENCH_PORT")
    t0 = time.perf_counter()
    plan_id, liaisons, offices, indicators = setup(args.users, args.approvers, args.indicators)
    print(
        f"setup: {len(liaisons)} liaisons, {len(offices)} offices, {len(indicators)} indicators × "
        f"{LAST_YEAR - FIRST_YEAR + 1} years each, {'SQLite' if SQLITE else 'PostgreSQL'}, {time.perf_counter() - t0:.0f} s"
    )
    env = dict(
        os.environ,
        DEBUG="0",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        WEB_ACCESS_LOG="/dev/null",
        HEALTHACTION_SCHEDULE="off",
    )
    server_log = Path(os.environ["HEALTHACTION_VAR_DIR"]) / "serve.log"
    server = subprocess.Popen(
        [sys.executable, "-m", "healthaction.cli", "serve", f"127.0.0.1:{port}"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=server_log.open("w"),
    )
    side = {"imports": 0, "evaluations": 0, "failed": []}
    saves, approvals, errors = [], [], []
    accepted, approved = [0], [0]
    lock = threading.Lock()
    helpers = []
    try:
        wait_for_server(port, server)
        for _ in range(6):  # warm each web worker up (URLconf, views) before the clock starts
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            conn.request("GET", "/api/values/?limit=1", headers={"Authorization": f"Token {liaisons[0][0]}"})
            conn.getresponse().read()
        source = import_source(Path(os.environ["HEALTHACTION_VAR_DIR"]))
        stop = time.monotonic() + args.seconds

        def loop(name: str, command: list[str]):
            # one run after another in its own process for the whole time: long transactions beside the saves
            while time.monotonic() < stop:
                done = subprocess.run(
                    [sys.executable, "-m", "healthaction.cli", *command],
                    env=env,
                    cwd=ROOT,
                    capture_output=True,
                    text=True,
                )
                with lock:
                    if done.returncode == 0:
                        side[name] += 1
                    else:
                        side["failed"].append(f"{name}: {(done.stderr.strip().splitlines() or ['?'])[-1]}")

        helpers = [
            threading.Thread(target=loop, args=("imports", ["plan", "import", str(source)])),
            threading.Thread(target=loop, args=("evaluations", ["evaluate", "--plan", str(plan_id)])),
        ]

        def liaison(token, county):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            mine, good, bad = [], 0, []
            for year in range(FIRST_YEAR, LAST_YEAR + 1):
                for ind in indicators:
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
                    started = time.perf_counter()
                    try:
                        conn.request(
                            "POST",
                            "/api/values/",
                            body,
                            {"Authorization": f"Token {token}", "Content-Type": "application/json"},
                        )
                        response = conn.getresponse()
                        response.read()
                    except (OSError, http.client.HTTPException) as exc:  # no answer in 60 s: an error, go on
                        mine.append(time.perf_counter() - started)
                        bad.append(f"save {type(exc).__name__}")
                        conn.close()
                        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                        continue
                    mine.append(time.perf_counter() - started)
                    if response.status == 200:
                        good += 1
                    else:
                        bad.append(f"save {response.status}")
            with lock:
                saves.extend(mine)
                accepted[0] += good
                errors.extend(bad)

        def office(number: int, username: str):
            mine, bad = [], []
            try:
                client = WebClient(port)
                client.login(username)
                approve(number, client, mine, bad)
            except (OSError, http.client.HTTPException) as exc:  # no answer in 60 s: an error
                bad.append(f"office {type(exc).__name__}")
            with lock:
                approvals.extend(mine)
                approved[0] += sum(1 for _ in mine) - sum(1 for b in bad if b.startswith("approve"))
                errors.extend(bad)

        def approve(number: int, client: WebClient, mine: list, bad: list):
            # as an office does: the review queue shows each submitted value with its version, and an approval names
            # the version it saw (a value changed since is refused, not approved); the offices share the queue
            query = urlencode({"plan": plan_id})
            while time.monotonic() < stop:
                status, body = client.request("GET", f"/report/review/?{query}")
                if status != 200:
                    bad.append(f"queue {status}")
                    time.sleep(0.5)
                    continue
                shown = [(int(pk), version) for pk, version in QUEUE_ROW.findall(body.decode("utf-8"))]
                mine_now = [(pk, version) for pk, version in shown if pk % len(offices) == number]
                if not mine_now:
                    time.sleep(0.5)
                    continue
                for item, version in mine_now[:10]:
                    if time.monotonic() >= stop:
                        break
                    started = time.perf_counter()
                    status, _ = client.post_form(
                        f"/report/items/{item}/review/", {"action": "approve", "version": version}
                    )
                    mine.append(time.perf_counter() - started)
                    if status != 302:
                        bad.append(f"approve {status}")

        threads = [threading.Thread(target=liaison, args=t) for t in liaisons]
        threads += [threading.Thread(target=office, args=(k, name)) for k, name in enumerate(offices)]
        started = time.monotonic()
        for t in helpers + threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - started
        for t in helpers:
            t.join()
    finally:
        server.terminate()  # serve passes SIGTERM on to gunicorn and the worker
        server.wait(60)
    from django.db.models import Count

    from healthaction.collection.models import IndicatorValue

    rows = IndicatorValue.objects.filter(indicator__plan_id=plan_id)
    stored = rows.count()
    twice = rows.values("indicator", "org_unit", "year").annotate(n=Count("pk")).filter(n__gt=1).count()
    now_approved = rows.filter(status="approved").count()
    failures = len(errors) + len(side["failed"]) + twice
    if approved[0] and not now_approved:  # the site refused every approval (it answers a refusal with a redirect too)
        errors.append("approvals posted, none stored")
        failures += 1
    print(
        f"{len(liaisons)} liaisons and {len(offices)} offices for {elapsed:.0f} s: {accepted[0]:,} submissions accepted,"
        f" {approved[0]:,} approvals; {len(errors)} errors {sorted(set(errors))[:5]}"
    )
    print(
        f"saves: {accepted[0] / elapsed:.1f}/s; latency p50 {statistics.median(saves or [0]) * 1000:.0f} ms,"
        f" p95 {percentile(saves, 0.95) * 1000:.0f} ms, max {max(saves or [0]) * 1000:.0f} ms"
    )
    print(
        f"approvals: {approved[0] / elapsed:.1f}/s; latency p50 {statistics.median(approvals or [0]) * 1000:.0f} ms,"
        f" p95 {percentile(approvals, 0.95) * 1000:.0f} ms ({now_approved:,} values approved in the database)"
    )
    print(
        f"alongside: {side['imports']} plan imports and {side['evaluations']} evaluations finished,"
        f" {len(side['failed'])} failed {side['failed'][:3]}"
    )
    print(
        f"rows in the database: {stored:,} ({'all there' if stored == accepted[0] else 'MISMATCH'}),"
        f" {twice} stored more than once"
    )
    print(f"load average (shared machine): {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; server log {server_log}")
    print(
        f"submit-load: {accepted[0]} accepted, {failures} errors, {stored} rows counted;"
        f" save p95 {percentile(saves, 0.95) * 1000:.0f} ms (target: 0 errors, every accepted value stored once,"
        " save p95 ≤ 1000 ms)"
    )
    if failures or stored != accepted[0]:
        sys.exit(1)


if __name__ == "__main__":
    main()
