"""Recompute a series when one of its values is approved (incremental evaluation).

Several approvals inside one transaction (a bulk approval, a healthy-cell share recorded by a view that
also saved other rows) become one evaluation after the commit, of every series they touched.
"""

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import Signal, receiver

from healthaction.collection.models import IndicatorValue
from healthaction.core.choices import ValueStatus
from healthaction.plans import links as plan_links

# sent after each evaluation is stored (plan, indicator_ids, org_unit_ids; None for all): caches and tests listen
plan_evaluated = Signal()


@receiver(post_save, sender=IndicatorValue, dispatch_uid="evaluate-approved-value")
def evaluate_approved_value(sender, instance: IndicatorValue, raw: bool = False, **kwargs) -> None:
    if raw or instance.status != ValueStatus.APPROVED:
        return
    schedule_evaluation(instance.indicator.plan_id, instance.indicator_id, instance.org_unit_id)


def schedule_evaluation(plan_id: int, indicator_id: int, org_unit_id: int) -> None:
    """Evaluate this series once the transaction commits, together with every other series scheduled in it."""
    connection = transaction.get_connection()
    state = getattr(connection, "_evaluation_pending", None)
    # still waiting when our callback is queued on this transaction (a rollback discards it, and so starts afresh)
    waiting = (
        state is not None
        and not state["done"]
        and connection.in_atomic_block
        and any(entry[1] is state["run"] for entry in connection.run_on_commit)
    )
    if not waiting:
        state = {"series": {}, "done": False}
        state["run"] = lambda: _run(state)
        connection._evaluation_pending = state
    indicators, units = state["series"].setdefault(plan_id, (set(), set()))
    indicators.add(indicator_id)
    units.add(org_unit_id)
    if not waiting:
        transaction.on_commit(state["run"])  # outside a transaction this runs at once, after the series is recorded


def _run(state: dict) -> None:
    from healthaction.evaluation.tasks import start_series  # tasks import the services, which import these models

    state["done"] = True  # a value approved from here on starts a new batch
    series = state["series"]
    # the plans above that these values roll up into (issue 23) are refreshed with them
    for plan_id, (indicator_ids, org_unit_ids) in list(series.items()):
        for upper_id, upper_indicators in plan_links.upper_series(plan_id, indicator_ids).items():
            indicators, units = series.setdefault(upper_id, (set(), set()))
            indicators.update(upper_indicators)
            units.update(org_unit_ids)
    for plan_id, (indicator_ids, org_unit_ids) in series.items():
        # a background job with the ids (core/jobs.py): a worker evaluates, not the request that approved
        start_series(plan_id, sorted(indicator_ids), sorted(org_unit_ids))
