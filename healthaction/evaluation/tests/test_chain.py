"""Values reported in a lower plan roll up into the plans above it (issue 23), figures worked by hand."""

import pytest

from healthaction.collection.services import values_approved
from healthaction.core.choices import Level, PlanStatus
from healthaction.evaluation.models import EvaluationResult
from healthaction.evaluation.services import evaluate_plan
from healthaction.evaluation.tests.chain import build_chain, report

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain(db):
    """山西省 › 晋城市 (沁水县, 阳城县) and 朔州市 (应县): a plan in each area, each implementing the one above."""
    return build_chain()


def result(plan, code, year, number="1.1"):
    return EvaluationResult.objects.get(plan=plan, indicator__number=number, org_unit__code=code, year=year)


def test_counties_counts_add_up_in_the_city_and_the_province(chain):
    units, plans = chain
    report(plans["140521"], "140521", 2024, numerator=120, denominator=400, value=30.0)
    report(plans["140522"], "140522", 2024, numerator=210, denominator=600, value=35.0)
    report(plans["140622"], "140622", 2024, numerator=90, denominator=300, value=30.0)
    for code in ("140521", "140522", "140622", "140500", "140600", "140000"):
        evaluate_plan(plans[code])
    # the city's plan sees its counties' own reports, typed once in their own plans
    assert result(plans["140500"], "140521", 2024).value == 30.0
    assert result(plans["140500"], "140522", 2024).value == 35.0
    # 晋城市: (120 + 210) / (400 + 600) = 33.0 %, not the mean of 30 and 35 (32.5)
    assert result(plans["140500"], "140500", 2024).value == pytest.approx(33.0)
    # the province sees its cities: 晋城市 33.0 %, 朔州市 90 / 300 = 30.0 %
    assert result(plans["140000"], "140500", 2024).value == pytest.approx(33.0)
    assert result(plans["140000"], "140600", 2024).value == pytest.approx(30.0)
    # 山西省: (120 + 210 + 90) / (400 + 600 + 300) = 420 / 1300 = 32.3077 %
    assert result(plans["140000"], "140000", 2024).value == pytest.approx(32.3077, abs=1e-4)
    # the province's results are for its own area and its cities, never for a county
    assert not EvaluationResult.objects.filter(plan=plans["140000"], org_unit__level=Level.COUNTY).exists()


def test_a_value_without_counts_is_not_added_up(chain):
    units, plans = chain
    report(plans["140521"], "140521", 2024, number="1.2", value=78.1)
    report(plans["140522"], "140522", 2024, number="1.2", value=79.3)
    for code in ("140521", "140522", "140500"):
        evaluate_plan(plans[code])
    # life expectancy has no numerator and denominator: the city's plan shows each county's value, no sum
    assert result(plans["140500"], "140521", 2024, "1.2").value == 78.1
    assert result(plans["140500"], "140500", 2024, "1.2").value is None


def test_a_value_entered_in_the_plan_itself_wins(chain):
    units, plans = chain
    report(plans["140521"], "140521", 2023, numerator=100, denominator=400, value=25.0)
    report(plans["140522"], "140522", 2023, numerator=300, denominator=600, value=50.0)
    report(plans["140500"], "140500", 2023, value=41.0)  # the city's own survey
    report(plans["140500"], "140521", 2023, value=26.0)  # the city entered 沁水县's corrected figure itself
    evaluate_plan(plans["140500"])
    assert result(plans["140500"], "140500", 2023).value == 41.0
    assert result(plans["140500"], "140521", 2023).value == 26.0
    assert result(plans["140500"], "140522", 2023).value == 50.0


def test_approving_a_county_value_refreshes_the_plans_above(chain, django_capture_on_commit_callbacks):
    units, plans = chain
    for code in ("140521", "140500", "140000"):
        plans[code].status = PlanStatus.PUBLISHED
        plans[code].save()
    with django_capture_on_commit_callbacks(execute=True):
        value = report(plans["140521"], "140521", 2025, numerator=140, denominator=400, value=35.0)
        values_approved(plans["140521"].pk, [(value.indicator_id, value.org_unit_id)])  # what approvals call
    # 140 / 400 = 35 %: the county's plan, the city's and the province's each know it, and it meets ≥30
    assert result(plans["140521"], "140521", 2025).value == 35.0
    assert result(plans["140500"], "140521", 2025).value == 35.0
    assert result(plans["140500"], "140500", 2025).value == pytest.approx(35.0)
    assert result(plans["140000"], "140000", 2025).value == pytest.approx(35.0)
    assert result(plans["140000"], "140000", 2025).status == "achieved"
