"""`healthaction serve`: gunicorn serving the WSGI application, and one task worker beside it.

Like a process supervisor (healthchecks' uwsgi.ini): migrate and collect static files first, then run gunicorn
(through gunicorn.app.base.BaseApplication, options from the environment) and `healthaction worker` as a child
process; SIGTERM or SIGINT is passed to both. A worker that dies is started again (after a pause that grows while it
keeps dying, up to a minute); the site keeps answering meanwhile. When gunicorn dies, the worker is stopped too.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time

from django.core.wsgi import get_wsgi_application
from gunicorn.app.base import BaseApplication

from healthaction.core.env import env_int, env_str

log = logging.getLogger("healthaction.serve")


def gunicorn_options(bind: str) -> dict:
    cores = os.cpu_count() or 1
    return {
        "bind": bind,
        "workers": env_int("WEB_WORKERS", min(2 * cores + 1, 8)),
        "threads": env_int("WEB_THREADS", 4),
        "worker_class": "gthread",
        "timeout": env_int("WEB_TIMEOUT", 60),  # reports run as jobs now: no request needs minutes
        "graceful_timeout": env_int("WEB_GRACEFUL_TIMEOUT", 30),
        "keepalive": 5,
        # recycling guards against slow leaks; a recycled worker starts with a cold cache and fresh imports, so not
        # every few seconds under load (2,000 recycled each of the five workers about every 20 s at 500 requests/s)
        "max_requests": env_int("WEB_MAX_REQUESTS", 20000),
        "max_requests_jitter": 2000,
        "accesslog": env_str("WEB_ACCESS_LOG", "-"),
        "errorlog": "-",
        "proc_name": "healthaction-web",
        "forwarded_allow_ips": env_str("FORWARDED_ALLOW_IPS", "127.0.0.1"),
        # gunicorn ≥ 25 opens a control socket at one fixed path per user ($HOME/.gunicorn/gunicorn.ctl): two servers
        # on one machine (two web processes, a benchmark next to the site) would take it from each other. Off unless
        # WEB_CONTROL_SOCKET names a path for this server (for gunicornc).
        "control_socket": env_str("WEB_CONTROL_SOCKET") or None,
        "control_socket_disable": not env_str("WEB_CONTROL_SOCKET"),
    }


class WebApplication(BaseApplication):
    def __init__(self, options: dict):
        self.options = options
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            if key in self.cfg.settings and value is not None:
                self.cfg.set(key, value)

    def load(self):
        # the same application healthaction/wsgi.py exposes, built here so core does not import the project's top
        return get_wsgi_application()


def run_web(bind: str) -> None:
    """Run gunicorn in this process (the arbiter forks the web workers) until it is told to stop."""
    WebApplication(gunicorn_options(bind)).run()


RESTART_PAUSE = 1.0  # seconds before a dead worker is started again; doubled while it keeps dying


def supervise(bind: str, with_worker: bool) -> int:
    """Start gunicorn (and a worker) as child processes; stop both when either dies or we are told to stop."""
    base = [sys.executable, "-m", "healthaction.cli"]
    commands = {"web": [*base, "serve", "--web-only", bind], "worker": [*base, "worker"]}
    children = {"web": subprocess.Popen(commands["web"])}
    if with_worker:
        children["worker"] = subprocess.Popen(commands["worker"])
    stopping = False
    restart_at, pause, started_at = None, RESTART_PAUSE, time.monotonic()

    def stop(signum, frame):
        nonlocal stopping
        stopping = True
        for child in children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    code = 0
    try:
        while True:
            for name, child in children.items():
                status = child.poll()
                if status is None or (name == "worker" and restart_at is not None):
                    continue
                if name == "worker" and not stopping:
                    # a job runs in a process of its own, so this is rare (killed from outside, a bug): start it
                    # again, waiting longer each time it dies soon after starting
                    pause = RESTART_PAUSE if time.monotonic() - started_at > 60 else min(pause * 2, 60)
                    log.error("worker exited with status %s: starting it again in %s s", status, pause)
                    restart_at = time.monotonic() + pause
                    continue
                if not stopping:
                    log.error("%s exited with status %s: stopping the rest", name, status)
                    code = status or 1
                    stop(signal.SIGTERM, None)
                break
            else:
                if restart_at is not None and time.monotonic() >= restart_at and not stopping:
                    children["worker"] = subprocess.Popen(commands["worker"])
                    restart_at, started_at = None, time.monotonic()
                    log.warning("worker started again (pid %s)", children["worker"].pid)
                time.sleep(0.5)
                continue
            break
        # the worker finishes its current job on SIGTERM: wait for it, then make sure
        deadline = time.monotonic() + env_int("SERVE_STOP_TIMEOUT", 120)
        for child in children.values():
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
    finally:
        for child in children.values():
            if child.poll() is None:
                child.kill()
    return code
