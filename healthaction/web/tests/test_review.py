"""Import a plan document, review it beside its source, correct anything the parser got wrong, publish it.

The `draft` fixture is a small parsed plan written out by hand (as the parser would emit it, with confidences,
reasons and warnings that refer to items), so every expected value below is worked from it, not from the parser.
Upload tests run the job inline (JOBS_INLINE): they prove the work, not the queue.
"""

import copy
import io
import re

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from healthaction.collection.models import DueItem
from healthaction.core.choices import Level, Role
from healthaction.core.xlsx import XLSX_MIME
from healthaction.documents.tests.seeds import SEEDS
from healthaction.plans.interchange import export_plan, import_plan
from healthaction.plans.models import Indicator, ParseWarning, Plan, Target, Task
from healthaction.plans.tests.drafts import DRAFT, make_draft
from healthaction.registry.models import (
    Department,
    DepartmentAlias,
    Membership,
    OrgUnit,
)
from healthaction.web.tests.browser import ARTIFACTS, CHROMIUM
from healthaction.web.tests.test_browser import login as browser_login
from healthaction.web.tests.test_browser import site  # noqa: F401 (fixture)

needs_seeds = pytest.mark.skipif(not SEEDS.is_dir(), reason=f"the seed documents are not at {SEEDS}")


@pytest.fixture
def draft(demo):
    return make_draft()


@pytest.fixture
def office(login):
    return login("office")


def _jobs_in_place(settings):
    """Run upload jobs in the request: these tests prove the work, not the queue (both the thread runner's switch
    and django-tasks' Immediate backend are set, so they hold whichever runner is in place)."""
    settings.JOBS_INLINE = True
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def _url(plan, rest=""):
    return f"/plans/{plan.pk}/review/{rest}"


def _names(task, role):
    return [td.department.name for td in task.task_departments.filter(role=role).order_by("position")]


# ---------------------------------------------------------------------------------------------- the page


def test_the_review_page_lists_the_least_certain_first_beside_the_highlighted_source(draft, office):
    html = office.get(_url(draft)).content.decode()
    # indicators: 成人肥胖增长率 (0.4) before 居民健康素养水平 (0.9) before 食盐 (no confidence: entered or checked)
    assert html.index("成人肥胖增长率") < html.index("居民健康素养水平（%）") < html.index("人均每日食盐摄入量")
    assert "表格行缺少性质列" in html and "0.40" in html
    # tasks: 1.1 (departments 0.30) before 2.1 (0.95)
    assert html.index("1.1 建立健康科普专家库") < html.index("2.1 开展减盐行动")
    assert "括号里的部门顺序不确定" in html
    assert 'id="L9"' in html and 'data-lines="5-5"' in html
    obesity = draft.indicators.get(number="2")
    assert f'href="/plans/{draft.pk}/review/indicators/{obesity.pk}/" class="fix"' in html


def test_open_warnings_come_first_on_the_page_and_before_the_items(draft, office):
    draft.parse_warnings.filter(message="指标行缺少性质和单位").update(resolved=True)
    html = office.get(_url(draft)).content.decode()
    # the section of warnings opens the page; the resolved one (first by position) now follows the open ones
    assert html.index('id="warnings"') < html.index('id="actions"') < html.index('id="indicators"')
    assert html.index("牵头部门不确定") < html.index("专项行动的牵头部门是推断的") < html.index("指标行缺少性质和单位")


def test_the_plan_details_are_corrected(draft, office):
    response = office.post(
        _url(draft, "plan/"),
        {
            "title": "健康青川行动实施方案",
            "issuer": "青川市人民政府",
            "doc_number": "青政发〔2021〕9号",
            "issue_date": "2021-03-15",
            "horizon_start": "2020",
            "horizon_end": "2030",
        },
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.title, draft.issuer, str(draft.issue_date), draft.horizon_start, draft.horizon_end) == (
        "健康青川行动实施方案",
        "青川市人民政府",
        "2021-03-15",
        2020,
        2030,
    )


