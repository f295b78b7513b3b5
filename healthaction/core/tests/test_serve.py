"""`healthaction serve` as a real process on a free port: gunicorn answers, WhiteNoise serves the static files,
the task worker runs beside it, and a production start refuses demo passwords."""

import contextlib
import re
import urllib.request
from pathlib import Path

import pytest

from healthaction.core.tests.procs import ProcDB, free_port, stop, wait_for

pytestmark = pytest.mark.django_db
STATIC_SOURCE = Path(__file__).resolve().parents[2] / "web" / "static" / "web" / "site.css"


@pytest.fixture(scope="module")
def procdb(tmp_path_factory, django_db_blocker):
    with django_db_blocker.unblock():
        db = ProcDB(tmp_path_factory.mktemp("serve"), "serve")
    db.run("migrate", "--verbosity", "0")
    yield db
    with django_db_blocker.unblock():
        db.drop()


def _get(url: str):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()
    except OSError:
        return None, {}, b""


def _children(pid: int) -> list[str]:
    """Command lines of every descendant of pid (from /proc)."""
    found, todo = [], [pid]
    while todo:
        parent = todo.pop()
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == parent:
                child = int(stat.parent.name)
                todo.append(child)
                with contextlib.suppress(OSError):
                    found.append((stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode())
    return found


def test_serve_runs_gunicorn_with_whitenoise_static_files_and_a_worker(procdb):
    port = free_port()
    proc = procdb.start("serve", f"127.0.0.1:{port}", env=procdb.env(WEB_WORKERS=2, WEB_THREADS=2), log_name="serve")
    try:
        status, headers, body = wait_for(
            lambda: (r := _get(f"http://127.0.0.1:{port}/healthz"))[0] and r, 120, step=0.5, what="the server to answer"
        )
        assert (status, body) == (200, b"ok")
        assert headers["Server"].startswith("gunicorn")  # not Django's development server (WSGIServer/…)
        status, _, body = _get(f"http://127.0.0.1:{port}/health")
        assert status == 200 and b'"database": "ok"' in body
        # the page refers to the hashed name from the manifest; WhiteNoise serves it with a long cache lifetime
        status, _, page = _get(f"http://127.0.0.1:{port}/accounts/login/")
        assert status == 200
        css = re.search(rb'href="(/static/web/site\.[0-9a-f]{12}\.css)"', page)
        assert css, page[:500]
        status, headers, body = _get(f"http://127.0.0.1:{port}{css.group(1).decode()}")
        assert status == 200 and body == STATIC_SOURCE.read_bytes()
        assert "max-age=315360000" in headers["Cache-Control"]  # WhiteNoise's header for a hashed (immutable) name
        commands = _children(proc.pid)
        assert any("serve --web-only" in c for c in commands)
        assert sum("gunicorn" in c or "--web-only" in c for c in commands) >= 3  # arbiter and its two web workers
        assert any("healthaction.cli worker" in c for c in commands)
    finally:
        code = stop(proc)
    assert code == 0, procdb.log("serve")[-3000:]
    assert _children(proc.pid) == []


def test_a_production_start_refuses_a_demo_password_still_set(procdb):
    procdb.shell(
        "from django.contrib.auth.models import User; User.objects.create_user('office', password='demo-office-2026')"
    )
    try:
        refused = procdb.run("serve", "127.0.0.1:1", check=False, timeout=120)
        assert refused.returncode == 3
        assert (
            "office" in refused.stderr
            and "changepassword" in refused.stderr
            and "HEALTHACTION_DEMO=1" in refused.stderr
        )
    finally:
        procdb.shell("from django.contrib.auth.models import User; User.objects.filter(username='office').delete()")
