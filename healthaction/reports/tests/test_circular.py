"""The circular as circulars are written, checked on a small plan whose figures are counted by hand, and the demo
year's circular rendered to PDF and counted in pages."""

import datetime as dt
import io
import subprocess
from pathlib import Path

import docx
import openpyxl
import pytest
from django.utils import timezone

from healthaction.collection.models import DueItem
from healthaction.evaluation.models import EvaluationResult
from healthaction.inspections.models import Checklist, ChecklistItem, Finding, Round, Visit
from healthaction.plans.models import Action, Indicator, Plan, Task
from healthaction.registry.models import Department, OrgUnit
from healthaction.reports.circular import build_circular
from healthaction.reports.export import OVERDUE_SHEET, RECTIFICATION_SHEET, build_export
from healthaction.reports.pdf import docx_to_pdf
from healthaction.reports.tests.rendering import tools_missing

TODAY = dt.date(2026, 7, 1)
ARTIFACTS = Path(__file__).resolve().parents[3] / "artifacts"


def _at(day: dt.date):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10)))


@pytest.fixture
def small(db):
    """A city with two counties and two departments; 2025 items received, late or missing as set out below.

    市甲局 4 items: 2 on time, 1 late, 1 missing → 3/4 received (75.0%), 2/4 on time (50.0%), 1 overdue
    市乙局 2 items: both missing                → 0/2 (0.0%), 0/2 (0.0%), 2 overdue
    东县   2 items: both on time                → 2/2 (100.0%), 2/2 (100.0%)
    西县   2 items: 1 late, 1 missing           → 1/2 (50.0%), 0/2 (0.0%), 1 overdue
    plus one 2024 item of 市乙局 still missing (mentioned as earlier, not counted in 2025).
    """
    city = OrgUnit.objects.create(code="T900", name="试点市", level="city")
    east = OrgUnit.objects.create(code="T901", name="东县", level="county", parent=city)
    west = OrgUnit.objects.create(code="T902", name="西县", level="county", parent=city)
    first = Department.objects.create(org_unit=city, name="市甲局")
    second = Department.objects.create(org_unit=city, name="市乙局")
    plan = Plan.objects.create(
        org_unit=city,
        issuer="试点市人民政府",
        title="健康试点行动实施方案",
        horizon_start=2024,
        horizon_end=2030,
        status="published",
    )
    action = Action.objects.create(plan=plan, number=1, name="健康知识普及行动", lead_department=first)
    literacy = Indicator.objects.create(
        plan=plan, action=action, number="1", name="居民健康素养水平", unit="%", nature="binding", position=1
    )
    smoking = Indicator.objects.create(
        plan=plan, action=action, number="2", name="成人吸烟率", unit="%", nature="expected", position=2
    )
    task = Task.objects.create(plan=plan, action=action, number="1", content="开展健康知识进万家活动", position=1)
    due = dt.date(2025, 12, 15)

    def item(department=None, unit=city, indicator=None, received=None, year=2025, half=2):
        return DueItem.objects.create(
            plan=plan,
            kind="indicator_value" if indicator else "task_progress",
            indicator=indicator,
            task=None if indicator else task,
            department=department,
            org_unit=unit,
            year=year,
            half=0 if indicator else half,
            due_date=due if year == 2025 else dt.date(2024, 12, 15),
            received_at=_at(received) if received else None,
        )

    item(first, received=dt.date(2025, 12, 10), half=1)
    item(first, received=dt.date(2025, 12, 15), half=2)
    item(first, indicator=literacy, received=dt.date(2026, 1, 20))
    item(first, indicator=smoking)
    item(second, half=1)
    item(second, half=2)
    item(second, year=2024)
    item(unit=east, indicator=literacy, received=dt.date(2025, 12, 1))
    item(unit=east, indicator=smoking, received=dt.date(2025, 12, 2))
    item(unit=west, indicator=literacy, received=dt.date(2026, 2, 1))
    item(unit=west, indicator=smoking)
    EvaluationResult.objects.create(
        plan=plan, indicator=literacy, org_unit=city, year=2025, status="off_track", explanation="低于按线性进度应达值"
    )
    EvaluationResult.objects.create(
        plan=plan, indicator=literacy, org_unit=west, year=2025, status="regressing", explanation="较上年下降"
    )
    EvaluationResult.objects.create(
        plan=plan, indicator=literacy, org_unit=east, year=2025, status="on_track", explanation=""
    )
    EvaluationResult.objects.create(
        plan=plan, indicator=smoking, org_unit=east, year=2025, status="off_track", explanation=""
    )  # expected, not binding
    checklist = Checklist.objects.create(key="t-supervision", kind=Checklist.SUPERVISION, title="督导清单", plan=plan)
    check = ChecklistItem.objects.create(checklist=checklist, number="1", text="工作台账完整", points=10)
    rnd = Round.objects.create(
        plan=plan,
        checklist=checklist,
        year=2025,
        title="2025年度专项督导",
        starts=dt.date(2025, 9, 1),
        ends=dt.date(2025, 9, 30),
    )
    visit = Visit.objects.create(round=rnd, department=second)
    Finding.objects.create(
        visit=visit,
        item=check,
        text="工作台账不完整",
        department=second,
        deadline=dt.date(2025, 10, 31),
        status=Finding.RECTIFYING,
    )
    Finding.objects.create(
        visit=visit,
        item=check,
        text="宣传资料缺失",
        department=second,
        deadline=dt.date(2025, 10, 31),
        status=Finding.SUBMITTED,
    )
    Finding.objects.create(
        visit=visit,
        item=check,
        text="培训记录缺失",
        department=second,
        deadline=dt.date(2026, 12, 31),
        status=Finding.OPEN,
    )
    return plan


