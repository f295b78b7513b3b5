"""Query parameters of supervision lists (API); see core/filtersets.py."""

import datetime as dt

import django_filters
from django.utils.translation import gettext_lazy as _

from healthaction.core.filtersets import IdFilter, ModelFilterSet
from healthaction.inspections import services
from healthaction.inspections.choices import FindingStatus
from healthaction.inspections.models import Finding, Round, Visit


class RoundFilterSet(ModelFilterSet):
    title = django_filters.CharFilter(field_name="title", lookup_expr="icontains", max_length=200)

    class Meta:
        model = Round
        fields = {
            "plan": ["exact"],
            "checklist": ["exact"],
            "year": ["exact"],
            "starts": ["exact", "gte", "lte"],
            "ends": ["exact", "gte", "lte"],
            "indicator": ["exact"],
            "inspectors": ["exact"],
        }


class VisitFilterSet(ModelFilterSet):
    class Meta:
        model = Visit
        fields = {
            "round": ["exact"],
            "org_unit": ["exact"],
            "department": ["exact"],
            "visited_on": ["exact", "gte", "lte"],
            "signed_off_by": ["exact"],
            "signed_off_at": ["gte", "lte"],
            "version": ["exact"],
        }


ACTIVE, OVERDUE, DUE_SOON, ALL = "active", "overdue", "due_soon", "all"


class FindingFilterSet(ModelFilterSet):
    """Findings by round, unit and status; besides each status code, `active` (not yet verified), `overdue`
    (awaiting the unit and past the deadline), `due_soon` (awaiting the unit, due within DUE_SOON_DAYS) and `all` — the tabs of the findings page."""

    round = IdFilter(field_name="visit__round")
    status = django_filters.ChoiceFilter(
        choices=[
            *FindingStatus.choices,
            (ACTIVE, _("Not yet verified")),
            (OVERDUE, _("Overdue")),
            (DUE_SOON, _("Due soon")),
            (ALL, _("All")),
        ],
        method="by_status",
    )

    class Meta:
        model = Finding
        fields = {
            "visit": ["exact"],
            "item": ["exact"],
            "org_unit": ["exact"],
            "department": ["exact"],
            "deadline": ["exact", "gte", "lte"],
        }

    def by_status(self, queryset, name, value):
        if value == ALL:
            return queryset
        if value == ACTIVE:
            return queryset.filter(status__in=FindingStatus.UNRESOLVED)
        if value == OVERDUE:
            return queryset.filter(status__in=services.AWAITING_RECTIFICATION, deadline__lt=dt.date.today())
        if value == DUE_SOON:
            return services.due_soon_findings(queryset)
        return queryset.filter(status=value)
