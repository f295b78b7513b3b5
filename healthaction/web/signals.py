"""Cached page fragments follow the data: a due item saved (a submission, approval, return or reopening) or a plan
evaluated moves its plan's activity counter on (core/pagecache.py)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from healthaction.collection.models import DueItem
from healthaction.core import pagecache
from healthaction.evaluation.events import plan_evaluated


@receiver(post_save, sender=DueItem, dispatch_uid="pagecache-due-item-saved")
@receiver(post_delete, sender=DueItem, dispatch_uid="pagecache-due-item-deleted")
def due_item_changed(sender, instance: DueItem, raw: bool = False, **kwargs) -> None:
    if not raw:
        pagecache.touch(instance.plan_id)


@receiver(plan_evaluated, dispatch_uid="pagecache-plan-evaluated")
def plan_recomputed(sender, plan, **kwargs) -> None:
    pagecache.touch(plan.pk)
