"""Corrections of a draft plan: one function per kind of edit, shared by the review pages and the Excel import.

Each function takes the plan, the item (None for a new one) and the data as submitted (the strings a person
typed, or the values of a spreadsheet row), validates all of it through one form before anything is written,
and raises EditRefused carrying the bound form (what was typed plus the errors, in the user's language) when
anything is wrong. Nothing is saved on a refusal. Saving an item marks the parser warnings that refer to it
resolved, and clears the parser's confidence: a person has now checked it.
"""

from __future__ import annotations

import math
import re
from collections import Counter

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, ProtectedError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from healthaction.core import formatting
from healthaction.core.choices import DepartmentRole, Direction, PlanStatus, TargetKind, WarningKind
from healthaction.core.text import refuse_control_characters
from healthaction.plans.chain import parent_candidates
from healthaction.plans.models import (
    Action,
    Baseline,
    Indicator,
    ParseWarning,
    Plan,
    Target,
    Task,
    TaskDepartment,
)
from healthaction.registry.models import (
    Department,
    DepartmentAlias,
    normalize_department_name,
    resolve_department,
)

YEAR_MIN, YEAR_MAX = 1949, 2100
DEPARTMENT_SEPARATORS = r"[、，,；;/\n]+"


class EditRefused(Exception):
    """An edit was refused; `form` is bound to what was submitted and holds every error."""

    def __init__(self, form: forms.BaseForm):
        self.form = form
        super().__init__("; ".join(m for _f, m in self.messages()))

    def messages(self) -> list[tuple[str, str]]:
        """Return (field name, message) pairs; the field name is "" for errors about the whole form."""
        out = []
        for field, errors in self.form.errors.items():
            out.extend(("" if field == "__all__" else field, str(e)) for e in errors)
        return out


def _refuse(form: forms.BaseForm, message: str, field: str | None = None) -> EditRefused:
    form.add_error(field, message)
    return EditRefused(form)


def _validated(form: forms.BaseForm) -> dict:
    if not form.is_valid():
        raise EditRefused(form)
    return form.cleaned_data


def no_control_characters(value: str) -> None:
    """Refuse control and bidi-override characters (tab and newline are text): the project's one rule, core/text.py."""
    refuse_control_characters(value)


