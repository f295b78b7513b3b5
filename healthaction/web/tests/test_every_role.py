"""Every page fit for every role: the menu shows what the role may open and each link opens; refusals are friendly
pages in the reader's language; English is complete where English is chosen; the bugs found by trying each role."""

import datetime as dt
import re
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation

from healthaction.collection.models import DueItem, IndicatorValue
from healthaction.core.models import Job
from healthaction.inspections.models import Finding, Visit
from healthaction.plans.models import Action, Indicator, Plan
from healthaction.registry.models import OrgUnit

ROLES = ["office", "liaison", "county", "actionlead", "leader", "inspector"]
# what each demo role's menu holds, worked out from the roles (registry/scopes.py) by hand
MENUS = {
    "office": [
        "/report/inbox/",
        "/report/review/",
        "/report/excel/",
        "/report/completeness/",
        "/reports/",
        "/inspections/",
        "/catalogue/",
        "/accounts/history/",
        "/accounts/tokens/",
    ],  # the demo's office is an ordinary office account since issue 24: the site's administration is admin's
    "liaison": [
        "/report/inbox/",
        "/report/excel/",
        "/inspections/",
        "/catalogue/",
        "/accounts/history/",
        "/accounts/tokens/",
    ],
    "county": [
        "/report/inbox/",
        "/report/excel/",
        "/inspections/",
        "/catalogue/",
        "/accounts/history/",
        "/accounts/tokens/",
    ],
    "actionlead": [
        "/report/inbox/",
        "/report/review/",
        "/report/completeness/",
        "/reports/",
        "/catalogue/",
        "/accounts/history/",
        "/accounts/tokens/",
    ],
    "leader": [
        "/report/inbox/",
        "/report/completeness/",
        "/reports/",
        "/inspections/",
        "/catalogue/",
        "/accounts/history/",
        "/accounts/tokens/",
    ],
    "inspector": ["/inspections/", "/accounts/history/", "/accounts/tokens/"],
}
IDEOGRAPH = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")


class _Page(HTMLParser):
    """Visible text of a page (no script or style, nothing marked as written in Chinese such as the language
    switcher's 简体中文), and the links of the main menu."""

    def __init__(self):
        super().__init__()
        self.text, self.menu, self._skip, self._in_header, self._lang_tag = [], [], 0, False, None

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        if dict(attrs).get("lang", "").startswith("zh") and tag != "html":
            self._lang_tag = tag
        if tag == "header":
            self._in_header = True
        if tag == "a" and self._in_header:
            self.menu.append(dict(attrs)["href"])

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1
        if tag == self._lang_tag:
            self._lang_tag = None
        if tag == "header":
            self._in_header = False

    def handle_data(self, data):
        if not self._skip and self._lang_tag is None and data.strip():
            self.text.append(data.strip())


def _parse(response) -> _Page:
    page = _Page()
    page.feed(response.content.decode())
    return page


@pytest.mark.parametrize("user", ROLES)
def test_the_menu_shows_what_the_role_may_open_and_every_link_answers_200(login, demo, user):
    client = login(user)
    page = _parse(client.get("/"))
    menu = [href for href in page.menu if href != "/"]
    assert menu == MENUS[user]
    for href in menu:
        assert client.get(href).status_code == 200, href
    if user != "inspector":  # the plan's own menu too
        plan_page = client.get(f"/plans/{demo['plan'].pk}/").content.decode()
        subnav = re.search(r'<nav class="subnav".*?</nav>', plan_page, re.S).group(0)
        links = re.findall(r'href="([^"]+)"', subnav)
        assert ("/reports/" in links) == ("/reports/" in MENUS[user])
        for href in links:
            assert client.get(href).status_code == 200, href


# ---- refusals ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "language, heading, why",
    [
        ("zh-hans", "此页面不对您开放", "您的角色或地区无权打开此页面或进行此操作，未作任何更改。"),
        ("en", "Not open to you", "This page or action is not open to your role or area. Nothing was changed."),
    ],
)
def test_a_refusal_is_a_friendly_page_in_the_readers_language(login, demo, language, heading, why):
    client = login("liaison")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.post(f"/plans/{demo['plan'].pk}/evaluate/")  # only the office recomputes
    assert response.status_code == 403
    text = " ".join(_parse(response).text)
    assert heading in text and why in text and "403 Forbidden" not in text
    assert (
        'href="/"' in response.content.decode() and 'href="/report/inbox/"' in response.content.decode()
    )  # where to go


