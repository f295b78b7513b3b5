"""Scale-out on one machine: two web processes (`healthaction serve --no-worker` on two ports) and two workers
against one PostgreSQL and one Redis. A job started through one web process is finished by one of the workers and
polled through the other; every job runs exactly once; a cache invalidation is seen by both web processes.
Skipped, with the reason, when PostgreSQL or Redis does not answer. Prints the figures docs/deploy.md quotes."""

import http.cookiejar
import re
import time
import urllib.parse
import urllib.request
import uuid

import pytest

from healthaction.core.tests.procs import ProcDB, free_port, reachable, stop, wait_for

pytestmark = pytest.mark.django_db


class Browser:
    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect)

    def request(self, url, data=None, headers=None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(url, data=body, headers=headers or {})
        try:
            with self.opener.open(req, timeout=60) as r:
                return r.status, dict(r.headers), r.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, dict(exc.headers), exc.read().decode(errors="replace")
        except OSError:  # not listening yet
            return None, {}, ""

    def csrf(self):
        return next(c.value for c in self.jar if c.name == "csrftoken")

    def login(self, base, username, password):
        self.request(f"{base}/accounts/login/")
        status, headers, _ = self.request(
            f"{base}/accounts/login/",
            {"username": username, "password": password, "csrfmiddlewaretoken": self.csrf()},
            {"Referer": f"{base}/accounts/login/"},
        )
        assert status == 302, "login failed"

    def post(self, base, path):
        return self.request(f"{base}{path}", {"csrfmiddlewaretoken": self.csrf()}, {"Referer": f"{base}{path}"})


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture
def cluster(tmp_path, django_db_blocker):
    if not reachable("127.0.0.1", 5432):
        pytest.skip("scale-out test needs PostgreSQL on 127.0.0.1:5432: nothing answers")
    if not reachable("127.0.0.1", 6379):
        pytest.skip("scale-out test needs Redis on 127.0.0.1:6379: nothing answers")
    with django_db_blocker.unblock():
        db = ProcDB(tmp_path, "scaleout", vendor="postgresql")
    env = db.env(
        CACHE_URL="redis://127.0.0.1:6379/5",
        CACHE_KEY_PREFIX=f"scaleout-{uuid.uuid4().hex[:8]}",
        HEALTHACTION_DEMO="1",
        WEB_WORKERS="2",
        WEB_THREADS="4",
        JOB_STALE_SECONDS="30",
    )
    started = time.perf_counter()
    db.run("demo", env=env, timeout=900)
    print(f"\ndemo built on PostgreSQL in {time.perf_counter() - started:.0f} s")
    ports = [free_port(), free_port()]
    procs = [
        db.start("serve", "--no-worker", f"127.0.0.1:{p}", env=env, log_name=f"web{i}") for i, p in enumerate(ports)
    ]
    procs += [
        db.start("worker", "--no-schedule", "--interval", "0.2", env=env, log_name=f"worker{i}") for i in range(2)
    ]
    bases = [f"http://127.0.0.1:{p}" for p in ports]
    try:
        for base in bases:
            wait_for(
                lambda base=base: Browser().request(f"{base}/health")[0] == 200, 180, step=0.5, what=f"{base} to answer"
            )
        yield db, bases
    finally:
        for p in procs:
            stop(p)
        with django_db_blocker.unblock():
            db.drop()


def _job_id(location: str) -> int:
    return int(re.search(r"/jobs/(\d+)/", location).group(1))


def test_two_web_processes_and_two_workers_share_one_queue_and_one_cache(cluster):
    db, (web_a, web_b) = cluster
    plan = db.query("SELECT id FROM plans_plan ORDER BY id LIMIT 1")[0][0]
    # jobs the demo left (a value approved while it was built) are done before the cache is watched
    wait_for(
        lambda: db.query("SELECT count(*) FROM core_job WHERE status IN ('queued', 'running')")[0][0] == 0,
        120,
        what="the demo's own jobs",
    )
    browser = Browser()
    browser.login(web_a, "office", "demo-office-2026")
    dashboard = f"/plans/{plan}/"
    assert browser.request(f"{web_b}{dashboard}")[0] == 200  # one session store: signed in on both

    # 1. one cache: B serves the fragment A cached, though the database changed underneath
    status, _, html = browser.request(f"{web_a}{dashboard}")
    assert status == 200 and "77777" not in html
    db.query(
        "UPDATE collection_indicatorvalue SET value = 77777 WHERE indicator_id IN "
        "(SELECT id FROM plans_indicator WHERE plan_id = ?) AND submitted_at IS NOT NULL RETURNING id",
        (plan,),
    )
    assert "77777" not in browser.request(f"{web_b}{dashboard}")[2]

    # 2. a job started through A, run by a worker, polled through B; its new results version invalidates both
    started = time.perf_counter()
    status, headers, _ = browser.post(web_a, f"/plans/{plan}/evaluate/")
    assert status == 302
    job = _job_id(headers["Location"])

    def ended():
        state = browser.request(f"{web_b}/jobs/{job}/?format=json")[2]
        return '"done"' in state or '"failed"' in state

    wait_for(ended, 180, step=0.2, what="the evaluation job")
    evaluation_seconds = time.perf_counter() - started
    assert '"done"' in browser.request(f"{web_b}/jobs/{job}/?format=json")[2]
    assert "77777" in browser.request(f"{web_a}{dashboard}")[2]
    assert "77777" in browser.request(f"{web_b}{dashboard}")[2]

    # 3. twelve report jobs started alternately through A and B: each run once, by either worker
    started = time.perf_counter()
    ids = [job]
    for i in range(12):
        status, headers, _ = browser.request(f"{(web_a, web_b)[i % 2]}/reports/{plan}/excel/")
        assert status == 302
        ids.append(_job_id(headers["Location"]))
    in_list = ",".join(str(i) for i in ids)
    wait_for(
        lambda: (
            db.query(f"SELECT count(*) FROM core_job WHERE id IN ({in_list}) AND status IN ('done', 'failed')")[0][0]
            == len(ids)
        ),
        300,
        step=0.5,
        what="the report jobs",
    )
    reports_seconds = time.perf_counter() - started
    rows = db.query(f"SELECT status, attempts, worker_id, task_id FROM core_job WHERE id IN ({in_list})")
    assert {(r[0], r[1]) for r in rows} == {("done", 1)}
    workers = {r[2] for r in rows}
    assert len(workers) == 2
    task_query = "SELECT status, worker_ids FROM django_tasks_database_dbtaskresult WHERE id::text IN ({})".format(
        ",".join(f"'{r[3]}'" for r in rows)
    )
    # a job runs in a child of its worker: the worker records the task's end just after the child marked the job done
    wait_for(lambda: all(s != "RUNNING" for s, _ in db.query(task_query)), 60, step=0.5, what="the task results")
    tasks = db.query(task_query)
    assert len(tasks) == len(ids) and all(s == "SUCCESSFUL" and len(w) == 1 for s, w in tasks), [
        t for t in tasks if t[0] != "SUCCESSFUL" or len(t[1]) != 1
    ]
    counts = {w: sum(r[2] == w for r in rows) for w in workers}
    print(
        f"evaluation job started on web A, polled on web B: done in {evaluation_seconds:.1f} s; "
        f"12 Excel exports started alternately on A and B: all done in {reports_seconds:.1f} s; "
        f"jobs per worker: {sorted(counts.values())}"
    )
