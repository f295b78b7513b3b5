"""Query parameters of supervision lists (API); see core/filtersets.py."""

import datetime as dt

import django_filters
from django.utils.translation import gettext_lazy as _

from healthaction.core.filtersets import IdFilter, SmallIntFilter
from healthaction.inspections import services
from healthaction.inspections.choices import FindingStatus
from healthaction.inspections.models import Finding, Round, Visit


class RoundFilterSet(django_filters.FilterSet):
    plan = IdFilter(field_name="plan")
    year = SmallIntFilter(field_name="year")

    class Meta:
        model = Round
        fields = ["plan", "year"]


class VisitFilterSet(django_filters.FilterSet):
    round = IdFilter(field_name="round")
    org_unit = IdFilter(field_name="org_unit")
    department = IdFilter(field_name="department")

    class Meta:
        model = Visit
        fields = ["round", "org_unit", "department"]


ACTIVE, OVERDUE, DUE_SOON, ALL = "active", "overdue", "due_soon", "all"


class FindingFilterSet(django_filters.FilterSet):
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
    org_unit = IdFilter(field_name="org_unit")
    department = IdFilter(field_name="department")

    class Meta:
        model = Finding
        fields = ["round", "status", "org_unit", "department"]

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