@pytest.mark.parametrize("language, heading", [("zh-hans", "找不到此页面"), ("en", "Page not found")])
def test_a_missing_page_is_a_friendly_page_without_the_raw_exception(login, demo, language, heading):
    client = login("office")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(f"/indicators/{Indicator.objects.order_by('-pk').first().pk + 1000}/")
    assert response.status_code == 404
    text = " ".join(_parse(response).text)
    assert heading in text and "matches the given query" not in text and "Not Found" not in text


@pytest.mark.parametrize("language, heading", [("zh-hans", "表单已过期"), ("en", "The form has expired")])
def test_an_expired_form_is_explained_not_a_bare_csrf_failure(demo, language, heading):
    client = Client(enforce_csrf_checks=True)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(get_user_model().objects.get(username="office"))
    response = client.post(f"/plans/{demo['plan'].pk}/evaluate/")
    assert response.status_code == 403
    text = " ".join(_parse(response).text)
    assert heading in text and "CSRF" not in text


@pytest.mark.parametrize("language, heading", [("zh-hans", "出错了"), ("en", "Something went wrong")])
def test_a_server_error_is_a_friendly_page(db, language, heading):
    from django.views.defaults import server_error

    with translation.override(language):
        response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    text = " ".join(_parse(response).text)
    assert heading in text and "Server Error" not in text


# ---- English where English is chosen -----------------------------------------------------------------------------


def _data_runs() -> set[str]:
    """Runs of Chinese characters in what people and plans wrote: names, plan text, notes (never interface text)."""
    from healthaction.catalogue.models import CatalogueIndicator
    from healthaction.collection.models import Revision, TaskReport
    from healthaction.evaluation.models import EvaluationResult
    from healthaction.inspections.models import Checklist, ChecklistItem, FindingEvent, Round
    from healthaction.plans.models import Baseline, Target, Task
    from healthaction.registry.models import Department

    sources = [
        (OrgUnit, ["name"]),
        (Department, ["name"]),
        (Plan, ["title", "issuer", "doc_number"]),
        (Action, ["name"]),
        (Indicator, ["name", "unit"]),
        (Target, ["raw_text"]),
        (Baseline, ["raw_text"]),
        (Task, ["content"]),
        (EvaluationResult, ["explanation"]),
        (get_user_model(), ["first_name", "last_name"]),
        (Round, ["title"]),
        (Checklist, ["title"]),
        (ChecklistItem, ["text"]),
        (Finding, ["text"]),
        (FindingEvent, ["comment"]),
        (IndicatorValue, ["qualitative", "source", "note", "review_comment"]),
        (TaskReport, ["text", "review_comment"]),
        (Revision, ["comment"]),
        (CatalogueIndicator, ["name", "unit", "national_2022", "national_2030"]),  # the national catalogue is data too
    ]
    runs = set()
    for model, fields in sources:
        present = [f for f in fields if f in {x.name for x in model._meta.get_fields()}]
        for row in model.objects.values_list(*present):
            for value in row:
                runs.update(IDEOGRAPH.findall(str(value or "")))
    return runs


def _interface_chinese(text: str, data: set[str]) -> list[str]:
    """Chinese runs in a page's text that are not data (a truncated datum counts as data from 6 characters on)."""
    leaks = []
    for run in IDEOGRAPH.findall(text):
        if run in data or (len(run) >= 6 and any(d.startswith(run) for d in data)):
            continue
        leaks.append(run)
    return leaks


def _submitted(demo) -> DueItem:
    """A task-progress item of 市卫生健康委 that its liaison has just submitted (the demo holds none waiting)."""
    from healthaction.collection import services

    item = (
        DueItem.objects.filter(plan=demo["plan"], department__name="市卫生健康委", kind="task_progress", status="open")
        .order_by("due_date", "pk")
        .first()
    )
    liaison = get_user_model().objects.get(username="liaison")
    _obj, check = services.save_submission(
        liaison,
        item,
        {"progress": "in_progress", "text": "已召开部署会并印发年度工作要点"},
        submit=True,
        expected_version=None,
    )
    assert check.ok
    item.refresh_from_db()
    assert item.status == "submitted"
    return item


