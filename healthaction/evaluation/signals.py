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
    from healthaction.evaluation.services import evaluate_plan

    indicator = instance.indicator
    # after commit: the value must be visible to the loader's own query
    transaction.on_commit(lambda: evaluate_plan(indicator.plan, indicator_ids=[indicator.pk], org_unit_ids=[instance.org_unit_id]))
