"""Real `healthaction worker` processes on a database of their own (core/tests/procs.py): a worker killed in the
middle of a job, two workers sharing a queue, a worker told to stop while it works."""

import signal

import pytest

from healthaction.core.tests.procs import ProcDB, stop, wait_for

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def procdb(tmp_path_factory, django_db_blocker):
    with django_db_blocker.unblock():
        db = ProcDB(tmp_path_factory.mktemp("workers"), "workers")
    db.run("migrate", "--verbosity", "0")
    db.shell("from django.contrib.auth.models import User; User.objects.create_user('runner', password='x' * 12)")
    yield db
    with django_db_blocker.unblock():
        db.drop()


def _start_jobs(db, n: int, seconds: float, marker) -> list[int]:
    """Start n sleeping jobs the way a view does (jobs.start: Job row first, task enqueued on commit)."""
    out = db.shell(
        "from django.contrib.auth.models import User; from healthaction.core import jobs; "
        "from healthaction.core.tests.jobtasks import sleep; u = User.objects.get(username='runner'); "
        f"print(' '.join(str(jobs.start(sleep, kind='test', user=u, seconds={seconds}, marker={str(marker)!r}).pk) "
        f"for _ in range({n})))"
    )
    return [int(x) for x in out.split()]


def _job(db, pk):
    status, attempts, message, worker = db.query(
        "SELECT status, attempts, message, worker_id FROM core_job WHERE id = ?", (pk,)
    )[0]
    return {"status": status, "attempts": attempts, "message": message, "worker": worker}


def _marks(marker) -> list[tuple[str, int, str]]:
    if not marker.exists():
        return []
    return [(w, int(j), wid) for w, j, wid in (line.split() for line in marker.read_text().splitlines())]


def test_a_job_whose_worker_is_killed_runs_again_on_another_worker_and_finishes(procdb, tmp_path):
    marker = tmp_path / "marks"
    first = procdb.start("worker", "--interval", "0.2", log_name="killed")
    try:
        (job,) = _start_jobs(procdb, 1, 4, marker)
        wait_for(lambda: _marks(marker), 60, what="the job to start")
        first.send_signal(signal.SIGKILL)  # no chance to clean up: as in a power cut or an OOM kill
        first.wait(10)
        assert _job(procdb, job)["status"] == "running"  # what it used to stay for ever
        second = procdb.start("worker", "--interval", "0.2", log_name="rescuer")
        try:
            wait_for(lambda: _job(procdb, job)["status"] in ("done", "failed"), 90, what="the job to end")
        finally:
            stop(second)
    finally:
        stop(first)
    state = _job(procdb, job)
    assert state["status"] == "done" and state["attempts"] == 2
    marks = _marks(marker)
    assert [m[0] for m in marks] == ["start", "start", "end"]
    assert marks[0][2] != marks[1][2] == marks[2][2]  # started on the killed worker, finished on the other


def test_a_job_killed_more_often_than_allowed_is_marked_failed_with_the_reason(procdb, tmp_path):
    marker = tmp_path / "marks"
    env = procdb.env(JOB_MAX_ATTEMPTS=1)
    first = procdb.start("worker", "--interval", "0.2", env=env, log_name="killed-once")
    try:
        (job,) = _start_jobs(procdb, 1, 4, marker)
        wait_for(lambda: _marks(marker), 60, what="the job to start")
        first.send_signal(signal.SIGKILL)
        first.wait(10)
        second = procdb.start("worker", "--interval", "0.2", env=env, log_name="sweeper")
        try:
            wait_for(lambda: _job(procdb, job)["status"] != "running", 60, what="the sweep")
        finally:
            stop(second)
    finally:
        stop(first)
    state = _job(procdb, job)
    assert state["status"] == "failed"
    assert state["message"] == "运行该任务的后台进程已中断（重启或崩溃）1 次，任务已放弃。"  # in the default language
    assert [m[0] for m in _marks(marker)] == ["start"]  # not run a second time
    # the queue's own row is closed too, not left RUNNING
    assert procdb.query("SELECT status FROM django_tasks_database_dbtaskresult WHERE status = 'RUNNING'") == []