def _pages(user, demo) -> list[str]:
    plan = demo["plan"]
    indicator = Indicator.objects.get(plan=plan, name="居民健康素养水平")
    common = [
        "/",
        f"/plans/{plan.pk}/",
        f"/plans/{plan.pk}/actions/1/",
        f"/indicators/{indicator.pk}/",
        f"/plans/{plan.pk}/compare/",
        f"/plans/{plan.pk}/tasks/",
        f"/plans/{plan.pk}/ranking/",
    ]
    item = _submitted(demo)
    visit = Visit.objects.get(round__title="2025年度健康青川行动专项督导", org_unit__code="990121")
    finding = visit.findings.order_by("pk").first()
    supervision = f"/inspections/rounds/{visit.round_id}/"
    return {
        "office": common
        + [
            "/report/inbox/",
            "/report/review/",
            f"/report/items/{item.pk}/",
            "/report/completeness/",
            "/report/excel/",
            "/reports/",
            "/inspections/",
            "/inspections/findings/",
            supervision,
            "/catalogue/",
        ],
        "liaison": common + ["/report/inbox/", f"/report/items/{item.pk}/", "/report/excel/", "/inspections/findings/"],
        "county": common
        + [
            "/report/inbox/",
            "/inspections/findings/",
            f"/inspections/visits/{visit.pk}/",
            f"/inspections/findings/{finding.pk}/",
        ],
        "actionlead": common + ["/report/review/", "/report/completeness/"],
        "leader": common + ["/report/completeness/", "/reports/", "/inspections/", supervision],
        "inspector": ["/", "/inspections/", "/inspections/findings/", supervision, f"/inspections/visits/{visit.pk}/"],
    }[user]


@pytest.mark.parametrize("user", ROLES)
def test_in_english_the_main_pages_of_each_role_show_chinese_only_in_data(login, demo, user):
    pages = _pages(user, demo)
    data = _data_runs()
    client = login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    leaks = {}
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        found = _interface_chinese("\n".join(_parse(response).text), data)
        if found:
            leaks[url] = sorted(set(found))
    assert leaks == {}, leaks


def test_the_interface_chinese_check_catches_a_label_and_lets_data_through(demo):
    data = _data_runs()
    assert _interface_chinese("居民健康素养水平 · Achieved", data) == []
    assert _interface_chinese("Status: 已报送", data) == ["已报送"]
    assert _interface_chinese("专项行动", data) == ["专项行动"]


# ---- the bugs --------------------------------------------------------------------------------------------------


def test_the_office_reviews_a_submitted_item_without_the_reporters_buttons(login, demo):
    item = _submitted(demo)
    office = login("office").get(reverse("collection:item", args=[item.pk])).content.decode()
    assert 'value="approve"' in office and 'value="submit"' not in office and 'value="save"' not in office
    liaison = login("liaison").get(reverse("collection:item", args=[item.pk])).content.decode()
    # issue 24: a submitted item is fixed for the liaison (no form) and the page says why
    assert 'value="submit"' not in liaison and 'value="approve"' not in liaison and "正在等待委办审核" in liaison


def test_the_history_column_is_headed_step_not_action(login, demo):
    item = _submitted(demo)
    page = login("office").get(reverse("collection:item", args=[item.pk])).content.decode()
    history = re.search(r'<table class="history">.*?</thead>', page, re.S).group(0)
    assert re.findall(r'<th scope="col">([^<]+)</th>', history) == ["版本", "操作", "操作人", "时间", "数据", "意见"]


def test_the_inspectors_home_lists_their_rounds(login, demo):
    page = login("inspector").get("/").content.decode()
    assert "2025年度健康青川行动专项督导" in page and "2025年健康社区评估" in page
    assert "还没有方案" not in page and "暂无方案" not in page


def test_a_county_opens_its_own_countys_visit(login, demo):
    visit = Visit.objects.get(round__title="2025年度健康青川行动专项督导", org_unit__code="990121")
    response = login("county").get(reverse("inspections:visit", args=[visit.pk]))
    assert response.status_code == 200 and "临江县" in response.content.decode()
    other = Visit.objects.get(round__title="2025年度健康青川行动专项督导", org_unit__code="990122")
    assert login("county").get(reverse("inspections:visit", args=[other.pk])).status_code == 404