def test_a_horizon_that_would_strand_targets_is_refused_and_the_typed_title_kept(draft, office):
    response = office.post(
        _url(draft, "plan/"),
        {
            "title": "改过的标题",
            "issuer": "",
            "doc_number": "",
            "issue_date": "",
            "horizon_start": "2021",
            "horizon_end": "2025",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200 and "改过的标题" in html and "2030" in html
    draft.refresh_from_db()
    assert (draft.title, draft.horizon_end) == ("健康青川行动实施方案（草稿）", 2030)


def test_an_action_lead_is_corrected_and_the_warning_about_it_resolved(draft, office):
    action = draft.actions.get(number=1)
    response = office.post(
        _url(draft, f"actions/{action.pk}/"), {"name": "健康知识普及行动", "lead_department": "市卫健委"}
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.lead_department.name == "市卫生健康委"  # the alias resolves to the registry's department
    assert (action.confidence, action.reason) == (None, "")
    assert draft.parse_warnings.get(ref="action:1").resolved


def test_an_indicator_is_corrected_with_baseline_and_action_and_its_warning_resolved(draft, office):
    obesity = draft.indicators.get(number="2")
    diet = draft.actions.get(number=2)
    response = office.post(
        _url(draft, f"indicators/{obesity.pk}/"),
        {
            "number": "2",
            "name": "成人肥胖增长率",
            "unit": "%",
            "nature": "expected",
            "group": "outcome",
            "direction": "decrease",
            "action": str(diet.pk),
            "baseline_value": "3.1",
            "baseline_year": "2019",
        },
    )
    assert response.status_code == 302
    obesity.refresh_from_db()
    assert (obesity.unit, obesity.nature, obesity.group, obesity.direction, obesity.action_id) == (
        "%",
        "expected",
        "outcome",
        "decrease",
        diet.pk,
    )
    assert (obesity.baseline.value, obesity.baseline.year, obesity.baseline.raw_text) == (3.1, 2019, "3.1")
    assert obesity.confidence is None
    assert draft.parse_warnings.get(ref="indicator:2").resolved
    assert not draft.parse_warnings.get(ref="task:1.1").resolved


def test_an_indicator_is_added_and_deleted(draft, office):
    response = office.post(
        _url(draft, "indicators/new/"),
        {
            "number": "",
            "name": "全民营养知识知晓率",
            "unit": "%",
            "nature": "advocacy",
            "group": "",
            "direction": "increase",
            "action": "",
            "baseline_value": "",
            "baseline_year": "",
        },
    )
    assert response.status_code == 302
    added = draft.indicators.get(name="全民营养知识知晓率")
    assert (added.number, added.nature, hasattr(added, "baseline")) == ("4", "advocacy", False)
    assert office.post(_url(draft, f"indicators/{added.pk}/delete/")).status_code == 302
    assert list(draft.indicators.values_list("number", flat=True)) == ["1", "2", "3"]


def test_a_target_is_added_edited_and_deleted(draft, office):
    literacy = draft.indicators.get(number="1")
    base = _url(draft, f"indicators/{literacy.pk}/targets/")
    response = office.post(base + "new/", {"year": "2025", "kind": "numeric", "comparator": ">=", "value": "25"})
    assert response.status_code == 302
    t2030 = literacy.targets.get(year=2030)
    response = office.post(
        base + f"{t2030.pk}/",
        {"year": "2030", "kind": "numeric", "comparator": "range", "value": "30", "upper_value": "35"},
    )
    assert response.status_code == 302
    t2022 = literacy.targets.get(year=2022)
    assert office.post(base + f"{t2022.pk}/delete/").status_code == 302
    assert [
        (t.year, t.kind, t.comparator, t.value, t.upper_value, t.raw_text) for t in literacy.targets.order_by("year")
    ] == [(2025, "numeric", ">=", 25.0, None, "≥25"), (2030, "numeric", "range", 30.0, 35.0, "30～35")]


def test_a_refused_target_keeps_what_was_typed_and_changes_nothing(draft, office):
    literacy = draft.indicators.get(number="1")
    before = list(literacy.targets.values_list("year", "comparator", "value", "upper_value"))
    response = office.post(
        _url(draft, f"indicators/{literacy.pk}/targets/new/"),
        {"year": "2040", "kind": "numeric", "comparator": "range", "value": "36.5", "upper_value": "20"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="2040"' in html and 'value="36.5"' in html
    assert "2021–2030" in html  # the horizon message
    duplicate = office.post(
        _url(draft, f"indicators/{literacy.pk}/targets/new/"),
        {"year": "2022", "kind": "numeric", "comparator": ">=", "value": "23"},
    )
    assert duplicate.status_code == 200 and "2022" in duplicate.content.decode()
    assert list(literacy.targets.values_list("year", "comparator", "value", "upper_value")) == before


def test_a_task_is_corrected_with_lead_and_co_departments_and_deadline(draft, office):
    task = draft.tasks.get(number="1.1")
    response = office.post(
        _url(draft, f"tasks/{task.pk}/"),
        {
            "number": "1.1",
            "action": str(draft.actions.get(number=1).pk),
            "content": "建立并完善市级健康科普专家库",
            "lead_departments": "市委宣传部、市卫健委",
            "co_departments": "市教育局，市科学技术局",
            "deadline": "2023年6月",
        },
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.content, task.deadline, task.department_confidence) == (
        "建立并完善市级健康科普专家库",
        "2023年6月",
        None,
    )
    assert _names(task, "lead") == ["市委宣传部", "市卫生健康委"]
    assert _names(task, "co") == ["市教育局", "市科技局"]
    assert draft.parse_warnings.get(ref="task:1.1").resolved


def test_an_action_without_tasks_is_fixed_by_adding_one(draft, office):
    diet = draft.actions.get(number=2)
    draft.tasks.filter(action=diet).delete()
    warning = ParseWarning.objects.create(
        plan=draft, kind="no_tasks", ref="action:2", message="合理膳食行动没有读出任务", position=9
    )
    html = office.get(_url(draft)).content.decode()
    assert f'href="/plans/{draft.pk}/review/tasks/new/?action={diet.pk}" class="fix"' in html
    form = office.get(_url(draft, f"tasks/new/?action={diet.pk}")).content.decode()
    assert f'<option value="{diet.pk}" selected>' in form
    office.post(
        _url(draft, "tasks/new/"),
        {
            "number": "2.1",
            "action": str(diet.pk),
            "content": "开展减盐行动",
            "lead_departments": "市卫生健康委",
            "co_departments": "",
            "deadline": "",
        },
    )
    warning.refresh_from_db()
    assert warning.resolved and draft.tasks.get(action=diet).content == "开展减盐行动"


def test_a_task_is_added_and_deleted(draft, office):
    response = office.post(
        _url(draft, "tasks/new/"),
        {
            "number": "",
            "action": str(draft.actions.get(number=2).pk),
            "content": "推广低盐膳食",
            "lead_departments": "市卫生健康委",
            "co_departments": "",
            "deadline": "长期坚持",
        },
    )
    assert response.status_code == 302
    added = draft.tasks.get(content="推广低盐膳食")
    assert (added.number, added.action.number, _names(added, "lead"), added.deadline) == (
        "2.2",  # after action 2's own 2.1 (issue 24 #15: it was "1")
        2,
        ["市卫生健康委"],
        "长期坚持",
    )
    assert office.post(_url(draft, f"tasks/{added.pk}/delete/")).status_code == 302
    assert draft.tasks.count() == 2


def test_a_refused_task_keeps_what_was_typed_and_changes_nothing(draft, office):
    task = draft.tasks.get(number="1.1")
    response = office.post(
        _url(draft, f"tasks/{task.pk}/"),
        {
            "number": "1.1",
            "action": "",
            "content": "改写的任务内容",
            "lead_departments": "市教育局",
            "co_departments": "市教育局、市体育局",
            "deadline": "2025年底",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "改写的任务内容" in html and "市教育局、市体育局" in html and "2025年底" in html
    task.refresh_from_db()
    assert (task.content, task.deadline, _names(task, "lead"), _names(task, "co")) == (
        "建立健康科普专家库",
        "2022年底",
        ["市卫生健康委"],
        ["市教育局"],
    )
    assert (
        not Department.objects.filter(name="市体育局", org_unit__code="990100")
        .exclude(pk__in=[])
        .filter(task_roles__task=task)
        .exists()
    )


def test_a_refused_indicator_keeps_what_was_typed_and_changes_nothing(draft, office):
    literacy = draft.indicators.get(number="1")
    response = office.post(
        _url(draft, f"indicators/{literacy.pk}/"),
        {
            "number": "3",
            "name": "居民健康素养水平（改）",
            "unit": "furlongs",
            "nature": "binding",
            "group": "outcome",
            "direction": "",
            "action": "",
            "baseline_value": "十九",
            "baseline_year": "1800",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "furlongs" in html and "居民健康素养水平（改）" in html and 'value="十九"' in html
    assert "人均每日食盐摄入量" in html  # the number 3 is taken: the message names its indicator
    literacy.refresh_from_db()
    assert (literacy.name, literacy.unit, literacy.baseline.value, literacy.baseline.year) == (
        "居民健康素养水平",
        "%",
        19.2,
        None,
    )


def test_two_names_of_one_department_are_merged_and_every_reference_follows(draft, office):
    short = Department.objects.get(org_unit__code="990100", name="市疾控中心")
    full = Department.objects.get(org_unit__code="990100", name="市疾病预防控制中心")
    response = office.post(_url(draft, "departments/merge/"), {"merge": str(short.pk), "keep": str(full.pk)})
    assert response.status_code == 302
    task = draft.tasks.get(number="2.1")
    # the short name led the task and the full name co-operated: one department remains, leading
    assert (_names(task, "lead"), _names(task, "co")) == (["市疾病预防控制中心"], [])
    assert draft.actions.get(number=2).lead_department == full
    assert not Department.objects.filter(pk=short.pk).exists()
    assert DepartmentAlias.objects.get(alias="市疾控中心", org_unit__code="990100").department == full


def test_merging_a_department_with_itself_is_refused(draft, office):
    full = Department.objects.get(org_unit__code="990100", name="市疾病预防控制中心")
    response = office.post(_url(draft, "departments/merge/"), {"merge": str(full.pk), "keep": str(full.pk)})
    assert response.status_code == 200 and "两个不同的部门" in response.content.decode()


def test_a_warning_is_dismissed_only_with_a_reason(draft, office):
    warning = draft.parse_warnings.get(kind="unplaced")
    response = office.post(_url(draft, f"warnings/{warning.pk}/"), {"resolved": "1", "reason": ""})
    assert response.status_code == 200
    warning.refresh_from_db()
    assert not warning.resolved
    office.post(_url(draft, f"warnings/{warning.pk}/"), {"resolved": "1", "reason": "定性表述，不作为指标"})
    warning.refresh_from_db()
    assert (warning.resolved, warning.dismissal_reason) == (True, "定性表述，不作为指标")
    office.post(_url(draft, f"warnings/{warning.pk}/"), {"resolved": "0"})
    warning.refresh_from_db()
    assert (warning.resolved, warning.dismissal_reason) == (False, "")


def test_control_characters_are_refused(draft, office):
    task = draft.tasks.get(number="2.1")
    response = office.post(
        _url(draft, f"tasks/{task.pk}/"),
        {
            "number": "2.1",
            "action": "",
            "content": "开展\x01减盐行动",
            "lead_departments": "市疾控中心",
            "co_departments": "",
            "deadline": "",
        },
    )
    assert response.status_code == 200 and "U+0001" in response.content.decode()
    task.refresh_from_db()
    assert task.content == "开展减盐行动"


def test_the_workbook_is_downloaded_and_a_refused_upload_lists_its_cells(draft, office):
    response = office.get(_url(draft, "workbook/"))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_MIME
    assert response["Content-Disposition"] == f'attachment; filename="plan-{draft.pk}-review.xlsx"'
    wb = openpyxl.load_workbook(io.BytesIO(response.getvalue()))
    ws = wb["指标"]
    row = next(c.row for c in ws["A"] if c.value == draft.indicators.get(number="1").pk)
    ws.cell(row=row, column=10, value="去年")  # 基线年份
    buf = io.BytesIO()
    wb.save(buf)
    upload = SimpleUploadedFile("plan.xlsx", buf.getvalue())
    response = office.post(_url(draft, "workbook/"), {"workbook": upload}, follow=True)
    # applied by a background job (run in place here); its page lists the refused cell
    ((job_url, status),) = response.redirect_chain
    assert status == 302 and job_url.startswith("/jobs/")
    html = response.content.decode()
    assert response.status_code == 200 and "发现 1 处问题，未保存任何数据。" in html
    assert f"工作表“指标”第{row}行“基线年份”列" in html
    assert draft.indicators.get(number="1").baseline.year is None

    ws.cell(row=row, column=10, value=2019)
    buf = io.BytesIO()
    wb.save(buf)
    response = office.post(_url(draft, "workbook/"), {"workbook": SimpleUploadedFile("plan.xlsx", buf.getvalue())})
    assert office.get(response["Location"]).status_code == 200
    assert draft.indicators.get(number="1").baseline.year == 2019


# ---------------------------------------------------------------------------------------------- who may


@pytest.fixture
def outsider_office(django_user_model, client):
    """The committee office of another city: it must not learn that this city's draft exists."""
    city = OrgUnit.objects.create(code="880100", name="临川市", level=Level.CITY)
    user = django_user_model.objects.create_user("office_linchuan", password="pw-linchuan-2026")
    Membership.objects.create(user=user, role=Role.OFFICE_ADMIN, org_unit=city)
    return user


def test_an_outsider_office_and_a_leader_cannot_see_or_change_the_draft(draft, login, client, outsider_office):
    literacy = draft.indicators.get(number="1")
    client.logout()
    client.login(username="office_linchuan", password="pw-linchuan-2026")
    assert client.get(_url(draft)).status_code == 404
    assert client.post(_url(draft, f"indicators/{literacy.pk}/"), {"name": "被改", "unit": "%"}).status_code == 404
    assert client.get(_url(draft, "workbook/")).status_code == 404
    leader = login("leader")
    assert leader.get(_url(draft)).status_code == 404  # a draft is not shown to leaders at all
    for user in ("liaison", "county", "actionlead"):
        assert (
            login(user).post(_url(draft, f"indicators/{literacy.pk}/"), {"name": "被改", "unit": "%"}).status_code
            == 404
        )
    literacy.refresh_from_db()
    assert literacy.name == "居民健康素养水平"


def test_a_published_plan_is_read_only_on_the_review_pages(demo, login):
    plan = demo["plan"]
    indicator = plan.indicators.order_by("position").first()
    office = login("office")
    html = office.get(_url(plan)).content.decode()
    assert "只读" in html and "/review/indicators/" not in html
    assert office.post(_url(plan, f"indicators/{indicator.pk}/"), {"name": "被改"}).status_code == 403
    assert office.post(_url(plan, "plan/"), {"title": "被改"}).status_code == 403
    assert login("leader").get(_url(plan)).status_code == 403  # the leader sees the plan, but does not review it
    indicator.refresh_from_db()
    plan.refresh_from_db()
    assert indicator.name != "被改" and plan.title != "被改"


def test_publishing_needs_every_warning_resolved_then_creates_due_items(draft, office):
    assert office.post(_url(draft).replace("review/", "publish/")).status_code == 302
    draft.refresh_from_db()
    assert draft.status == "draft"
    for warning in draft.parse_warnings.all():
        office.post(_url(draft, f"warnings/{warning.pk}/"), {"resolved": "1", "reason": "已核对"})
    office.post(f"/plans/{draft.pk}/publish/", {"public": "1"})
    draft.refresh_from_db()
    assert draft.status == "published" and draft.is_public
    assert DueItem.objects.filter(plan=draft, kind="indicator_value", indicator__number="1").exists()


# ---------------------------------------------------------------------------------------------- the area rule


def _named(name, code=None, level="city"):
    data = copy.deepcopy(DRAFT)
    data["plan"]["org_unit"] = {"code": code, "name": name, "level": level}
    data["warnings"] = []
    return data


def test_a_document_of_another_city_is_attached_to_the_office_s_own_area(demo):
    other = OrgUnit.objects.create(code="880100", name="临川市", level=Level.CITY)
    city = OrgUnit.objects.get(code="990100")
    plan = import_plan(_named("临川市", code="880100"), area=city, create_units=False)
    assert plan.org_unit == city
    warning = plan.parse_warnings.get()
    assert (warning.kind, warning.text) == ("unknown_area", "临川市")
    assert not Department.objects.filter(org_unit=other).exists()
    assert Department.objects.filter(org_unit=city, name="市疾控中心").exists()


def test_a_document_naming_an_unknown_city_creates_no_org_unit(demo):
    city = OrgUnit.objects.get(code="990100")
    before = OrgUnit.objects.count()
    plan = import_plan(_named("远山市"), area=city, create_units=False)
    assert (plan.org_unit, OrgUnit.objects.count()) == (city, before)
    assert plan.parse_warnings.filter(kind="unknown_area").count() == 1


def test_a_county_inside_the_area_is_matched_by_code_then_by_name(demo):
    city = OrgUnit.objects.get(code="990100")
    by_code = import_plan(_named("写错的县名", code="990121", level="county"), area=city, create_units=False)
    by_name = import_plan(_named("白石县", level="county"), area=city, create_units=False)
    assert (by_code.org_unit.name, by_name.org_unit.name) == ("临江县", "白石县")
    assert not by_code.parse_warnings.exists() and not by_name.parse_warnings.exists()


def test_an_uploaded_document_of_another_city_lands_in_the_office_s_city(demo, office, settings):
    _jobs_in_place(settings)
    OrgUnit.objects.create(code="880100", name="临川市", level=Level.CITY)
    text = "临川市人民政府关于印发健康临川行动实施方案的通知\n临政发〔2021〕3号\n（一）健康知识普及行动。\n1.建立健康科普专家库。（市卫生健康委牵头，市教育局配合）\n"  # noqa: E501  (data kept on one line)
    response = office.post(
        "/plans/import/", {"document": SimpleUploadedFile("plan.txt", text.encode(), content_type="text/plain")}
    )
    job = office.get(response["Location"] + "?format=json").json()
    assert job["status"] == "done", job
    plan = Plan.objects.get(pk=int(job["url"].strip("/").split("/")[1]))
    assert plan.org_unit.code == "990100"
    assert plan.parse_warnings.filter(kind="unknown_area", text="临川市").count() == 1
    assert not Department.objects.filter(org_unit__code="880100").exists()


def test_the_operator_command_line_says_when_it_creates_an_org_unit(db, tmp_path, capsys):
    import json

    from django.core.management import call_command

    path = tmp_path / "plan.json"
    path.write_text(json.dumps(_named("远山市", code="770100"), ensure_ascii=False), encoding="utf-8")
    call_command("plan", "import", str(path))
    out = capsys.readouterr().out
    assert "远山市" in out and "770100" in out
    assert OrgUnit.objects.get(code="770100").parent is None


# ---------------------------------------------------------------------------------------------- seeds (upload path)


@pytest.fixture
def imported(login, demo, settings):
    """Jobs run in place on django-tasks' Immediate backend: this proves the work, not the queue (core/tests/test_worker.py runs real workers)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    client = login("office")
    path = next(SEEDS.glob("004_*.txt"))
    response = client.post(
        "/plans/import/", {"document": SimpleUploadedFile(path.name, path.read_bytes(), content_type="text/plain")}
    )
    assert response.status_code == 302
    job = client.get(response["Location"] + "?format=json").json()
    assert job["status"] == "done", job
    plan = Plan.objects.get(pk=int(job["url"].strip("/").split("/")[1]))
    return client, plan


@needs_seeds
def test_an_uploaded_seed_becomes_a_draft_of_the_office_s_city_with_its_source(imported):
    client, plan = imported
    # Yunfu's plan uploaded by 青川市's office stays in 青川市, with a warning for the reviewer
    assert plan.status == "draft" and plan.org_unit.code == "990100"
    assert plan.parse_warnings.filter(kind="unknown_area", text="云浮市").count() == 1
    html = client.get(f"/plans/{plan.pk}/review/").content.decode()
    assert 'id="L63"' in html and "居民健康素养水平（%）" in html
    literacy = plan.indicators.get(name="居民健康素养水平")
    assert f'data-lines="{literacy.source_line_start}-{literacy.source_line_end}"' in html


def test_a_bad_document_fails_with_a_clear_message_and_writes_nothing(login, demo, settings):
    """Jobs run in place on django-tasks' Immediate backend: this proves the work, not the queue (core/tests/test_worker.py runs real workers)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    client = login("office")
    before = Plan.objects.count()
    response = client.post(
        "/plans/import/",
        {"document": SimpleUploadedFile("scan.pdf", b"%PDF-1.4 no text here", content_type="application/pdf")},
    )
    job = client.get(response["Location"] + "?format=json").json()
    assert job["status"] == "failed" and "PDF" in job["message"]
    assert Plan.objects.count() == before
    response = client.post(
        "/plans/import/", {"document": SimpleUploadedFile("plan.exe", b"MZ", content_type="application/octet-stream")}
    )
    assert response.status_code == 200 and Plan.objects.count() == before


def test_only_the_office_may_import(login, demo):
    for user in ("liaison", "leader", "county"):
        assert login(user).get("/plans/import/").status_code == 403


def test_export_then_import_keeps_confidences_reasons_deadlines_and_warning_refs(draft):
    first = export_plan(draft)
    assert (
        first["tasks"][0]["department_reason"] == "括号里的部门顺序不确定"
        and first["tasks"][0]["deadline"] == "2022年底"
    )
    assert first["indicators"][0]["targets"][0]["confidence"] == 0.9
    assert export_plan(import_plan(copy.deepcopy(first))) == first
    assert Task.objects.filter(plan__title=draft.title).count() == 4
    assert Target.objects.filter(indicator__plan=draft).count() == 4
    assert ParseWarning.objects.filter(plan=draft, ref="task:1.1").count() == 1
    assert Indicator.objects.filter(plan=draft).count() == 3


# ---------------------------------------------------------------------------------------------- in a real browser


@pytest.mark.browser
@pytest.mark.skipif(
    CHROMIUM is None, reason="Chromium is not installed: browser tests skipped (apt-get install chromium)"
)
def test_in_the_browser_an_indicator_and_a_task_are_fixed_on_the_review_page(site, browser):  # noqa: F811
    plan = make_draft()
    page = browser.new_context(locale="zh-CN").new_page()
    browser_login(page, site, "office", "demo-office-2026")
    page.goto(f"{site}/plans/{plan.pk}/review/")
    obesity = plan.indicators.get(number="2")
    row = page.locator(f"#indicator-{obesity.pk}")
    row.click()
    assert page.locator("#L5.hl").count() == 1  # the indicator's source line is highlighted
    row.get_by_role("link").click()
    page.fill("input[name=unit]", "%")
    page.select_option("select[name=nature]", "expected")
    page.fill("input[name=baseline_value]", "3.1")
    page.fill("input[name=baseline_year]", "2019")
    page.get_by_role("button", name=re.compile("保存|Save")).click()
    page.wait_for_selector(f"#indicator-{obesity.pk}")
    task = plan.tasks.get(number="1.1")
    page.locator(f"#task-{task.pk}").get_by_role("link").click()
    page.fill("input[name=lead_departments]", "市委宣传部、市卫健委")
    page.fill("input[name=co_departments]", "")
    page.get_by_role("button", name=re.compile("保存|Save")).click()
    page.wait_for_selector(f"#task-{task.pk}")
    page.screenshot(path=str(ARTIFACTS / "browser-review-fixes.png"), full_page=True)
    obesity.refresh_from_db()
    assert (obesity.unit, obesity.nature, obesity.baseline.value, obesity.baseline.year) == ("%", "expected", 3.1, 2019)
    assert (_names(task, "lead"), _names(task, "co")) == (["市委宣传部", "市卫生健康委"], [])
    assert set(plan.parse_warnings.filter(resolved=True).values_list("ref", flat=True)) == {"indicator:2", "task:1.1"}
