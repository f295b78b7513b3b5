"""Roll-ups by level (issue 23): a plan's page of its lower areas, each with the plan implementing it."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from healthaction.collection.services import publish_plan
from healthaction.core.choices import Level
from healthaction.evaluation.services import assess_plan, evaluate_plan
from healthaction.evaluation.tests.chain import build_chain, report, target
from healthaction.registry.models import OrgUnit
from healthaction.web import queries

TODAY = dt.date(2026, 12, 7)
START = dt.date(2025, 1, 1)


def utc(*args):
    return dt.datetime(*args, 10, tzinfo=dt.UTC)


@pytest.fixture
def chain(db):
    """晋城市 ≥30 in 2025 for both indicators; 沁水县 asks only ≥28 of 1.1; 阳城县 sets nothing for 1.2."""
    units, plans = build_chain(
        {
            "140521": {"1.1": [target(2025, "≥28", ">=", 28.0)]},
            "140522": {"1.2": []},
        },
        horizon=(2024, 2025),
    )
    # 沁水县: 1.1 of 2024 on time (due 2025-06-05), of 2025 late (due 2026-06-05); nothing for 1.2
    report(plans["140521"], "140521", 2024, numerator=120, denominator=400, value=30.0, submitted_at=utc(2025, 6, 1))
    report(plans["140521"], "140521", 2025, numerator=140, denominator=400, value=35.0, submitted_at=utc(2026, 6, 20))
    # 阳城县: everything on time, the last on its due date
    report(plans["140522"], "140522", 2024, numerator=150, denominator=600, value=25.0, submitted_at=utc(2025, 5, 1))
    report(plans["140522"], "140522", 2024, number="1.2", value=78.5, submitted_at=utc(2025, 5, 2))
    report(plans["140522"], "140522", 2025, numerator=180, denominator=600, value=30.0, submitted_at=utc(2026, 6, 1))
    report(plans["140522"], "140522", 2025, number="1.2", value=79.0, submitted_at=utc(2026, 6, 5))
    for code in ("140521", "140522", "140622", "140500", "140600", "140000"):
        publish_plan(plans[code], start=START)
    for code in ("140521", "140522", "140622", "140500", "140600", "140000"):
        evaluate_plan(plans[code])
    assess_plan(plans["140500"], 2025)
    return units, plans


def test_a_city_sees_each_county_through_the_county_plan(chain):
    units, plans = chain
    data = queries.lower_areas(plans["140500"], 2025, today=TODAY)
    rows = {r["unit"].code: r for r in data["rows"]}
    assert list(rows) == ["140521", "140522"]
    qinshui, yangcheng = rows["140521"], rows["140522"]
    assert qinshui["plan"] == plans["140521"]
    # 沁水县's plan owes 2 indicators × 2 years = 4 values, all due by 2026-12-07: 2 received, 1 of them on time
    assert (qinshui["reporting"]["due"], qinshui["reporting"]["received"], qinshui["reporting"]["on_time"]) == (4, 2, 1)
    assert (qinshui["reporting"]["completeness"], qinshui["reporting"]["timeliness"]) == (0.5, 0.25)
    # 阳城县: 4 of 4, all on time (2026-06-05 is the due date itself)
    assert (yangcheng["reporting"]["completeness"], yangcheng["reporting"]["timeliness"]) == (1.0, 1.0)
    # statuses at the county's own level in 2025: 沁水县 35 % ≥ 28 achieved, life expectancy not reported
    assert dict(qinshui["statuses"])["achieved"] == 1 and dict(qinshui["statuses"])["no_data"] == 1
    # the city's assessment (its two binding indicators, equal weights): 阳城县 both achieved (100),
    # 沁水县 35 % ≥ 30 achieved and no life expectancy (50)
    assert (yangcheng["score"].rank, yangcheng["score"].score) == (1, 100.0)
    assert (qinshui["score"].rank, qinshui["score"].score) == (2, 50.0)
    # targets beside the city's: 沁水县 asks ≥28 where the city asks ≥30; 阳城县 sets none for 1.2 where the city has one
    assert qinshui["targets"] == {"linked": 2, "flags": [("weaker_than_parent", 1)]}
    assert yangcheng["targets"] == {"linked": 2, "flags": [("missing_where_parent_has", 1)]}
    literacy = data["comparison"]["rows"][0]
    assert literacy["targets"] == "2025年≥30"
    assert [c["targets"] for c in literacy["cells"]] == ["2025年≥28", "2025年≥30"]


def test_the_province_sees_its_cities_and_their_rolled_up_values(chain):
    units, plans = chain
    data = queries.lower_areas(plans["140000"], 2025, today=TODAY)
    assert [r["unit"].name for r in data["rows"]] == ["晋城市", "朔州市"]
    jincheng = data["rows"][0]
    assert jincheng["plan"] == plans["140500"]
    # 晋城市's own 2025 value of 1.1 is rolled up: (140 + 180) / (400 + 600) = 32 % ≥ 30, achieved
    assert dict(jincheng["statuses"])["achieved"] >= 1


def test_the_number_of_queries_does_not_grow_with_the_lower_units(chain):
    units, plans = chain
    with CaptureQueriesContext(connection) as two:
        queries.lower_areas(plans["140500"], 2025, today=TODAY)
    # a third county with its own plan and a value
    from healthaction.evaluation.tests.chain import plan_data
    from healthaction.plans.interchange import import_plan

    lingchuan = OrgUnit.objects.create(code="140524", name="陵川县", level=Level.COUNTY, parent=units["140500"])
    plan = import_plan(plan_data(lingchuan, horizon=(2024, 2025)), area=lingchuan)
    plan.parent = plans["140500"]
    plan.save()
    report(plan, "140524", 2025, numerator=50, denominator=100, value=50.0, submitted_at=utc(2026, 6, 1))
    publish_plan(plan, start=START)
    evaluate_plan(plan)
    with CaptureQueriesContext(connection) as three:
        data = queries.lower_areas(plans["140500"], 2025, today=TODAY)
    assert len(data["rows"]) == 3 and data["rows"][2]["reporting"]["received"] == 1
    assert len(three) == len(two)


def test_the_page_for_the_office_and_404_for_a_sibling(chain, client, django_user_model):
    units, plans = chain
    from healthaction.core.choices import Role
    from healthaction.registry.models import Membership

    city = django_user_model.objects.create_user("jincheng", password="x")
    Membership.objects.create(user=city, role=Role.OFFICE_ADMIN, org_unit=units["140500"])
    sibling = django_user_model.objects.create_user("shuozhou", password="x")
    Membership.objects.create(user=sibling, role=Role.OFFICE_ADMIN, org_unit=units["140600"])
    url = reverse("plan-lower-areas", args=[plans["140500"].pk])
    client.force_login(city)
    page = client.get(url + "?year=2025")
    assert page.status_code == 200
    text = page.content.decode()
    assert "沁水县" in text and "阳城县" in text and reverse("plan-detail", args=[plans["140521"].pk]) in text
    client.force_login(sibling)
    assert client.get(url).status_code == 404


def test_the_indicator_page_says_whether_lower_values_add_up(chain, client, django_user_model):
    units, plans = chain
    from healthaction.core.choices import Role
    from healthaction.registry.models import Membership

    city = django_user_model.objects.create_user("jincheng", password="x")
    Membership.objects.create(user=city, role=Role.OFFICE_ADMIN, org_unit=units["140500"])
    client.force_login(city)
    literacy, life = plans["140500"].indicators.order_by("number")
    counted = client.get(reverse("indicator-detail", args=[literacy.pk]) + "?year=2025").content.decode()
    assert "Σ具备基本健康素养的调查对象数 ÷ Σ调查对象数" in counted
    # the grid shows 晋城市's 2025 value added up from its counties: (140 + 180) / (400 + 600) = 32 %
    assert "<strong>晋城市</strong><br>32.0" in counted
    plain = client.get(reverse("indicator-detail", args=[life.pk]) + "?year=2025").content.decode()
    assert "不可汇总" in plain


def test_the_circular_of_a_city_names_its_counties_with_their_own_plans_figures(chain):
    import io

    from docx import Document

    from healthaction.reports.circular import build_circular

    units, plans = chain
    doc = Document(io.BytesIO(build_circular(plans["140500"], 2025, today=TODAY)))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "各县（市、区）推进办，各有关部门：" in text
    rows = [[c.text for c in row.cells] for row in doc.tables[0].rows]
    # 2025 items of the counties' own plans (due 2026-06-05): 阳城县 2 of 2 on time, 沁水县 1 of 2, late
    assert rows[0][:2] == ["排名", "县（市、区）"]
    assert rows[1] == ["1", "阳城县", "2", "2", "2", "0", "100.0%", "100.0%"]
    assert rows[2] == ["2", "沁水县", "2", "1", "0", "0", "50.0%", "0.0%"]
    province = Document(io.BytesIO(build_circular(plans["140000"], 2025, today=TODAY)))
    assert "各市（州）推进办，各有关部门：" in "\n".join(p.text for p in province.paragraphs)


def test_the_area_page_shows_the_chains_below_and_hides_siblings(chain, client, django_user_model):
    units, plans = chain
    from healthaction.core.choices import Role
    from healthaction.registry.models import Membership

    def office(code):
        user = django_user_model.objects.create_user(f"office{code}", password="x")
        Membership.objects.create(user=user, role=Role.OFFICE_ADMIN, org_unit=units[code])
        return user

    def codes(page):
        return re.findall(r'<tr data-code="(\d+)">', page.content.decode())

    client.force_login(office("140000"))
    page = client.get(reverse("area-plans", args=["140000"]))
    assert page.status_code == 200
    # both chains, each area under the one above: 山西省 › 晋城市 › 沁水县, 阳城县; 山西省 › 朔州市 › 应县
    assert codes(page) == ["140000", "140500", "140521", "140522", "140600", "140622"]
    # 沁水县's office sees its own chain up to the province, never its neighbour 阳城县 nor 朔州市's chain
    client.force_login(office("140521"))
    assert codes(client.get(reverse("area-plans", args=["140000"]))) == ["140000", "140500", "140521"]
    assert client.get(reverse("area-plans", args=["140522"])).status_code == 404
    assert client.get(reverse("area-plans", args=["140600"])).status_code == 404
    assert client.get(reverse("plan-lower-areas", args=[plans["140522"].pk])).status_code == 404
