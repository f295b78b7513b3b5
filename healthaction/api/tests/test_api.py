"""The REST API: token auth, paging, filters, writes through the workflow, conflicts."""

import json

import pytest
from django.contrib.auth import get_user_model

from healthaction.api.tokens import issue
from healthaction.collection.models import IndicatorValue
from healthaction.plans.models import Indicator


@pytest.fixture
def api(client):
    def as_user(username):
        _token, key = issue(get_user_model().objects.get(username=username))
        client.defaults["HTTP_AUTHORIZATION"] = f"Token {key}"
        return client

    return as_user


def test_token_from_credentials_and_paging(client, demo, settings):
    response = client.post("/api/token/", {"username": "liaison", "password": "demo-liaison-2026"})
    assert response.status_code == 200
    token = response.json()["token"]
    page = client.get(f"/api/indicators/?plan={demo['plan'].pk}", HTTP_AUTHORIZATION=f"Token {token}").json()
    assert page["count"] == demo["plan"].indicators.count() and len(page["results"]) == 100 and page["next"]
    literacy = next(i for i in page["results"] if i["name"] == "居民健康素养水平")
    assert [(t["year"], t["comparator"], t["value"]) for t in literacy["targets"]] == [
        (2022, ">=", 22.0),
        (2030, ">=", 30.0),
    ]


def test_filters_and_results(api, demo):
    client = api("leader")
    literacy = Indicator.objects.get(plan=demo["plan"], name="居民健康素养水平")
    results = client.get(f"/api/results/?indicator={literacy.pk}&year=2025").json()
    assert results["count"] == 7
    assert all(r["year"] == 2025 and r["explanation"] for r in results["results"])
    due = client.get(f"/api/due-items/?plan={demo['plan'].pk}&kind=task_progress&year=2026").json()
    assert due["count"] > 0 and all(d["kind"] == "task_progress" for d in due["results"])


def test_submit_a_value_and_conflicting_updates(api, demo):
    client = api("liaison")
    literacy = Indicator.objects.get(plan=demo["plan"], name="居民健康素养水平")
    body = {
        "indicator": literacy.pk,
        "org_unit": demo["plan"].org_unit_id,
        "year": 2026,
        "value": 31.2,
        "source": "监测",
        "submit": False,
    }
    created = client.post("/api/values/", json.dumps(body), content_type="application/json")
    assert created.status_code == 200, created.content
    value = created.json()
    assert (value["value"], value["status"], value["version"]) == (31.2, "draft", 1)
    ok = client.patch(
        f"/api/values/{value['id']}/", json.dumps({"value": 31.5, "version": 1}), content_type="application/json"
    )
    assert ok.status_code == 200 and ok.json()["version"] == 2
    stale = client.patch(
        f"/api/values/{value['id']}/", json.dumps({"value": 40, "version": 1}), content_type="application/json"
    )
    assert stale.status_code == 409
    assert IndicatorValue.objects.get(pk=value["id"]).value == 31.5
    bad = client.patch(
        f"/api/values/{value['id']}/",
        json.dumps({"value": 140, "version": 2, "submit": True}),
        content_type="application/json",
    )
    assert bad.status_code == 400 and "value" in bad.json()["errors"]
    assert IndicatorValue.objects.get(pk=value["id"]).value == 31.5


def test_the_schema_and_the_docs_are_served_offline(client, demo):
    schema = client.get("/api/schema/?format=json")
    assert schema.status_code == 200
    paths = json.loads(schema.content)["paths"]
    for path in (
        "/api/plans/",
        "/api/org-units/",
        "/api/departments/",
        "/api/indicators/",
        "/api/targets/",
        "/api/due-items/",
        "/api/values/",
        "/api/task-reports/",
        "/api/results/",
    ):
        assert path in paths
    docs = client.get("/api/docs/").content.decode()
    assert (
        "swagger" in docs.lower()
        and "cdn" not in docs.lower()
        and "http://" not in docs.split("<body")[0].replace("http://www.w3.org", "")
    )
