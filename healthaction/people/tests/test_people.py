"""The office brings its reporters in: accounts in bulk, sign-in sheet, invitation links, resets, deactivation,
unassigned items; all on its own pages and only for its own plan's area."""

import datetime as dt
import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from openpyxl import load_workbook

from healthaction.collection.models import DueItem
from healthaction.collection.services import publish_plan
from healthaction.collection.tests.smallplan import small_plan
from healthaction.core.choices import PlanStatus, Role
from healthaction.registry.models import Department, Membership, OrgUnit

START = dt.date(2025, 7, 1)


@pytest.fixture
def plan(db):
    return small_plan()


@pytest.fixture
def office(plan, client):
    user = get_user_model().objects.create_user("cd-office", password="office-pass-2026")
    Membership.objects.create(user=user, role=Role.OFFICE_ADMIN, org_unit=plan.org_unit)
    client.force_login(user)
    return client


def test_publishing_from_the_page_asks_the_start_period_and_leads_to_the_people_page(plan, office):
    response = office.post(f"/plans/{plan.pk}/publish/", {"start": "2019-01-01"})
    plan.refresh_from_db()
    assert response.status_code == 302 and plan.status == PlanStatus.DRAFT  # not a period of this plan
    response = office.post(f"/plans/{plan.pk}/publish/", {"start": "2025-07-01"}, follow=True)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PUBLISHED and plan.reporting_start == START
    assert response.redirect_chain[-1][0] == f"/people/plans/{plan.pk}/"
    html = response.content.decode()
    # the second action's indicator has no lead department: its 3 yearly items are unassigned
    assert 'id="unassigned"' in html and "3" in html[html.index('id="unassigned"') :][:200]


def test_the_office_assigns_a_lead_to_unassigned_items(plan, office):
    publish_plan(plan, start=START)
    action = plan.actions.get(number=2)
    education = Department.objects.get(name="市教育局", org_unit=plan.org_unit)
    office.post(f"/people/plans/{plan.pk}/", {"what": "assign", f"lead-{action.pk}": education.pk})
    items = DueItem.objects.filter(plan=plan, indicator__number="2", obsolete=False)
    assert items.count() == 3 and {i.department_id for i in items} == {education.pk}
    assert 'id="unassigned"' not in office.get(f"/people/plans/{plan.pk}/").content.decode()


