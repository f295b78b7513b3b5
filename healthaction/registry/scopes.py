"""Who may see and do what: every page and endpoint asks these functions, not the menu.

Roles (registry.Membership): the office administrator runs the whole plan of their
org unit; an action group lead reviews its action; a department liaison reports for
its department only; a county or town office reports for its area and below; a
leader reads everything in their area and changes nothing.
"""

from django.db.models import Q

from healthaction.core.choices import Role
from healthaction.registry.models import Membership, OrgUnit


def memberships(user) -> list[Membership]:
    if not user.is_authenticated:
        return []
    cache = getattr(user, "_ha_memberships", None)
    if cache is None:
        cache = list(Membership.objects.filter(user=user).select_related("org_unit", "department", "action"))
        user._ha_memberships = cache
    return cache


def roles(user) -> set[str]:
    return {m.role for m in memberships(user)}


def is_office(user, plan=None) -> bool:
    if user.is_superuser:
        return True
    return any(m.role == Role.OFFICE_ADMIN and (plan is None or plan.org_unit.path.startswith(m.org_unit.path)) for m in memberships(user))


def area_paths(user, *role_names: str) -> list[str]:
    return [m.org_unit.path for m in memberships(user) if not role_names or m.role in role_names]


def due_item_filter(user, prefix: str = "") -> Q:
    """Return a Q over DueItem (or a model reaching it through `prefix`) for the items this user may see."""
    p = prefix
    if user.is_superuser:
        return Q()
    q = Q(pk__in=[])
    for m in memberships(user):
        if m.role in (Role.OFFICE_ADMIN, Role.LEADER):
            q |= Q(**{f"{p}plan__org_unit__path__startswith": m.org_unit.path})
        elif m.role == Role.DEPARTMENT_LIAISON:
            q |= Q(**{f"{p}department": m.department_id})
        elif m.role == Role.AREA_OFFICE:
            q |= Q(**{f"{p}org_unit__path__startswith": m.org_unit.path, f"{p}department__isnull": True})
        elif m.role == Role.ACTION_LEAD:
            q |= Q(**{f"{p}indicator__action": m.action_id}) | Q(**{f"{p}task__action": m.action_id})
    return q


def can_report(user, item) -> bool:
    """Return True when the user may fill in and submit this due item."""
    if user.is_superuser:
        return True
    for m in memberships(user):
        if m.role == Role.OFFICE_ADMIN and item.plan.org_unit.path.startswith(m.org_unit.path):
            return True
        if m.role == Role.DEPARTMENT_LIAISON and item.department_id == m.department_id:
            return True
        if m.role == Role.AREA_OFFICE and item.department_id is None and item.org_unit.path.startswith(m.org_unit.path):
            return True
    return False


def can_review(user, item) -> bool:
    """Return True when the user may approve or return what was submitted for this due item."""
    if user.is_superuser:
        return True
    for m in memberships(user):
        if m.role == Role.OFFICE_ADMIN and item.plan.org_unit.path.startswith(m.org_unit.path):
            return True
        if m.role == Role.ACTION_LEAD and m.action_id in (getattr(item.indicator, "action_id", None), getattr(item.task, "action_id", None)):
            return True
    return False


def reporting_unit_for(user) -> OrgUnit | None:
    return next((m.org_unit for m in memberships(user)), None)


def visible_plans(user, plans):
    """Return the plans (a queryset) a user may open: the office its area's, others the published ones above or within their area."""
    from healthaction.core.choices import PlanStatus

    if user.is_superuser:
        return plans
    if not user.is_authenticated:
        return plans.filter(status=PlanStatus.PUBLISHED, is_public=True)
    q = Q(pk__in=[])
    for m in memberships(user):
        if m.role == Role.OFFICE_ADMIN:
            q |= Q(org_unit__path__startswith=m.org_unit.path)
        ancestors = [p + "/" for p in _prefixes(m.org_unit.path)]
        q |= Q(status=PlanStatus.PUBLISHED) & (Q(org_unit__path__in=ancestors) | Q(org_unit__path__startswith=m.org_unit.path))
    return plans.filter(q)


def _prefixes(path: str) -> list[str]:
    parts = [p for p in path.split("/") if p]
    return ["/" + "/".join(parts[: k + 1]) for k in range(len(parts))]


# ---- what each person may open: the menu asks these, and so do the pages behind it ----------------------

REPORTING_ROLES = (Role.OFFICE_ADMIN, Role.DEPARTMENT_LIAISON, Role.AREA_OFFICE)
REVIEWING_ROLES = (Role.OFFICE_ADMIN, Role.ACTION_LEAD)
MONITORING_ROLES = (Role.OFFICE_ADMIN, Role.LEADER, Role.ACTION_LEAD)
RECTIFYING_ROLES = (Role.OFFICE_ADMIN, Role.LEADER, Role.DEPARTMENT_LIAISON, Role.AREA_OFFICE)


def _has(user, wanted) -> bool:
    return user.is_authenticated and (user.is_superuser or bool(roles(user) & set(wanted)))


def may_report(user) -> bool:
    """Return True when the user owes or may enter reports somewhere (inbox, Excel round trip)."""
    return _has(user, REPORTING_ROLES)


def may_review(user) -> bool:
    """Return True when the user approves or returns submissions of some items (the review queue)."""
    return _has(user, REVIEWING_ROLES)


def may_monitor(user) -> bool:
    """Return True when the user reads completeness, reports and the plan pages behind them."""
    return _has(user, MONITORING_ROLES)


def may_follow_supervision(user, inspects: bool = False) -> bool:
    """Return True when supervision pages concern the user: the office and leaders, inspectors of a round (the caller
    says, as rounds live above this module), and departments and areas that rectify findings."""
    return inspects or _has(user, RECTIFYING_ROLES)


def may_read_plans(user) -> bool:
    """Return True when the user has a role on some plan (an inspector without one sees supervision only)."""
    return user.is_authenticated and (user.is_superuser or bool(memberships(user)))


def owes(user, item) -> bool:
    """Return True when the user belongs to the department or area that owes this due item (not the office that reviews it)."""
    for m in memberships(user):
        if m.role == Role.DEPARTMENT_LIAISON and item.department_id and item.department_id == m.department_id:
            return True
        if m.role == Role.AREA_OFFICE and item.department_id is None and item.org_unit.path.startswith(m.org_unit.path):
            return True
    return False


def answers_for_filter(user, unit_path: str = "org_unit__path", department: str = "department") -> Q:
    """Return a Q over rows (through the lookups given) that the user's department or area answers for."""
    q = Q(pk__in=[])
    for m in memberships(user):
        if m.role == Role.DEPARTMENT_LIAISON and m.department_id:
            q |= Q(**{department: m.department_id})
        elif m.role == Role.AREA_OFFICE:
            q |= Q(**{f"{unit_path}__startswith": m.org_unit.path})
    return q
