"""A plan's targets beside the level above's and the national ones: flags worked out by hand.

The parent (a city, 2021–2030) and the child (one of its counties, 2021–2030) are built here; the national values
are those of 《健康中国行动（2019—2030年）》 as national.json states them (居民健康素养水平 ≥22 / ≥30; 孕产妇死亡率
≤18 / ≤12 per 100 000; 人均预期寿命 77.7 / 79.0 years, bare numbers, higher is better).
"""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from healthaction.catalogue.models import CatalogueIndicator
from healthaction.catalogue.services import load_catalogue, match_plan, weaker
from healthaction.plans.models import Indicator, Plan, Target
from healthaction.registry.models import OrgUnit

TEXT = {">=": "≥", "<=": "≤", "=": "", ">": ">", "<": "<"}


def _plan(unit, title, parent=None):
    return Plan.objects.create(
        org_unit=unit, parent=parent, title=title, horizon_start=2021, horizon_end=2030, status="published"
    )


def _indicator(plan, number, name, unit, targets, direction=""):
    ind = Indicator.objects.create(
        plan=plan, number=str(number), name=name, unit=unit, position=number, direction=direction
    )
    for year, (comparator, value) in targets.items():
        Target.objects.create(
            indicator=ind,
            year=year,
            kind="numeric",
            comparator=comparator,
            value=value,
            raw_text=f"{TEXT[comparator]}{value:g}",
        )
    return ind


@pytest.fixture
def pair(db):
    load_catalogue()
    city = OrgUnit.objects.create(code="T10100", name="测试市", level="city")
    county = OrgUnit.objects.create(code="T10121", name="测试县", level="county", parent=city)
    parent = _plan(city, "测试市实施方案")
    child = _plan(county, "测试县实施方案", parent=parent)
    _indicator(parent, 1, "居民健康素养水平", "%", {2022: (">=", 24), 2030: (">=", 32)})
    _indicator(parent, 2, "孕产妇死亡率", "1/10万", {2022: ("<=", 15), 2030: ("<=", 10)})
    _indicator(parent, 3, "人均预期寿命", "岁", {2030: ("=", 80)})
    # the county: literacy 2022 ≥23 (below the city's 24, above the national 22) and no 2030 target;
    # maternal deaths ≤20 in 2022 (above both the city's 15 and the national 18: weaker on both sides) and ≤10 in 2030;
    # life expectancy a bare 79.5 in 2030 (below the city's 80: weaker, as higher is better; above the national 79)
    # plus a 2025 value the city does not set
    _indicator(child, 1, "全县居民健康素养水平", "%", {2022: (">=", 23)})
    _indicator(child, 2, "孕产妇死亡率", "1/10万", {2022: ("<=", 20), 2030: ("<=", 10)})
    _indicator(child, 3, "人均预期寿命", "岁", {2025: ("=", 79), 2030: ("=", 79.5)})
    _indicator(child, 4, "县级自设指标", "%", {2030: (">=", 50)})
    for plan in (parent, child):
        match_plan(plan)
    return parent, child


def test_compare_json_for_a_county_under_its_city(pair, capsys):
    parent, child = pair
    call_command("catalogue", "compare", "--plan", str(child.pk), "--json")
    rows = json.loads(capsys.readouterr().out)
    assert [r["indicator"] for r in rows] == ["全县居民健康素养水平", "孕产妇死亡率", "人均预期寿命", "县级自设指标"]
    assert all(set(r) == {"indicator", "catalogue", "national_target", "parent_target", "flags"} for r in rows)
    literacy, maternal, life, own = rows
    assert literacy["catalogue"] == "居民健康素养水平"
    assert literacy["national_target"] == {"2022": "≥22", "2030": "≥30"}
    assert literacy["parent_target"] == {"2022": "≥24", "2030": "≥32"}
    assert literacy["flags"] == ["weaker_than_parent", "missing_where_parent_has"]
    assert maternal["parent_target"] == {"2022": "≤15", "2030": "≤10"}
    assert maternal["flags"] == ["weaker_than_national", "weaker_than_parent"]
    assert life["national_target"] == {"2022": "77.7", "2030": "79.0"}
    assert life["parent_target"] == {"2030": "80"}
    assert life["flags"] == ["weaker_than_parent", "year_not_in_parent"]
    assert own == {
        "indicator": "县级自设指标",
        "catalogue": None,
        "national_target": None,
        "parent_target": None,
        "flags": [],
    }


