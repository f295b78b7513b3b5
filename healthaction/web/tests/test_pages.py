"""Every page renders for the roles that may see it, from stored results, and refuses the others."""

import re

import pytest
from django.utils.translation import override

from healthaction.evaluation.models import AssessmentScore, EvaluationResult
from healthaction.plans.models import Indicator
from healthaction.registry.models import Department


@pytest.mark.parametrize("user", ["office", "leader", "liaison", "county", "actionlead"])
def test_the_dashboard_for_every_role(login, demo, user):
    """Results set by hand for 2031 (a year the demo never reports): the city achieves 3 of 5 indicators."""
    plan = demo["plan"]
    for k, ind in enumerate(plan.indicators.order_by("position")[:5]):
        status = "achieved" if k < 3 else "off_track"
        EvaluationResult.objects.create(plan=plan, indicator=ind, org_unit=plan.org_unit, year=2031, status=status)
    response = login(user).get(f"/plans/{plan.pk}/?year=2031")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<div class="big" id="achieved-count">3</div>' in html
    assert 'id="status-data"' in html and "vendor/echarts.min.js" in html


def test_indicator_page_shows_targets_counties_and_history(login, demo):
    literacy = Indicator.objects.get(plan=demo["plan"], name="居民健康素养水平")
    html = login("office").get(f"/indicators/{literacy.pk}/").content.decode()
    result = EvaluationResult.objects.get(indicator=literacy, org_unit=demo["plan"].org_unit, year=2025)
    assert "2022年≥22；2030年≥30" in html
    assert result.explanation in html
    assert html.count('class="cell st-') == 7  # the city and its six counties
    assert 'id="trend-data"' in html


def test_comparison_sorts_and_exports(login, demo):
    """Results set by hand for 2031 (a year the demo never reports): each county meets a known number of indicators,
    so the order by share is known before the page is asked: 望山县 5, 临江县 4, 云溪县 3, 白石县 2, 青川区 1, 河东区 0."""
    plan = demo["plan"]
    met = {"望山县": 5, "临江县": 4, "云溪县": 3, "白石县": 2, "青川区": 1, "河东区": 0}
    indicators = list(plan.indicators.order_by("position")[:5])
    for county in plan.org_unit.children.all():
        for k, ind in enumerate(indicators):
            status = "achieved" if k < met[county.name] else "off_track"
            EvaluationResult.objects.create(plan=plan, indicator=ind, org_unit=county, year=2031, status=status)
    client = login("leader")
    html = client.get(f"/plans/{plan.pk}/compare/?sort=share&year=2031").content.decode()
    order = re.findall(r'<th scope="row">([^<]+)</th>', html)
    assert order == ["望山县", "临江县", "云溪县", "白石县", "青川区", "河东区"]
    csv = client.get(f"/plans/{plan.pk}/compare/?format=csv&sort=share&year=2031").getvalue().decode("utf-8-sig")
    lines = csv.strip().splitlines()
    assert len(lines) == 7  # a header and the six counties
    assert lines[0].split(",")[0] == "县（市、区）"
    assert [line.split(",")[0] for line in lines[1:]] == order
    # the first indicator's column: met by all but 河东区
    assert [line.split(",")[1] for line in lines[1:]] == ["已实现"] * 5 + ["严重滞后"]


def test_task_board_filters(login, demo):
    client = login("office")
    html = client.get(f"/plans/{demo['plan'].pk}/tasks/?action=4").content.decode()
    assert "控烟" in html
    assert "overdue" in html  # demo has unreported half-years
    filtered = client.get(f"/plans/{demo['plan'].pk}/tasks/?progress=delayed").content.decode()
    assert "滞后" in filtered


