"""Values reported in a lower plan roll up into the plans above it (issue 23), figures worked by hand."""

import pytest
from django.utils import timezone

from healthaction.collection.models import IndicatorValue
from healthaction.core.choices import Level, PlanStatus, ValueStatus
from healthaction.evaluation.models import EvaluationResult
from healthaction.evaluation.services import evaluate_plan
from healthaction.plans.interchange import import_plan
from healthaction.plans.models import Indicator
from healthaction.registry.models import OrgUnit

pytestmark = pytest.mark.django_db

LITERACY = {
    "number": "1.1",
    "name": "居民健康素养水平",
    "unit": "%",
    "numerator": "具备基本健康素养的调查对象数",
    "denominator": "调查对象数",
}
LIFE = {"number": "1.2", "name": "人均预期寿命", "unit": "岁", "numerator": "", "denominator": ""}


def plan_data(unit: OrgUnit, title: str) -> dict:
    indicators = [
        {
            **ind,
            "action": 1,
            "group": "outcome",
            "nature": "binding",
            "direction": "increase",
            "definition": "",
            "calculation": "",
            "baseline": None,
            "targets": [
                {
                    "year": 2025,
                    "raw": "≥30",
                    "kind": "numeric",
                    "comparator": ">=",
                    "value": 30.0,
                    "upper_value": None,
                    "base_year": None,
                    "change": None,
                    "change_unit": "",
                    "trend": "",
                    "qualitative": "",
                }
            ],
            "source": {"lines": None, "text": ""},
        }
        for ind in (LITERACY, LIFE)
    ]
    return {
        "format": "healthaction.plan",
        "version": 1,
        "plan": {
            "title": title,
            "issuer": f"{unit.name}人民政府",
            "doc_number": "",
            "issue_date": "2021-03-01",
            "horizon": {"start": 2020, "end": 2030},
            "org_unit": {"code": unit.code, "name": unit.name, "level": unit.level},
            "status": PlanStatus.PUBLISHED,
            "is_public": False,
            "source": {"file": "", "sha256": ""},
        },
        "departments": [],
        "reporting_cycles": [],
        "actions": [{"number": 1, "name": "健康知识普及行动", "source": {"lines": None, "text": ""}}],
        "indicators": indicators,
        "tasks": [],
        "roster": [],
        "warnings": [],
    }


@pytest.fixture
def chain(db):
    """山西省 › 晋城市 (沁水县, 阳城县) and 朔州市 (应县): a plan in each area, each implementing the one above."""
    units = {}
    for code, name, level, parent in [
        ("140000", "山西省", Level.PROVINCE, None),
        ("140500", "晋城市", Level.CITY, "140000"),
        ("140521", "沁水县", Level.COUNTY, "140500"),
        ("140522", "阳城县", Level.COUNTY, "140500"),
        ("140600", "朔州市", Level.CITY, "140000"),
        ("140622", "应县", Level.COUNTY, "140600"),
    ]:
        units[code] = OrgUnit.objects.create(code=code, name=name, level=level, parent=units.get(parent))
    plans = {}
    for code, parent in [
        ("140000", None),
        ("140500", "140000"),
        ("140521", "140500"),
        ("140522", "140500"),
        ("140600", "140000"),
        ("140622", "140600"),
    ]:
        plan = import_plan(plan_data(units[code], f"健康{units[code].name}行动"), area=units[code])
        plan.parent = plans.get(parent)
        plan.save()
        plans[code] = plan
    return units, plans


def report(plan, code, year, **fields):
    indicator = Indicator.objects.get(plan=plan, number=fields.pop("number", "1.1"))
    return IndicatorValue.objects.create(
        indicator=indicator,
        org_unit=OrgUnit.objects.get(code=code),
        year=year,
        status=ValueStatus.APPROVED,
        approved_at=timezone.now(),
        **fields,
    )


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
        report(plans["140521"], "140521", 2025, numerator=140, denominator=400, value=35.0)
    # 140 / 400 = 35 %: the county's plan, the city's and the province's each know it, and it meets ≥30
    assert result(plans["140521"], "140521", 2025).value == 35.0
    assert result(plans["140500"], "140521", 2025).value == 35.0
    assert result(plans["140500"], "140500", 2025).value == pytest.approx(35.0)
    assert result(plans["140000"], "140000", 2025).value == pytest.approx(35.0)
    assert result(plans["140000"], "140000", 2025).status == "achieved"
