"""{{ indicator.targets.all|targets_text }}: targets shown the one way plans/models.py writes them."""

from django import template

from healthaction.plans.models import targets_text as _targets_text

register = template.Library()


@register.filter
def targets_text(targets) -> str:
    """Return the targets as one line, "2022年≥25；2030年≥35" (empty when there are none)."""
    return _targets_text(targets)