def _document(plan):
    return docx.Document(io.BytesIO(build_circular(plan, 2025, today=TODAY)))


def _table(document, first_header):
    table = next(t for t in document.tables if t.rows[0].cells[1].text == first_header)
    return [[c.text for c in row.cells] for row in table.rows]


def test_the_summary_tables_rank_departments_and_counties_by_completeness_and_timeliness(small):
    document = _document(small)
    assert _table(document, "部门") == [
        ["排名", "部门", "应报", "已报", "按时", "逾期未报", "完整率", "按时率"],
        ["1", "市甲局", "4", "3", "2", "1", "75.0%", "50.0%"],
        ["2", "市乙局", "2", "0", "0", "2", "0.0%", "0.0%"],
    ]
    assert _table(document, "县（市、区）") == [
        ["排名", "县（市、区）", "应报", "已报", "按时", "逾期未报", "完整率", "按时率"],
        ["1", "东县", "2", "2", "2", "0", "100.0%", "100.0%"],
        ["2", "西县", "2", "1", "0", "1", "50.0%", "0.0%"],
    ]
    captions = [p.text for p in document.paragraphs if p.style.name == "Caption"]
    assert captions == [
        "表1  2025年度各部门报送情况",
        "表2  2025年度各县（市、区）报送情况",
        "表3  督导发现问题逾期未整改情况",
    ]


def test_the_opening_counts_the_year_and_the_laggards_are_named_with_counts(small):
    text = "\n".join(p.text for p in _document(small).paragraphs)
    assert (
        "截至2026年07月01日，2025年度应报送事项10项，已报送6项，报送完整率60.0%，按时报送率40.0%；"
        "逾期未报4项，约束性指标进度严重滞后或退步2项，督导发现问题逾期未整改1项。"
    ) in text
    assert "此外，以前年度仍有1项报送事项逾期未报" in text
    assert "（一）有逾期未报事项的单位：市乙局（2项）、市甲局（1项）、西县（1项）。" in text
    assert "（二）约束性指标进度严重滞后或退步的单位：市甲局（1项）、西县（1项）。" in text
    assert "（三）督导发现问题逾期未整改的单位：市乙局（1项）。" in text  # the submitted one waits for the inspectors
    assert "约束性指标：居民健康素养水平（退步）进度严重滞后或退步。" in text
    assert "督导整改：工作台账不完整问题逾期未整改，共1项。" in text


