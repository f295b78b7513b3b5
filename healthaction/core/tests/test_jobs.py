"""Jobs, locks, the schedule, the health probe and sessions, in the test process (the Immediate backend runs each
task in place: these tests prove the bookkeeping; test_worker.py runs real workers)."""

import datetime as dt
import os
import zoneinfo

import pytest
from django.contrib.sessions.models import Session
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import override_settings
from django.utils import translation

from healthaction.core import jobs, schedule
from healthaction.core.models import Job, JobLock, ScheduledRun
from healthaction.evaluation import tasks as evaluation_tasks
from healthaction.plans import tasks as plan_tasks
from healthaction.reports import tasks as report_tasks

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def test_one_evaluation_per_plan_a_second_start_joins_the_waiting_one(demo, settings):
    settings.TASKS = jobs.DATABASE  # queued, not run: the first stays waiting
    first = evaluation_tasks.start_evaluation(demo["plan"])
    second = evaluation_tasks.start_evaluation(demo["plan"])
    assert second.pk == first.pk and first.status == "queued"
    assert Job.objects.filter(lock_key=f"evaluate-plan-{demo['plan'].pk}").count() == 1


def test_the_evaluation_lock_is_held_by_exactly_one_job(demo):
    a = Job.objects.create(kind="evaluate", lock_key="evaluate-plan-x")
    b = Job.objects.create(kind="evaluate", lock_key="evaluate-plan-x")
    assert jobs.acquire(a) is True
    assert jobs.acquire(b) is False
    assert JobLock.objects.get(key="evaluate-plan-x").job_id == a.pk
    jobs.release(b)  # not the holder: changes nothing
    assert JobLock.objects.get(key="evaluate-plan-x").job_id == a.pk
    jobs.release(a)
    assert jobs.acquire(b) is True


def test_a_job_runs_once_a_second_delivery_is_skipped(demo):
    job = jobs.start(evaluation_tasks.evaluate_plan_task, kind="evaluate", plan_id=demo["plan"].pk)
    job.refresh_from_db()
    assert (job.status, job.attempts, job.progress) == ("done", 1, 100)
    assert evaluation_tasks.evaluate_plan_task.call(job_id=job.pk, plan_id=demo["plan"].pk) == "skipped"
    job.refresh_from_db()
    assert job.attempts == 1


def test_a_failing_job_records_the_reason_and_logs_the_traceback(demo, caplog):
    with translation.override("zh-hans"):  # the job speaks the language of whoever started it
        job = jobs.start(evaluation_tasks.evaluate_plan_task, kind="evaluate", plan_id=999999)
    job.refresh_from_db()
    assert job.status == "failed" and job.message == "计划已不存在。"
    job = jobs.start(report_tasks.build_report, kind="report", plan_id=demo["plan"].pk, report="annual", year="x")
    job.refresh_from_db()
    assert job.status == "failed"
    assert any(r.name == "healthaction.jobs" and r.exc_info for r in caplog.records)


def test_the_sweep_requeues_a_job_without_heartbeat_then_fails_it(demo, settings):
    settings.TASKS = jobs.DATABASE
    settings.JOB_MAX_ATTEMPTS = 2
    long_ago = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    job = Job.objects.create(
        kind="evaluate",
        status="running",
        attempts=1,
        heartbeat_at=long_ago,
        worker_id="gone",
        task_path=evaluation_tasks.evaluate_plan_task.module_path,
        params={"plan_id": demo["plan"].pk},
    )
    fresh = Job.objects.create(
        kind="evaluate", status="running", attempts=1, heartbeat_at=dt.datetime.now(dt.UTC), worker_id="alive"
    )
    assert jobs.sweep() == [job.pk]
    job.refresh_from_db()
    assert (job.status, job.worker_id) == ("queued", "")
    assert job.task_id  # enqueued again
    Job.objects.filter(pk=job.pk).update(status="running", attempts=2, heartbeat_at=long_ago, worker_id="gone again")
    assert jobs.sweep() == [job.pk]
    job.refresh_from_db()
    assert job.status == "failed" and "2" in job.message and job.finished_at
    fresh.refresh_from_db()
    assert fresh.status == "running"


@pytest.mark.parametrize(
    ("spec", "now", "slot", "start"),
    [
        (
            "daily 07:30",
            dt.datetime(2026, 11, 25, 8, 0, tzinfo=SHANGHAI),
            "2026-11-25",
            dt.datetime(2026, 11, 25, 7, 30),
        ),
        (
            "daily 07:30",
            dt.datetime(2026, 11, 25, 7, 0, tzinfo=SHANGHAI),
            "2026-11-24",
            dt.datetime(2026, 11, 24, 7, 30),
        ),
        # 2026-11-25 is a Wednesday: the latest Sunday 03:00 is the 22nd
        (
            "weekly sun 03:00",
            dt.datetime(2026, 11, 25, 12, 0, tzinfo=SHANGHAI),
            "2026-11-22",
            dt.datetime(2026, 11, 22, 3, 0),
        ),
        (
            "weekly wed 13:00",
            dt.datetime(2026, 11, 25, 12, 0, tzinfo=SHANGHAI),
            "2026-11-18",
            dt.datetime(2026, 11, 18, 13, 0),
        ),
    ],
)
def test_schedule_slots(spec, now, slot, start, settings):
    key, begins, _ = schedule.latest_slot(spec, now)
    assert key == slot and begins.replace(tzinfo=None) == start