def test_accounts_in_bulk_one_per_department_and_county_then_the_sign_in_sheet(plan, office):
    publish_plan(plan, start=START)
    office.post(f"/people/plans/{plan.pk}/", {"what": "create", "per_reporter": 1, "only_missing": "on"})
    health = Department.objects.get(name="市卫健局")
    county = OrgUnit.objects.get(name="东湖县")
    made = {
        m.user.username: m
        for m in Membership.objects.filter(
            role__in=[Role.DEPARTMENT_LIAISON, Role.AREA_OFFICE], org_unit__path__startswith=plan.org_unit.path
        ).select_related("user")
    }
    assert set(made) == {f"880100-d{health.pk}-1", "880101-1"}  # 市教育局 owes nothing, so no account
    assert made[f"880100-d{health.pk}-1"].department == health and made["880101-1"].org_unit == county
    assert not any(m.user.has_usable_password() for m in made.values())
    # once more: nobody lacks an account, nothing is made; two per unit when asked for all
    office.post(f"/people/plans/{plan.pk}/", {"what": "create", "per_reporter": 1, "only_missing": "on"})
    assert (
        Membership.objects.filter(
            role__in=[Role.DEPARTMENT_LIAISON, Role.AREA_OFFICE], org_unit__path__startswith=plan.org_unit.path
        ).count()
        == 2
    )
    sheet = office.get(f"/people/plans/{plan.pk}/sheet/").content.decode()
    assert sheet.count('class="username"') == 2 and "880101-1" in sheet
    data = office.get(f"/people/plans/{plan.pk}/sheet/?format=xlsx").getvalue()
    ws = load_workbook(io.BytesIO(data)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "健康城东行动" and len(rows) == 4
    assert {r[2] for r in rows[2:]} == {f"880100-d{health.pk}-1", "880101-1"}
    assert all(re.match(r"^http://testserver/people/welcome/[^/]+/[^/]+/$", r[3]) for r in rows[2:])


def test_an_invitation_link_sets_the_password_once(plan, office, client):
    publish_plan(plan, start=START)
    office.post(f"/people/plans/{plan.pk}/", {"what": "create", "per_reporter": 1, "only_missing": "on"})
    sheet = office.get(f"/people/plans/{plan.pk}/sheet/").content.decode()
    link = re.search(r"http://testserver(/people/welcome/[^<]+/)</code>", sheet).group(1)
    client.logout()
    response = client.get(link)
    assert response.status_code == 302 and response["Location"].endswith("/set-password/")
    form_url = response["Location"]
    response = client.post(form_url, {"new_password1": "Qingshui-2026!", "new_password2": "Qingshui-2026!"})
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    user = get_user_model().objects.get(username=re.search(r'class="username">([^<]+)<', sheet).group(1))
    assert user.check_password("Qingshui-2026!")
    client.logout()
    again = client.get(link, follow=True).content.decode()
    assert "This link has been used" in again or "此链接已使用" in again or 'class="error"' in again


def test_reset_and_deactivate_only_the_plans_own_reporters(plan, office, client):
    publish_plan(plan, start=START)
    office.post(f"/people/plans/{plan.pk}/", {"what": "create", "per_reporter": 1, "only_missing": "on"})
    county = get_user_model().objects.get(username="880101-1")
    county.set_password("county-pass-2026")
    county.save()
    office.post(f"/people/plans/{plan.pk}/accounts/{county.pk}/", {"what": "reset", "confirm": "1"})
    county.refresh_from_db()
    assert not county.has_usable_password()
    office.post(f"/people/plans/{plan.pk}/accounts/{county.pk}/", {"what": "deactivate"})
    county.refresh_from_db()
    assert county.is_active is False
    boss = get_user_model().objects.create_superuser("cd-root", password="x" * 12)
    assert (
        office.post(f"/people/plans/{plan.pk}/accounts/{boss.pk}/", {"what": "reset", "confirm": "1"}).status_code
        == 403
    )
    boss.refresh_from_db()
    assert boss.has_usable_password()


def test_only_the_office_of_the_plans_area_manages_its_people(plan, client, office):
    publish_plan(plan, start=START)
    other_city = OrgUnit.objects.create(code="770100", name="西城市", level="city")
    stranger = get_user_model().objects.create_user("xc-office", password="x" * 12)
    Membership.objects.create(user=stranger, role=Role.OFFICE_ADMIN, org_unit=other_city)
    liaison = get_user_model().objects.create_user("cd-liaison", password="x" * 12)
    Membership.objects.create(
        user=liaison,
        role=Role.DEPARTMENT_LIAISON,
        org_unit=plan.org_unit,
        department=Department.objects.get(name="市卫健局"),
    )
    # another city's office does not even learn that the plan exists (issue 23: 404); the liaison sees it, refused
    for user, status in ((stranger, 404), (liaison, 403)):
        client.force_login(user)
        assert client.get(f"/people/plans/{plan.pk}/").status_code == status
        assert client.get(f"/people/plans/{plan.pk}/sheet/").status_code == status
        assert client.post(f"/people/plans/{plan.pk}/", {"what": "create", "per_reporter": 1}).status_code == status
    assert not get_user_model().objects.filter(username="880101-1").exists()


def test_the_users_command_creates_and_writes_the_sheet(plan, tmp_path):
    publish_plan(plan, start=START)
    out = io.StringIO()
    call_command("users", "create", "--plan", str(plan.pk), "--per-unit", "2", stdout=out)
    assert out.getvalue().strip().endswith("created 4 accounts")
    target = tmp_path / "sheet.xlsx"
    call_command("users", "sheet", "--plan", str(plan.pk), "-o", str(target), stdout=io.StringIO())
    rows = list(load_workbook(target).active.iter_rows(values_only=True))
    health = Department.objects.get(name="市卫健局")
    assert (
        sorted(r[2] for r in rows[2:]) == [f"880100-d{health.pk}-1", f"880100-d{health.pk}-2", "880101-1", "880101-2"]
        and len(rows) == 6
    )
    out = io.StringIO()
    call_command("users", "deactivate", "880101-2", stdout=out)
    assert get_user_model().objects.get(username="880101-2").is_active is False
