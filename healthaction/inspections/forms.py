"""Forms of the supervision and healthy-cell pages."""

import re

from django import forms
from django.contrib.auth import get_user_model
from django.forms.formsets import ManagementForm
from django.utils.translation import gettext_lazy as _

from healthaction.core import limits
from healthaction.core.choices import Level
from healthaction.core.text import refuse_control_characters
from healthaction.core.uploads import LimitedFileField
from healthaction.inspections.choices import FindingStatus
from healthaction.inspections.models import Checklist, ChecklistItem, Visit
from healthaction.plans.models import Indicator
from healthaction.registry.models import Department, OrgUnit


class RoundForm(forms.Form):
    checklist = forms.ModelChoiceField(Checklist.objects.none(), label=_("Checklist"))
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("Title"), max_length=200, validators=[refuse_control_characters])
    starts = forms.DateField(label=_("First day"), widget=forms.DateInput(attrs={"type": "date"}))
    ends = forms.DateField(label=_("Last day"), widget=forms.DateInput(attrs={"type": "date"}))
    inspectors = forms.ModelMultipleChoiceField(
        get_user_model().objects.none(), label=_("Inspectors"), widget=forms.CheckboxSelectMultiple
    )
    counties = forms.ModelMultipleChoiceField(
        OrgUnit.objects.none(), label=_("Counties and districts"), required=False, widget=forms.CheckboxSelectMultiple
    )
    departments = forms.ModelMultipleChoiceField(
        Department.objects.none(), label=_("Departments"), required=False, widget=forms.CheckboxSelectMultiple
    )
    unit_codes = forms.CharField(
        label=_("Or these units (codes, one per line or separated by commas)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    indicator = forms.ModelChoiceField(
        Indicator.objects.none(),
        label=_("Indicator this round measures (the share of units meeting the norm is submitted as its value)"),
        required=False,
    )
    cell_level = forms.ChoiceField(
        label=_("Or every unit of a level in the area"),
        required=False,
        choices=[
            ("", "—"),
            (Level.TOWN, Level.TOWN.label),
            (Level.VILLAGE, Level.VILLAGE.label),
            (Level.CELL, Level.CELL.label),
        ],
    )

    subjects_required = True

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.fields["checklist"].queryset = Checklist.objects.filter(models_q_for(plan)).order_by("key", "-version")
        self.fields["inspectors"].queryset = get_user_model().objects.filter(is_active=True).order_by("username")
        self.fields["counties"].queryset = plan.org_unit.children.order_by("code")
        self.fields["departments"].queryset = Department.objects.filter(org_unit=plan.org_unit).order_by("name")
        self.fields["indicator"].queryset = plan.indicators.filter(unit="%").order_by("position")
        self.fields["indicator"].label_from_instance = lambda i: f"{i.number} {i.name}"

    def clean(self):
        data = super().clean()
        if data.get("starts") and data.get("ends") and data["ends"] < data["starts"]:
            self.add_error("ends", _("The last day comes before the first day."))
        codes = [c for c in re.split(r"[\s,，、;；]+", data.get("unit_codes") or "") if c]
        found = {u.code: u for u in OrgUnit.objects.filter(code__in=codes, path__startswith=self.plan.org_unit.path)}
        unknown = [c for c in codes if c not in found]
        if unknown:
            self.add_error(
                "unit_codes", _("Not units of this plan's area: %(codes)s.") % {"codes": "、".join(unknown[:20])}
            )
        self.listed_units = [found[c] for c in dict.fromkeys(codes) if c in found]
        if self.subjects_required and not (
            data.get("counties") or data.get("departments") or data.get("cell_level") or codes
        ):
            raise forms.ValidationError(_("Choose who is inspected: counties, departments or a level of units."))
        return data

    def units(self):
        units = list(self.cleaned_data.get("counties") or []) + self.listed_units
        level = self.cleaned_data.get("cell_level")
        if level:
            units += list(
                OrgUnit.objects.filter(level=level, path__startswith=self.plan.org_unit.path).order_by("path")
            )
        return list({u.pk: u for u in units}.values())  # each unit visited once


class RoundEditForm(RoundForm):
    """Change a planned round: title, dates, inspectors; add visits; drop visits nothing was recorded for."""

    subjects_required = False
    remove = forms.ModelMultipleChoiceField(
        Visit.objects.none(),
        label=_("Drop these visits (only those without scores)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, round, **kwargs):
        super().__init__(*args, plan=round.plan, **kwargs)
        del self.fields["checklist"], self.fields["year"]
        self.fields["remove"].queryset = (
            round.visits.filter(scores__isnull=True)
            .select_related("org_unit", "department")
            .order_by("org_unit__path", "department__name")
        )
        self.fields["remove"].label_from_instance = lambda v: (v.org_unit or v.department).name
        self.fields["counties"].label = _("Add counties and districts")
        self.fields["departments"].label = _("Add departments")


def models_q_for(plan):
    from django.db.models import Q

    return Q(plan=plan) | Q(plan__isnull=True)


class ChecklistItemForm(forms.ModelForm):
    class Meta:
        model = ChecklistItem
        fields = ["number", "text", "points", "evidence_required"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}

    def clean_points(self):
        points = self.cleaned_data["points"]
        if points is not None and points <= 0:
            raise forms.ValidationError(_("Points must be a number above 0."))
        return points


ItemFormSet = forms.inlineformset_factory(Checklist, ChecklistItem, form=ChecklistItemForm, extra=1, can_delete=True)


class StepForm(forms.Form):
    status = forms.ChoiceField(label=_("Next step"), choices=FindingStatus.choices)
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[refuse_control_characters],
    )
    evidence = forms.FileField(label=_("Evidence file"), required=False)

    def __init__(self, *args, steps, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [(s, FindingStatus.labels[s]) for s in steps]


class UploadForm(forms.Form):
    file = LimitedFileField(label=_("Excel workbook (.xlsx)"), max_bytes=limits.WORKBOOK_BYTES)


class ScoreForm(forms.Form):
    """One checklist item at a visit: what the inspector typed. The range and the "explain a deduction" rule are
    the service's (services.record_score), the one check every way of scoring goes through; here only what
    typing can get wrong: a number that is not one, an invisible character, a note or file without points."""

    points = forms.CharField(required=False, max_length=20)
    note = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), validators=[refuse_control_characters]
    )
    file = forms.FileField(required=False)

    def __init__(self, *args, item: ChecklistItem, **kwargs):
        self.item = item
        super().__init__(*args, **kwargs)
        self.fields["points"].widget.attrs.update({"inputmode": "decimal", "data-max": f"{item.points:g}"})
        self.fields["file"].widget.attrs.update({"accept": "image/*,.pdf,.docx,.xlsx", "capture": "environment"})

    def clean_points(self) -> float | None:
        raw = self.cleaned_data["points"]
        if raw == "":
            return None
        try:
            return float(raw)
        except ValueError:
            raise forms.ValidationError(_("“%(v)s” is not a number.") % {"v": raw}) from None

    def clean(self):
        data = super().clean()
        if data.get("points") is None and "points" not in self.errors and (data.get("note") or data.get("file")):
            self.add_error("points", _("Give the points for this item."))
        return data


class BaseScoreFormSet(forms.BaseFormSet):
    """A visit's scores, one form per checklist item, named by the item (score-<item id>-points) so a form
    always answers the item it was shown for; unbound, each form holds the stored score."""

    def __init__(self, *args, items: list[ChecklistItem], scores: dict, **kwargs):
        self.items = items
        initial = [
            {"points": f"{scores[i.pk].points:g}", "note": scores[i.pk].note} if i.pk in scores else {} for i in items
        ]
        kwargs.setdefault("prefix", "score")
        super().__init__(*args, initial=initial, **kwargs)

    def total_form_count(self) -> int:
        return len(self.items)

    @property
    def management_form(self):
        """The forms are the checklist's items, not a count the page sends back: the management data are ours."""
        n = len(self.items)
        data = {"TOTAL_FORMS": n, "INITIAL_FORMS": n, "MIN_NUM_FORMS": 0, "MAX_NUM_FORMS": n}
        form = ManagementForm({f"{self.prefix}-{k}": v for k, v in data.items()}, prefix=self.prefix)
        form.full_clean()
        return form

    def add_prefix(self, index) -> str:
        if isinstance(index, int):
            return f"{self.prefix}-{self.items[index].pk}"
        return super().add_prefix(index)

    def get_form_kwargs(self, index):
        return {"item": self.items[index]}

    def entries(self) -> dict[int, dict]:
        """item id → {points, note, evidence}, for the items given points (services.record_visit)."""
        return {
            form.item.pk: {
                "points": form.cleaned_data["points"],
                "note": form.cleaned_data["note"],
                "evidence": form.cleaned_data["file"],
            }
            for form in self.forms
            if form.cleaned_data.get("points") is not None
        }

    def add_service_errors(self, errors: dict[int, str]) -> None:
        """Show the service's refusals (item id → message) on the items' forms."""
        for form in self.forms:
            if form.item.pk in errors:
                form.add_error("points", errors[form.item.pk])


ScoreFormSet = forms.formset_factory(ScoreForm, formset=BaseScoreFormSet, extra=0)


class VisitDateForm(forms.Form):
    visited_on = forms.DateField(required=False, error_messages={"invalid": _("The visit date is not a date.")})
