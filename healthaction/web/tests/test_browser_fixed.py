"""Issue 24 in a real browser: a liaison submits, then tries to change the submitted value and is refused with a
clear message; the office approves, and exactly the submitted value is stored and published (evaluated and shown on
the public indicator page). On main at 05c271a the second save went through and 33.9 was approved and published."""

import json
import re

import pytest
from playwright.sync_api import expect

from healthaction.web.tests.browser import ARTIFACTS
from healthaction.web.tests.test_browser import login, site  # noqa: F401 - the demo site fixture

pytestmark = [pytest.mark.requires_chromium, pytest.mark.browser]

SUBMITTED = "该项已报送，正在等待委办审核，现在不能修改。如需修改，请联系委办退回，再修改并重新报送。"


def test_a_submitted_value_cannot_be_changed_and_the_office_approves_exactly_it(site, browser):  # noqa: F811
    from healthaction.collection.models import DueItem, IndicatorValue
    from healthaction.evaluation.models import EvaluationResult
    from healthaction.plans.models import Indicator

    indicator = Indicator.objects.get(name="居民健康素养水平", plan__doc_number__startswith="青")
    item = DueItem.objects.get(indicator=indicator, org_unit__code="990100", year=2026)

    liaison = browser.new_context(locale="zh-CN").new_page()
    login(liaison, site, "liaison", "demo-liaison-2026")
    url = f"{site}/report/items/{item.pk}/"
    # a second tab on the same item, opened before submitting: its form is still there
    stale = liaison.context.new_page()
    stale.goto(url)
    liaison.goto(url)
    liaison.get_by_label(re.compile("数值")).fill("33.8")
    liaison.get_by_label(re.compile("数据来源")).fill("2026年居民健康素养监测")
    liaison.get_by_role("button", name=re.compile("^报送$")).click()
    liaison.wait_for_load_state()
    assert "已报送" in liaison.locator("#status").inner_text()
    # the page now shows the value without a form, and says why
    expect(liaison.locator("#fixed")).to_have_text(SUBMITTED)
    assert liaison.locator("#report-form").count() == 0
    # the version the submission left (an autosaved draft before it may have taken one number already)
    submitted = IndicatorValue.objects.get(indicator=indicator, org_unit=item.org_unit, year=2026).version

    # the liaison changes the value in the other tab and saves a draft: refused, with the reason, nothing stored
    stale.get_by_label(re.compile("数值")).fill("33.9")
    stale.get_by_label(re.compile("数据来源")).fill("2026年居民健康素养监测")
    stale.get_by_role("button", name=re.compile("^保存草稿$")).click()
    stale.wait_for_load_state()
    expect(stale.locator("#fixed")).to_contain_text(SUBMITTED)
    assert "未保存" in stale.locator("#fixed").inner_text()
    stale.screenshot(path=str(ARTIFACTS / "browser-fixed-refused.png"), full_page=True)
    value = IndicatorValue.objects.get(indicator=indicator, org_unit=item.org_unit, year=2026)
    assert (value.value, value.status, value.version) == (
        33.8,
        "submitted",
        submitted,
    )  # the refused draft wrote nothing

    office = browser.new_context(locale="zh-CN").new_page()
    login(office, site, "office", "demo-office-2026")
    office.goto(f"{site}/report/review/")
    row = office.locator(f"#review-{item.pk}")
    assert "33.8" in row.locator(".reported").inner_text()
    row.get_by_role("button", name="审核通过").click()
    office.wait_for_load_state()
    value.refresh_from_db()
    assert (value.value, value.status, value.version, value.approved_by.username) == (
        33.8,
        "approved",
        submitted + 1,
        "office",
    )
    # published: evaluated (the approval queues it; jobs run in place here) and shown on the public page
    result = EvaluationResult.objects.get(indicator=indicator, org_unit=item.org_unit, year=2026)
    assert result.value == 33.8
    public = browser.new_context(locale="zh-CN").new_page()
    public.goto(f"{site}/public/indicators/{indicator.pk}/")
    chart = json.loads(public.locator("#trend-data").inner_text())
    assert dict(zip(chart["years"], chart["values"]))[2026] == 33.8
