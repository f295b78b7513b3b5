"""A plan chosen once is kept: in the address and the session, shown in the header, switched there."""

import datetime as dt
import io

import openpyxl

from healthaction.collection.services import publish_plan
from healthaction.core.choices import Level
from healthaction.plans.models import Plan
from healthaction.registry.models import OrgUnit


def _province_plan(demo):
    """A newer published plan at the demo's province: every demo user may see it, nobody owes anything in it."""
    province = demo["plan"].org_unit.parent
    assert province.level == Level.PROVINCE
    plan = Plan.objects.create(org_unit=province, title="省级健康行动", horizon_start=2024, horizon_end=2026)
    publish_plan(plan, start=dt.date(2026, 7, 1))
    return plan


def test_a_liaisons_excel_page_keeps_their_plan_after_another_is_published(login, demo):
    liaison = login("liaison")
    _province_plan(demo)
    # a fresh session: the fallback is the newest plan in which the liaison owes something, not the newest plan
    assert liaison.get("/report/excel/").context["plan"] == demo["plan"]
    template = liaison.get("/report/excel/template/")
    assert template.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(template.getvalue())).worksheets[0]
    names = {cell.value for row in sheet.iter_rows(min_row=2) for cell in row}
    assert "居民健康素养水平" in names  # the demo plan's items of 市卫生健康委, not the new plan's empty list


def test_the_office_keeps_the_plan_it_chose_and_switches_in_the_header(login, demo):
    office = login("office")
    assert office.get(f"/report/completeness/?plan={demo['plan'].pk}").context["plan"] == demo["plan"]
    other = _province_plan(demo)
    assert office.get("/report/completeness/").context["plan"] == demo["plan"]  # kept, though a newer one exists
    html = office.get("/report/inbox/").content.decode()
    assert 'id="plan-switch"' in html and f'<option value="{demo["plan"].pk}" selected>' in html
    response = office.post("/plans/switch/", {"plan": other.pk, "next": f"/plans/{demo['plan'].pk}/tasks/?page=2"})
    assert response.status_code == 302 and response["Location"] == f"/plans/{other.pk}/tasks/?page=2"
    # the city office reads the province plan's pages but not its completeness (issue 24: it is no superuser now)
    assert office.get("/report/inbox/").context["plan"] == other
    assert office.post("/plans/switch/", {"plan": other.pk, "next": "https://evil.example/"})["Location"] == "/"


def test_a_plan_one_may_not_see_cannot_be_switched_to(login, demo):
    city = OrgUnit.objects.create(code="660100", name="北城市", level=Level.CITY)
    hidden = Plan.objects.create(org_unit=city, title="健康北城行动", horizon_start=2024, horizon_end=2026)
    liaison = login("liaison")
    assert liaison.post("/plans/switch/", {"plan": hidden.pk, "next": "/"}).status_code == 404
    assert liaison.get(f"/report/excel/?plan={hidden.pk}").status_code == 404
    assert liaison.get("/report/excel/").context["plan"] == demo["plan"]  # the kept plan is unchanged


def test_the_task_board_is_paged(login, demo):
    office = login("office")
    first = office.get(f"/plans/{demo['plan'].pk}/tasks/").content.decode()
    tasks = demo["plan"].tasks.filter(task_departments__isnull=False).distinct().count()
    pages = -(-tasks // 25)
    assert f"第 1 页，共 {pages} 页" in first or f"Page 1 of {pages}" in first


def test_a_page_about_one_plan_shows_that_plan_in_the_header(login, demo):
    """Issue 24 #17: the header showed the plan kept in the session while the page was about another one."""
    office = login("office")
    other = _province_plan(demo)
    assert office.get(f"/report/completeness/?plan={demo['plan'].pk}").context["plan"] == demo["plan"]  # kept
    html = office.get(f"/plans/{other.pk}/tasks/").content.decode()
    assert f'<option value="{other.pk}" selected>' in html
    assert f'<option value="{demo["plan"].pk}" selected>' not in html
