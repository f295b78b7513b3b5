"""What the schemathesis run found and the API now answers as its schema says (issue 24 #9), by hand."""

import pytest
from django.contrib.auth import get_user_model

from healthaction.api.tokens import issue


@pytest.fixture
def api(client, demo):
    _token, key = issue(get_user_model().objects.get(username="liaison"))
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {key}"
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    return client


def test_an_address_that_names_nothing_answers_json(api):
    response = api.get("/api/plans/abc/")  # ids are digits: no route matches
    assert (response.status_code, response["Content-Type"]) == (404, "application/json")
    assert response.json() == {"detail": "API 中没有这个地址。"}
    assert api.post("/api/jobs/x/", {}).status_code == 404


def test_a_page_that_is_not_a_positive_number_is_not_found(api):
    assert api.get("/api/plans/?page=").status_code == 404  # was page 1
    assert api.get("/api/plans/?page=0").json() == {"detail": "没有第 0 页。"}
    assert api.get("/api/plans/?page=1").status_code == 200


def test_the_schema_states_the_bounds_the_filters_enforce(api):
    schema = api.get("/api/schema/?format=json").json()
    parameters = {p["name"]: p["schema"] for p in schema["paths"]["/api/due-items/"]["get"]["parameters"]}
    assert parameters["plan"] == {"type": "integer", "minimum": 1, "maximum": 2147483647}
    assert parameters["year"] == {"type": "integer", "minimum": 0, "maximum": 32767}
    assert parameters["page"] == {"type": "integer", "minimum": 1, "maximum": 2147483647}
    assert api.get("/api/due-items/?year=32768").status_code == 400


def test_wrong_credentials_are_401_and_a_missing_field_400(client, demo):
    wrong = client.post("/api/token/", {"username": "liaison", "password": "not-the-password"})
    assert wrong.status_code == 401
    assert client.post("/api/token/", {"username": "liaison"}).status_code == 400


def test_a_write_naming_objects_that_do_not_exist_is_404(api):
    response = api.post(
        "/api/task-reports/",
        {"task": 999_999, "org_unit": 999_998, "year": 2026, "half": 1, "progress": "done", "text": "x"},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert set(response.json()) == {"task", "org_unit"}
    malformed = api.post("/api/task-reports/", {"task": "x"}, content_type="application/json")
    assert malformed.status_code == 400
