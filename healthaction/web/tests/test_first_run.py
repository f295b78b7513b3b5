"""The first-run page of a fresh install and the offices of the areas below (issue 23).

A fresh install is one without any account: each test here deletes the demo's accounts inside its transaction.
Counts come from the shipped division data: 山西省 holds 11 cities, 117 counties and 1,341 towns (1,470 units);
沁水县 12 towns.
"""

import pytest
from django.contrib.auth import get_user_model

from healthaction.core.choices import Role
from healthaction.people import services as people
from healthaction.registry.models import Department, DepartmentAlias, Membership, OrgUnit
from healthaction.registry.services import add_area


@pytest.fixture
def fresh(db):
    get_user_model().objects.all().delete()
    return None


def _first(client, code="140521", password="Qinshui-2026!", again=None):
    return client.post(
        "/setup/",
        {"area": code, "username": "qinshui", "password1": password, "password2": again or password},
    )


def test_a_fresh_install_starts_at_the_first_run_page(fresh, client):
    assert client.get("/")["Location"] == "/setup/"
    page = client.get("/setup/?q=沁水").content.decode()
    assert "山西省 › 晋城市 › 沁水县" in page and "140521" in page
    page = client.get("/setup/?q=沁水&area=140521").content.decode()
    assert 'id="chosen-area"' in page and 'name="password2"' in page


def test_first_run_creates_the_area_its_lower_units_and_the_office(fresh, client):
    response = _first(client)
    assert response.status_code == 302 and response["Location"] == "/"
    county = OrgUnit.objects.get(code="140521")
    assert (county.name, county.parent.name, county.parent.parent.name) == ("沁水县", "晋城市", "山西省")
    assert OrgUnit.objects.filter(parent=county).count() == 12
    user = get_user_model().objects.get(username="qinshui")
    assert [(m.role, m.org_unit.code) for m in Membership.objects.filter(user=user)] == [(Role.OFFICE_ADMIN, "140521")]
    assert client.get("/").status_code == 200  # signed in as the new office
    # afterwards the page is gone, for everyone
    assert client.get("/setup/").status_code == 404
    client.logout()
    assert client.get("/setup/").status_code == 404
    assert client.get("/")["Location"] == "/public/"


def test_a_province_from_the_first_run(fresh, client):
    before = OrgUnit.objects.count()
    assert _first(client, code="140000").status_code == 302
    assert OrgUnit.objects.count() - before == 1470


def test_first_run_refuses_bad_input_and_writes_nothing(fresh, client):
    before = OrgUnit.objects.count()
    response = _first(client, again="Qinshui-2025!")
    assert response.status_code == 200 and response.context["form"].errors["password2"]
    response = _first(client, code="990525")
    assert response.status_code == 200 and response.context["form"].errors["area"]
    response = _first(client, password="123")
    assert response.status_code == 200 and response.context["form"].errors["password2"]
    assert OrgUnit.objects.count() == before and not get_user_model().objects.exists()


def test_first_run_is_closed_once_any_account_exists(db, client):
    assert get_user_model().objects.exists()  # the demo's
    assert client.get("/setup/").status_code == 404
    assert _first(client).status_code == 404
    assert not OrgUnit.objects.filter(code="140521").exists()


@pytest.fixture
def province_office(db, client):
    add_area("140521")
    add_area("140600")
    user = get_user_model().objects.create_user("shanxi-office")
    Membership.objects.create(user=user, role=Role.OFFICE_ADMIN, org_unit=OrgUnit.objects.get(code="140000"))
    client.force_login(user)
    return client


