"""Periodic work without cron: the worker's housekeeping thread calls `run_due` twice a minute.

Each entry of settings.SCHEDULE is "daily HH:MM", "weekly mon HH:MM", "every N minutes" or "off" (times in
TIME_ZONE). The latest slot that has come is claimed by inserting a `ScheduledRun(name, slot)` row: the unique
constraint lets exactly one of several workers win, on SQLite and PostgreSQL alike, and a slot never runs twice.
A slot older than SCHEDULE_GRACE_HOURS (the workers were all down) is skipped rather than run late.

The tasks are named by dotted path (imported on first use) so core never imports the apps above it.
"""

from __future__ import annotations

import datetime as dt
import logging
import re

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from healthaction.core import jobs
from healthaction.core.models import ScheduledRun

log = logging.getLogger("healthaction.schedule")

TASKS = {
    "reminders": "healthaction.collection.tasks.send_reminders",
    "evaluate": "healthaction.evaluation.tasks.evaluate_all",
    "backup": "healthaction.core.tasks.scheduled_backup",
    "prune": "healthaction.core.tasks.prune_staged",
}
DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
_SPEC = re.compile(
    r"^\s*(?:(?P<daily>daily)\s+(?P<dt>\d{1,2}:\d{2})|(?P<weekly>weekly)\s+(?P<day>[a-z]{3})\s+(?P<wt>\d{1,2}:\d{2})"
    r"|every\s+(?P<n>\d+)\s*(?:m|min|minutes?))\s*$",
    re.I,
)


class ScheduleError(ValueError):
    pass


def latest_slot(spec: str, now: dt.datetime) -> tuple[str, dt.datetime, dt.timedelta] | None:
    """Return (slot name, slot start, grace) of the latest slot at or before `now`, or None when off."""
    if spec.strip().lower() in ("off", "", "none", "0"):
        return None
    m = _SPEC.match(spec)
    if not m:
        raise ScheduleError(
            f"cannot read schedule {spec!r}: use 'daily 07:30', 'weekly sun 03:00', 'every 15 minutes' or 'off'"
        )
    local = timezone.localtime(now)
    grace = dt.timedelta(hours=float(getattr(settings, "SCHEDULE_GRACE_HOURS", 6)))
    if m["n"]:
        minutes = int(m["n"])
        if minutes <= 0:
            raise ScheduleError(f"schedule interval must be positive: {spec!r}")
        index = int(now.timestamp() // (minutes * 60))
        start = dt.datetime.fromtimestamp(index * minutes * 60, tz=dt.UTC)
        return f"every{minutes}-{index}", start, dt.timedelta(minutes=minutes)
    hh, mm = map(int, (m["dt"] or m["wt"]).split(":"))
    start = local.replace(hour=hh, minute=mm, second=0, microsecond=0)
    if m["daily"]:
        if start > local:
            start -= dt.timedelta(days=1)
        return start.date().isoformat(), start, grace
    day = m["day"].lower()
    if day not in DAYS:
        raise ScheduleError(f"unknown weekday {m['day']!r} in {spec!r}")
    start -= dt.timedelta(days=(local.weekday() - DAYS.index(day)) % 7)
    if start > local:
        start -= dt.timedelta(days=7)
    return start.date().isoformat(), start, grace


def run_due(worker_id: str = "", now: dt.datetime | None = None) -> list[str]:
    """Claim and start every scheduled job whose latest slot has come and is unclaimed. Returns the names."""
    now = now or timezone.now()
    started = []
    for name, spec in settings.SCHEDULE.items():
        slot = latest_slot(spec, now)
        if slot is None or name not in TASKS:
            continue
        key, start, grace = slot
        if now - start > grace:
            continue
        try:
            with transaction.atomic():
                run = ScheduledRun.objects.create(name=name, slot=key, worker_id=worker_id)
        except IntegrityError:
            continue  # another worker (or this one, earlier) has it
        job = jobs.start(import_string(TASKS[name]), kind=name)
        ScheduledRun.objects.filter(pk=run.pk).update(job=job)
        log.info("scheduled %s for slot %s started as job %s", name, key, job.pk)
        started.append(name)
    return started
