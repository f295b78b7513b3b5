"""Bringing a plan's reporters in: who owes something, their accounts, invitation links, sign-in sheets.

Accounts are made without a usable password; each gets an invitation link built with Django's password
reset token generator. Such a link expires after PASSWORD_RESET_TIMEOUT and works once, because the token
hashes the password (and last login): setting a password, or a reset by the office, makes it void.
That is why no token table is kept here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from healthaction.api.tokens import revoke
from healthaction.collection.models import DueItem, RobotWebhook
from healthaction.collection.services import generate_due_items, unassigned_items
from healthaction.core.choices import AccountEventKind, Role
from healthaction.core.xlsx import workbook_bytes
from healthaction.plans.models import Action, Indicator, Plan
from healthaction.registry.models import (
    AccountEvent,
    Department,
    DepartmentAlias,
    Membership,
    OrgUnit,
    normalize_department_name,
    resolve_department,
)


@dataclass
class Reporter:
    """A department or an area that owes something under a plan, with its accounts."""

    key: str  # d<department id> or u<org unit id>
    name: str
    org_unit: OrgUnit
    department: Department | None = None
    due: int = 0
    accounts: list = field(default_factory=list)
    robots: list = field(default_factory=list)


def reporters(plan: Plan) -> list[Reporter]:
    """Every department and area owing due items under the plan (not the unassigned ones), departments first."""
    rows = (
        DueItem.objects.counting()
        .filter(plan=plan)
        .values("department_id", "org_unit_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    departments = {
        d.pk: d
        for d in Department.objects.filter(
            pk__in={r["department_id"] for r in rows if r["department_id"]}
        ).select_related("org_unit")
    }
    units = {u.pk: u for u in OrgUnit.objects.filter(pk__in={r["org_unit_id"] for r in rows})}
    found: dict[str, Reporter] = {}
    for r in rows:
        if r["department_id"]:
            dept = departments[r["department_id"]]
            rep = found.setdefault(f"d{dept.pk}", Reporter(f"d{dept.pk}", dept.name, dept.org_unit, dept))
        elif r["org_unit_id"] != plan.org_unit_id:
            unit = units[r["org_unit_id"]]
            rep = found.setdefault(f"u{unit.pk}", Reporter(f"u{unit.pk}", unit.name, unit))
        else:
            continue  # the plan's own level without a department: unassigned, shown apart
        rep.due += r["n"]
    # the accounts of these reporters only, not every liaison of the province (thousands)
    members = (
        Membership.objects.filter(
            Q(role=Role.DEPARTMENT_LIAISON, department_id__in=[r.department.pk for r in found.values() if r.department])
            | Q(role=Role.AREA_OFFICE, org_unit_id__in=[r.org_unit.pk for r in found.values() if not r.department])
        )
        .select_related("user")
        .order_by("user__username")
    )
    for m in members:
        key = f"d{m.department_id}" if m.role == Role.DEPARTMENT_LIAISON else f"u{m.org_unit_id}"
        if key in found and m.user not in found[key].accounts:
            found[key].accounts.append(m.user)
    for robot in RobotWebhook.objects.filter(org_unit__path__startswith=plan.org_unit.path):
        key = f"d{robot.department_id}" if robot.department_id else f"u{robot.org_unit_id}"
        if key in found:
            found[key].robots.append(robot)
    return sorted(found.values(), key=lambda r: (r.department is None, r.org_unit.path, r.name))


def reporter_by_key(plan: Plan, key: str) -> Reporter | None:
    return next((r for r in reporters(plan) if r.key == key), None)


def _username(reporter: Reporter, plan: Plan) -> str:
    User = get_user_model()
    stem = f"{plan.org_unit.code}-d{reporter.department.pk}" if reporter.department else f"{reporter.org_unit.code}"
    n = 1
    while User.objects.filter(username=f"{stem}-{n}").exists():
        n += 1
    return f"{stem}-{n}"


@transaction.atomic
def create_accounts(
    plan: Plan, per_reporter: int = 1, keys: list[str] | None = None, only_missing: bool = True, by=None
) -> list:
    """Create liaison accounts (department liaison or area office) without a password; return the new users.

    Each reporter ends with up to per_reporter accounts: those it has count (asking for 2 where there is 1 makes
    one more). With only_missing, reporters that already have accounts are skipped.
    """
    User = get_user_model()
    created = []
    for rep in reporters(plan):
        if keys is not None and rep.key not in keys:
            continue
        if only_missing and rep.accounts:
            continue
        for _n in range(max(0, per_reporter - len(rep.accounts))):
            user = User(username=_username(rep, plan), first_name=_("%(unit)s liaison") % {"unit": rep.name})
            user.set_unusable_password()
            user.save()
            if rep.department:
                Membership.objects.create(
                    user=user, role=Role.DEPARTMENT_LIAISON, org_unit=rep.department.org_unit, department=rep.department
                )
            else:
                Membership.objects.create(user=user, role=Role.AREA_OFFICE, org_unit=rep.org_unit)
            AccountEvent.objects.create(user=user, kind=AccountEventKind.CREATED, actor=by)
            created.append(user)
    return created


def invitation_path(user) -> str:
    """The set-your-password address for a user; valid until invitation_expires(), once."""
    return reverse(
        "people:welcome", args=[urlsafe_base64_encode(force_bytes(user.pk)), default_token_generator.make_token(user)]
    )


def invitation_expires(now: dt.datetime | None = None) -> dt.datetime:
    return (now or timezone.now()) + dt.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT)


@transaction.atomic
def reset_account(user, by=None) -> str:
    """Void the password and any earlier link; return a new invitation path.

    The reset is recorded (the person is told at their next sign-in and sees it in their account's history, and is
    emailed when an address is known); their sessions end with the password (Django checks the password's hash on
    every request) and their API tokens are revoked.
    """
    user.set_unusable_password()
    user.is_active = True
    user.save(update_fields=["password", "is_active"])
    revoke(user)
    AccountEvent.objects.create(user=user, kind=AccountEventKind.RESET, actor=by)
    if user.email:
        name = (by.get_full_name() or by.username) if by is not None else _("an administrator")
        transaction.on_commit(
            lambda: send_mail(
                subject=_("healthaction: the password of your account %(u)s was reset") % {"u": user.username},
                message=_(
                    "The password of your account %(u)s was reset by %(by)s at %(t)s. If you did not ask for this, "
                    "tell the committee office at once."
                )
                % {"u": user.username, "by": name, "t": timezone.localtime().strftime("%Y-%m-%d %H:%M")},
                from_email=None,
                recipient_list=[user.email],
                fail_silently=True,
            )
        )
    return invitation_path(user)


def set_active(user, active: bool, by=None) -> None:
    user.is_active = active
    user.save(update_fields=["is_active"])
    if not active:
        revoke(user)
    AccountEvent.objects.create(
        user=user, kind=AccountEventKind.ACTIVATED if active else AccountEventKind.DEACTIVATED, actor=by
    )


def unseen_events(user) -> list[AccountEvent]:
    """What others did to the account since the person last signed in (shown once, then marked seen)."""
    events = list(
        AccountEvent.objects.filter(user=user, seen_at__isnull=True)
        .exclude(kind=AccountEventKind.CREATED)
        .select_related("actor")
        .order_by("created_at", "pk")
    )
    AccountEvent.objects.filter(pk__in=[e.pk for e in events]).update(seen_at=timezone.now())
    return events


def event_text(event: AccountEvent) -> str:
    """One event in the reader's language: what happened, when, by whom (when someone else did it)."""
    when = timezone.localtime(event.created_at).strftime("%Y-%m-%d %H:%M")
    if event.actor is None and event.kind == AccountEventKind.PASSWORD_SET:  # whoever held the link
        return _("%(what)s: %(t)s.") % {"what": event.get_kind_display(), "t": when}
    by = (event.actor.get_full_name() or event.actor.username) if event.actor else _("an administrator")
    return _("%(what)s: %(t)s, by %(by)s.") % {"what": event.get_kind_display(), "t": when, "by": by}