def test_the_task_board_uses_the_task_filterset(login, demo):
    client = login("office")
    plan = demo["plan"].pk
    # demo/content.py and build.py: three tasks per action; task t of an action takes its first 1 + t co-departments,
    # and 市烟草专卖局, third of action 4's (控烟), is co-responsible for tasks 4.2 and 4.3 only
    board = client.get(f"/plans/{plan}/tasks/?action=4").context["board"]
    assert len(board) == 3 and {e["task"].action.number for e in board} == {4}
    tobacco = Department.objects.get(org_unit__code="990100", name="市烟草专卖局")
    board = client.get(f"/plans/{plan}/tasks/?department={tobacco.pk}").context["board"]
    assert [(e["task"].number, len(e["lines"])) for e in board] == [("4.2", 1), ("4.3", 1)]
    for bad in ("action=abc", "department=99999999999", "progress=finished"):
        response = client.get(f"/plans/{plan}/tasks/?{bad}")
        assert response.status_code == 400 and 'class="error" role="alert"' in response.content.decode(), bad


def test_ranking_page_lists_the_scores(login, demo):
    html = login("leader").get(f"/plans/{demo['plan'].pk}/ranking/").content.decode()
    first = (
        AssessmentScore.objects.filter(plan=demo["plan"], year=2025, org_unit__isnull=False).order_by("rank").first()
    )
    assert first.org_unit.name in html and f"{first.score:.2f}" in html


@pytest.mark.parametrize(
    ("language", "labels"),
    [("zh-hans", ["已实现", "严重滞后"]), ("en", ["Achieved", "Off track"])],
)
def test_the_score_sheet_names_statuses_by_their_labels(login, demo, language, labels):
    """Issue 24 #16: the score sheet showed the codes no_data, off_track, at_risk; it shows the labels."""
    client = login("leader")
    client.cookies["django_language"] = language
    with override("zh-hans"):  # the middleware activates the cookie's language; leave the next test in Chinese
        html = client.get(f"/plans/{demo['plan'].pk}/ranking/").content.decode()
    sheets = "".join(re.findall(r"<details>.*?</details>", html, re.S))
    for code in ("achieved", "on_track", "at_risk", "off_track", "regressing", "no_data", "timeliness"):
        assert f"：{code} ×" not in sheets and f">{code}<" not in sheets
    for label in labels:
        assert f"{label}：" in sheets or f"：{label} ×" in sheets


def test_the_public_view_needs_no_login_and_shows_only_published(client, demo):
    plan = demo["plan"]
    assert client.get("/").status_code == 302
    assert plan.title in client.get("/public/").content.decode()
    assert client.get(f"/public/plans/{plan.pk}/").status_code == 200
    literacy = Indicator.objects.get(plan=plan, name="居民健康素养水平")
    assert client.get(f"/public/indicators/{literacy.pk}/").status_code == 200
    plan.is_public = False
    plan.save()
    assert client.get(f"/public/plans/{plan.pk}/").status_code == 404
    assert client.get(f"/public/indicators/{literacy.pk}/").status_code == 404
    assert client.get(f"/plans/{plan.pk}/").status_code == 302  # the internal page asks for a login


def test_the_office_recomputes_through_a_job(login, demo, settings):
    """Jobs run in place on django-tasks' Immediate backend: this proves the work, not the queue (core/tests/test_worker.py runs real workers)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    client = login("office")
    response = client.post(f"/plans/{demo['plan'].pk}/evaluate/")
    assert response.status_code == 302
    job = client.get(response["Location"] + "?format=json").json()
    assert job["status"] == "done" and job["progress"] == 100
    assert login("liaison").post(f"/plans/{demo['plan'].pk}/evaluate/").status_code == 403


def test_pages_work_on_a_phone_width_layout_and_in_english(login, demo):
    client = login("office")
    client.cookies["django_language"] = "en"
    html = client.get(f"/plans/{demo['plan'].pk}/").content.decode()
    assert 'name="viewport"' in html
    assert '<html lang="en">' in html and "indicators achieved" in html
    badges = set(re.findall(r'<span class="st st-[a-z_]+">([^<]*)</span>', html))
    assert badges and badges <= {
        "Achieved",
        "On track",
        "At risk",
        "Off track",
        "Regressing",
        "No data",
        "Not assessable",
    }
