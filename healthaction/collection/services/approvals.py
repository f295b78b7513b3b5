"""The "values approved" hook: every approval announces the series it changed, batched in one on_commit."""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction

from healthaction.collection import signals
from healthaction.collection.models import IndicatorValue

_approval_batch: ContextVar[dict | None] = ContextVar("approval_batch", default=None)


@contextmanager
def approving():
    """Announce every value approved inside the block together, once its transaction commits (a bulk approval, an
    import with --approve): one evaluation of all the series instead of one per value. Nothing is announced when
    the block raises."""
    if _approval_batch.get() is not None:  # an outer block announces
        yield
        return
    series: dict = {}
    token = _approval_batch.set(series)
    try:
        yield
    finally:
        _approval_batch.reset(token)
    _announce_approved(series)


def values_approved(plan_id: int, pairs) -> None:
    """The hook every approval calls with the (indicator_id, org_unit_id) of the values it approved: evaluation
    recomputes those series after the commit (collection.signals.values_approved). Costs no query."""
    batch = _approval_batch.get()
    series = batch if batch is not None else {}
    indicators, units = series.setdefault(plan_id, (set(), set()))
    for indicator_id, org_unit_id in pairs:
        indicators.add(indicator_id)
        units.add(org_unit_id)
    if batch is None:
        _announce_approved(series)


def _announce_approved(series: dict) -> None:
    if series:
        # outside a transaction this sends at once; a rollback discards it with the approvals
        transaction.on_commit(lambda: signals.values_approved.send(sender=IndicatorValue, series=series))
