"""A fresh install in a real browser (issue 23): the first-run page sets up 山西省 and its office, which invites the
office of 朔州市; that office sets its password through the link and finds only its own area below it.

Counts come from the shipped division data: 山西省 holds 1,470 units (11 cities, 117 counties, 1,341 towns).
"""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from healthaction.web.tests.browser import ARTIFACTS

pytestmark = [pytest.mark.requires_chromium, pytest.mark.browser]


@pytest.fixture
def fresh_site(live_server, transactional_db, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    call_command("flush", interactive=False, verbosity=0)  # no demo, no account, no area
    return live_server.url


def test_first_run_then_the_province_invites_a_city_office(fresh_site, browser):
    from django.contrib.auth import get_user_model

    from healthaction.core.choices import Role
    from healthaction.registry.models import Membership, OrgUnit

    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    page.goto(f"{fresh_site}/")
    expect(page).to_have_url(re.compile(r"/setup/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("初始设置")
    page.get_by_label("您的地区").fill("山西")
    page.get_by_role("button", name="查找").click()
    page.locator("#area-hits").get_by_role("link", name="山西省", exact=True).click()
    expect(page.locator("#chosen-area")).to_contain_text("山西省")
    page.locator("#id_username").fill("shanxi")
    page.locator("#id_password1").fill("Shanxi-Office-2026")
    page.locator("#id_password2").fill("Shanxi-Office-2026")
    page.locator("#create-office").click()
    page.wait_for_load_state()
    expect(page).to_have_url(f"{fresh_site}/")
    assert OrgUnit.objects.filter(path__startswith="/140000/").count() == 1470
    assert Membership.objects.get(user__username="shanxi").role == Role.OFFICE_ADMIN
    # the page is gone once set up
    assert page.goto(f"{fresh_site}/setup/").status == 404

    page.goto(f"{fresh_site}/")
    page.locator("#lower-offices").click()
    page.locator("#invite-area").select_option("140600")
    page.get_by_role("button", name="创建办公室账号").click()
    expect(page.locator("#invited-username")).to_have_text("140600-office-1")
    link = page.locator("#invitation-link").get_attribute("href")
    page.screenshot(path=str(ARTIFACTS / "first_run_invitation.png"), full_page=True)
    context.close()

    # the 朔州市 office opens its link in another browser, sets its password and signs in
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    page.goto(link)
    page.locator("#id_new_password1").fill("Shuozhou-Office-2026")
    page.locator("#id_new_password2").fill("Shuozhou-Office-2026")
    page.locator("form button[type=submit]").click()
    page.wait_for_load_state()
    page.get_by_label(re.compile("用户名")).fill("140600-office-1")
    page.get_by_label(re.compile("密码")).fill("Shuozhou-Office-2026")
    page.get_by_role("button", name=re.compile("登录")).click()
    page.wait_for_load_state()
    assert get_user_model().objects.get(username="140600-office-1").has_usable_password()
    page.goto(f"{fresh_site}/people/offices/")
    options = page.locator("#invite-area option").evaluate_all("els => els.map(e => e.value)")
    # 朔州市's counties and their towns, nothing of 晋城市 or the province's other cities
    assert "140621" in options and all(code.startswith("1406") for code in options)
    assert page.goto(f"{fresh_site}/setup/").status == 404
    context.close()