def test_schedule_off_and_bad_specs():
    now = dt.datetime(2026, 11, 25, tzinfo=dt.UTC)
    assert schedule.latest_slot("off", now) is None
    with pytest.raises(schedule.ScheduleError, match="daily 07:30"):
        schedule.latest_slot("at noon", now)


def test_a_scheduled_slot_is_claimed_once_whoever_asks(demo, settings):
    settings.TASKS = jobs.DATABASE
    settings.SCHEDULE = {"reminders": "daily 07:30", "evaluate": "off", "backup": "off"}
    now = dt.datetime(2026, 11, 25, 8, 0, tzinfo=SHANGHAI)
    assert schedule.run_due("worker-a", now) == ["reminders"]
    assert schedule.run_due("worker-b", now) == []
    assert schedule.run_due("worker-b", now + dt.timedelta(hours=3)) == []  # same day, same slot
    run = ScheduledRun.objects.get(name="reminders", slot="2026-11-25")
    assert run.worker_id == "worker-a" and run.job.kind == "reminders" and run.job.user is None
    # eight hours after the slot began and nobody ran it: too late, skipped (SCHEDULE_GRACE_HOURS = 6)
    assert schedule.run_due("worker-b", dt.datetime(2026, 11, 26, 15, 31, tzinfo=SHANGHAI)) == []


def test_the_job_page_stops_polling_when_the_job_ends_and_offers_the_file(login, demo):
    client = login("office")
    response = client.get(f"/reports/{demo['plan'].pk}/excel/")
    assert response.status_code == 200 and response["Content-Disposition"].endswith(".xlsx")
    job = Job.objects.filter(kind="report-excel").latest("pk")
    html = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "hx-trigger" not in html and f"/jobs/{job.pk}/file/" in html
    assert client.get(f"/jobs/{job.pk}/file/").status_code == 200
    assert login("leader").get(f"/jobs/{job.pk}/file/").status_code == 404  # only the one who started it
    queued = Job.objects.create(kind="evaluate", user=job.user)
    assert 'hx-trigger="every 1s"' in login("office").get(f"/jobs/{queued.pk}/").content.decode()


def test_the_health_probe_queries_the_database(client, db):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json()["database"] == "ok" and response.json()["cache"] == "ok"


def test_a_polling_page_does_not_write_the_session_each_time(login, demo):
    client = login("office")
    job = Job.objects.create(
        kind="evaluate",
        user=client.session and Job._meta.get_field("user").related_model.objects.get(username="office"),
    )
    client.get(f"/jobs/{job.pk}/?format=json")
    key = client.session.session_key
    expiry = Session.objects.get(session_key=key).expire_date
    with override_settings(SESSION_REFRESH_SECONDS=3600):
        for _ in range(3):
            client.get(f"/jobs/{job.pk}/?format=json")
    assert Session.objects.get(session_key=key).expire_date == expiry
    with override_settings(SESSION_REFRESH_SECONDS=0):
        client.get(f"/jobs/{job.pk}/?format=json")
    assert Session.objects.get(session_key=key).expire_date > expiry


def test_a_refused_job_removes_its_staged_upload(demo, django_user_model):
    """The published demo plan can no longer be corrected from a workbook: the job fails and its file is gone."""

    office = django_user_model.objects.get(username="office")
    path = jobs.stage_upload(ContentFile(b"not a workbook", name="corrected.xlsx"))
    assert default_storage.exists(path)
    job = jobs.start(plan_tasks.apply_workbook, kind="plan-excel", user=office, plan_id=demo["plan"].pk, path=path)
    job.refresh_from_db()
    assert job.status == "failed" and job.message == "只有草稿状态的方案可以在此修改。"
    assert not default_storage.exists(path)


def test_staged_uploads_no_job_will_read_are_pruned_after_a_day(demo, settings, tmp_path):
    """Three staged files: two days old and unclaimed (pruned), two days old but named by a queued job (kept), an
    hour old and unclaimed (kept: its request may still be starting the job)."""

    settings.MEDIA_ROOT = tmp_path
    now = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)
    paths = [jobs.stage_upload(ContentFile(b"x", name=f"f{k}.xlsx")) for k in range(3)]
    for path, age in zip(paths, (dt.timedelta(days=2), dt.timedelta(days=2), dt.timedelta(hours=1))):
        stamp = (now - age).timestamp()
        os.utime(default_storage.path(path), (stamp, stamp))
    Job.objects.create(kind="values-excel", status="queued", params={"path": paths[1], "name": "f1.xlsx"})
    assert jobs.prune_staged(now=now) == 1
    assert [default_storage.exists(p) for p in paths] == [False, True, True]
