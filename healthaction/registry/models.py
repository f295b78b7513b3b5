"""Org units (province › city › county › town › village), departments and users' scopes."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from healthaction.core.choices import LEVEL_DEPTH, AccountEventKind, Level, Role


class OrgUnit(models.Model):
    """An area of government. `path` holds the codes from the root so a subtree is one prefix query."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("parent")
    )
    path = models.CharField(max_length=400, editable=False, db_index=True)

    class Meta:
        verbose_name = _("org unit")
        verbose_name_plural = _("org units")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.path = f"{self.parent.path if self.parent else '/'}{self.code}/"
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if self.parent and LEVEL_DEPTH[Level(self.level)] <= LEVEL_DEPTH[Level(self.parent.level)]:
            raise ValidationError({"level": _("An org unit must sit below its parent's level.")})

    def get_descendants(self, include_self: bool = True):
        """Return this unit's subtree as a queryset."""
        qs = OrgUnit.objects.filter(path__startswith=self.path)
        return qs if include_self else qs.exclude(pk=self.pk)


def normalize_department_name(name: str) -> str:
    """Return a department name with spaces, brackets' content noise and trailing 等 removed."""
    text = re.sub(r"\s+", "", name or "")
    text = re.sub(r"等$", "", text)
    return text


class Department(models.Model):
    org_unit = models.ForeignKey(OrgUnit, models.PROTECT, related_name="departments", verbose_name=_("org unit"))
    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(_("code"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["org_unit__path", "name"]
        constraints = [models.UniqueConstraint(fields=["org_unit", "name"], name="department_unique_name_per_unit")]

    def __str__(self) -> str:
        return self.name


class DepartmentAlias(models.Model):
    """Another name of a department (市卫健委 = 市卫生健康委 = 市卫生健康委员会)."""

    department = models.ForeignKey(Department, models.CASCADE, related_name="aliases", verbose_name=_("department"))
    org_unit = models.ForeignKey(OrgUnit, models.CASCADE, related_name="+", editable=False)
    alias = models.CharField(_("alias"), max_length=100)

    class Meta:
        verbose_name = _("department alias")
        verbose_name_plural = _("department aliases")
        constraints = [models.UniqueConstraint(fields=["org_unit", "alias"], name="department_alias_unique_per_unit")]

    def __str__(self) -> str:
        return self.alias

    def save(self, *args, **kwargs) -> None:
        self.org_unit_id = self.department.org_unit_id
        super().save(*args, **kwargs)


def resolve_department(org_unit: OrgUnit, name: str, create: bool = False) -> Department | None:
    """Return the department of `org_unit` known by `name` or one of its aliases."""
    clean = normalize_department_name(name)
    dept = Department.objects.filter(org_unit=org_unit, name=clean).first()
    if dept:
        return dept
    alias = DepartmentAlias.objects.filter(org_unit=org_unit, alias=clean).select_related("department").first()
    if alias:
        return alias.department
    if create:
        return Department.objects.create(org_unit=org_unit, name=clean)
    return None


class Membership(models.Model):
    """What a user may do and where: a role bound to an org unit and, for some roles, a department or action."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    org_unit = models.ForeignKey(OrgUnit, models.CASCADE, related_name="memberships", verbose_name=_("org unit"))
    department = models.ForeignKey(
        Department, models.CASCADE, null=True, blank=True, related_name="memberships", verbose_name=_("department")
    )
    action = models.ForeignKey(
        "plans.Action", models.CASCADE, null=True, blank=True, related_name="memberships", verbose_name=_("action")
    )

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.org_unit}"

    def clean(self) -> None:
        if self.role == Role.DEPARTMENT_LIAISON and not self.department_id:
            raise ValidationError({"department": _("A department liaison needs a department.")})
        if self.role == Role.ACTION_LEAD and not self.action_id:
            raise ValidationError({"action": _("An action group lead needs an action.")})


class AccountEvent(models.Model):
    """Something done to a person's account (a reset, a password set from a link, a deactivation): kept, shown to
    the person at their next sign-in (until `seen_at`) and in their account's history."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="account_events", verbose_name=_("user")
    )
    kind = models.CharField(_("what happened"), max_length=16, choices=AccountEventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("by")
    )
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    seen_at = models.DateTimeField(_("shown to the person"), null=True, blank=True)

    class Meta:
        verbose_name = _("account event")
        verbose_name_plural = _("account events")
        ordering = ["-created_at", "-pk"]
