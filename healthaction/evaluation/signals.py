"""Evaluation's answers to lower apps' signals: recompute the series whose values were approved.

collection.services.values_approved, which every approval calls, sends collection.signals.values_approved once
after the approving transaction commits, with every series it touched; one background job per plan recomputes them.
"""

from django.dispatch import receiver

from healthaction.collection.signals import values_approved
from healthaction.evaluation.tasks import start_series
from healthaction.plans import links as plan_links


@receiver(values_approved, dispatch_uid="evaluate-approved-values")
def evaluate_approved_values(sender, series: dict, **kwargs) -> None:
    series = {plan_id: (set(i), set(u)) for plan_id, (i, u) in series.items()}
    # the plans above that these values roll up into (issue 23) are refreshed with them
    for plan_id, (indicator_ids, org_unit_ids) in list(series.items()):
        for upper_id, upper_indicators in plan_links.upper_series(plan_id, indicator_ids).items():
            indicators, units = series.setdefault(upper_id, (set(), set()))
            indicators.update(upper_indicators)
            units.update(org_unit_ids)
    for plan_id, (indicator_ids, org_unit_ids) in series.items():
        # a background job with the ids (core/jobs.py): a worker evaluates, not the request that approved
        start_series(plan_id, sorted(indicator_ids), sorted(org_unit_ids))
