"""Catalogue's answers to lower apps' signals."""

from django.dispatch import receiver

from healthaction.catalogue.services import match_plan
from healthaction.plans.signals import plan_imported


@receiver(plan_imported, dispatch_uid="catalogue-match-imported-plan")
def match_imported_plan(sender, plan, **kwargs) -> str:
    """Match the new plan's indicators to the national catalogue; return what was found."""
    matched = match_plan(plan)
    return f"catalogue: {matched['matched']} matched, {matched['proposed']} to confirm"
