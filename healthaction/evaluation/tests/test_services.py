"""Load → evaluate → store on a real database, incremental recompute, assessment, and the command."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from healthaction.collection.models import IndicatorValue
from healthaction.collection.services import values_approved
from healthaction.core.choices import ValueStatus
from healthaction.evaluation.models import AssessmentScore, EvaluationResult
from healthaction.evaluation.services import assess_plan, evaluate_plan, load_values
from healthaction.plans.models import Indicator
from healthaction.registry.models import OrgUnit


def test_the_demo_is_evaluated_for_every_indicator_unit_and_year(demo):
    plan = demo["plan"]
    # demo/content.py: 103 indicators over 17 actions; the city and its six counties; 2020–2025
    assert EvaluationResult.objects.filter(plan=plan).count() == 103 * 7 * 6
    statuses = set(EvaluationResult.objects.filter(plan=plan).values_list("status", flat=True))
    assert {"achieved", "on_track", "off_track", "no_data", "not_assessable"} <= statuses


def test_a_stored_result_matches_its_value_and_target(demo):
    literacy = Indicator.objects.get(plan=demo["plan"], name="居民健康素养水平")
    city = OrgUnit.objects.get(code="990100")
    value = IndicatorValue.objects.get(indicator=literacy, org_unit=city, year=2023)
    result = EvaluationResult.objects.get(indicator=literacy, org_unit=city, year=2023)
    assert result.value == value.value
    assert result.target_year == 2030 and result.target_value == 30.0 and result.comparator == ">="
    assert result.base_value == 21.3 and not result.base_from_first_value
    # 2022 was a target year with a reported value: the trajectory to 2030 starts there (1/8 of the way by 2023)
    v2022 = IndicatorValue.objects.get(indicator=literacy, org_unit=city, year=2022).value
    expected = v2022 + (30 - v2022) / 8
    assert abs(result.expected - expected) < 1e-9
    assert result.explanation.startswith(f"2022年{v2022:g}%，2023年{value.value:g}%，")
    assert ("已实现" in result.explanation) == (result.status == "achieved")


def test_approving_a_value_recomputes_only_its_series(demo, django_capture_on_commit_callbacks):
    literacy = Indicator.objects.get(plan=demo["plan"], name="居民健康素养水平")
    county = OrgUnit.objects.get(code="990121")
    other = EvaluationResult.objects.exclude(indicator=literacy).first()
    other_time = other.computed_at
    value = IndicatorValue.objects.get(indicator=literacy, org_unit=county, year=2025)
    value.value = 35.0
    value.status = ValueStatus.APPROVED
    value.approved_at = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        value.save()
        values_approved(demo["plan"].pk, [(literacy.pk, county.pk)])  # what the approval services call
    result = EvaluationResult.objects.get(indicator=literacy, org_unit=county, year=2025)
    assert result.value == 35.0 and result.status == "achieved"
    other.refresh_from_db()
    assert other.computed_at == other_time


def test_only_approved_values_count(demo):
    literacy = Indicator.objects.get(plan=demo["plan"], name="居民健康素养水平")
    city = OrgUnit.objects.get(code="990100")
    IndicatorValue.objects.filter(indicator=literacy, org_unit=city, year=2025).update(status=ValueStatus.SUBMITTED)
    evaluate_plan(demo["plan"], indicator_ids=[literacy.pk])
    assert EvaluationResult.objects.get(indicator=literacy, org_unit=city, year=2025).status == "no_data"
    loaded = load_values(demo["plan"], indicator_ids=[literacy.pk], org_unit_ids=[city.pk])
    assert loaded["year"].to_list() == [2020, 2021, 2022, 2023, 2024]


def test_city_values_roll_up_from_county_numerators(demo):
    plan = demo["plan"]
    indicator = Indicator.objects.get(plan=plan, name="高血压患者规范管理率")
    Indicator.objects.filter(pk=indicator.pk).update(
        numerator="规范管理的高血压患者人数", denominator="管理的高血压患者人数"
    )
    city = OrgUnit.objects.get(code="990100")
    IndicatorValue.objects.filter(indicator=indicator, year=2025).delete()
    counties = list(city.children.order_by("code"))
    for k, county in enumerate(counties):
        IndicatorValue.objects.create(
            indicator=indicator,
            org_unit=county,
            year=2025,
            value=None,
            numerator=600 + k * 10,
            denominator=1000,
            status=ValueStatus.APPROVED,
        )
    evaluate_plan(plan, indicator_ids=[indicator.pk])
    # six counties: numerators 600, 610 … 650 (3750 in all) over 6 × 1000 people = 62.5 %
    assert len(counties) == 6
    assert EvaluationResult.objects.get(indicator=indicator, org_unit=city, year=2025).value == pytest.approx(
        62.5, abs=1e-9
    )


def test_the_ranking_matches_the_score_sheets(demo):
    scores = assess_plan(demo["plan"], 2025)
    counties = sorted((s for s in scores if s.org_unit_id), key=lambda s: s.rank)
    assert len(counties) == 6
    binding = demo["plan"].indicators.filter(nature="binding").count()
    for score in counties:
        assert len(score.contributions) == binding
        points = sum(c["points"] for c in score.contributions)
        assert abs(score.score - round(points / binding * 100, 2)) < 0.01
    assert [s.score for s in counties] == sorted((s.score for s in counties), reverse=True)
    assert counties[0].rank == 1
    assert AssessmentScore.objects.filter(plan=demo["plan"], year=2025, department__name="市卫生健康委").exists()


def test_the_evaluate_command(demo, capsys):
    call_command("evaluate", "--plan", str(demo["plan"].pk))
    out = capsys.readouterr().out
    indicators = demo["plan"].indicators.count()
    assert out.startswith(f"plan {demo['plan'].pk} 健康青川行动实施方案（2021—2030年）: {indicators * 7 * 6} results")
    counts = dict(part.rsplit(" ", 1) for part in out.split("2025: ")[1].split(";")[0].split(", "))
    assert sum(int(n) for n in counts.values()) == indicators * 7
    assert out.rstrip().endswith("10 assessment scores")  # 6 counties and 4 lead departments


@pytest.mark.django_db(transaction=True)
@pytest.mark.flushes
def test_reading_the_values_takes_no_write_lock_on_sqlite(monkeypatch):
    """On SQLite every transaction is IMMEDIATE (it takes the database's write lock): reading a plan's values for an
    evaluation must not open one, or every save waits behind the evaluation. PostgreSQL streams through a named cursor,
    which needs its transaction (and takes no write lock)."""
    from django.db import connection

    from healthaction.plans.models import Plan

    city = OrgUnit.objects.create(code="E90", name="读取市", level="city")
    plan = Plan.objects.create(org_unit=city, title="读取方案", horizon_start=2025, horizon_end=2026)
    seen = []
    cursor = connection.chunked_cursor

    def watched():
        seen.append(connection.in_atomic_block)
        return cursor()

    monkeypatch.setattr(connection, "chunked_cursor", watched)
    assert load_values(plan).height == 0
    assert seen == [connection.vendor == "postgresql"]
