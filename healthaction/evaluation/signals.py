"""Recompute a series when one of its values is approved (incremental evaluation)."""

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from healthaction.collection.models import IndicatorValue
from healthaction.core.choices import ValueStatus


@receiver(post_save, sender=IndicatorValue, dispatch_uid="evaluate-approved-value")
def evaluate_approved_value(sender, instance: IndicatorValue, raw: bool = False, **kwargs) -> None:
    if raw or instance.status != ValueStatus.APPROVED:
        return
    from healthaction.evaluation.tasks import start_series

    plan_id, indicator_id, unit_id = instance.indicator.plan_id, instance.indicator_id, instance.org_unit_id
    # after commit: the value must be visible to the worker; the job is a task with ids, run by a worker
    transaction.on_commit(lambda: start_series(plan_id, [indicator_id], [unit_id]))