def test_an_office_invites_the_office_of_a_lower_area(province_office, client):
    page = client.get("/people/offices/").content.decode()
    assert '<option value="140600">' in page and '<option value="140521">' in page
    response = client.post("/people/offices/", {"what": "invite", "area": "140600"})
    assert response["Location"] == "/people/offices/?invited=140600-office-1"
    response = client.get(response["Location"])
    again = client.get("/people/offices/?invited=140600-office-1")  # a reload: the same link, no second account
    # the same account's link (the token carries the time it was made, so two links may differ; both work)
    assert again.context["invited"]["user"] == response.context["invited"]["user"]
    assert again.context["invited"]["link"].rsplit("/", 3)[0] == response.context["invited"]["link"].rsplit("/", 3)[0]
    assert get_user_model().objects.filter(username__startswith="140600-office").count() == 1
    invited = get_user_model().objects.get(username="140600-office-1")
    assert not invited.has_usable_password()
    assert sorted((m.role, m.org_unit.code) for m in invited.memberships.all()) == [
        (Role.AREA_OFFICE, "140600"),
        (Role.OFFICE_ADMIN, "140600"),
    ]
    link = response.context["invited"]["link"]
    assert "/people/welcome/" in link
    # the invited office sets its password once through the link, then runs its own area
    client.logout()
    path = link.split("testserver", 1)[1]
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    done = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": "Shuozhou-2026!", "new_password2": "Shuozhou-2026!"}
    )
    assert done.status_code == 302
    assert client.login(username="140600-office-1", password="Shuozhou-2026!")
    page = client.get("/people/offices/").content.decode()
    # 朔州市's office invites only below 朔州市: its counties, never 晋城市's nor its own level
    assert '<option value="140621">' in page and "140521" not in page and '<option value="140600">' not in page
    assert client.post("/people/offices/", {"what": "invite", "area": "140521"}).status_code == 404
    assert client.post("/people/offices/", {"what": "invite", "area": "140500"}).status_code == 404
    assert not get_user_model().objects.filter(username__startswith="140521-office").exists()


def test_first_run_page_in_english(fresh, client):
    page = client.get("/setup/?q=沁水&area=140521", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<h1>Set up healthaction</h1>" in page
    assert "Create the area, the units below it and the office account" in page


def test_a_liaison_cannot_invite(db, login):
    assert login("liaison").get("/people/offices/").status_code == 403


def test_departments_of_a_lower_area_proposed_from_the_office_s_own(province_office, client):
    city = OrgUnit.objects.get(code="140500")
    health = Department.objects.create(org_unit=city, name="市卫生健康委")
    DepartmentAlias.objects.create(department=health, alias="市卫健委")
    Department.objects.create(org_unit=city, name="晋城市教育局")
    user = get_user_model().objects.create_user("jincheng-office")
    Membership.objects.create(user=user, role=Role.OFFICE_ADMIN, org_unit=city)
    client.force_login(user)
    county = OrgUnit.objects.get(code="140521")
    assert people.proposed_departments(city, county) == [("县卫生健康委", ["县卫健委"]), ("县教育局", [])]
    page = client.get("/people/offices/?area=140521").content.decode()
    assert "县卫生健康委 = 县卫健委\n县教育局" in page
    text = "县卫生健康委 = 县卫健委 = 县卫生健康局\n县教育局\n\n县卫健委"
    response = client.post("/people/offices/", {"what": "departments", "area": "140521", "departments": text})
    assert response.status_code == 302
    assert set(Department.objects.filter(org_unit=county).values_list("name", flat=True)) == {
        "县教育局",
        "县卫生健康委",
    }
    assert {(a.department.name, a.alias) for a in DepartmentAlias.objects.filter(org_unit=county)} == {
        ("县卫生健康委", "县卫健委"),
        ("县卫生健康委", "县卫生健康局"),
    }
    client.post("/people/offices/", {"what": "departments", "area": "140521", "departments": text})
    assert Department.objects.filter(org_unit=county).count() == 2
    assert DepartmentAlias.objects.filter(org_unit=county).count() == 2
    # a sibling city's county is not this office's to set up
    response = client.post("/people/offices/", {"what": "departments", "area": "140621", "departments": "县教育局"})
    assert response.status_code == 404
    assert not Department.objects.filter(org_unit__code="140621").exists()
