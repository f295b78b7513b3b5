"""Helpers for tests that run real processes (`healthaction worker`, `healthaction serve`) against a database of
their own: an SQLite file, or a fresh PostgreSQL database beside the test database when the tests run on
PostgreSQL. pytest-django's test database cannot be used: SQLite's is in memory, and a test's transaction would
hide its rows from other processes."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.db import connection

PYTHON = sys.executable
PG_BASE = os.environ.get("HEALTHACTION_TEST_PG_BASE", "ha_runtime")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def reachable(host: str, port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex((host, port)) == 0


class ProcDB:
    """A database for child processes, with a direct connection for the test to read it."""

    def __init__(self, tmp: Path, name: str, vendor: str | None = None):
        self.tmp, self.vendor = tmp, vendor or connection.vendor
        (tmp / "var").mkdir(parents=True, exist_ok=True)
        if self.vendor == "postgresql":
            db = settings.DATABASES["default"]
            if db["ENGINE"].endswith("postgresql"):
                self.pg = {k: db[k] for k in ("HOST", "PORT", "USER", "PASSWORD") if db.get(k)}
                base = db["NAME"].removeprefix("test_")
            else:  # the tests run on SQLite: the other kind is the local server's own database for this worktree
                self.pg, base = {"HOST": "127.0.0.1", "PORT": 5432, "USER": "postgres"}, PG_BASE
            self.name = f"{base}_{name}"[:60]
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)', f'CREATE DATABASE "{self.name}"')
            auth = self.pg.get("USER", "postgres") + (f":{self.pg['PASSWORD']}" if self.pg.get("PASSWORD") else "")
            self.url = f"postgres://{auth}@{self.pg.get('HOST', '127.0.0.1')}:{self.pg.get('PORT', 5432)}/{self.name}"
        else:
            self.path = tmp / "var" / "healthaction.sqlite3"
            self.url = f"sqlite:///{self.path}"

    def _admin(self, *statements):
        import psycopg

        with psycopg.connect(
            dbname="postgres",
            host=self.pg.get("HOST"),
            port=self.pg.get("PORT"),
            user=self.pg.get("USER"),
            password=self.pg.get("PASSWORD"),
            autocommit=True,
        ) as c:
            for s in statements:
                c.execute(s)

    def copy_test_database(self) -> None:
        """Fill this database with the test database's committed rows (the demo the session built), instead of
        migrating and building the demo again: SQLite's online backup, or pg_dump into psql."""
        connection.ensure_connection()
        if self.vendor == "sqlite":
            with sqlite3.connect(self.path) as target:
                connection.connection.backup(target)
            return
        db = connection.settings_dict
        env = dict(os.environ, PGPASSWORD=db.get("PASSWORD") or "")
        where = ["--host", str(db.get("HOST") or "127.0.0.1"), "--port", str(db.get("PORT") or 5432)]
        where += ["--username", db.get("USER") or "postgres"]
        dump = subprocess.run(
            ["pg_dump", *where, "--no-owner", "--no-privileges", db["NAME"]], env=env, capture_output=True, check=True
        )
        subprocess.run(
            ["psql", *where, "--quiet", "--set", "ON_ERROR_STOP=1", self.name],
            input=dump.stdout,
            env=env,
            capture_output=True,
            check=True,
        )

    def drop(self):
        if self.vendor == "postgresql":
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def env(self, **extra) -> dict:
        env = dict(os.environ)
        env.update(
            {
                "DATABASE_URL": self.url,
                "HEALTHACTION_VAR_DIR": str(self.tmp / "var"),
                "PYTHONUNBUFFERED": "1",
                "HEALTHACTION_SCHEDULE": "off",
                "JOB_HEARTBEAT_SECONDS": "0.5",
                "JOB_STALE_SECONDS": "3",
                "DB_CONN_MAX_AGE": "0",
                "LOG_LEVEL": "WARNING",
            }
        )
        env.pop("CACHE_URL", None)
        env.update({k: str(v) for k, v in extra.items()})
        return env

    def query(self, sql: str, params=()) -> list[tuple]:
        if self.vendor == "postgresql":
            import psycopg

            with psycopg.connect(self.url.replace("postgres://", "postgresql://"), autocommit=True) as c:
                return c.execute(sql.replace("?", "%s"), params).fetchall()
        with sqlite3.connect(self.path, timeout=20) as c:
            return c.execute(sql, params).fetchall()

    def run(self, *args, env=None, timeout=600, check=True) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [PYTHON, "-m", "healthaction.cli", *args],
            env=env or self.env(),
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=self.tmp,
        )
        if check and result.returncode:
            raise AssertionError(
                f"healthaction {' '.join(args)} failed ({result.returncode}):\n{result.stderr[-3000:]}"
            )
        return result

    def shell(self, code: str, env=None) -> str:
        out = self.run("shell", "--no-imports", "-c", code, env=env).stdout.strip()
        return out.splitlines()[-1] if out else ""

    def start(self, *args, env=None, log_name="proc") -> subprocess.Popen:
        log = open(self.tmp / f"{log_name}.log", "w")  # noqa: SIM115  (the child process writes to it until it ends)
        return subprocess.Popen(
            [PYTHON, "-m", "healthaction.cli", *args],
            env=env or self.env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=self.tmp,
            start_new_session=True,
        )

    def log(self, name: str) -> str:
        path = self.tmp / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""


def stop(proc: subprocess.Popen, sig=signal.SIGTERM, timeout: float = 30) -> int | None:
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)  # the process and the children it started (gunicorn's, the worker)
    try:
        return proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        return proc.wait()


def wait_for(condition, timeout: float = 60, step: float = 0.2, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")
