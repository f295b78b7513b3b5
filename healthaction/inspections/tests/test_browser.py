"""An inspector records a visit on a phone-sized screen in a real browser (Chromium, headless)."""

import datetime as dt
import re

import pytest

from healthaction.web.tests.browser import ARTIFACTS
from healthaction.web.tests.test_browser import login, site  # noqa: F401  (fixture)

pytestmark = [
    pytest.mark.requires_chromium,
    pytest.mark.browser,
]
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "zh-CN",
}


def test_an_inspector_records_and_signs_off_a_visit_on_a_phone(site, browser, tmp_path):  # noqa: F811
    from django.contrib.auth import get_user_model

    from healthaction.inspections import services as S
    from healthaction.inspections.models import Finding, Score
    from healthaction.plans.models import Plan
    from healthaction.registry.models import OrgUnit

    plan = Plan.objects.get(doc_number__startswith="青")
    inspector = get_user_model().objects.get(username="inspector")
    checklist = S.healthy_community_checklist()
    community = OrgUnit.objects.get(code="990121001001")
    rnd = S.plan_round(
        plan,
        checklist,
        2026,
        "2026年健康社区复核",
        dt.date(2026, 11, 1),
        dt.date(2026, 11, 30),
        [inspector],
        org_units=[community],
    )
    visit = rnd.visits.get()
    items = list(checklist.items.all())
    photo = tmp_path / "宣传栏.png"
    photo.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)

    page = browser.new_context(**PHONE).new_page()
    login(page, site, "inspector", "demo-inspector-2026")
    page.goto(f"{site}/inspections/visits/{visit.pk}/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
    for item in items:
        page.locator(f"#id_score-{item.pk}-points").fill(f"{item.points:g}")
    second = items[1]  # the notice board was not updated this quarter
    page.locator(f"#id_score-{second.pk}-points").fill("3")
    page.locator(f"#id_score-{second.pk}-note").fill("宣传栏本季度未更新")
    page.locator(f"#id_score-{second.pk}-file").set_input_files(str(photo))
    expected = sum(i.points for i in items) - second.points + 3
    assert page.locator("#total").inner_text() == f"{expected:g}"  # the running total follows the typing
    page.screenshot(path=str(ARTIFACTS / "browser-visit-phone.png"), full_page=False)
    page.get_by_role("button", name=re.compile("保存并签认|Save and sign off")).click()
    page.wait_for_load_state()
    assert page.locator("#total").inner_text() == f"{expected:g}"
    assert "已签认" in page.locator(".visit-total").inner_text()
    assert page.get_by_role("link", name=re.compile("宣传栏本季度未更新")).is_visible()
    page.screenshot(path=str(ARTIFACTS / "browser-visit-phone-signed.png"), full_page=True)

    visit.refresh_from_db()
    assert visit.signed_off_at is not None and visit.signed_off_by == inspector
    score = Score.objects.get(visit=visit, item=second)
    assert (score.points, score.note, [f.name for f in score.files.all()]) == (3, "宣传栏本季度未更新", ["宣传栏.png"])
    finding = Finding.objects.get(visit=visit)
    assert finding.item == second and finding.org_unit == community and finding.status == "open"
