"""API filters (one FilterSet per model, <app>/filtersets.py): exact counts for valid values, a clear 400 for
malformed ones, and a filter can only narrow the user's scope. Counts are read from demo/content.py."""

import pytest
from django.contrib.auth import get_user_model

from healthaction.api.tokens import issue
from healthaction.plans.models import Indicator
from healthaction.registry.models import OrgUnit


@pytest.fixture
def api(client):
    def as_user(username):
        _token, key = issue(get_user_model().objects.get(username=username))
        client.defaults["HTTP_AUTHORIZATION"] = f"Token {key}"
        return client

    return as_user


def test_indicators_filter_by_action_number_and_nature(api, demo):
    client = api("leader")
    plan = demo["plan"].pk
    # action 1 (健康知识普及行动) lists six indicators, three of them binding (约); action 2 lists seven
    assert client.get(f"/api/indicators/?plan={plan}&action=1").json()["count"] == 6
    assert client.get(f"/api/indicators/?plan={plan}&action=1&nature=binding").json()["count"] == 3
    assert client.get(f"/api/indicators/?plan={plan}&action=2").json()["count"] == 7
    assert client.get(f"/api/indicators/?plan={plan}&action=1&group=advocacy").json()["count"] == 2


def test_org_units_and_targets_filter_exactly(api, demo):
    client = api("leader")
    city = OrgUnit.objects.get(code="990100")
    linjiang = OrgUnit.objects.get(code="990121")
    assert client.get(f"/api/org-units/?parent={city.pk}").json()["count"] == 6  # six counties
    assert client.get("/api/org-units/?level=county").json()["count"] == 6
    assert [u["name"] for u in client.get(f"/api/org-units/?parent={linjiang.pk}&level=town").json()["results"]] == [
        "临江镇",
        "石门镇",
        "沙河乡",
    ]
    assert client.get("/api/org-units/?code=990121").json()["count"] == 1
    literacy = Indicator.objects.get(plan=demo["plan"], name="居民健康素养水平")
    assert client.get(f"/api/targets/?indicator={literacy.pk}").json()["count"] == 2
    assert [t["value"] for t in client.get(f"/api/targets/?indicator={literacy.pk}&year=2030").json()["results"]] == [
        30.0
    ]


def test_a_valid_id_that_names_nothing_gives_an_empty_list(api, demo):
    response = api("leader").get("/api/indicators/?plan=2147483647")
    assert response.status_code == 200 and response.json()["count"] == 0


@pytest.mark.parametrize(
    "path",
    [
        "/api/indicators/?plan=abc",
        "/api/indicators/?plan=1.5",
        "/api/indicators/?plan=-3",
        "/api/indicators/?plan=99999999999999999999",
        "/api/indicators/?plan=2147483648",
        "/api/indicators/?action=x",
        "/api/indicators/?nature=mandatory",
        "/api/due-items/?department=abc",
        "/api/due-items/?year=20x5",
        "/api/due-items/?year=99999",
        "/api/due-items/?status=lost",
        "/api/results/?year=2025.5",
        "/api/results/?status=excellent",
        "/api/org-units/?code=99%00121",
        "/api/org-units/?level=planet",
        "/api/departments/?name=%E5%8D%AB%00",
        "/api/task-reports/?half=3",
        "/api/findings/?status=closed",
        "/api/inspection-rounds/?plan=1e3",
    ],
)
def test_a_malformed_filter_is_a_400_naming_the_parameter(api, demo, path):
    response = api("office").get(path)
    assert response.status_code == 400, (path, response.status_code)
    parameter = path.split("?")[1].split("=")[0]
    assert list(response.json()) == [parameter]


def test_a_filter_only_narrows_the_users_scope(api, demo):
    client = api("county")  # 临江县's office sees its own county's items only
    other = OrgUnit.objects.get(code="990122")  # 白石县
    assert client.get(f"/api/due-items/?org_unit={other.pk}").json()["count"] == 0
    own = OrgUnit.objects.get(code="990121")
    everything = client.get("/api/due-items/").json()["count"]
    assert client.get(f"/api/due-items/?org_unit={own.pk}").json()["count"] == everything


def test_the_schema_documents_each_filter_with_its_type(client, demo):
    schema = client.get("/api/schema/?format=json").json()
    params = {p["name"]: p["schema"] for p in schema["paths"]["/api/due-items/"]["get"]["parameters"]}
    assert params["plan"]["type"] == "integer" and params["year"]["type"] == "integer"
    assert params["status"]["enum"] == ["approved", "draft", "open", "returned", "submitted"]
