"""One job's body in a process of its own: `python -m healthaction.core.jobchild`, started by the worker
(core/jobs.py `_in_child`) with the job's description as JSON on stdin.

The child caps its own address space (JOB_MEMORY_MB, RLIMIT_AS) before Django is set up, asks the kernel to kill
it when the worker dies (a job never runs on unwatched while the sweep queues it again), runs the body of the
job its worker has claimed and records the outcome itself. Out of memory it records that reason, or, when even
that fails, exits with MEMORY_EXIT for the worker to record it.
"""

from __future__ import annotations

import ctypes
import json
import os
import resource
import signal
import sys

PR_SET_PDEATHSIG = 1


def _die_with_parent(parent: int) -> None:
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: the sweep still catches a job left running
        return
    if os.getppid() != parent:  # the worker died before the request took effect
        os._exit(1)


def main() -> None:
    parent = os.getppid()
    _die_with_parent(parent)
    # a stop of the worker (SIGTERM, or ^C to the whole group) lets the current job finish, as without a child
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    spec = json.loads(sys.stdin.buffer.read())
    if spec.get("memory_mb"):
        limit = int(spec["memory_mb"]) * 1024 * 1024
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        resource.setrlimit(resource.RLIMIT_AS, (limit if hard == resource.RLIM_INFINITY else min(limit, hard), hard))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "healthaction.settings")
    import django

    django.setup()
    from django.utils import translation
    from django.utils.module_loading import import_string

    from healthaction.core import jobs
    from healthaction.core.models import Job

    jobs.WORKER_ID = spec["worker"]
    try:
        job = Job.objects.get(pk=spec["job"])
        with translation.override(spec.get("language") or None):
            jobs.run_body(job, import_string(spec["body"]), spec["params"])
    except MemoryError:
        os._exit(jobs.MEMORY_EXIT)


if __name__ == "__main__":
    main()
