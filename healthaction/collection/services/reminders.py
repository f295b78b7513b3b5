"""Reminders of due and overdue items by email and to group robots, never twice a day for one item."""

from __future__ import annotations

import datetime as dt

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from healthaction.collection import robots
from healthaction.collection.models import DueItem, ReminderLog, RobotWebhook
from healthaction.core.choices import PlanStatus, ReminderKind
from healthaction.plans.models import Plan
from healthaction.registry import scopes

REMINDER_DAYS_BEFORE = 7


def recipients(item: DueItem):
    """Return the users who answer for a due item (its department's liaisons, or its area's office)."""
    members = scopes.reporters(item.department_id, item.org_unit_id)
    return [m.user for m in members.select_related("user") if m.user.email and m.user.is_active]


def send_reminders(
    today: dt.date | None = None, plan: Plan | None = None, days_before: int = REMINDER_DAYS_BEFORE
) -> int:
    """Email reminders N days before, on the due date and when overdue; never twice for one item, person and day."""
    today = today or dt.date.today()
    items = (
        DueItem.objects.counting()
        .filter(received_at__isnull=True, plan__status=PlanStatus.PUBLISHED)
        .filter(Q(due_date=today + dt.timedelta(days=days_before)) | Q(due_date=today) | Q(due_date__lt=today))
        .select_related("indicator", "task", "department", "org_unit", "plan")
    )
    if plan is not None:
        items = items.filter(plan=plan)
    per_person: dict[str, list[tuple[DueItem, str]]] = {}
    everything = []
    for item in items:
        kind = (
            ReminderKind.OVERDUE
            if item.due_date < today
            else ReminderKind.DUE_TODAY
            if item.due_date == today
            else ReminderKind.BEFORE
        )
        everything.append((item, kind))
        for user in recipients(item):
            per_person.setdefault(user.email, []).append((item, kind))
    sent = 0
    for email, entries in per_person.items():
        fresh = []
        for item, kind in entries:
            try:
                with transaction.atomic():
                    ReminderLog.objects.create(due_item=item, recipient=email, kind=kind, sent_on=today)
                fresh.append((item, kind))
            except IntegrityError:
                continue  # already reminded today
        if not fresh:
            continue
        lines = [
            f"- {item} （{item.period_label}，截止 {item.due_date:%Y-%m-%d}，{ReminderKind(kind).label}）"
            for item, kind in fresh
        ]
        send_mail(
            subject=_("healthaction: %(n)s item(s) to report") % {"n": len(fresh)},
            message=_("The following items are due or overdue:") + "\n" + "\n".join(lines),
            from_email=None,
            recipient_list=[email],
        )
        sent += 1
    send_robot_reminders(everything, today)  # after email: a robot that fails never holds email back
    return sent


def robots_for(item: DueItem) -> list:
    """The active group robots of an item's department, or of its area when no department answers for it."""
    robots = RobotWebhook.objects.filter(active=True)
    if item.department_id:
        return list(robots.filter(department_id=item.department_id))
    return list(robots.filter(department__isnull=True, org_unit_id=item.org_unit_id))


def send_robot_reminders(items: list[tuple[DueItem, str]], today: dt.date) -> int:
    """Post the reminders of the day to group robots, once per item, robot and day; return messages accepted.

    A failed post keeps nothing in ReminderLog, so a later run the same day tries again.
    """
    by_department, by_area = {}, {}
    for robot in RobotWebhook.objects.filter(active=True):
        if robot.department_id:
            by_department.setdefault(robot.department_id, []).append(robot)
        else:
            by_area.setdefault(robot.org_unit_id, []).append(robot)
    per_robot: dict[int, tuple] = {}
    for item, kind in items:
        found = by_department.get(item.department_id, []) if item.department_id else by_area.get(item.org_unit_id, [])
        for robot in found:
            per_robot.setdefault(robot.pk, (robot, []))[1].append((item, kind))
    accepted = 0
    for robot, entries in per_robot.values():
        fresh = []
        for item, kind in entries:
            try:
                with transaction.atomic():
                    fresh.append(
                        ReminderLog.objects.create(due_item=item, recipient=robot.channel, kind=kind, sent_on=today)
                    )
            except IntegrityError:
                continue
        if not fresh:
            continue
        title = _("%(n)s item(s) to report") % {"n": len(fresh)}
        lines = [
            f"- {log.due_item} （{log.due_item.period_label}，截止 {log.due_item.due_date:%Y-%m-%d}，{ReminderKind(log.kind).label}）"
            for log in fresh
        ]
        text = f"### {title}\n" + "\n".join(lines)
        if robots.deliver(robot, str(title), text):
            accepted += 1
        else:
            ReminderLog.objects.filter(pk__in=[log.pk for log in fresh]).delete()
    return accepted