def sheet_rows(plan: Plan, base_url: str = "") -> list[dict]:
    """One row per reporter account still waiting to set its password (the ones a sheet is printed for)."""
    rows = []
    expires = invitation_expires()
    for rep in reporters(plan):
        for user in rep.accounts:
            if user.is_active and not user.has_usable_password():
                rows.append(
                    {
                        "reporter": rep.name,
                        "area": rep.org_unit.name,
                        "username": user.username,
                        "name": user.first_name,
                        "link": base_url + invitation_path(user),
                        "expires": expires,
                    }
                )
    return rows


def sheet_xlsx(plan: Plan, rows: list[dict]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = _("Sign-in sheet")[:31]
    ws.append([plan.title])
    ws["A1"].font = Font(bold=True)
    ws.append([_("Reporter"), _("Area"), _("User name"), _("Set your password at"), _("Link valid until")])
    for r in rows:
        ws.append(
            [
                r["reporter"],
                r["area"],
                r["username"],
                r["link"],
                timezone.localtime(r["expires"]).strftime("%Y-%m-%d %H:%M"),
            ]
        )
    for col, width in zip("ABCDE", (24, 14, 22, 90, 18)):
        ws.column_dimensions[col].width = width
    return workbook_bytes(wb)


def unassigned_actions(plan: Plan):
    """Actions whose indicators are owed at the plan's level with no department: the office assigns a lead."""
    ids = (
        unassigned_items(plan)
        .filter(indicator__action__isnull=False)
        .values_list("indicator__action_id", flat=True)
        .distinct()
    )
    return Action.objects.filter(pk__in=ids).annotate(n=Count("indicators")).order_by("number")


def unassigned_indicators(plan: Plan):
    """Indicators with no action (so no lead department) whose items are owed at the plan's level."""
    ids = (
        unassigned_items(plan).filter(indicator__action__isnull=True).values_list("indicator_id", flat=True).distinct()
    )
    return Indicator.objects.filter(pk__in=ids).order_by("position", "pk")


@transaction.atomic
def assign_leads(plan: Plan, leads: dict[int, Department], actions: dict[int, Action] | None = None) -> dict[str, int]:
    """Give actions a lead department and indicators an action (hence its lead), then regenerate due items.

    Regenerating keeps what was reported; unreported items of the plan's level move to the department.
    """
    for action in plan.actions.filter(pk__in=leads):
        action.lead_department = leads[action.pk]
        action.save(update_fields=["lead_department"])
    for indicator in plan.indicators.filter(pk__in=actions or {}):
        indicator.action = actions[indicator.pk]
        indicator.save(update_fields=["action"])
    return generate_due_items(plan)


# ---- offices of the areas below (issue 23) ---------------------------------------------------------------

LEVEL_WORDS = ("自治县", "自治旗", "街道", "苏木", "省", "市", "县", "区", "旗", "镇", "乡")


def office_accounts(units) -> dict[int, list]:
    """{org unit id: [users]} of the office accounts of these areas."""
    out: dict[int, list] = {}
    members = Membership.objects.filter(role=Role.OFFICE_ADMIN, org_unit__in=units).select_related("user")
    for m in members.order_by("user__username"):
        out.setdefault(m.org_unit_id, []).append(m.user)
    return out


@transaction.atomic
def invite_office(unit: OrgUnit):
    """Create an office account of `unit` without a password (invitation link as for liaisons): it runs the area's
    plans as its office and answers for the area to the plans above (area office)."""
    User = get_user_model()
    n = 1
    while User.objects.filter(username=f"{unit.code}-office-{n}").exists():
        n += 1
    user = User(username=f"{unit.code}-office-{n}", first_name=_("%(unit)s office") % {"unit": unit.name})
    user.set_unusable_password()
    user.save()
    Membership.objects.create(user=user, role=Role.OFFICE_ADMIN, org_unit=unit)
    Membership.objects.create(user=user, role=Role.AREA_OFFICE, org_unit=unit)
    return user


def _level_word(unit: OrgUnit) -> str:
    return next((w for w in LEVEL_WORDS if unit.name.endswith(w)), "")


def _relevel(name: str, source: OrgUnit, target: OrgUnit) -> str:
    """市卫生健康委 of 晋城市 → 县卫生健康委 for 沁水县: the source's name or level word in front becomes the target's."""
    word = _level_word(target)
    for prefix in (
        source.name,
        source.name[: -len(_level_word(source))] if _level_word(source) else "",
        _level_word(source),
    ):
        if prefix and name.startswith(prefix) and len(name) > len(prefix):
            return word + name[len(prefix) :]
    return name


def proposed_departments(source: OrgUnit, target: OrgUnit) -> list[tuple[str, list[str]]]:
    """The departments proposed for `target`: those of `source` (the inviting office's area, the departments its plan
    names), renamed for the target's level, each with its aliases merged into it; [(name, [aliases])]."""
    out: dict[str, list[str]] = {}
    for dept in Department.objects.filter(org_unit=source).prefetch_related("aliases").order_by("name"):
        name = normalize_department_name(_relevel(dept.name, source, target))
        aliases = out.setdefault(name, [])
        for alias in [dept.name, *(a.alias for a in dept.aliases.all())]:
            alias = normalize_department_name(_relevel(alias, source, target))
            if alias != name and alias not in aliases:
                aliases.append(alias)
    return list(out.items())


@transaction.atomic
def set_up_departments(unit: OrgUnit, lines: list[str]) -> int:
    """Create the departments of `unit` from lines "name = alias = alias" (an existing name or alias is reused, so
    running it twice changes nothing); return how many departments were created."""
    created = 0
    for line in lines:
        names = [normalize_department_name(n) for n in line.replace("＝", "=").split("=")]
        names = [n for n in names if n]
        if not names:
            continue
        dept = next((d for d in (resolve_department(unit, n) for n in names) if d is not None), None)
        if dept is None:
            dept = Department.objects.create(org_unit=unit, name=names[0])
            created += 1
        for alias in names:
            if alias != dept.name and resolve_department(unit, alias) is None:
                DepartmentAlias.objects.create(department=dept, alias=alias)
    return created