def test_a_finished_job_page_stops_polling_and_says_how_it_ended(login, demo):
    user = get_user_model().objects.get(username="office")
    done = Job.objects.create(
        kind="evaluate", user=user, status=Job.DONE, progress=100, message="共计算1200项结果。", result_url="/plans/1/"
    )
    failed = Job.objects.create(kind="evaluate", user=user, status=Job.FAILED, progress=40, message="文件无法读取。")
    client = login("office")
    page = client.get(reverse("job", args=[done.pk])).content.decode()
    assert "处理中" not in page and "hx-trigger" not in page and "<h1>已完成</h1>" in page and 'id="job-result"' in page
    page = client.get(reverse("job", args=[failed.pk])).content.decode()
    assert "处理中" not in page and "hx-trigger" not in page and "<h1>失败</h1>" in page and "文件无法读取。" in page
    running = Job.objects.create(kind="evaluate", user=user, status=Job.RUNNING, progress=10)
    assert 'hx-trigger="every 1s"' in client.get(reverse("job", args=[running.pk])).content.decode()


def test_rectifications_due_soon_are_within_fourteen_days_and_only_open_ones_are_overdue(login, demo):
    today = dt.date.today()
    county_findings = Finding.objects.filter(
        org_unit__code="990121", visit__round__title="2025年度健康青川行动专项督导"
    ).order_by("pk")
    assert county_findings.count() >= 3
    months_ahead, next_week, submitted_late = county_findings[0], county_findings[1], county_findings[2]
    Finding.objects.filter(pk=months_ahead.pk).update(status=Finding.OPEN, deadline=today + dt.timedelta(days=90))
    Finding.objects.filter(pk=next_week.pk).update(status=Finding.RECTIFYING, deadline=today + dt.timedelta(days=7))
    Finding.objects.filter(pk=submitted_late.pk).update(
        status=Finding.SUBMITTED, deadline=today - dt.timedelta(days=20)
    )
    client = login("county")
    due_soon = client.get(reverse("inspections:findings") + "?status=due_soon").content.decode()
    assert reverse("inspections:finding", args=[next_week.pk]) in due_soon
    assert reverse("inspections:finding", args=[months_ahead.pk]) not in due_soon
    overdue = client.get(reverse("inspections:findings") + "?status=overdue").content.decode()
    assert reverse("inspections:finding", args=[submitted_late.pk]) not in overdue
    inbox_due = client.get(reverse("collection:inbox") + "?group=due").content.decode()
    assert (
        reverse("inspections:finding", args=[next_week.pk]) in inbox_due
        and reverse("inspections:finding", args=[months_ahead.pk]) not in inbox_due
    )
    inbox_overdue = client.get(reverse("collection:inbox") + "?group=overdue").content.decode()
    assert reverse("inspections:finding", args=[submitted_late.pk]) not in inbox_overdue


def test_a_published_plan_without_values_shows_no_none(login, demo):
    plan = Plan.objects.create(
        org_unit=demo["plan"].org_unit,
        issuer="青川市人民政府",
        title="青川市健康细胞建设方案",
        horizon_start=2026,
        horizon_end=2030,
        status="published",
        is_public=True,
    )
    action = Action.objects.create(plan=plan, number=1, name="健康学校建设行动")
    Indicator.objects.create(plan=plan, action=action, number="1", name="健康学校建成比例", unit="%", nature="binding")
    client = login("office")
    for url in (
        f"/plans/{plan.pk}/",
        f"/plans/{plan.pk}/actions/1/",
        f"/plans/{plan.pk}/compare/",
        f"/plans/{plan.pk}/ranking/",
    ):
        text = "\n".join(_parse(client.get(url)).text)
        assert "None" not in text, url
    assert "尚无结果" in "\n".join(_parse(client.get(f"/plans/{plan.pk}/")).text)
    client.logout()
    public = "\n".join(_parse(client.get(f"/public/plans/{plan.pk}/")).text)
    assert "None" not in public and "尚未发布结果" in public
