"""Load benchmark: pages under concurrent logged-in users, on PostgreSQL, beside a trivial view in the same run.

Default (city scale): 1 city, 10 counties, 150 towns, 150 indicators, 10 years of values; the dashboard and the
indicator page under 20 users. --province: the province-scale data set (healthaction/demo/province_scale.py: 1
province, 14 cities, 120 counties, 2,500 liaisons, 125 indicators per plan, 6 years of values), every page an office,
a liaison or a leader opens (dashboard, county comparison, indicator page, inbox, review queue, task board,
completeness, reports, people, inspections), by default under 50 users (--users N).
The server is `healthaction serve --no-worker` with its default settings (gunicorn, WEB_WORKERS/WEB_THREADS
defaults, WhiteNoise) in a second process on loopback; the load comes from this process (threads with keep-alive
connections, each a logged-in user), one page after the other. Prints p50/p95 latency and throughput per page and
for a trivial view (/healthz) under the same load, the ratios, and last
`web-load: worst p95 … ms (page), lowest throughput …× the trivial view's (target p95 ≤ 200 ms)`.
Needs PostgreSQL (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/ha_runtime_bench; the database
is created when missing and refilled). --smoke: the small province set, 2 users, half a second per page, on SQLite
in HEALTHACTION_VAR_DIR unless BENCH_DATABASE_URL is set; exits with 1 when any page answers with an error.
Run: BENCH_PORT=8150 .venv/bin/python bench/web_load.py [--province] [--seconds 20] [--users 20] [--reuse] [--smoke]
"""

import argparse
import http.client
import os
import random
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
SMOKE = "--smoke" in sys.argv[1:]
os.environ.setdefault("HEALTHACTION_VAR_DIR", tempfile.mkdtemp(prefix="ha-load-"))
if SMOKE and "BENCH_DATABASE_URL" not in os.environ:
    DB_URL = f"sqlite:///{Path(os.environ['HEALTHACTION_VAR_DIR']) / 'web_load_smoke.sqlite3'}"
else:
    DB_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ha_runtime_bench")
os.environ["DATABASE_URL"] = DB_URL
os.environ["DJANGO_SETTINGS_MODULE"] = "healthaction.settings"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# a smoke run takes any free port unless told one (it runs beside other work); a measured run its own fixed one
PORT = int(os.environ.get("BENCH_PORT") or (free_port() if SMOKE else 8150))
USERNAME, PASSWORD = "loadtest", "load-test-password"


def port_is_free(port: int) -> bool:
    """A server of someone else's on the port would answer /healthz and be measured instead of ours."""
    with socket.socket() as s:
        # as gunicorn binds: connections of an earlier run still in TIME_WAIT do not make the port taken
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def wait_for_server(port: int, server: subprocess.Popen) -> None:
    """Wait until the server answers /healthz (up to 120 s: serve migrates and collects static files first); stop
    with the reason if it exits first or never answers (a port already taken: set BENCH_PORT)."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"healthaction serve exited with code {server.returncode} before answering on port {port}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"nothing answered /healthz on port {port} within 120 s")


def ensure_database():
    if DB_URL.startswith("sqlite"):
        return
    import psycopg

    name = DB_URL.rsplit("/", 1)[1]
    with psycopg.connect(DB_URL.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def existing():
    """The data of an earlier run (--reuse), or None."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from healthaction.collection.models import IndicatorValue
    from healthaction.plans.models import Plan

    plan = Plan.objects.filter(title="负载测试方案").first()
    if plan is None or not get_user_model().objects.filter(username="loadtest").exists():
        return None
    indicator = plan.indicators.order_by("position").values_list("pk", flat=True)[10]
    return plan.pk, indicator, IndicatorValue.objects.filter(indicator__plan=plan).count()