def test_two_workers_share_the_queue_and_each_job_runs_once(procdb, tmp_path):
    marker = tmp_path / "marks"
    jobs = _start_jobs(procdb, 10, 0.6, marker)
    workers = [procdb.start("worker", "--interval", "0.1", "--no-schedule", log_name=f"w{i}") for i in range(2)]
    try:
        wait_for(lambda: all(_job(procdb, j)["status"] == "done" for j in jobs), 120, step=0.5, what="all jobs")
    finally:
        for w in workers:
            stop(w)
    marks = _marks(marker)
    starts = sorted(j for what, j, _ in marks if what == "start")
    assert starts == sorted(jobs)  # every job started exactly once
    assert sorted(j for what, j, _ in marks if what == "end") == sorted(jobs)
    assert len({wid for _, _, wid in marks}) == 2  # both workers took some
    assert {_job(procdb, j)["attempts"] for j in jobs} == {1}


def test_sigterm_lets_the_current_job_finish_then_the_worker_exits(procdb, tmp_path):
    marker = tmp_path / "marks"
    worker = procdb.start("worker", "--interval", "0.2", log_name="terminated")
    try:
        (job,) = _start_jobs(procdb, 1, 3, marker)
        wait_for(lambda: _marks(marker), 60, what="the job to start")
        worker.send_signal(signal.SIGTERM)
        code = worker.wait(60)
    finally:
        stop(worker)
    assert code == 0, procdb.log("terminated")
    assert _job(procdb, job)["status"] == "done"
    assert [m[0] for m in _marks(marker)] == ["start", "end"]


def _start_crash(db, how: str, marker) -> int:
    return int(
        db.shell(
            "from django.contrib.auth.models import User; from healthaction.core import jobs; "
            "from healthaction.core.tests.jobtasks import crash; u = User.objects.get(username='runner'); "
            f"print(jobs.start(crash, kind='test', user=u, how={how!r}, marker={str(marker)!r}).pk)"
        )
    )


def test_a_job_that_aborts_or_runs_out_of_memory_fails_alone_and_its_worker_carries_on(procdb, tmp_path):
    """Each job runs in a child of its worker with a memory ceiling (core/jobchild.py): the child dies, the job
    fails with the reason at once (not queued again), and the same worker runs the next job."""
    marker = tmp_path / "marks"
    worker = procdb.start("worker", "--interval", "0.2", env=procdb.env(JOB_MEMORY_MB=1024), log_name="crashes")
    try:
        aborted = _start_crash(procdb, "abort", marker)
        hoarder = _start_crash(procdb, "memory", marker)
        (after,) = _start_jobs(procdb, 1, 0.3, marker)
        wait_for(lambda: _job(procdb, after)["status"] == "done", 120, step=0.5, what="the job after the crashes")
        assert worker.poll() is None  # the worker is still running
    finally:
        code = stop(worker)
    assert code == 0, procdb.log("crashes")[-3000:]
    first, second = _job(procdb, aborted), _job(procdb, hoarder)
    assert (first["status"], first["attempts"]) == ("failed", 1)
    assert first["message"] == "任务进程意外终止（信号 6），很可能是内存不足（上限 1024 MB）；文件可能过大或有异常。"
    assert (second["status"], second["attempts"]) == ("failed", 1)
    assert second["message"] == "任务所需内存超过 1024 MB，已停止；文件可能过大或有异常。"
    # each crash ran once, in a process other than the worker's, and the next job ran on the same worker
    marks = [line.split() for line in marker.read_text().splitlines()]
    crashes = [m for m in marks if m[0] == "crash"]
    assert [int(m[1]) for m in crashes] == [aborted, hoarder]
    assert str(worker.pid) not in {m[2] for m in crashes}
    assert _job(procdb, after)["worker"] == first["worker"] == second["worker"]
