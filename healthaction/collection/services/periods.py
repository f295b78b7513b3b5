"""Half-year reporting periods: their first days, labels and the choices a page offers."""

from __future__ import annotations

import datetime as dt
import re

from django.utils.translation import gettext as _

from healthaction.plans.models import Plan


def period_start(year: int, half: int) -> dt.date:
    """Return the first day of a half-year period."""
    return dt.date(year, 1 if half == 1 else 7, 1)


def current_period(today: dt.date | None = None) -> tuple[int, int]:
    today = today or dt.date.today()
    return today.year, 1 if today.month <= 6 else 2


def period_label(year: int, half: int) -> str:
    return _("%(y)s, first half") % {"y": year} if half == 1 else _("%(y)s, second half") % {"y": year}


def period_choices(plan: Plan, today: dt.date | None = None) -> list[tuple[str, str]]:
    """Return (start date ISO, label) for every half-year from the plan's first year to the current period."""
    last = max(current_period(today), (plan.horizon_start, 1))
    choices = []
    for year in range(plan.horizon_start, min(last[0], plan.horizon_end) + 1):
        for half in (1, 2):
            if (year, half) <= last:
                choices.append((period_start(year, half).isoformat(), period_label(year, half)))
    return choices


def parse_period(text: str) -> dt.date | None:
    """Read a start period written as 2026H2, 2026-2 or an ISO date of a period's first day."""
    text = (text or "").strip().upper()
    m = re.fullmatch(r"(\d{4})\s*(?:H|-)\s*([12])", text)
    if m:
        return period_start(int(m.group(1)), int(m.group(2)))
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        return None
    return day if (day.month, day.day) in ((1, 1), (7, 1)) else None
