"""Who may see and do what: every page and endpoint asks these functions, not the menu.

Roles (registry.Membership): the office administrator runs the whole plan of their
org unit; an action group lead reviews its action; a department liaison reports for
its department only; a county or town office reports for its area and below; a
leader reads everything in their area and changes nothing.

Every level has its own office (issue 23): a province, city, county or town office runs the plans of its area (and
those below it whose area has no office yet), sees its whole subtree (a province its cities, counties and towns) and
the published plans above it, never a sibling's; it never approves or changes the plan of a lower area that has its
own office. An office invited from the level above also holds the area office role of its area, so that it answers
to the plan above for its area; the office above manages those accounts like its reporters'.
"""

from django.contrib.auth import get_user_model
from django.db.models import Q

from healthaction.core.choices import Level, PlanStatus, Role
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


def _has_own_office(plan) -> bool:
    """Whether the plan's area has an office account of its own (kept on the plan object for the request)."""
    cached = getattr(plan, "_ha_has_office", None)
    if cached is None:
        cached = Membership.objects.filter(role=Role.OFFICE_ADMIN, org_unit_id=plan.org_unit_id).exists()
        plan._ha_has_office = cached
    return cached


def runs(user, org_unit_id: int, org_unit_path: str, plan) -> bool:
    """The office that runs a plan: the office of the plan's own area; an office above runs it only while that area
    has no office of its own (a county office drafting its towns' plans before their offices are invited)."""
    if user.is_superuser:
        return True
    offices = [m for m in memberships(user) if m.role == Role.OFFICE_ADMIN]
    if any(m.org_unit_id == org_unit_id for m in offices):
        return True
    return any(org_unit_path.startswith(m.org_unit.path) for m in offices) and not _has_own_office(plan)


def is_office(user, plan=None) -> bool:
    """With a plan: the user runs it (changes, publishes, approves, manages its reporters), see `runs`. An office
    above sees the plans below it (`visible_plans`, `oversees`) but does not run a plan whose area has its own
    office. Without a plan: the user is an office somewhere."""
    if user.is_superuser:
        return True
    if plan is None:
        return any(m.role == Role.OFFICE_ADMIN for m in memberships(user))
    return runs(user, plan.org_unit_id, plan.org_unit.path, plan)


def run_plans(user, plans):
    """The plans (a queryset) the user runs as office, in one query: the queryset form of `is_office(user, plan)`."""
    if user.is_superuser:
        return plans
    offices = [m for m in memberships(user) if m.role == Role.OFFICE_ADMIN]
    below = Q(pk__in=[])
    for m in offices:
        below |= Q(org_unit__path__startswith=m.org_unit.path)
    staffed = Membership.objects.filter(role=Role.OFFICE_ADMIN).values("org_unit_id")
    return plans.filter(Q(org_unit_id__in=[m.org_unit_id for m in offices]) | (below & ~Q(org_unit_id__in=staffed)))


def oversees(user, plan) -> bool:
    """Return True when the user is the office of the plan's area or of an area above it (read access: reports,
    completeness, supervision of the plans below)."""
    if user.is_superuser:
        return True
    return any(
        m.role == Role.OFFICE_ADMIN and plan.org_unit.path.startswith(m.org_unit.path) for m in memberships(user)
    )


def office_area(user) -> OrgUnit | None:
    """Return the org unit whose plans the user runs as committee office (the widest one), or None.

    A plan imported by this user is attached inside this unit, never elsewhere (issue 17).
    """
    units = [m.org_unit for m in memberships(user) if m.role == Role.OFFICE_ADMIN]
    return min(units, key=lambda u: len(u.path), default=None)


PLAN_LEVELS = (Level.PROVINCE, Level.CITY, Level.COUNTY, Level.TOWN)


def first_run_open() -> bool:
    """The first-run page sets up the first office of a fresh install: open only while no account exists at all."""
    return not get_user_model().objects.exists()


def plan_areas(user):
    """The areas (a queryset) an office may attach a plan to: its own and every area below it that issues plans
    (province to town), never outside its subtree."""
    units = OrgUnit.objects.filter(level__in=PLAN_LEVELS)
    if user.is_superuser:
        return units
    q = Q(pk__in=[])
    for m in memberships(user):
        if m.role == Role.OFFICE_ADMIN:
            q |= Q(path__startswith=m.org_unit.path)
    return units.filter(q)


def may_attach_plan(user, unit: OrgUnit) -> bool:
    """Return True when the user may attach a plan to this area (upload, import, first run)."""
    return unit.level in PLAN_LEVELS and (
        user.is_superuser
        or any(m.role == Role.OFFICE_ADMIN and unit.path.startswith(m.org_unit.path) for m in memberships(user))
    )


