import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test.utils import override_settings

from healthaction.demo.build import plan_data
from healthaction.plans.interchange import PlanFormatError, import_plan
from healthaction.plans.models import Indicator, Plan, Target


def _broken(mutate) -> dict:
    data = plan_data()
    data["plan"]["doc_number"] = "测试〔2099〕1号"
    mutate(data)
    return data


@override_settings(LANGUAGE_CODE="en")
def test_a_target_year_outside_the_horizon_is_rejected_and_nothing_is_written(db):
    def mutate(data):
        data["indicators"][0]["targets"][0]["year"] = 2035

    before = (Plan.objects.count(), Target.objects.count())
    with pytest.raises(PlanFormatError) as exc:
        import_plan(_broken(mutate))
    assert any("2035 is outside the plan's horizon 2020–2030" in e for e in exc.value.errors)
    assert any("居民健康素养水平" in e for e in exc.value.errors)
    assert (Plan.objects.count(), Target.objects.count()) == before


@override_settings(LANGUAGE_CODE="en")
def test_a_comparator_without_a_value_is_rejected(db):
    def mutate(data):
        data["indicators"][0]["targets"][0]["value"] = None

    before = Plan.objects.count()
    with pytest.raises(PlanFormatError) as exc:
        import_plan(_broken(mutate))
    assert any("A target with a comparator needs a value." in e for e in exc.value.errors)
    assert Plan.objects.count() == before


def test_the_database_itself_refuses_a_comparator_without_a_value(demo):
    indicator = Indicator.objects.filter(plan=demo["plan"]).first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Target.objects.create(indicator=indicator, year=2025, kind="numeric", comparator=">=", value=None)


@override_settings(LANGUAGE_CODE="en")
def test_an_unknown_unit_is_rejected_with_the_unit_named(db):
    def mutate(data):
        data["indicators"][3]["unit"] = "furlongs"

    before = Plan.objects.count()
    with pytest.raises(PlanFormatError) as exc:
        import_plan(_broken(mutate))
    assert any("Unknown unit “furlongs”" in e for e in exc.value.errors)
    assert Plan.objects.count() == before


def test_a_known_unit_spelling_is_normalised(demo):
    indicator = Indicator.objects.get(plan=demo["plan"], number="1.1")
    indicator.unit = "％"
    indicator.full_clean()
    assert indicator.unit == "%"


def test_messages_are_in_chinese_by_default(db):
    def mutate(data):
        data["indicators"][0]["targets"][0]["year"] = 2035

    with pytest.raises(PlanFormatError) as exc:
        import_plan(_broken(mutate))
    assert any("2035" in e and "规划期" in e for e in exc.value.errors)


def test_a_range_needs_its_upper_value(demo):
    indicator = Indicator.objects.filter(plan=demo["plan"]).first()
    target = Target(indicator=indicator, year=2025, kind="numeric", comparator="range", value=7, upper_value=None)
    with pytest.raises(ValidationError) as exc:
        target.full_clean()
    assert "upper_value" in exc.value.message_dict
