"""Issue 24, finding 10: the sign-in sheet downloaded again keeps every link handed out valid; a new link is a
separate action the office confirms after being told what it voids.

The first test passes on main at 95107ad too (the sheet reads links, it never reset them there): it is the
regression guard. The second fails at 95107ad: one click on 重置密码 voided the link with no confirmation.
"""

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model

from healthaction.collection.services import publish_plan
from healthaction.collection.tests.smallplan import small_plan
from healthaction.core.choices import Role
from healthaction.registry.models import Membership

LINK = re.compile(r"http://testserver(/people/welcome/[^<]+/)</code>")


@pytest.fixture
def plan(db):
    plan = small_plan()
    publish_plan(plan, start=dt.date(2025, 7, 1))
    return plan


@pytest.fixture
def office(plan, client):
    user = get_user_model().objects.create_user("cd-office", password="office-pass-2026")
    Membership.objects.create(user=user, role=Role.OFFICE_ADMIN, org_unit=plan.org_unit)
    client.force_login(user)
    client.post(f"/people/plans/{plan.pk}/", {"what": "create", "per_reporter": 1, "only_missing": "on"})
    return client


def _county_link(office, plan) -> str:
    sheet = office.get(f"/people/plans/{plan.pk}/sheet/").content.decode()
    row = sheet[sheet.index('class="username">880101-1<') :]
    return LINK.search(row).group(1)


def _link_works(link, password) -> bool:
    from django.test import Client

    anonymous = Client()
    response = anonymous.get(link)
    if response.status_code != 302 or not response["Location"].endswith("/set-password/"):
        return False
    done = anonymous.post(response["Location"], {"new_password1": password, "new_password2": password})
    return done.status_code == 302 and done["Location"] == "/accounts/login/"


def test_the_sheet_downloaded_again_keeps_the_links_handed_out(plan, office):
    handed_out = _county_link(office, plan)
    county = get_user_model().objects.get(username="880101-1")
    stored = county.password
    for _n in range(2):
        assert office.get(f"/people/plans/{plan.pk}/sheet/").status_code == 200
        assert office.get(f"/people/plans/{plan.pk}/sheet/?format=xlsx").status_code == 200
    county.refresh_from_db()
    assert county.password == stored
    assert _link_works(handed_out, "Dongting-2026!")
    county.refresh_from_db()
    assert county.check_password("Dongting-2026!")


def test_a_new_link_is_issued_only_after_a_confirmation(plan, office):
    handed_out = _county_link(office, plan)
    county = get_user_model().objects.get(username="880101-1")
    url = f"/people/plans/{plan.pk}/accounts/{county.pk}/"
    page = office.post(url, {"what": "reset"})
    html = page.content.decode()
    assert page.status_code == 200 and 'id="confirm-reset"' in html
    assert "重新发放会使 880101-1 的密码和已发出的链接失效" in html
    stored = get_user_model().objects.get(pk=county.pk).password
    assert county.password == stored  # nothing changed yet
    assert office.post(url, {"what": "reset", "confirm": "1"}).status_code == 302
    assert not _link_works(handed_out, "Dongting-2026!")
    assert _link_works(_county_link(office, plan), "Dongting-2026!")
