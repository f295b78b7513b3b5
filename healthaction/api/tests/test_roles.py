"""Each role tries what it must not do, through the pages and the API: 403 or 404, and nothing changes."""

import json

import pytest
from django.contrib.auth import get_user_model

from healthaction.api.tokens import issue
from healthaction.collection.models import DueItem, IndicatorValue, TaskReport
from healthaction.core.choices import PlanStatus
from healthaction.plans.models import Indicator, Plan


def _token(client, username):
    _token, key = issue(get_user_model().objects.get(username=username))
    return {"HTTP_AUTHORIZATION": f"Token {key}"}


@pytest.fixture
def draft(demo):
    """A health commission draft value for 2026 (health literacy, city)."""
    literacy = Indicator.objects.get(plan=demo["plan"], name="居民健康素养水平")
    return IndicatorValue.objects.create(
        indicator=literacy, org_unit=demo["plan"].org_unit, year=2026, value=30.5, status="draft"
    )


def _snapshot():
    return sorted(IndicatorValue.objects.values_list("pk", "value", "status", "version")), TaskReport.objects.count()


def test_another_departments_draft_is_invisible_and_unchangeable(client, draft):
    before = _snapshot()
    auth = _token(client, "liaison_edu")
    assert client.get(f"/api/values/{draft.pk}/", **auth).status_code == 404
    assert (
        client.patch(
            f"/api/values/{draft.pk}/", json.dumps({"value": 1, "version": 1}), content_type="application/json", **auth
        ).status_code
        == 404
    )
    assert draft.pk not in [v["id"] for v in client.get("/api/values/?year=2026", **auth).json()["results"]]
    body = {"indicator": draft.indicator_id, "org_unit": draft.org_unit_id, "year": 2026, "value": 1}
    assert client.post("/api/values/", json.dumps(body), content_type="application/json", **auth).status_code == 404
    item = DueItem.objects.get(indicator=draft.indicator, org_unit=draft.org_unit, year=2026)
    client.login(username="liaison_edu", password="demo-liaison-2026")
    assert client.get(f"/report/items/{item.pk}/").status_code == 404
    assert client.post(f"/report/items/{item.pk}/review/", {"action": "approve"}).status_code == 404
    assert _snapshot() == before


def test_a_county_cannot_touch_another_countys_values(client, demo):
    literacy = Indicator.objects.get(plan=demo["plan"], name="居民健康素养水平")
    other = IndicatorValue.objects.get(indicator=literacy, org_unit__code="990122", year=2025)
    before = _snapshot()
    auth = _token(client, "county")
    assert client.get(f"/api/values/{other.pk}/", **auth).status_code == 404
    body = {"indicator": literacy.pk, "org_unit": other.org_unit_id, "year": 2026, "value": 50, "source": "x"}
    assert client.post("/api/values/", json.dumps(body), content_type="application/json", **auth).status_code == 404
    own = client.get(f"/api/values/?indicator={literacy.pk}&year=2025", **auth).json()["results"]
    assert {v["org_unit"] for v in own} == {other.org_unit.parent.children.get(code="990121").pk}
    assert _snapshot() == before


def test_a_leader_reads_but_changes_nothing(client, demo, draft):
    before = _snapshot()
    auth = _token(client, "leader")
    assert client.get(f"/api/values/{draft.pk}/", **auth).status_code == 200
    assert (
        client.patch(
            f"/api/values/{draft.pk}/", json.dumps({"value": 1, "version": 1}), content_type="application/json", **auth
        ).status_code
        == 403
    )
    item = DueItem.objects.get(indicator=draft.indicator, org_unit=draft.org_unit, year=2026)
    client.login(username="leader", password="demo-leader-2026")
    assert (
        client.post(
            f"/report/items/{item.pk}/", {"value": "1", "source": "x", "version": "1", "action": "submit"}
        ).status_code
        == 403
    )
    assert client.post(f"/plans/{demo['plan'].pk}/evaluate/").status_code == 403
    assert client.get("/plans/import/").status_code == 403
    assert _snapshot() == before


def test_an_action_lead_reviews_only_its_action(client, demo):
    smoking = DueItem.objects.filter(
        plan=demo["plan"], indicator__action__number=4, org_unit=demo["plan"].org_unit, year=2026
    ).first()
    literacy = DueItem.objects.filter(
        plan=demo["plan"], indicator__action__number=1, org_unit=demo["plan"].org_unit, year=2026
    ).first()
    for item in (smoking, literacy):
        IndicatorValue.objects.create(
            indicator=item.indicator, org_unit=item.org_unit, year=2026, value=20, status="submitted", source="x"
        )
    client.login(username="actionlead", password="demo-lead-2026")
    assert client.post(f"/report/items/{literacy.pk}/review/", {"action": "approve"}).status_code == 404
    assert (
        IndicatorValue.objects.get(indicator=literacy.indicator, org_unit=literacy.org_unit, year=2026).status
        == "submitted"
    )
    assert client.post(f"/report/items/{smoking.pk}/review/", {"action": "approve", "version": "1"}).status_code == 302
    assert (
        IndicatorValue.objects.get(indicator=smoking.indicator, org_unit=smoking.org_unit, year=2026).status
        == "approved"
    )


def test_the_public_sees_only_published_public_plans(client, demo):
    plan = demo["plan"]
    assert [p["id"] for p in client.get("/api/plans/").json()["results"]] == [plan.pk]
    assert client.get("/api/values/").status_code in (401, 403)
    assert client.get("/api/due-items/").status_code in (401, 403)
    Plan.objects.filter(pk=plan.pk).update(status=PlanStatus.DRAFT)
    assert client.get("/api/plans/").json()["results"] == []
    assert client.get(f"/api/plans/{plan.pk}/").status_code == 404
    assert client.get(f"/api/results/?plan={plan.pk}").json()["count"] == 0
    assert client.get(f"/public/plans/{plan.pk}/").status_code == 404
    literacy = Indicator.objects.get(plan=plan, name="居民健康素养水平")
    assert client.get(f"/api/indicators/{literacy.pk}/").status_code == 404