def _text_fields(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        if isinstance(field, forms.CharField):
            field.validators.append(no_control_characters)


def _is_draft(plan: Plan) -> None:
    if plan.status != PlanStatus.DRAFT:
        raise ValidationError(
            _("Only a draft plan can be corrected; this plan is %(status)s.") % {"status": plan.get_status_display()}
        )


def _resolve_warnings(plan: Plan, *refs: str) -> None:
    ParseWarning.objects.filter(plan=plan, ref__in=[r for r in refs if r], resolved=False).update(resolved=True)
    recheck_warnings(plan)


def recheck_warnings(plan: Plan) -> int:
    """Close the open warnings whose cause the plan no longer has; return how many were closed.

    An action warned for having no task (no_tasks) or no indicator (other) that now has one. Run after every
    correction, so a correction workbook that adds the missing items unblocks publishing as the forms do.
    """
    has = {
        WarningKind.NO_TASKS: plan.tasks.filter(action__isnull=False).values_list("action__number", flat=True),
        WarningKind.OTHER: plan.indicators.filter(action__isnull=False).values_list("action__number", flat=True),
    }
    has = {kind: {f"action:{n}" for n in numbers} for kind, numbers in has.items()}
    closed = [
        pk
        for pk, kind, ref in plan.parse_warnings.filter(resolved=False, ref__startswith="action:").values_list(
            "pk", "kind", "ref"
        )
        if ref in has.get(kind, ())
    ]
    return ParseWarning.objects.filter(pk__in=closed).update(resolved=True) if closed else 0


def _finite(value):
    if value is not None and not math.isfinite(value):
        raise ValidationError(_("Enter a finite number."))
    return value


class _YearField(forms.IntegerField):
    def __init__(self, **kwargs):
        super().__init__(min_value=YEAR_MIN, max_value=YEAR_MAX, **kwargs)


class _NumberField(forms.FloatField):
    def __init__(self, **kwargs):
        super().__init__(validators=[_finite], **kwargs)


# ---------------------------------------------------------------------------------------------- plan metadata


class PlanMetaForm(forms.ModelForm):
    horizon_start = _YearField(label=gettext_lazy("first year"))
    horizon_end = _YearField(label=gettext_lazy("last year"))

    class Meta:
        model = Plan
        fields = ["title", "issuer", "doc_number", "issue_date", "horizon_start", "horizon_end", "parent"]
        widgets = {"issue_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _text_fields(self)
        # the plan it implements: a published plan of an area above (its current one stays selectable)
        candidates = parent_candidates(self.instance.org_unit, include=self.instance.parent) if self.instance.pk else []
        field = self.fields["parent"]
        field.queryset = Plan.objects.filter(pk__in=[p.pk for p in candidates])
        field.label_from_instance = lambda p: f"{p.org_unit.name} · {p.title}"
        field.empty_label = _("(none)")
        field.help_text = _("By default the published plan of the nearest area above.")

    def clean(self):
        data = super().clean()
        start, end = data.get("horizon_start"), data.get("horizon_end")
        if start and end and self.instance.pk:
            outside = Target.objects.filter(indicator__plan=self.instance).exclude(year__gte=start, year__lte=end)
            years = sorted(set(outside.values_list("year", flat=True)))
            if years:
                self.add_error(
                    "horizon_end",
                    _("Targets for %(years)s would fall outside %(start)s–%(end)s; correct or delete them first.")
                    % {"years": "、".join(map(str, years)), "start": start, "end": end},
                )
        return data


@transaction.atomic
def update_plan_meta(plan: Plan, data) -> Plan:
    """Correct the title, issuer, document number, issue date and horizon of a draft plan."""
    _is_draft(plan)
    if "parent" not in data:  # the workbook has no such row: the plan keeps the plan it implements
        data = {**{k: data[k] for k in data}, "parent": plan.parent_id or ""}
    form = PlanMetaForm(data, instance=plan)
    _validated(form)
    return form.save()


# ---------------------------------------------------------------------------------------------- departments


def split_department_names(text: str) -> list[str]:
    """Return the department names in a typed list (separated by 、，, ; or new lines), cleaned, in order, once each."""
    names: list[str] = []
    for part in re.split(DEPARTMENT_SEPARATORS, text or ""):
        name = normalize_department_name(part)
        if name and name not in names:
            names.append(name)
    return names


def _department_names_field(label) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        widget=forms.TextInput(attrs={"size": 60}),
        help_text=gettext_lazy("Separate names with 、 or commas."),
    )


def _check_names(form: forms.BaseForm, field: str) -> list[str]:
    names = split_department_names(form.cleaned_data.get(field, ""))
    for name in names:
        if len(name) > 100:
            form.add_error(field, _("A department name is at most 100 characters (“%(name)s…”).") % {"name": name[:20]})
    return names


# ---------------------------------------------------------------------------------------------- actions


class ActionForm(forms.ModelForm):
    lead_department = forms.CharField(label=gettext_lazy("lead department"), required=False, max_length=100)

    class Meta:
        model = Action
        fields = ["name"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _text_fields(self)
        if self.instance.pk and not self.is_bound:
            self.initial["lead_department"] = (
                self.instance.lead_department.name if self.instance.lead_department else ""
            )

    def clean_lead_department(self):
        return normalize_department_name(self.cleaned_data.get("lead_department", ""))


@transaction.atomic
def update_action(plan: Plan, action: Action, data) -> Action:
    """Correct an action's name and lead department (created in the plan's area when new)."""
    _is_draft(plan)
    form = ActionForm(data, instance=action)
    cleaned = _validated(form)
    action = form.save(commit=False)
    name = cleaned["lead_department"]
    action.lead_department = resolve_department(plan.org_unit, name, create=True) if name else None
    action.confidence, action.reason = None, ""
    action.save()
    _resolve_warnings(plan, f"action:{action.number}")
    return action


# ---------------------------------------------------------------------------------------------- indicators


class IndicatorForm(forms.ModelForm):
    action = forms.ModelChoiceField(label=gettext_lazy("action"), queryset=Action.objects.none(), required=False)
    baseline_value = _NumberField(label=gettext_lazy("baseline value"), required=False)
    baseline_year = _YearField(label=gettext_lazy("baseline year"), required=False)

    class Meta:
        model = Indicator
        fields = ["number", "name", "unit", "nature", "group", "direction", "action", "tolerance"]

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        _text_fields(self)
        self.plan = plan
        self.fields["action"].queryset = plan.actions.order_by("number")
        self.fields["number"].required = False
        self.fields["number"].help_text = _("Left empty for a new indicator, the next free number is used.")
        baseline = getattr(self.instance, "baseline", None) if self.instance.pk else None
        if baseline and not self.is_bound:
            self.initial.update(baseline_value=baseline.value, baseline_year=baseline.year)

    def clean_number(self):
        number = (self.cleaned_data.get("number") or "").strip()
        if not number and self.instance.pk:
            raise ValidationError(_("An indicator needs a number."))
        clash = self.plan.indicators.filter(number=number).exclude(pk=self.instance.pk)
        if number and clash.exists():
            raise ValidationError(
                _("Indicator number %(n)s is already used by “%(name)s”.") % {"n": number, "name": clash.first().name}
            )
        return number

    def _post_clean(self):
        self.instance.plan = self.plan
        super()._post_clean()


def _next_number(existing) -> str:
    numbers = [int(n) for n in existing if str(n).isdigit()]
    return str(max(numbers, default=0) + 1)


def _next_in_action(taken, siblings, action: Action | None) -> str:
    """The number an item added in review gets: the next after its action's own (tasks 3.1–3.4 → 3.5), the action's
    first (3.1) where the plan numbers items within actions, else the next whole number of the plan."""
    taken = {str(n) for n in taken}
    parsed = [m.groups() for n in siblings if (m := re.fullmatch(r"(.*\D)(\d+)", str(n)))]
    if parsed:
        prefix = Counter(p for p, _k in parsed).most_common(1)[0][0]
        k = max(int(d) for p, d in parsed if p == prefix) + 1
    elif action is not None and any(re.fullmatch(r"\d+\.\d+", n) for n in taken):
        prefix, k = f"{action.number}.", 1
    else:
        return _next_number(taken)
    while f"{prefix}{k}" in taken:
        k += 1
    return f"{prefix}{k}"


def _fmt(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


@transaction.atomic
def save_indicator(plan: Plan, indicator: Indicator | None, data) -> Indicator:
    """Create or correct an indicator with its name, unit, nature, group, action and baseline (value and year)."""
    _is_draft(plan)
    old_ref = f"indicator:{indicator.number}" if indicator else ""
    form = IndicatorForm(data, instance=indicator, plan=plan)
    cleaned = _validated(form)
    ind = form.save(commit=False)
    if not ind.number:
        siblings = plan.indicators.filter(action=ind.action).values_list("number", flat=True) if ind.action else []
        ind.number = _next_in_action(plan.indicators.values_list("number", flat=True), siblings, ind.action)
    if ind.pk is None:
        ind.position = (plan.indicators.aggregate(m=Max("position"))["m"] or 0) + 1
    ind.confidence, ind.reason = None, ""
    ind.save()
    value, year = cleaned.get("baseline_value"), cleaned.get("baseline_year")
    baseline = Baseline.objects.filter(indicator=ind).first()
    if value is None and year is None and (baseline is None or not baseline.qualitative):
        Baseline.objects.filter(indicator=ind).delete()
    else:
        baseline = baseline or Baseline(indicator=ind)
        if baseline.value != value:
            baseline.raw_text = _fmt(value) or baseline.qualitative
        baseline.value, baseline.year = value, year
        baseline.save()
    _resolve_warnings(plan, old_ref, f"indicator:{ind.number}")
    return ind


def _delete_unreported(plan: Plan, item, refusal: str) -> None:
    """Delete an item of a draft plan; refuse with `refusal` when reports already point at it."""
    _is_draft(plan)
    try:
        with transaction.atomic():
            item.delete()
    except ProtectedError:
        raise ValidationError(refusal)


@transaction.atomic
def delete_indicator(plan: Plan, indicator: Indicator) -> None:
    """Delete an indicator of a draft plan with its baseline and targets."""
    _delete_unreported(
        plan, indicator, _("“%(name)s” already has reported values and cannot be deleted.") % {"name": indicator.name}
    )
    _resolve_warnings(plan, f"indicator:{indicator.number}")


# ---------------------------------------------------------------------------------------------- targets

TREND_TEXT = {"increase": "持续提高", "decrease": "持续下降", "maintain": "保持"}


def target_text(t: Target) -> str:
    """Return a target written the way plans write it (≥25, 7～8, 在2019年基础上提高10%), for a target a person entered."""
    if t.kind == TargetKind.NUMERIC:
        return formatting.target_text(t.comparator, t.value, t.upper_value)
    if t.kind == TargetKind.RELATIVE:
        verb = "降低" if (t.change or 0) < 0 or t.trend == Direction.DECREASE else "提高"
        unit = {"pp": "个百分点", "%/yr": "%/年", "pp/yr": "个百分点/年"}.get(t.change_unit, t.change_unit)
        return f"在{t.base_year or ''}年基础上{verb}{_fmt(abs(t.change or 0))}{unit}"
    if t.kind == TargetKind.DIRECTIONAL:
        return TREND_TEXT.get(t.trend, t.trend)
    return t.qualitative


class TargetForm(forms.ModelForm):
    year = _YearField(label=gettext_lazy("year"))
    value = _NumberField(label=gettext_lazy("value"), required=False)
    upper_value = _NumberField(label=gettext_lazy("upper value"), required=False)
    change = _NumberField(label=gettext_lazy("relative change"), required=False)
    base_year = _YearField(label=gettext_lazy("base year"), required=False)

    class Meta:
        model = Target
        fields = list(Target.RULE_FIELDS)

    def __init__(self, *args, indicator: Indicator, **kwargs):
        super().__init__(*args, **kwargs)
        _text_fields(self)
        self.indicator = indicator
        self.fields["change_unit"] = forms.ChoiceField(
            label=gettext_lazy("change unit"),
            required=False,
            choices=[
                ("", "—"),
                ("%", "%"),
                ("pp", _("percentage points")),
                ("%/yr", _("% a year")),
                ("pp/yr", _("points a year")),
            ],
        )

    def clean_year(self):
        year = self.cleaned_data["year"]
        if self.indicator.targets.filter(year=year).exclude(pk=self.instance.pk).exists():
            raise ValidationError(_("This indicator already has a target for %(year)s.") % {"year": year})
        return year

    def _post_clean(self):
        self.instance.indicator = self.indicator
        super()._post_clean()


@transaction.atomic
def save_target(plan: Plan, indicator: Indicator, target: Target | None, data) -> Target:
    """Create or correct one year's target of an indicator (kind, comparator, value, upper value…)."""
    _is_draft(plan)
    form = TargetForm(data, instance=target, indicator=indicator)
    _validated(form)
    target = form.save(commit=False)
    if form.has_changed() or not target.raw_text:
        target.raw_text = target_text(target)
    target.confidence, target.reason = None, ""
    target.save()
    _resolve_warnings(plan, f"indicator:{indicator.number}")
    return target


@transaction.atomic
def delete_target(plan: Plan, target: Target) -> None:
    _is_draft(plan)
    target.delete()
    _resolve_warnings(plan, f"indicator:{target.indicator.number}")


# ---------------------------------------------------------------------------------------------- tasks


class TaskForm(forms.ModelForm):
    action = forms.ModelChoiceField(label=gettext_lazy("action"), queryset=Action.objects.none(), required=False)
    lead_departments = _department_names_field(gettext_lazy("lead departments"))
    co_departments = _department_names_field(gettext_lazy("co-responsible departments"))

    class Meta:
        model = Task
        fields = ["number", "action", "content", "deadline"]
        widgets = {"content": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        _text_fields(self)
        self.plan = plan
        self.fields["action"].queryset = plan.actions.order_by("number")
        self.fields["number"].required = False
        if self.instance.pk and not self.is_bound:
            self.initial["lead_departments"] = "、".join(d.name for d in self.instance.lead_departments())
            self.initial["co_departments"] = "、".join(d.name for d in self.instance.co_departments())

    def clean_content(self):
        content = self.cleaned_data["content"].strip()
        if not content:
            raise ValidationError(_("A task needs its content."))
        return content

    def clean(self):
        data = super().clean()
        lead, co = _check_names(self, "lead_departments"), _check_names(self, "co_departments")
        both = [n for n in lead if n in co]
        if both:
            self.add_error(
                "co_departments",
                _("%(names)s cannot lead and co-operate on the same task.") % {"names": "、".join(both)},
            )
        data["lead_names"], data["co_names"] = lead, co
        return data

    def _post_clean(self):
        self.instance.plan = self.plan
        super()._post_clean()


def _set_task_departments(plan: Plan, task: Task, lead: list[str], co: list[str]) -> None:
    links, seen = [], set()
    for role, names in ((DepartmentRole.LEAD, lead), (DepartmentRole.CO, co)):
        for position, name in enumerate(names):
            dept = resolve_department(plan.org_unit, name, create=True)
            if (dept.pk, role) in seen or (role == DepartmentRole.CO and (dept.pk, DepartmentRole.LEAD) in seen):
                continue  # two spellings of one department: keep its first, strongest role
            seen.add((dept.pk, role))
            links.append(TaskDepartment(task=task, department=dept, role=role, position=position))
    TaskDepartment.objects.filter(task=task).delete()
    TaskDepartment.objects.bulk_create(links)


@transaction.atomic
def save_task(plan: Plan, task: Task | None, data) -> Task:
    """Create or correct a task: content, action, lead and co-responsible departments, deadline."""
    _is_draft(plan)
    old_ref = f"task:{task.number}" if task else ""
    form = TaskForm(data, instance=task, plan=plan)
    cleaned = _validated(form)
    task = form.save(commit=False)
    if task.pk is None:
        task.position = (plan.tasks.aggregate(m=Max("position"))["m"] or 0) + 1
    if not task.number:
        siblings = plan.tasks.filter(action=task.action).values_list("number", flat=True) if task.action else []
        task.number = _next_in_action(plan.tasks.values_list("number", flat=True), siblings, task.action)
    task.confidence, task.reason, task.department_confidence, task.department_reason = None, "", None, ""
    task.save()
    _set_task_departments(plan, task, cleaned["lead_names"], cleaned["co_names"])
    _resolve_warnings(plan, old_ref, f"task:{task.number}")
    if task.action_id:  # "this action has no tasks" is fixed by giving it one
        ParseWarning.objects.filter(plan=plan, kind=WarningKind.NO_TASKS, ref=f"action:{task.action.number}").update(
            resolved=True
        )
    return task


@transaction.atomic
def delete_task(plan: Plan, task: Task) -> None:
    _delete_unreported(plan, task, _("This task already has progress reports and cannot be deleted."))
    _resolve_warnings(plan, f"task:{task.number}")


# ---------------------------------------------------------------------------------------------- department merge


class MergeForm(forms.Form):
    merge = forms.ModelChoiceField(label=gettext_lazy("this department"), queryset=Department.objects.none())
    keep = forms.ModelChoiceField(label=gettext_lazy("is the same as"), queryset=Department.objects.none())

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        units = plan.org_unit.departments.order_by("name")
        self.fields["merge"].queryset = units
        self.fields["keep"].queryset = units

    def clean(self):
        data = super().clean()
        if data.get("merge") and data.get("merge") == data.get("keep"):
            self.add_error("keep", _("Choose two different departments."))
        return data


def _still_referenced(dept: Department) -> bool:
    """Return True when anything but its aliases still points at the department (other plans, reports, people)."""
    for rel in dept._meta.related_objects:
        if rel.related_model is DepartmentAlias:
            continue
        if rel.many_to_many:
            continue  # Task.departments goes through TaskDepartment, checked as its own relation
        if rel.related_model._default_manager.filter(**{rel.field.name: dept}).exists():
            return True
    return False


@transaction.atomic
def merge_departments(plan: Plan, data) -> tuple[Department, bool]:
    """Make two names one department: every task and lead reference of the plan follows to the kept one.

    The merged name becomes an alias of the kept department when nothing else refers to it any more
    (returns True); when other plans or reports still use it, it stays, and only this plan follows.
    """
    _is_draft(plan)
    form = MergeForm(data, plan=plan)
    cleaned = _validated(form)
    merge, keep = cleaned["merge"], cleaned["keep"]
    plan.actions.filter(lead_department=merge).update(lead_department=keep)
    for td in TaskDepartment.objects.filter(task__plan=plan, department=merge).select_related("task"):
        existing = {o.role: o for o in TaskDepartment.objects.filter(task=td.task, department=keep)}
        if td.role in existing or (td.role == DepartmentRole.CO and DepartmentRole.LEAD in existing):
            td.delete()
            continue
        if DepartmentRole.CO in existing:  # the merged name led the task: the kept one now leads it
            existing[DepartmentRole.CO].delete()
        td.department = keep
        td.save(update_fields=["department"])
    if _still_referenced(merge):
        return keep, False
    aliases = [a.alias for a in merge.aliases.all()] + [merge.name]
    merge.delete()
    for alias in aliases:
        DepartmentAlias.objects.get_or_create(department=keep, alias=alias, defaults={"org_unit": keep.org_unit})
    return keep, True


# ---------------------------------------------------------------------------------------------- warnings


class DismissForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("why the warning needs no fix"), max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _text_fields(self)


@transaction.atomic
def dismiss_warning(plan: Plan, warning: ParseWarning, data) -> ParseWarning:
    """Mark a warning resolved without a fix; the reviewer says why."""
    form = DismissForm(data)
    cleaned = _validated(form)
    warning.resolved, warning.dismissal_reason = True, cleaned["reason"].strip()
    warning.save(update_fields=["resolved", "dismissal_reason"])
    return warning


def reopen_warning(plan: Plan, warning: ParseWarning) -> ParseWarning:
    warning.resolved, warning.dismissal_reason = False, ""
    warning.save(update_fields=["resolved", "dismissal_reason"])
    return warning
