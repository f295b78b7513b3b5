"""Match a freshly imported plan's indicators to the national catalogue (plans cannot import catalogue)."""

from django.dispatch import receiver

from healthaction.catalogue.services import match_plan
from healthaction.plans.signals import plan_imported


@receiver(plan_imported, dispatch_uid="catalogue-match-imported-plan")
def match_imported_plan(sender, plan, **kwargs) -> None:
    match_plan(plan)
