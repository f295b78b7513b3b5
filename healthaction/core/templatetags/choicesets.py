"""Badges, labels and colours from the vocabularies (core/choicesets.py), so templates restate none of them.

{% load choicesets %}
{% badge r.status "evaluation_status" %}          <span class="st st-achieved">已实现</span>
{{ code|choice_label:"evaluation_status" }}       the label alone
{{ code|choice_class:"evaluation_status" }}       the badge class alone (for a table cell)
"""

from django import template
from django.utils.html import format_html

from healthaction.core.choicesets import REGISTRY

register = template.Library()


def _vocabulary(name: str):
    try:
        return REGISTRY[name]
    except KeyError:
        raise template.TemplateSyntaxError(
            f"No vocabulary named {name!r}; known: {', '.join(sorted(REGISTRY))}"
        ) from None


@register.filter
def choice_label(value, name: str) -> str:
    """Return the label of `value` in the vocabulary `name` (empty for an unknown code)."""
    return _vocabulary(name).label(value)


@register.filter
def choice_class(value, name: str) -> str:
    """Return the badge class of `value` in the vocabulary `name`."""
    return _vocabulary(name).css_class(value)


@register.simple_tag
def badge(value, name: str, text=None):
    """Return a badge for `value`: its label (or `text`) coloured by the generated stylesheet."""
    vocabulary = _vocabulary(name)
    return format_html(
        '<span class="st {}">{}</span>', vocabulary.css_class(value), vocabulary.label(value) if text is None else text
    )