def test_the_circular_groups_instead_of_listing_items(small):
    """Twenty more missing items of one department add to its count, not twenty lines."""
    document_before = _document(small)
    task = small.tasks.get()
    second = Department.objects.get(name="市乙局")
    for k in range(20):
        DueItem.objects.create(
            plan=small,
            kind="task_progress",
            task=task,
            department=second,
            org_unit=small.org_unit,
            year=2025,
            half=3 + k,
            due_date=dt.date(2025, 12, 15),
        )
    document = _document(small)
    assert len(document.paragraphs) == len(document_before.paragraphs)
    assert ["2", "市乙局", "22", "0", "0", "22", "0.0%", "0.0%"] in _table(document, "部门")
    assert "（一）有逾期未报事项的单位：市乙局（22项）、市甲局（1项）、西县（1项）。" in "\n".join(
        p.text for p in document.paragraphs
    )


def test_the_excel_export_carries_the_item_list_as_annex_sheets(small):
    wb = openpyxl.load_workbook(io.BytesIO(build_export(small, today=TODAY)))
    overdue = list(wb[OVERDUE_SHEET].iter_rows(values_only=True))
    assert overdue[0] == ("年度", "期别", "类别", "事项", "专项行动", "责任单位", "应报日期", "逾期天数")
    assert [(r[0], r[2], r[5], r[7]) for r in overdue[1:]] == [
        (2024, "任务进展", "市乙局", 563),
        (2025, "指标数据", "市甲局", 198),
        (2025, "任务进展", "市乙局", 198),
        (2025, "任务进展", "市乙局", 198),
        (2025, "指标数据", "西县", 198),
    ]
    rectifications = list(wb[RECTIFICATION_SHEET].iter_rows(values_only=True))
    assert [(r[2], r[3]) for r in rectifications[1:]] == [("工作台账不完整", "市乙局")]


@pytest.mark.skipif(tools_missing() is not None, reason=tools_missing() or "")
def test_the_demo_years_circular_is_at_most_six_pages(demo):
    pdf = docx_to_pdf(build_circular(demo["plan"], 2025))
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "circular-2025.pdf").write_bytes(pdf)
    info = subprocess.run(
        ["pdfinfo", str(ARTIFACTS / "circular-2025.pdf")], capture_output=True, text=True, check=True
    ).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    assert 1 <= pages <= 6


def test_the_dashboard_the_annual_report_and_the_circular_give_one_completeness(small):
    """Issue 24 #11: the annual report counted every year's items (681 due, 42 reported) where the circular counted
    the year's (497, 21). All three read collection.services.reporting_totals: 2025's items due by 1 July 2026 are
    10, 6 received, 4 on time (the fixture's table, counted by hand); the 2024 item stays out of all three."""
    from healthaction.reports.annual import AnnualReportData, build_annual_report
    from healthaction.reports.circular import circular_data
    from healthaction.web.queries import dashboard

    expected = {"due": 10, "received": 6, "on_time": 4, "completeness": 0.6, "timeliness": 0.4}
    assert circular_data(small, 2025, TODAY)["totals"] == expected
    assert AnnualReportData(small, 2025, as_of=TODAY).reporting == expected
    assert dashboard(small, 2025, today=TODAY)["reporting"] == expected
    report = docx.Document(io.BytesIO(build_annual_report(small, 2025, as_of=TODAY)))
    text = "\n".join(p.text for p in report.paragraphs)
    assert "截至2026年07月01日，2025年度应报送事项10项，已报送6项，报送完整率60.0%，按时报送率40.0%。" in text
