"""Filters shared by list pages and the API (django-filter): each query parameter is declared once, per model,
in <app>/filtersets.py, and applied after the user's scope, so a filter can only narrow what they may see.

A malformed value is an error the caller sees (400 in the API, a form error on a page), never a 500 and never
a silently empty list: ids must be integers a database column can hold, years small integers, codes one of
the vocabulary's, text free of NUL characters (PostgreSQL refuses them).
"""

import datetime as dt

import django_filters
from django import forms
from django.core.validators import MaxValueValidator, RegexValidator
from django.db import models
from django_filters.fields import IsoDateTimeField
from django_filters.filterset import FILTER_FOR_DBFIELD_DEFAULTS
from drf_spectacular.drainage import set_override

MAX_ID = 2**31 - 1  # an integer primary key on PostgreSQL (and what SQLite is asked to hold here)
MAX_SMALL = 32767  # year and half are small integers in the database


class IdFilter(django_filters.NumberFilter):
    """An object id: a positive integer that fits the column (a larger one is a 400, not an empty list)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)
        _document_bounds(self)


class SmallIntFilter(django_filters.NumberFilter):
    """A year or a half: a small non-negative integer."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", MAX_SMALL)
        super().__init__(*args, **kwargs)
        _document_bounds(self)


def _document_bounds(f: django_filters.Filter) -> None:
    """The API schema states the bounds the filter enforces (drf-spectacular reads this annotation), so a value
    the schema allows is one the filter accepts."""
    set_override(f, "field", {"type": "integer", "minimum": f.extra["min_value"], "maximum": f.extra["max_value"]})


def choice_filter(vocabulary, **kwargs) -> django_filters.ChoiceFilter:
    """A filter on one code of `vocabulary` (a ChoiceSet or a TextChoices class); an unknown code is an error."""
    return django_filters.ChoiceFilter(choices=vocabulary.choices, **kwargs)


class CountFilter(django_filters.NumberFilter):
    """A version, a line number or a position: a non-negative integer that fits the column."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)
        _document_bounds(self)


class FloatFilter(django_filters.NumberFilter):
    """A measured value: any number up to the bound django-filter enforces, which the schema states."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        set_override(self, "field", {"type": "number", "minimum": -1e50, "maximum": 1e50})

    def get_max_validator(self):
        return MaxValueValidator(1e50)


class _StrictBooleanField(forms.NullBooleanField):
    """true or false (1 or 0); any other word is an error rather than no filter at all."""

    widget = forms.TextInput

    def to_python(self, value):
        if value in (None, ""):
            return None
        if value in ("true", "True", "1"):
            return True
        if value in ("false", "False", "0"):
            return False
        raise forms.ValidationError(RegexValidator.message, code="invalid")


class BoolFilter(django_filters.BooleanFilter):
    field_class = _StrictBooleanField


class _UtcDateTimeField(IsoDateTimeField):
    """An ISO 8601 instant, turned to UTC before it reaches the database: PostgreSQL refuses an offset beyond
    15:59 that ISO 8601 allows (+20:11), and an instant that leaves the calendar in UTC is an error here."""

    def to_python(self, value):
        instant = super().to_python(value)
        if instant is None or instant.tzinfo is None:
            return instant
        try:
            return instant.astimezone(dt.UTC)
        except OverflowError:
            raise forms.ValidationError(RegexValidator.message, code="invalid") from None


class InstantFilter(django_filters.IsoDateTimeFilter):
    field_class = _UtcDateTimeField


class ModelFilterSet(django_filters.FilterSet):
    """The base of every FilterSet here: the filters django-filter makes from `Meta.fields` follow the rules above
    (ids, small integers and counts bounded, foreign keys and many-to-many by id, never a list of every row), so
    a model's plain fields need only be named in `Meta.fields`; a field is covered when it is named there or a
    declared filter reads it (core/tests/test_filter_coverage.py)."""

    FILTER_DEFAULTS = {
        **FILTER_FOR_DBFIELD_DEFAULTS,
        models.ForeignKey: {"filter_class": IdFilter},
        models.OneToOneField: {"filter_class": IdFilter},
        models.ManyToManyField: {"filter_class": IdFilter, "extra": lambda f: {"distinct": True}},
        models.PositiveSmallIntegerField: {"filter_class": SmallIntFilter},
        models.SmallIntegerField: {"filter_class": SmallIntFilter},
        models.PositiveIntegerField: {"filter_class": CountFilter},
        models.IntegerField: {"filter_class": CountFilter},
        models.FloatField: {"filter_class": FloatFilter},
        models.BooleanField: {"filter_class": BoolFilter},
        models.DateTimeField: {"filter_class": InstantFilter},
    }

    def filter_without(self, *skip: str):
        """The queryset narrowed by every valid filter but those named (a page that counts its tabs filters by
        everything but the tab); the whole queryset when the parameters are invalid."""
        if not self.is_valid():
            return self.queryset
        queryset = self.queryset.all()
        for name, value in self.form.cleaned_data.items():
            if name not in skip:
                queryset = self.filters[name].filter(queryset, value)
        return queryset
