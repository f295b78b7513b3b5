"""Reports, exports and completeness are scoped by area and plan status through registry/scopes.py; outsiders get 404."""

import pytest
from django.contrib.auth import get_user_model

from healthaction.core.choices import Level, PlanStatus, Role
from healthaction.plans.models import Plan
from healthaction.registry.models import Membership, OrgUnit

DOWNLOADS = [
    "/reports/{plan}/excel/",
    "/reports/{plan}/circular/?year=2025",
    "/reports/{plan}/annual/?year=2025",
    "/report/completeness/?plan={plan}",
]


@pytest.fixture
def other_city_leader(demo, client):
    city = OrgUnit.objects.create(code="880100", name="别的市", level=Level.CITY)
    user = get_user_model().objects.create_user(username="other_leader", password="other-leader-2026")
    Membership.objects.create(user=user, role=Role.LEADER, org_unit=city)
    client.login(username="other_leader", password="other-leader-2026")
    return client


@pytest.mark.parametrize("url", DOWNLOADS)
def test_a_leader_of_another_city_gets_nothing(other_city_leader, demo, url):
    assert other_city_leader.get(url.format(plan=demo["plan"].pk)).status_code == 404


def test_the_reports_page_lists_no_plan_of_another_city(other_city_leader):
    assert other_city_leader.get("/reports/").status_code == 403


@pytest.mark.parametrize("username", ["leader", "actionlead"])
@pytest.mark.parametrize("url", DOWNLOADS)
def test_leaders_and_action_leads_get_nothing_of_a_draft_plan(login, demo, username, url):
    Plan.objects.filter(pk=demo["plan"].pk).update(status=PlanStatus.DRAFT)
    assert login(username).get(url.format(plan=demo["plan"].pk)).status_code == 404


@pytest.mark.parametrize("username", ["leader", "actionlead"])
def test_leaders_and_action_leads_read_the_published_plans_completeness(login, demo, username):
    response = login(username).get(f"/report/completeness/?plan={demo['plan'].pk}")
    assert response.status_code == 200 and demo["plan"].title in response.content.decode()


def test_a_liaison_gets_no_reports(login, demo):
    assert login("liaison").get(f"/reports/{demo['plan'].pk}/excel/").status_code == 404
