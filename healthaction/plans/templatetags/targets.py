"""{{ indicator.targets.all|targets_text }}: targets shown the one way plans/models.py writes them."""

from django import template
from django.utils.translation import get_language

from healthaction.plans.models import targets_text as _targets_text

register = template.Library()


@register.filter
def targets_text(targets) -> str:
    """Return the targets as one line, "2022年≥25；2030年≥35" (in English "2022: ≥25; 2030: ≥35"; empty when none).

    Only the year's wording follows the reader's language; the target stays as the plan wrote it."""
    if (get_language() or "zh-hans").startswith("zh"):
        return _targets_text(targets)
    return "; ".join(f"{t.year}: {t.raw_text}" for t in targets)
