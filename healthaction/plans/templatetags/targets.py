"""Targets and values in templates, written the one way core/formatting.py writes them, in the reader's language.

{{ indicator.targets.all|targets_text }}        2022年≥25；2030年≥35   (English: 2022: ≥25; 2030: ≥35)
{{ t|target_text }}                             ≥25
{% target_with_unit t indicator.unit %}         ≥14.5/10万
{% value_text obj.value indicator.unit %}       12/10万               (English: 12 per 100,000)
"""

from django import template
from django.utils.translation import get_language

from healthaction.core import formatting
from healthaction.plans.models import target_text as _target_text
from healthaction.plans.models import targets_text as _targets_text

register = template.Library()


def _language() -> str:
    return get_language() or "zh-hans"


@register.filter
def targets_text(targets) -> str:
    """Return the targets as one line (empty when none)."""
    return _targets_text(targets, language=_language())


@register.filter
def target_text(target) -> str:
    """Return one target."""
    return _target_text(target, language=_language())


@register.simple_tag
def target_with_unit(target, unit: str = "") -> str:
    """Return one target with the indicator's unit ("≥14.5/10万")."""
    return _target_text(target, unit, _language())


@register.simple_tag
def value_text(value, unit: str = "", places: int = 4) -> str:
    """Return a value with its unit and the right separator ("" for None)."""
    return formatting.value_text(value, unit, _language(), places)