def build():
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from healthaction.collection.models import IndicatorValue
    from healthaction.evaluation.services import assess_plan, evaluate_plan
    from healthaction.plans.interchange import import_plan
    from healthaction.registry.models import Membership, OrgUnit

    call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    province = OrgUnit.objects.create(code="L0", name="负载省", level="province")
    city = OrgUnit.objects.create(code="L01", name="负载市", level="city", parent=province)
    counties = [
        OrgUnit.objects.create(code=f"L01{c:02d}", name=f"负载县{c}", level="county", parent=city) for c in range(10)
    ]
    towns = []
    for county in counties:
        towns += OrgUnit.objects.bulk_create(
            [
                OrgUnit(
                    code=f"{county.code}{t:03d}",
                    name=f"{county.name}镇{t}",
                    level="town",
                    parent=county,
                    path=f"{county.path}{county.code}{t:03d}/",
                )
                for t in range(15)
            ]
        )
    plan = import_plan(
        {
            "format": "healthaction.plan",
            "version": 1,
            "plan": {
                "title": "负载测试方案",
                "horizon": {"start": 2016, "end": 2030},
                "org_unit": {"code": "L01", "name": "负载市", "level": "city"},
                "status": "published",
                "is_public": True,
            },
            "actions": [{"number": a, "name": f"第{a}项专项行动"} for a in range(1, 18)],
            "indicators": [
                {
                    "number": str(i),
                    "action": 1 + i % 17,
                    "name": f"负载指标{i}",
                    "unit": "%",
                    "nature": "binding" if i % 3 == 0 else "expected",
                    "direction": "increase",
                    "baseline": {"value": 40.0, "year": 2016, "raw": "40", "qualitative": ""},
                    "targets": [
                        {"year": 2022, "kind": "numeric", "comparator": ">=", "value": 48.0, "raw": "≥48"},
                        {"year": 2030, "kind": "numeric", "comparator": ">=", "value": 60.0, "raw": "≥60"},
                    ],
                }
                for i in range(1, 151)
            ],
            "tasks": [],
        }
    )
    rng = random.Random(5)
    rows = []
    for ind in plan.indicators.all():
        for unit in [city, *counties, *towns]:
            for year in range(2016, 2026):
                rows.append(
                    IndicatorValue(
                        indicator=ind,
                        org_unit=unit,
                        year=year,
                        value=round(40 + rng.uniform(-0.5, 2.5) * (year - 2016), 2),
                        status="approved",
                    )
                )
    IndicatorValue.objects.bulk_create(rows, batch_size=5000)
    evaluate_plan(plan)
    assess_plan(plan, 2025)
    user = get_user_model().objects.create_user("loadtest", password="load-test-password")
    Membership.objects.create(user=user, role="office_admin", org_unit=city)
    return plan.pk, plan.indicators.order_by("position").values_list("pk", flat=True)[10], len(rows)


def province_pages(built_or_none=None):
    """name → (username, address) of every page measured at province scale, or None when the set is not there."""
    import django

    django.setup()
    from healthaction.demo import province_scale
    from healthaction.plans.models import Plan

    plan = Plan.objects.filter(org_unit__code=province_scale.PROVINCE[0]).order_by("pk").first()
    if plan is None:
        return None
    indicator = plan.indicators.order_by("position").values_list("pk", flat=True).first()
    office, liaison, leader = "ps_office", "ps_l0001", "ps_leader"
    return {
        "dashboard": (office, f"/plans/{plan.pk}/"),
        "dashboard (leader)": (leader, f"/plans/{plan.pk}/"),
        "county comparison": (office, f"/plans/{plan.pk}/compare/"),
        "indicator page": (office, f"/indicators/{indicator}/"),
        "inbox (liaison)": (liaison, f"/report/inbox/?plan={plan.pk}"),
        "review queue": (office, f"/report/review/?plan={plan.pk}"),
        "task board": (office, f"/plans/{plan.pk}/tasks/"),
        "completeness": (office, f"/report/completeness/?plan={plan.pk}"),
        "reports": (leader, "/reports/"),
        "people": (office, f"/people/plans/{plan.pk}/"),
        "inspections": (office, "/inspections/"),
    }


def build_province(smoke: bool):
    import django

    django.setup()
    from django.core.management import call_command

    from healthaction.demo import province_scale

    call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    built = province_scale.build_province(province_scale.SMALL if smoke else province_scale.FULL)
    return built.counts


