"""Issue 24 #4, end to end: `healthaction serve` (gunicorn and its worker) on a port of its own, the demo's data,
and a hostile upload through every door — the 3 KB workbook with a cell at XFD1048576, one at Z1000000, a zip bomb,
a Word and a PDF decompression bomb, an oversized API body — while a thread asks /health every 0.2 s. Every job
fails with its reason, /health never fails, and a worker killed from outside is started again by `serve`."""

import os
import re
import signal
import threading
from pathlib import Path

import pytest
import requests

from healthaction.core.tests import bombs
from healthaction.core.tests.procs import ProcDB, free_port, stop, wait_for
from healthaction.demo.content import USERS
from healthaction.demo.inspections import INSPECTOR
from healthaction.inspections.models import Round
from healthaction.plans.tests.drafts import make_draft

pytestmark = pytest.mark.django_db
PASSWORDS = {u[0]: u[1] for u in USERS} | {INSPECTOR[0]: INSPECTOR[1]}


@pytest.fixture(scope="module")
def site(tmp_path_factory, django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        draft = make_draft()  # committed: the module's copy of the database carries it
        rnd = Round.objects.filter(inspectors__username=INSPECTOR[0]).order_by("pk").first()
        db = ProcDB(tmp_path_factory.mktemp("bombs"), "bombs")
        db.copy_test_database()
    port = free_port()
    env = db.env(HEALTHACTION_DEMO=1, WEB_WORKERS=2, WEB_THREADS=2, JOB_MEMORY_MB=2048)
    proc = db.start("serve", f"127.0.0.1:{port}", env=env, log_name="serve")
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: _health(base) == 200, 180, step=0.5, what="the server to answer")
        yield {"base": base, "db": db, "proc": proc, "draft": draft.pk, "round": rnd.pk}
    finally:
        code = stop(proc)
        with django_db_blocker.unblock():
            draft.delete()
            db.drop()
    assert code == 0, db.log("serve")[-3000:]


def _health(base: str) -> int | None:
    try:
        return requests.get(f"{base}/health", timeout=5).status_code
    except requests.RequestException:
        return None


class Watch(threading.Thread):
    """Asks /health every 0.2 s until stopped; keeps every answer (None when none came in 5 s)."""

    def __init__(self, base):
        super().__init__(daemon=True)
        self.base, self.answers, self.stopping = base, [], threading.Event()

    def run(self):
        while not self.stopping.wait(0.2):
            self.answers.append(_health(self.base))


def _session(base: str, username: str) -> requests.Session:
    s = requests.Session()
    s.get(f"{base}/accounts/login/", timeout=30)
    r = s.post(
        f"{base}/accounts/login/",
        data={"username": username, "password": PASSWORDS[username], "csrfmiddlewaretoken": s.cookies["csrftoken"]},
        headers={"Referer": f"{base}/accounts/login/"},
        timeout=30,
        allow_redirects=False,
    )
    assert r.status_code == 302, r.text[:500]
    return s


def _upload(s: requests.Session, base: str, path: str, field: str, name: str, data: bytes) -> int:
    """Post a file the way the page's form does; return the job the door started."""
    r = s.post(
        f"{base}{path}",
        data={"csrfmiddlewaretoken": s.cookies["csrftoken"]},
        files={field: (name, data)},
        headers={"Referer": f"{base}{path}"},
        timeout=60,
        allow_redirects=False,
    )
    assert r.status_code == 302 and re.fullmatch(r"/jobs/\d+/", r.headers["Location"]), (r.status_code, r.text[:300])
    return int(r.headers["Location"].split("/")[2])


def _ended(db, job: int):
    rows = db.query("SELECT status, message FROM core_job WHERE id = ?", (job,))
    return rows[0] if rows and rows[0][0] in ("done", "failed") else None


XFD = "用到单元格 XFD1048576（1048576 行 × 16384 列），超过读取上限"


