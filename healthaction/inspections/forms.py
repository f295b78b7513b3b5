"""Forms of the supervision and healthy-cell pages."""

import re

from django import forms
from django.contrib.auth import get_user_model
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
