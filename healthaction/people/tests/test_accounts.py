"""Issue 24, finding 7: what an office may do to its reporters' accounts, and what the person is told.

Each test fails on main at 05c271a: a reset was not recorded nor shown, an account whose department owes nothing could
be reset, `serve --web-only` started with demo passwords, and the demo's office was a superuser."""

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from healthaction.api.tokens import issue
from healthaction.collection.services import publish_plan
from healthaction.collection.tests.smallplan import small_plan
from healthaction.core.choices import Role
from healthaction.registry.models import Department, Membership

START = dt.date(2025, 7, 1)
User = get_user_model()


@pytest.fixture
def plan(db):
    plan = small_plan()
    publish_plan(plan, start=START)
    return plan


@pytest.fixture
def office(plan):
    user = User.objects.create_user("cd-office", password="office-pass-2026", first_name="城东推进办 孙丽")
    Membership.objects.create(user=user, role=Role.OFFICE_ADMIN, org_unit=plan.org_unit)
    return user


def _liaison(plan, username, department="市卫健局"):
    user = User.objects.create_user(username, password="liaison-pass-2026", first_name=f"{department} {username}")
    Membership.objects.create(
        user=user,
        role=Role.DEPARTMENT_LIAISON,
        org_unit=plan.org_unit,
        department=Department.objects.get(name=department, org_unit=plan.org_unit),
    )
    return user


def test_a_reset_is_recorded_told_at_the_next_sign_in_and_ends_sessions_and_tokens(plan, office, client):
    from django.test import Client

    liaison = _liaison(plan, "cd-health")
    session = Client()
    assert session.login(username="cd-health", password="liaison-pass-2026")
    assert session.get("/report/inbox/").status_code == 200
    _token, key = issue(liaison)
    api = Client(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/due-items/").status_code == 200

    client.force_login(office)
    assert (
        client.post(f"/people/plans/{plan.pk}/accounts/{liaison.pk}/", {"what": "reset", "confirm": "1"}).status_code
        == 302
    )
    # the liaison's open session and API token end with the reset
    assert session.get("/report/inbox/").status_code == 302
    assert api.get("/api/due-items/").status_code == 401
    # the person sets a new password from the new link, signs in, and is told who reset the account and when
    sheet = client.get(f"/people/plans/{plan.pk}/sheet/").content.decode()
    link = re.search(r"http://testserver(/people/welcome/[^<]+/)</code>", sheet).group(1)
    person = Client()
    form = person.get(link)["Location"]
    person.post(form, {"new_password1": "Chengdong-2026!", "new_password2": "Chengdong-2026!"})
    page = person.post(
        "/accounts/login/", {"username": "cd-health", "password": "Chengdong-2026!"}, follow=True
    ).content.decode()
    assert "密码已被委办重置" in page and "城东推进办 孙丽" in page
    # told once; the account's history keeps it, with the password set from the link after it
    assert "密码已被委办重置" not in person.get("/report/inbox/").content.decode()
    history = person.get("/accounts/history/").content.decode()
    rows = re.findall(r"<tr><td>[^<]+</td><td>([^<]+)</td><td>([^<]+)</td></tr>", history)
    assert rows == [("通过邀请链接设置了密码", "—"), ("密码已被委办重置", "城东推进办 孙丽")]


def test_an_office_resets_only_accounts_of_units_that_owe_under_its_plan(plan, office, client):
    # 市教育局 owes nothing under the small plan (its action's indicator has no lead): its liaison is not the office's
    education = _liaison(plan, "cd-edu", department="市教育局")
    health = _liaison(plan, "cd-health")
    client.force_login(office)
    assert (
        client.post(f"/people/plans/{plan.pk}/accounts/{education.pk}/", {"what": "reset", "confirm": "1"}).status_code
        == 403
    )
    education.refresh_from_db()
    assert education.check_password("liaison-pass-2026") and education.is_active
    assert client.post(f"/people/plans/{plan.pk}/accounts/{education.pk}/", {"what": "deactivate"}).status_code == 403
    # another office member is never one of the reporters
    colleague = User.objects.create_user("cd-office2", password="office-pass-2026")
    Membership.objects.create(user=colleague, role=Role.OFFICE_ADMIN, org_unit=plan.org_unit)
    assert (
        client.post(f"/people/plans/{plan.pk}/accounts/{colleague.pk}/", {"what": "reset", "confirm": "1"}).status_code
        == 403
    )
    assert (
        client.post(f"/people/plans/{plan.pk}/accounts/{health.pk}/", {"what": "reset", "confirm": "1"}).status_code
        == 302
    )


def test_serve_web_only_refuses_demo_passwords_like_serve(db, settings, monkeypatch):
    from healthaction.core import server

    settings.DEBUG = False
    monkeypatch.delenv("HEALTHACTION_DEMO", raising=False)
    started = []
    monkeypatch.setattr(server, "run_web", lambda bind: started.append(bind))
    assert User.objects.get(username="liaison_edu").check_password("demo-liaison-2026")  # the demo, built for the tests
    with pytest.raises(CommandError, match="liaison_edu"):
        call_command("ha_serve", "127.0.0.1:8131", "--web-only")
    assert started == []
    monkeypatch.setenv("HEALTHACTION_DEMO", "1")
    call_command("ha_serve", "127.0.0.1:8131", "--web-only")
    assert started == ["127.0.0.1:8131"]


def test_the_demo_office_is_an_ordinary_office_account_and_a_separate_admin_exists(demo, client):
    office = User.objects.get(username="office")
    assert (office.is_superuser, office.is_staff) == (False, False)
    assert list(office.memberships.values_list("role", "org_unit__code")) == [("office_admin", "990100")]
    admin = User.objects.get(username="admin")
    assert (admin.is_superuser, admin.is_staff, admin.memberships.count()) == (True, True, 0)
    client.force_login(office)
    assert client.get("/admin/").status_code == 302  # the office runs the plan, not the site
    assert client.get(f"/people/plans/{demo['plan'].pk}/").status_code == 200
    client.force_login(admin)
    assert client.get("/admin/").status_code == 200
