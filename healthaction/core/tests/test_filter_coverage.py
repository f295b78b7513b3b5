"""Every FilterSet covers its model: each field that can be filtered has a filter, so a field added to a model
without one fails here until a filter is added or the field is listed below with the reason it has none. One
FilterSet per model, and the API lists and the pages use that one.

A field is covered when a filter reads it: a filter whose field_name is the field, or a path through it
(`action__number` covers `action`). Fields of some types are left out by rule, each for the reason given.
"""

import importlib
import inspect
from pathlib import Path

import django_filters
import pytest
from django.db import models

PACKAGE = Path(__file__).resolve().parents[2]

# types with nothing to compare a query parameter with
SKIP_TYPES = {
    models.AutoField: "the primary key: an object is reached by its URL, not filtered for",
    models.BigAutoField: "the primary key: an object is reached by its URL, not filtered for",
    models.JSONField: "a structured value, read whole",
    models.FileField: "a stored file; the file name the user knows is a field of its own where one is kept",
    models.BinaryField: "bytes",
    models.TextField: "free text (a document, an explanation, a note): found by a text search (`q`) where a "
    "page needs one, never by equality",
}
# reverse one-to-many relations (another model's foreign key to this one) are filtered from the other side:
# /api/targets/?indicator=<id>, not /api/indicators/?targets=<id>
SKIP_REVERSE = (models.ManyToOneRel,)
# single fields without a filter, each with its reason
EXEMPT: dict[tuple[str, str], str] = {}


def filtersets() -> list[type[django_filters.FilterSet]]:
    found = []
    for path in sorted(PACKAGE.glob("*/filtersets.py")):
        module = importlib.import_module(f"healthaction.{path.parent.name}.filtersets")
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if (
                issubclass(cls, django_filters.FilterSet)
                and cls.__module__ == module.__name__
                and getattr(cls._meta, "model", None)
            ):
                found.append(cls)
    return found


def filterable(model) -> list:
    fields = []
    for field in model._meta.get_fields():
        if isinstance(field, (*SKIP_REVERSE, *SKIP_TYPES)):
            continue
        if (model._meta.label, field.name) in EXEMPT:
            continue
        fields.append(field)
    return fields


def covered(filterset) -> set[str]:
    return {f.field_name.split("__")[0] for f in filterset.base_filters.values()}


def missing(filterset) -> list[str]:
    have = covered(filterset)
    return [f.name for f in filterable(filterset._meta.model) if f.name not in have]


def test_the_filtersets_are_found():
    names = {cls.__name__ for cls in filtersets()}
    # one per model with a list page or an API list (the apps' filtersets.py, read by hand)
    assert names == {
        "PlanFilterSet",
        "IndicatorFilterSet",
        "TargetFilterSet",
        "TaskFilterSet",
        "OrgUnitFilterSet",
        "DepartmentFilterSet",
        "DueItemFilterSet",
        "IndicatorValueFilterSet",
        "TaskReportFilterSet",
        "EvaluationResultFilterSet",
        "TargetVerdictFilterSet",
        "RoundFilterSet",
        "VisitFilterSet",
        "FindingFilterSet",
    }


@pytest.mark.parametrize("filterset", filtersets(), ids=lambda cls: cls.__name__)
def test_every_filterable_field_has_a_filter(filterset):
    assert missing(filterset) == []


def test_one_filterset_per_model():
    models_seen = [cls._meta.model._meta.label for cls in filtersets()]
    assert len(models_seen) == len(set(models_seen))


def test_a_new_field_without_a_filter_is_caught():
    """The check itself: a FilterSet that forgets one of its model's fields is reported, by name."""
    from healthaction.registry.filtersets import DepartmentFilterSet
    from healthaction.registry.models import Department

    class Forgetful(django_filters.FilterSet):
        class Meta:
            model = Department
            fields = ["org_unit", "name"]

    assert missing(Forgetful) == ["tasks", "code"]
    assert missing(DepartmentFilterSet) == []
    # the pk is not asked for, nor a reverse one-to-many relation (filtered from the other side); the reverse
    # many-to-many `tasks` (Task.departments) is
    assert {f.name for f in filterable(Department)} == {"tasks", "org_unit", "name", "code"}


def test_the_api_and_the_pages_use_the_one_filterset():
    from healthaction.api import views as api
    from healthaction.collection import views as collection
    from healthaction.inspections import views as inspections
    from healthaction.web import views as web

    lists = {
        v.filterset_class for _n, v in inspect.getmembers(api, inspect.isclass) if getattr(v, "filterset_class", None)
    }
    pages = {collection.DueItemFilterSet, inspections.FindingFilterSet, web.TaskFilterSet}
    # the API lists every model but tasks with its model's FilterSet; the task board, the inbox, the review
    # queue and the findings page use theirs
    assert {cls.__name__ for cls in set(filtersets()) - lists} == {"TaskFilterSet"}
    assert pages <= set(filtersets())
    assert inspections.FindingFilterSet.__module__ == "healthaction.inspections.filtersets"
    assert web.TaskFilterSet.__module__ == "healthaction.plans.filtersets"