def test_every_door_refuses_its_bomb_while_the_site_keeps_answering(site):
    base, db = site["base"], site["db"]
    watch = Watch(base)
    watch.start()
    try:
        office, liaison, inspector = (_session(base, u) for u in ("office", "liaison", INSPECTOR[0]))
        xfd, z1m = bombs.workbook_with_cell("XFD1048576"), bombs.workbook_with_cell("Z1000000")
        assert len(xfd) < 6000
        review = f"/plans/{site['draft']}/review/workbook/"
        expected = {
            _upload(office, base, review, "workbook", "审核.xlsx", xfd): XFD,
            _upload(office, base, review, "workbook", "审核.xlsx", z1m): "用到单元格 Z1000000（1000000 行 × 26 列）",
            _upload(liaison, base, "/report/excel/", "file", "报送.xlsx", xfd): XFD,
            _upload(liaison, base, "/report/excel/", "file", "报送.xlsx", bombs.zip_bomb_workbook()): "疑似压缩炸弹",
            _upload(liaison, base, "/report/excel/", "file", "报送.xlsx", bombs.lying_workbook()): "比它声明的大",
            _upload(inspector, base, f"/inspections/rounds/{site['round']}/", "file", "结果.xlsx", xfd): XFD,
            _upload(office, base, "/plans/import/", "document", "方案.docx", bombs.docx_bomb()): "疑似压缩炸弹",
            _upload(office, base, "/plans/import/", "document", "方案.pdf", bombs.pdf_bomb()): "疑似解压炸弹",
        }
        # the API's bulk door: a body beyond its limit is refused while it is read, in the request
        token = requests.post(
            f"{base}/api/token/", data={"username": "liaison", "password": PASSWORDS["liaison"]}, timeout=30
        ).json()["token"]
        body = b"indicator_id,org_unit,year,value\n" + b"1,990100,2026,1\n" * (51 * 1024 * 1024 // 16)
        r = requests.post(
            f"{base}/api/values/bulk/",
            data=body,
            headers={"Content-Type": "text/csv", "Authorization": f"Token {token}"},
            timeout=120,
        )
        assert (r.status_code, r.json()["detail"]) == (400, "“请求正文”有 51 MB，超过 50 MB 的上限。")
        ended = wait_for(lambda: all(_ended(db, j) for j in expected) and {j: _ended(db, j) for j in expected}, 600, 1)
        for job, reason in expected.items():
            status, message = ended[job]
            assert status == "failed" and reason in message, (job, status, message)
    finally:
        watch.stopping.set()
        watch.join(10)
    assert len(watch.answers) > 20 and set(watch.answers) == {200}, watch.answers


def test_serve_starts_a_killed_worker_again_and_its_jobs_still_run(site):
    base, db, proc = site["base"], site["db"], site["proc"]
    (worker,) = _workers(proc.pid)
    watch = Watch(base)
    watch.start()
    try:
        os.kill(worker, signal.SIGKILL)  # from outside: the machine's OOM killer, an operator
        restarted = wait_for(lambda: [p for p in _workers(proc.pid) if p != worker], 60, 0.5, what="the restart")
        assert len(restarted) == 1
        office = _session(base, "office")
        job = _upload(
            office,
            base,
            f"/plans/{site['draft']}/review/workbook/",
            "workbook",
            "审核.xlsx",
            bombs.workbook_with_cell("XFD1048576"),
        )
        status, message = wait_for(lambda: _ended(db, job), 300, 1, what="the job on the new worker")
        assert status == "failed" and XFD in message
    finally:
        watch.stopping.set()
        watch.join(10)
    assert set(watch.answers) == {200}, watch.answers
    assert "worker exited with status -9: starting it again" in db.log("serve")


def _workers(pid: int) -> list[int]:
    """The pids of the `healthaction worker` processes among the descendants of `pid` (from /proc)."""
    found, todo = [], [pid]
    while todo:
        parent = todo.pop()
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                if int(stat.read_text().rsplit(")", 1)[1].split()[1]) != parent:
                    continue
                command = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except (OSError, ValueError, IndexError):
                continue
            child = int(stat.parent.name)
            todo.append(child)
            if "healthaction.cli worker" in command:
                found.append(child)
    return found