class Client:
    def __init__(self):
        self.conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        self.cookies = {}

    def request(self, method, path, body=None, headers=None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            # the server closed an idle keep-alive connection (between two pages): connect again, once
            self.conn.close()
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
        data = response.read()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return response.status, data

    def login(self, username=USERNAME, password=PASSWORD):
        status, body = self.request("GET", "/accounts/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
        form = urlencode({"csrfmiddlewaretoken": token, "username": username, "password": password})
        status, _ = self.request(
            "POST",
            "/accounts/login/",
            form,
            {
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": f"http://127.0.0.1:{PORT}/accounts/login/",
            },
        )
        assert status == 302, status


def sign_in(users: int, login=(USERNAME, PASSWORD)) -> list[Client]:
    """`users` clients signed in as one account, in parallel (each sign-in hashes the password once)."""
    clients = [Client() for _ in range(users)]
    signed = []

    def sign(client):
        for _attempt in range(3):  # a busy server may time a sign-in out: try again on a fresh connection
            try:
                client.login(*login)
            except (OSError, http.client.HTTPException, AssertionError):
                client.conn.close()
                continue
            signed.append(client)
            return

    threads = [threading.Thread(target=sign, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if len(signed) < users:
        print(f"{login[0]}: {users - len(signed)} of {users} users could not sign in")
    return signed


def load(path: str, clients: list[Client], seconds: float) -> tuple[list[float], int]:
    """Every client asks for `path` again and again for `seconds`; returns the latencies and the non-200 answers."""
    latencies, errors = [], [0]
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def user(client):
        mine = []
        while time.monotonic() < stop:
            t0 = time.perf_counter()
            try:
                status, _ = client.request("GET", path)
            except (OSError, http.client.HTTPException) as exc:  # counted as an error, and the run goes on
                status = type(exc).__name__
                client.conn.close()
            mine.append(time.perf_counter() - t0)
            if status != 200:
                with lock:
                    errors[0] += 1
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=user, args=(client,)) for client in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, errors[0]


def report(name, latencies, errors, seconds):
    latencies.sort()
    if not latencies:
        print(f"{name:<22} no answer   {errors} errors")
        return float("inf"), 0.0
    p95 = latencies[int(len(latencies) * 0.95)] * 1000
    p50 = statistics.median(latencies) * 1000
    rps = len(latencies) / seconds
    print(f"{name:<22} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms   {rps:7.1f} req/s   {errors} errors")
    return p95, rps


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=None, help="per page (default 20; smoke 0.5)")
    parser.add_argument("--users", type=int, default=None, help="concurrent users (default 20; --province 50; smoke 2)")
    parser.add_argument("--province", action="store_true", help="the province-scale data set and every page")
    parser.add_argument("--reuse", action="store_true", help="keep the data of an earlier run instead of rebuilding")
    parser.add_argument("--smoke", action="store_true", help="a tiny run on SQLite; fails when a page errors")
    args = parser.parse_args()
    province = args.province or args.smoke
    users = args.users or (2 if args.smoke else 50 if province else 20)
    seconds = args.seconds or (0.5 if args.smoke else 20)
    if not port_is_free(PORT):
        raise SystemExit(f"port {PORT} is taken by another process: choose a free one with BENCH_PORT")
    ensure_database()
    t0 = time.perf_counter()
    if province:
        pages = args.reuse and province_pages()
        if not pages:
            counts = build_province(args.smoke)
            pages = province_pages()
            built = ", ".join(f"{n:,} {k.replace('_', ' ')}" for k, n in counts.items())
            print(f"setup: {built}, ", end="")
        print(f"{time.perf_counter() - t0:.0f} s")
        login_as = {u: (u, "province-scale-2026") for u, _ in pages.values()}
    else:
        plan_id, indicator_id, values = (args.reuse and existing()) or build()
        print(f"setup: {values:,} values, {time.perf_counter() - t0:.0f} s")
        pages = {
            "dashboard": (USERNAME, f"/plans/{plan_id}/"),
            "indicator page": (USERNAME, f"/indicators/{indicator_id}/"),
        }
        login_as = {USERNAME: (USERNAME, PASSWORD)}
    env = dict(os.environ, DEBUG="0", ALLOWED_HOSTS="127.0.0.1,localhost")
    env.setdefault("WEB_ACCESS_LOG", "/dev/null")
    server = subprocess.Popen(
        [sys.executable, "-m", "healthaction.cli", "serve", "--no-worker", f"127.0.0.1:{PORT}"], env=env, cwd=ROOT
    )
    from healthaction.core.server import gunicorn_options

    options = gunicorn_options(f"127.0.0.1:{PORT}")
    print(
        f"server: healthaction serve (gunicorn {options['workers']} workers x {options['threads']} threads, WhiteNoise)"
    )
    errors_total = 0
    try:
        wait_for_server(PORT, server)
        clients = {username: sign_in(users, login) for username, login in login_as.items()}
        for username, path in pages.values():  # warm up: each worker process reads each page once or twice
            errors_total += load(path, clients[username][:4], 0.2 if args.smoke else 2)[1]
        results = {}
        first = next(iter(clients.values()))
        for name, (username, path) in [("trivial view (/healthz)", (None, "/healthz")), *pages.items()]:
            latencies, errors = load(path, clients[username] if username else first, seconds)
            errors_total += errors
            results[name] = report(name, latencies, errors, seconds)
        trivial = results["trivial view (/healthz)"][1]
        for name in pages:
            p95, rps = results[name]
            print(
                f"{name}: p95 {'under' if p95 < 200 else 'OVER'} 200 ms; throughput {rps / trivial:.2f} × the trivial view's"
            )
    finally:
        server.terminate()  # serve passes SIGTERM on to gunicorn
        server.wait(60)
    worst = max(pages, key=lambda n: results[n][0])
    slowest = min(pages, key=lambda n: results[n][1])
    print(
        f"web-load: worst p95 {results[worst][0]:.0f} ms ({worst}), lowest throughput "
        f"{results[slowest][1] / trivial:.2f}× the trivial view's ({slowest}), {users} users, {errors_total} errors "
        "(target p95 ≤ 200 ms)"
    )
    if args.smoke and errors_total:
        sys.exit(1)


if __name__ == "__main__":
    main()
