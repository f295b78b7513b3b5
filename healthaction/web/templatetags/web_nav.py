"""The main menu: only the sections the signed-in person may open, asked of registry/scopes.py."""

from django import template

from healthaction.registry import scopes

register = template.Library()


@register.simple_tag
def nav_sections(user) -> set[str]:
    """Return the names of the main sections to show this user (empty for a visitor)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return set()
    inspects = user.inspection_rounds.exists()  # the reverse of Round.inspectors: the web layer may look up there
    sections = set()
    if scopes.may_read_plans(user):
        sections |= {"plans", "catalogue"}
    if scopes.may_report(user) or scopes.may_review(user) or scopes.may_monitor(user):
        sections.add("inbox")
    if scopes.may_review(user):
        sections.add("review")
    if scopes.may_report(user):
        sections.add("excel")
    if scopes.may_monitor(user):
        sections |= {"completeness", "reports"}
    if scopes.may_follow_supervision(user, inspects=inspects):
        sections.add("supervision")
    if user.is_staff:
        sections.add("admin")
    return sections


@register.simple_tag
def reads_reports(user, plan) -> bool:
    """Whether the plan's reports and roll-ups are open to the user (scopes.may_read_reports)."""
    return bool(user and getattr(user, "is_authenticated", False)) and scopes.may_read_reports(user, plan)
