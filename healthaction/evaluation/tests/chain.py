"""A small chain of plans built by hand for the roll-up tests: 山西省 › 晋城市 (沁水县, 阳城县) and 朔州市 (应县),
one plan per area with two indicators (a counted share and life expectancy), each implementing the plan above."""

from django.utils import timezone

from healthaction.collection.models import IndicatorValue
from healthaction.core.choices import Level, PlanStatus, ValueStatus
from healthaction.plans.interchange import import_plan
from healthaction.plans.models import Indicator
from healthaction.registry.models import OrgUnit

LITERACY = {
    "number": "1.1",
    "name": "居民健康素养水平",
    "unit": "%",
    "numerator": "具备基本健康素养的调查对象数",
    "denominator": "调查对象数",
}
LIFE = {"number": "1.2", "name": "人均预期寿命", "unit": "岁", "numerator": "", "denominator": ""}
AREAS = [
    ("140000", "山西省", Level.PROVINCE, None),
    ("140500", "晋城市", Level.CITY, "140000"),
    ("140521", "沁水县", Level.COUNTY, "140500"),
    ("140522", "阳城县", Level.COUNTY, "140500"),
    ("140600", "朔州市", Level.CITY, "140000"),
    ("140622", "应县", Level.COUNTY, "140600"),
]


def target(year: int, raw: str, comparator: str, value: float) -> dict:
    return {
        "year": year,
        "raw": raw,
        "kind": "numeric",
        "comparator": comparator,
        "value": value,
        "upper_value": None,
        "base_year": None,
        "change": None,
        "change_unit": "",
        "trend": "",
        "qualitative": "",
    }


def plan_data(unit: OrgUnit, targets: dict | None = None, horizon=(2020, 2030)) -> dict:
    """A published plan for `unit`; `targets` maps an indicator number to its list of targets (default ≥30 in 2025)."""
    targets = targets or {}
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
            "targets": targets.get(ind["number"], [target(2025, "≥30", ">=", 30.0)]),
            "source": {"lines": None, "text": ""},
        }
        for ind in (LITERACY, LIFE)
    ]
    return {
        "format": "healthaction.plan",
        "version": 1,
        "plan": {
            "title": f"健康{unit.name}行动",
            "issuer": f"{unit.name}人民政府",
            "doc_number": "",
            "issue_date": "2021-03-01",
            "horizon": {"start": horizon[0], "end": horizon[1]},
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


def build_chain(targets: dict | None = None, horizon=(2020, 2030)) -> tuple[dict, dict]:
    """Create the areas and their plans; `targets` maps an area code to plan_data's targets. Return (units, plans)."""
    units, plans = {}, {}
    for code, name, level, parent in AREAS:
        units[code] = OrgUnit.objects.create(code=code, name=name, level=level, parent=units.get(parent))
    for code, _name, _level, parent in AREAS:
        plan = import_plan(plan_data(units[code], (targets or {}).get(code), horizon), area=units[code])
        plan.parent = plans.get(parent)
        plan.save()
        plans[code] = plan
    return units, plans


def report(plan, code, year, **fields):
    """An approved value of indicator 1.1 (or `number`) of `plan` for the area `code`."""
    indicator = Indicator.objects.get(plan=plan, number=fields.pop("number", "1.1"))
    return IndicatorValue.objects.create(
        indicator=indicator,
        org_unit=OrgUnit.objects.get(code=code),
        year=year,
        status=ValueStatus.APPROVED,
        approved_at=fields.pop("approved_at", timezone.now()),
        **fields,
    )
