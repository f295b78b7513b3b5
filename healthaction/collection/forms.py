from django import forms
from django.utils.translation import gettext_lazy as _

from healthaction.collection.services.checks import QUALITATIVE_CHOICES
from healthaction.core import limits
from healthaction.core.choices import TargetKind, TaskProgress
from healthaction.core.uploads import LimitedFileField


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if not data:
            return []
        items = data if isinstance(data, (list, tuple)) else [data]
        return [super(MultipleFileField, self).clean(d, initial) for d in items]


class IndicatorValueForm(forms.Form):
    value = forms.FloatField(label=_("Value"), required=False)
    numerator = forms.FloatField(label=_("Numerator"), required=False)
    denominator = forms.FloatField(label=_("Denominator"), required=False)
    qualitative = forms.ChoiceField(
        label=_("Result"), required=False, choices=[("", "—")] + [(c, c) for c in QUALITATIVE_CHOICES]
    )
    source = forms.CharField(label=_("Source of the data"), required=False, max_length=300)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    evidence = MultipleFileField(label=_("Evidence files"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, indicator=None, **kwargs):
        super().__init__(*args, **kwargs)
        qualitative = indicator is not None and any(t.kind == TargetKind.QUALITATIVE for t in indicator.targets.all())
        if qualitative:
            for name in ("value", "numerator", "denominator"):
                del self.fields[name]
        else:
            del self.fields["qualitative"]
            if indicator is not None and indicator.unit:
                self.fields["value"].label = f"{_('Value')}（{indicator.unit}）"
            if indicator is not None and not indicator.numerator:
                del self.fields["numerator"]
                del self.fields["denominator"]


class TaskReportForm(forms.Form):
    progress = forms.ChoiceField(label=_("Progress"), choices=TaskProgress.choices)
    text = forms.CharField(label=_("What was done"), required=False, widget=forms.Textarea(attrs={"rows": 6}))
    evidence = MultipleFileField(label=_("Evidence files"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ReviewForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment (required to return)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class UploadForm(forms.Form):
    file = LimitedFileField(label=_("Filled-in template (.xlsx)"), max_bytes=limits.WORKBOOK_BYTES)
