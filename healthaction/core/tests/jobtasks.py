"""A task for the worker tests: it sleeps in small steps and writes to a marker file when it starts and ends,
so a test can count how often each job ran and on which worker."""

import time

from django_tasks import task

from healthaction.core import jobs


def _sleep(job, progress, seconds: float, marker: str) -> jobs.Outcome:
    with open(marker, "a") as f:
        f.write(f"start {job.pk} {jobs.worker_id()}\n")
    steps = max(1, int(seconds * 10))
    for i in range(steps):
        time.sleep(0.1)
        if i % 5 == 0:
            progress(int(100 * i / steps), "sleeping")
    with open(marker, "a") as f:
        f.write(f"end {job.pk} {jobs.worker_id()}\n")
    return jobs.Outcome("slept")


@task()
def sleep(job_id: int, seconds: float, marker: str) -> str:
    return jobs.execute(job_id, _sleep, seconds=seconds, marker=marker)


def _crash(job, progress, how: str, marker: str) -> jobs.Outcome:
    """A job that takes its process down: `abort` (as a C library does on a failed allocation) or `memory` (asks
    for far more than a job may have)."""
    import os

    with open(marker, "a") as f:
        f.write(f"crash {job.pk} {os.getpid()}\n")
    if how == "abort":
        os.abort()
    hoard = bytearray(64 * 1024**3)  # 64 GB: beyond any job's ceiling
    return jobs.Outcome(f"kept {len(hoard)} bytes")


@task()
def crash(job_id: int, how: str, marker: str) -> str:
    return jobs.execute(job_id, _crash, how=how, marker=marker)