def can_review_plan(user, plan) -> bool:
    """Return True when the user may open the review pages of this plan (the committee office of its area)."""
    return is_office(user, plan)


def can_correct_plan(user, plan) -> bool:
    """Return True when the user may change this plan on the review pages: its office, and only while it is a draft."""
    return is_office(user, plan) and plan.status == PlanStatus.DRAFT


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
        if m.role == Role.OFFICE_ADMIN and is_office(user, item.plan):
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
        if m.role == Role.OFFICE_ADMIN and is_office(user, item.plan):
            return True
        if m.role == Role.ACTION_LEAD and m.action_id in (
            getattr(item.indicator, "action_id", None),
            getattr(item.task, "action_id", None),
        ):
            return True
    return False


def reporting_unit_for(user) -> OrgUnit | None:
    return next((m.org_unit for m in memberships(user)), None)


def visible_plans(user, plans):
    """Return the plans (a queryset) a user may open: the office its area's, others the published ones above or within their area."""
    if user.is_superuser:
        return plans
    if not user.is_authenticated:
        return plans.filter(status=PlanStatus.PUBLISHED, is_public=True)
    q = Q(pk__in=[])
    for m in memberships(user):
        if m.role == Role.OFFICE_ADMIN:
            q |= Q(org_unit__path__startswith=m.org_unit.path)
        ancestors = [p + "/" for p in _prefixes(m.org_unit.path)]
        q |= Q(status=PlanStatus.PUBLISHED) & (
            Q(org_unit__path__in=ancestors) | Q(org_unit__path__startswith=m.org_unit.path)
        )
    return plans.filter(q)


def org_unit_filter(user, prefix: str = "") -> Q:
    """A Q over org units (or a model reaching one through `prefix`): the user's areas, what lies below them and the
    units above them (a county sees its city and province, not a neighbouring county)."""
    if user.is_superuser:
        return Q()
    q = Q(pk__in=[])
    for m in memberships(user):
        q |= Q(**{f"{prefix}path__startswith": m.org_unit.path}) | Q(
            **{f"{prefix}path__in": [p + "/" for p in _prefixes(m.org_unit.path)]}
        )
    return q


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


# ---- reports, completeness and exports -----------------------------------------------------------------

READABLE_STATUSES = (PlanStatus.PUBLISHED, PlanStatus.ARCHIVED)


def may_read_reports(user, plan) -> bool:
    """Reports, exports and completeness of a plan: its office (any status); once published (or archived), the leaders
    whose area holds the plan's unit and the leads of the plan's own actions. Nobody from another area."""
    if user.is_superuser or oversees(user, plan):
        return True
    if not user.is_authenticated or plan.status not in READABLE_STATUSES:
        return False
    for m in memberships(user):
        if m.role == Role.LEADER and plan.org_unit.path.startswith(m.org_unit.path):
            return True
        if m.role == Role.ACTION_LEAD and m.action is not None and m.action.plan_id == plan.pk:
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


def report_plans(user, plans):
    """The plans (a queryset) whose reports a user may read; the queryset form of `may_read_reports`."""
    if user.is_superuser:
        return plans
    q = Q(pk__in=[])
    for m in memberships(user):
        within = Q(org_unit__path__startswith=m.org_unit.path)
        if m.role == Role.OFFICE_ADMIN:
            q |= within
        elif m.role == Role.LEADER:
            q |= within & Q(status__in=READABLE_STATUSES)
        elif m.role == Role.ACTION_LEAD and m.action is not None:
            q |= Q(pk=m.action.plan_id, status__in=READABLE_STATUSES)
    return plans.filter(q)


def excel_units(user, plan):
    """Org units (a queryset) a user may download a template for: the office its plan's lower units, a county its own."""
    if is_office(user, plan):
        return plan.org_unit.children.all()
    return OrgUnit.objects.filter(pk__in=[m.org_unit_id for m in memberships(user) if m.role == Role.AREA_OFFICE])


def reporters(department_id: int | None, org_unit_id: int):
    """Memberships (a queryset) of the people who answer for an obligation: its department's liaisons, or its area's office."""
    if department_id:
        return Membership.objects.filter(role=Role.DEPARTMENT_LIAISON, department_id=department_id)
    return Membership.objects.filter(role=Role.AREA_OFFICE, org_unit_id=org_unit_id)


# ---- supervision -----------------------------------------------------------------------------------------
# Lookup paths are passed in by the caller so that this module never imports the apps above it.