def test_a_plan_without_a_parent_is_compared_with_the_nation_only(pair, capsys):
    parent, _ = pair
    call_command("catalogue", "compare", "--plan", str(parent.pk), "--json")
    rows = {r["indicator"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["居民健康素养水平"]["parent_target"] is None
    assert rows["居民健康素养水平"]["flags"] == []  # 24 and 32 ask more than 22 and 30
    assert rows["孕产妇死亡率"]["flags"] == []  # 15 and 10 per 100 000 ask more than 18 and 12
    assert rows["人均预期寿命"]["flags"] == []  # 80 in 2030 asks more than 79.0


def test_an_uncertain_link_waits_for_a_person(pair, capsys):
    """A local name the catalogue only proposes links to nothing above until a person confirms it."""
    parent, child = pair
    entry = CatalogueIndicator.objects.get(name="居民健康素养水平")
    ind = child.indicators.get(number="1")
    ind.catalogue_match.status = "proposed"
    ind.catalogue_match.save()
    ind.name = "城乡居民健康素养"  # no longer the parent's name either
    ind.save()
    call_command("catalogue", "compare", "--plan", str(child.pk), "--json")
    row = json.loads(capsys.readouterr().out)[0]
    assert (row["catalogue"], row["parent_target"], row["flags"]) == (None, None, [])
    assert entry.pk  # the entry is still there; only the link waits


@pytest.mark.parametrize(
    ("local", "reference", "direction", "expected"),
    [
        ((">=", 20), (">=", 22), "", True),
        ((">=", 22), (">=", 22), "", False),
        ((">=", 22), (">", 22), "", True),
        (("<=", 5), ("<=", 6), "", False),
        (("<=", 7), ("<", 6), "", True),
        (("=", 28), (">=", 30), "increase", True),  # 达到28% against ≥30%, higher is better
        (("=", 28), (">=", 30), "", False),  # no direction known: a bare number is not compared
        (("=", 12), ("<=", 10), "decrease", True),
        ((">=", 90), ("<=", 95), "", False),  # binding opposite ways
    ],
)
def test_weaker(local, reference, direction, expected):
    assert weaker(local, reference, direction) is expected


def test_compare_needs_a_plan(db):
    with pytest.raises(CommandError, match="compare needs --plan ID"):
        call_command("catalogue", "compare")


def test_the_comparison_page_for_a_county_plan_under_the_demo_city(login, demo):
    """白石县's own plan implements the demo city's: its 2022 literacy target ≥20 is below the city's ≥22 (demo
    content) and below the national ≥22; the city office sees the flags, 临江县's office (a sibling) gets 404."""
    load_catalogue()
    city_plan = demo["plan"]
    county = OrgUnit.objects.get(code="990122")
    assert county.name == "白石县"
    plan = _plan(county, "白石县健康行动实施方案", parent=city_plan)
    _indicator(plan, 1, "居民健康素养水平", "%", {2022: (">=", 20), 2030: (">=", 30)})
    match_plan(plan)
    match_plan(city_plan)
    html = login("office").get(f"/catalogue/plans/{plan.pk}/compare/").content.decode()
    row = html[html.index("居民健康素养水平") :]
    row = row[: row.index("</tr>")]
    assert "2022年≥20；2030年≥30" in row  # this plan
    assert "2022年≥22；2030年≥30" in row  # the city's, and the nation's
    assert "低于国家目标" in row and "低于上级目标" in row
    assert "1 项指标有提示" in html
    assert login("county").get(f"/catalogue/plans/{plan.pk}/compare/").status_code == 404
