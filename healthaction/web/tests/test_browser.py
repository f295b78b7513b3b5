"""The web application in a real browser: Playwright driving Debian's Chromium headless.

Skipped, with the reason printed, when Chromium is not installed (scripts/test installs it when it can).
Screenshots are kept in artifacts/.
"""

import re

import pytest
from playwright.sync_api import expect

from healthaction.documents.tests.seeds import SEEDS
from healthaction.web.tests.browser import ARTIFACTS

pytestmark = [
    pytest.mark.requires_chromium,
    pytest.mark.browser,
]


@pytest.fixture
def site(live_server, transactional_db, settings):
    """Jobs run in place on django-tasks' Immediate backend: this proves the work, not the queue
    (core/tests/test_worker.py runs real workers); a worker process could not see SQLite's in-memory test database."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    from healthaction.demo.build import DEMO_DOC_NUMBER, build_demo
    from healthaction.plans.models import Plan

    if not Plan.objects.filter(doc_number=DEMO_DOC_NUMBER).exists():
        build_demo()
    return live_server.url


def login(page, site, username, password):
    page.goto(f"{site}/accounts/login/")
    page.get_by_label(re.compile("用户名|User name")).fill(username)
    page.get_by_label(re.compile("密码|Password")).fill(password)
    page.get_by_role("button", name=re.compile("登录|Log in")).click()
    page.wait_for_load_state()


def test_liaison_submits_office_approves_and_the_dashboard_changes(site, browser):
    from healthaction.collection.models import DueItem
    from healthaction.plans.models import Indicator

    indicator = Indicator.objects.get(name="居民健康素养水平", plan__doc_number__startswith="青")
    item = DueItem.objects.get(indicator=indicator, org_unit__code="990100", year=2026)
    plan_id = indicator.plan_id

    office = browser.new_context(locale="zh-CN").new_page()
    login(office, site, "office", "demo-office-2026")
    office.goto(f"{site}/plans/{plan_id}/?year=2026")
    before = int(office.locator("#achieved-count").inner_text())

    liaison = browser.new_context(locale="zh-CN").new_page()
    login(liaison, site, "liaison", "demo-liaison-2026")
    liaison.goto(f"{site}/report/items/{item.pk}/")
    liaison.get_by_label(re.compile("数值|Value")).fill("33.5")
    liaison.get_by_label(re.compile("数据来源|Source")).fill("2026年居民健康素养监测")
    liaison.get_by_role("button", name=re.compile("^(报送|Submit)$")).click()
    liaison.wait_for_load_state()
    assert "已报送" in liaison.locator("#status").inner_text()
    liaison.screenshot(path=str(ARTIFACTS / "browser-liaison-submitted.png"), full_page=True)

    office.goto(f"{site}/report/review/")
    office.get_by_role("link", name="居民健康素养水平").first.click()
    office.get_by_role("button", name=re.compile("审核通过|Approve")).click()
    office.wait_for_load_state()
    assert "已审核" in office.locator("#status").inner_text()
    office.goto(f"{site}/plans/{plan_id}/?year=2026")
    after = int(office.locator("#achieved-count").inner_text())
    assert after == before + 1
    office.wait_for_selector("[data-chart=status-bars] svg")
    office.screenshot(path=str(ARTIFACTS / "browser-dashboard.png"), full_page=True)


def test_autosave_shows_why_a_draft_was_not_saved_and_keeps_what_was_typed(site, browser):
    """150 % is outside 0–100 %: the autosave line says so in Chinese (htmx shows the 422 answer), the field keeps
    150, nothing is stored; a valid 33.5 then saves a draft and the line says when."""
    from healthaction.collection.models import DueItem, IndicatorValue
    from healthaction.plans.models import Indicator
    from healthaction.registry.models import Membership

    indicator = Indicator.objects.get(name="居民健康素养水平", plan__doc_number__startswith="青")
    item = DueItem.objects.get(indicator=indicator, org_unit__code="990100", year=2026)
    page = browser.new_context(locale="zh-CN").new_page()
    login(page, site, "liaison", "demo-liaison-2026")
    page.goto(f"{site}/report/items/{item.pk}/")
    field = page.get_by_label(re.compile("数值|Value"))
    field.fill("150")
    line = page.locator("#autosave")
    expect(line).to_contain_text("未自动保存", timeout=10000)
    assert "未自动保存" in line.inner_text() and "0–100%" in line.inner_text()
    assert "error" in line.get_attribute("class")
    assert field.input_value() == "150"
    assert not IndicatorValue.objects.filter(indicator=indicator, org_unit=item.org_unit, year=2026).exists()

    field.fill("33.5")
    expect(line).to_contain_text("草稿已于", timeout=10000)
    assert "error" not in (line.get_attribute("class") or "")
    value = IndicatorValue.objects.get(indicator=indicator, org_unit=item.org_unit, year=2026)
    assert (value.value, value.status) == (33.5, "draft")

    # the liaison loses the department meanwhile: the answer is an error page (404), never pasted into the line
    Membership.objects.filter(user__username="liaison").delete()
    field.fill("34")
    expect(line).to_have_text("未自动保存：请刷新页面后重试。", timeout=10000)
    assert page.locator("#autosave header, #autosave nav").count() == 0
    value.refresh_from_db()
    assert value.value == 33.5


@pytest.mark.skipif(not SEEDS.is_dir(), reason="seed documents missing")
def test_upload_a_seed_document_correct_a_field_and_publish(site, browser):
    from healthaction.plans.models import Plan

    page = browser.new_context(locale="zh-CN").new_page()
    login(page, site, "office", "demo-office-2026")
    page.goto(f"{site}/plans/import/")
    page.set_input_files("input[type=file]", str(next(SEEDS.glob("004_*.txt"))))
    page.get_by_role("button", name=re.compile("读取|Read")).click()
    page.wait_for_selector("#job-result", timeout=30000)  # the job page polls until the background parse is done
    page.click("#job-result")
    page.wait_for_selector("text=居民健康素养水平")
    page.locator("tr", has_text="居民健康素养水平").first.click()
    assert page.locator(".src-line.hl").count() >= 1  # the source of the item is highlighted
    page.screenshot(path=str(ARTIFACTS / "browser-review.png"))
    page.locator("tr", has_text="居民健康素养水平").first.get_by_role("link").click()
    page.get_by_label(re.compile("指标性质|nature", re.I)).select_option("binding")
    page.get_by_role("button", name=re.compile("保存|Save")).click()
    page.wait_for_load_state()
    plan = Plan.objects.filter(title="健康云浮行动").order_by("-pk").first()
    assert plan.indicators.get(name="居民健康素养水平").nature == "binding"
    # Yunfu's document uploaded by 青川市's office stays in 青川市; the reviewer acknowledges the area warning
    warning = page.locator("li", has_text="云浮市").filter(has=page.locator("input[name=reason]")).first
    warning.locator("input[name=reason]").fill("演示：借用云浮市的计划文件")
    warning.get_by_role("button", name=re.compile("忽略|Dismiss")).click()
    page.wait_for_selector("li:has-text('借用云浮市的计划文件')")
    # the parser's other notes on this seed are acknowledged in one go here (fixing them is tested in test_review.py)
    plan.parse_warnings.filter(resolved=False).update(resolved=True, dismissal_reason="浏览器测试：已核对")
    page.check("input[name=public]")
    page.click("#publish")
    page.wait_for_load_state()
    plan.refresh_from_db()
    assert plan.status == "published" and plan.due_items.exists()


def test_the_public_view_without_login_on_a_phone(site, browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.goto(f"{site}/public/")
    page.get_by_role("link", name=re.compile("健康青川行动实施方案")).click()
    page.wait_for_selector("[data-chart=status-bars] svg")
    assert page.locator("table").count() >= 1
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400  # nothing forces sideways scrolling of the page
    page.screenshot(path=str(ARTIFACTS / "browser-public-phone.png"), full_page=True)
