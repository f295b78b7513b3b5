"""The task worker: django-tasks-db's worker loop plus what it lacks — heartbeats, a sweep of jobs whose worker
died, and the schedule (core/schedule.py).

The loop (claim one ready row under a lock, run it; first SIGTERM finishes the current task, a second
exits) is django-tasks-db's own `Worker`. Housekeeping runs in a daemon thread with its own database
connection, so a long job keeps beating while it runs.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker

from healthaction.core import jobs, schedule

log = logging.getLogger("healthaction.worker")


def new_worker_id() -> str:
    return f"{socket.gethostname()[:30]}-{os.getpid()}-{get_random_string(6)}"


class Housekeeper(threading.Thread):
    def __init__(self, worker_id: str, run_schedule: bool):
        super().__init__(name="housekeeping", daemon=True)
        self.worker_id, self.run_schedule = worker_id, run_schedule
        self.stopping = threading.Event()

    def run(self) -> None:
        beat_every = settings.JOB_HEARTBEAT_SECONDS
        sweep_every = max(beat_every, settings.JOB_STALE_SECONDS / 4)
        last_sweep = last_schedule = 0.0
        while not self.stopping.wait(beat_every):
            try:
                close_old_connections()
                jobs.beat(self.worker_id)
                now = time.monotonic()
                if now - last_sweep >= sweep_every:
                    last_sweep = now
                    jobs.sweep()
                if self.run_schedule and now - last_schedule >= 30:
                    last_schedule = now
                    schedule.run_due(self.worker_id)
            except Exception:  # the database may be restarting: log and try again at the next beat
                log.exception("worker housekeeping failed; retrying")
            finally:
                connection.close()


def run(
    *,
    worker_id: str | None = None,
    interval: float = 1.0,
    run_schedule: bool = True,
    max_tasks: int | None = None,
    batch: bool = False,
) -> None:
    worker_id = worker_id or new_worker_id()
    jobs.WORKER_ID = worker_id
    log.info(
        "worker %s started (schedule %s)", worker_id, "on" if run_schedule and settings.SCHEDULE_ENABLED else "off"
    )
    # jobs of a worker that died before this one started are found at once, not after the first sweep interval
    jobs.sweep()
    housekeeper = Housekeeper(worker_id, run_schedule and settings.SCHEDULE_ENABLED)
    housekeeper.start()
    worker = Worker(
        queue_names=["*"],
        interval=interval,
        batch=batch,
        backend_name="default",
        startup_delay=False,
        max_tasks=max_tasks,
        worker_id=worker_id,
        excluded_queue_names=[],
    )
    worker.configure_signals()
    try:
        worker.run()
    finally:
        housekeeper.stopping.set()
        log.info("worker %s stopped", worker_id)
