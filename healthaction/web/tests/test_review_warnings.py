"""Issue 24, finding 15: a correction workbook re-evaluates the warnings (those it resolved are closed, publishing
goes through); dismissing a warning updates the open count without a reload; an item added in review is numbered
after its action's own.

On main at 95107ad: the "no indicator" warning of an action stayed open after the workbook gave it one (publishing
refused), the dismissal answered only the warning's row (the count kept "4"), and an added task was numbered "1".
"""

import copy
import io
import re

import openpyxl
import pytest

from healthaction.plans import services
from healthaction.plans.excel import export_workbook, import_workbook
from healthaction.plans.interchange import import_plan
from healthaction.plans.tests.drafts import DRAFT, make_draft
from healthaction.registry.models import OrgUnit
from healthaction.web.tests.browser import CHROMIUM
from healthaction.web.tests.test_browser import login as browser_login
from healthaction.web.tests.test_browser import site  # noqa: F401 (fixture)


def _draft_with_empty_action():
    """The hand-written draft with action 2 (合理膳食行动) read without its task and indicator, warned twice."""
    data = copy.deepcopy(DRAFT)
    data["indicators"] = [i for i in data["indicators"] if i["number"] != "3"]
    data["tasks"] = [t for t in data["tasks"] if t["number"] != "2.1"]
    data["warnings"] = [w for w in data["warnings"] if w.get("ref")] + [
        {"line": 7, "message": "第 2 项行动“合理膳食行动”未读出任何任务", "kind": "no_tasks", "ref": "action:2"},
        {"line": 7, "message": "第 2 项行动“合理膳食行动”未读出任何指标", "kind": "other", "ref": "action:2"},
    ]
    return import_plan(data, area=OrgUnit.objects.get(code="990100"), create_units=False)


def _cell(ws, item_id, header, value):
    row = next(c.row for c in ws["A"] if c.value == item_id)
    col = next(c.column for c in ws[1] if c.value == header)
    ws.cell(row=row, column=col, value=value)


def test_a_correction_workbook_closes_what_it_fixed_and_publishing_goes_through(demo, login):
    plan = _draft_with_empty_action()
    assert plan.parse_warnings.filter(resolved=False).count() == 5
    wb = openpyxl.load_workbook(io.BytesIO(export_workbook(plan)))
    _cell(wb["专项行动"], plan.actions.get(number=1).pk, "牵头部门", "市卫生健康委")
    _cell(wb["指标"], plan.indicators.get(number="2").pk, "性质", "预期性")
    _cell(wb["任务"], plan.tasks.get(number="1.1").pk, "牵头部门", "市委宣传部")
    # action 2 gets its indicator and its task: ID and number left empty, as the instructions say
    wb["指标"].append([None, None, "人均每日食盐摄入量", "g/日", "预期性", None, None, 2])
    wb["任务"].append([None, None, 2, "开展减盐行动", "市疾病预防控制中心"])
    buf = io.BytesIO()
    wb.save(buf)
    counts = import_workbook(plan, buf.getvalue())
    assert (counts["专项行动"], counts["指标"], counts["任务"]) == (1, 2, 2)
    assert list(plan.parse_warnings.filter(resolved=False).values_list("message", flat=True)) == []
    # numbered as the plan numbers them: tasks within their action (2.1), indicators through the plan (3)
    assert plan.tasks.get(content="开展减盐行动").number == "2.1"
    assert plan.indicators.get(name="人均每日食盐摄入量").number == "3"
    office = login("office")
    assert office.post(f"/plans/{plan.pk}/publish/", {"start": ""}).status_code == 302
    plan.refresh_from_db()
    assert plan.status == "published"


def test_a_task_added_in_review_follows_its_action_s_numbers(demo):
    plan = make_draft()
    action = plan.actions.get(number=1)
    for number in ("1.2", "1.3", "1.4"):
        services.save_task(plan, None, {"number": number, "action": action.pk, "content": f"任务{number}"})
    added = services.save_task(plan, None, {"number": "", "action": action.pk, "content": "开展健康科普进社区"})
    assert added.number == "1.5"
    loose = services.save_task(plan, None, {"number": "", "action": "", "content": "不属于任何行动的任务"})
    assert loose.number == "1"  # no action: the plan's next whole number, as before


def test_a_dismissal_answers_the_row_and_the_open_count(demo, login):
    plan = make_draft()
    office = login("office")
    warning = plan.parse_warnings.get(kind="unplaced")
    response = office.post(
        f"/plans/{plan.pk}/review/warnings/{warning.pk}/",
        {"resolved": "1", "reason": "定性表述，不作为指标"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert f'id="warning-{warning.pk}"' in html
    assert re.search(r'<span class="meta" id="open-warnings" hx-swap-oob="true">尚有 3 条提示未处理。</span>', html)


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed: browser tests skipped")
def test_in_the_browser_the_open_count_follows_a_dismissal_without_a_reload(site, browser):  # noqa: F811
    plan = make_draft()
    page = browser.new_context(locale="zh-CN").new_page()
    browser_login(page, site, "office", "demo-office-2026")
    page.goto(f"{site}/plans/{plan.pk}/review/")
    assert page.locator("#open-warnings").inner_text() == "尚有 4 条提示未处理。"
    page.evaluate("window.__same_page = 1")
    for n, warning in enumerate(plan.parse_warnings.order_by("position")[:2], start=1):
        row = page.locator(f"#warning-{warning.pk}")
        row.locator("input[name=reason]").fill("已核对原文")
        row.get_by_role("button", name=re.compile("忽略|Dismiss")).click()
        page.wait_for_function(
            "t => document.querySelector('#open-warnings').innerText === t", arg=f"尚有 {4 - n} 条提示未处理。"
        )
    assert page.evaluate("window.__same_page") == 1  # no reload happened
    assert plan.parse_warnings.filter(resolved=False).count() == 2