def round_filter(user, prefix: str = "") -> Q:
    """A Q over rounds (or a model reaching them through `prefix`): an inspector's own, the office's and leaders' in their area."""
    if user.is_superuser:
        return Q()
    if not user.is_authenticated:
        return Q(pk__in=[])
    q = Q(**{f"{prefix}inspectors": user})
    for m in memberships(user):
        if m.role in (Role.OFFICE_ADMIN, Role.LEADER):
            q |= Q(**{f"{prefix}plan__org_unit__path__startswith": m.org_unit.path})
    return q


def finding_filter(user, round_prefix: str = "visit__round__") -> Q:
    """A Q over findings: of rounds the user may open, and those their department or area answers for."""
    q = round_filter(user, round_prefix)
    for m in memberships(user):
        if m.department_id:
            q |= Q(department_id=m.department_id)
        if m.role == Role.AREA_OFFICE:
            q |= Q(org_unit__path__startswith=m.org_unit.path)
    return q


def may_rectify(user, *, department_id: int | None, org_unit_path: str | None, plan) -> bool:
    """Whether a user reports the rectification of a finding: its department, its area's office, or the plan's office."""
    for m in memberships(user):
        if department_id and m.department_id == department_id:
            return True
        if org_unit_path and m.role == Role.AREA_OFFICE and org_unit_path.startswith(m.org_unit.path):
            return True
    return is_office(user, plan)


# ---- people: accounts of the departments and areas that report ---------------------------------

PEOPLE_ROLES = (Role.DEPARTMENT_LIAISON, Role.AREA_OFFICE)


def can_manage_people(user, plan) -> bool:
    """The office of the plan's area brings its reporters in: accounts, sign-in sheets, group robots."""
    return is_office(user, plan)


def can_manage_account(user, plan, account) -> bool:
    """An office may reset or deactivate only the accounts of the units it manages under this plan: liaisons of
    departments and offices of areas within the plan's area that owe items under the plan, and the accounts of the
    offices of the areas below it (never its own level's office). Never itself, a superuser, nor an account whose
    department or area owes nothing under the plan."""
    if not can_manage_people(user, plan) or account.is_superuser or account.pk == user.pk:
        return False
    held = list(Membership.objects.filter(user=account).select_related("org_unit", "department"))
    top = plan.org_unit.path
    if not held:
        return False
    for m in held:
        if not m.org_unit.path.startswith(top):
            return False
        if m.role == Role.OFFICE_ADMIN:
            if m.org_unit.path == top:
                return False
            continue
        if m.role not in PEOPLE_ROLES:
            return False
        if m.role == Role.DEPARTMENT_LIAISON:
            owed = m.department.due_items.filter(plan=plan) if m.department_id else None
        else:
            owed = m.org_unit.due_items.filter(plan=plan, department__isnull=True)
        if owed is None or not owed.filter(obsolete=False).exists():
            return False
    return True


def office_units(user) -> list[OrgUnit]:
    """The areas whose office the user is (the widest first)."""
    units = [m.org_unit for m in memberships(user) if m.role == Role.OFFICE_ADMIN]
    return sorted(units, key=lambda u: len(u.path))


def may_invite_office(user, unit: OrgUnit) -> bool:
    """An office invites the offices of the areas below its own (never its own level's or a sibling's) and sets up
    their departments."""
    return unit.level in PLAN_LEVELS and any(
        unit.path.startswith(u.path) and unit.path != u.path for u in office_units(user)
    )


def may_invite_offices(user) -> bool:
    """Return True when the user is the office of an area with areas below it that issue plans (not a town)."""
    return any(u.level in PLAN_LEVELS[:-1] for u in office_units(user))


def lower_areas(user):
    """The areas (a queryset) whose offices the user may invite: every area issuing plans below its office's area."""
    q = Q(pk__in=[])
    for u in office_units(user):
        q |= Q(path__startswith=u.path) & ~Q(pk=u.pk)
    return OrgUnit.objects.filter(q, level__in=PLAN_LEVELS)


def review_filter(user, prefix: str = "") -> Q:
    """A Q over DueItem for the items this user may approve or return (the database form of can_review)."""
    p = prefix
    if user.is_superuser:
        return Q()
    q = Q(pk__in=[])
    for m in memberships(user):
        if m.role == Role.OFFICE_ADMIN:
            q |= Q(**{f"{p}plan__org_unit__path__startswith": m.org_unit.path})
        elif m.role == Role.ACTION_LEAD:
            q |= Q(**{f"{p}indicator__action": m.action_id}) | Q(**{f"{p}task__action": m.action_id})
    return q
