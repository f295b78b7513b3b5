"""Excel export of every indicator value with its status and explanation: one sheet per action, filters on;
then the annexes of the circular: every overdue due item and every overdue rectification, one row each."""

from __future__ import annotations

import datetime as dt
import re

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from healthaction.core.xlsx import safe_row, workbook_bytes
from healthaction.evaluation.models import EvaluationResult
from healthaction.inspections.services import overdue_findings
from healthaction.plans.models import Plan
from healthaction.reports.circular import KIND_WORDS, overdue_items

HEADERS = [
    "序号",
    "指标",
    "单位",
    "性质",
    "地区",
    "年份",
    "数值",
    "目标年份",
    "目标值",
    "按线性进度应达",
    "状态",
    "评估说明",
    "预测值",
    "预测可实现目标",
]
WIDTHS = [7, 36, 8, 8, 10, 7, 10, 9, 9, 12, 10, 70, 10, 12]


def _sheet_name(number: int, name: str, used: set[str]) -> str:
    clean = re.sub(r"[\[\]:*?/\\]", "", f"{number}.{name}")[:31]
    while clean in used:
        clean = clean[:29] + f"~{len(used)}"
    used.add(clean)
    return clean


OVERDUE_SHEET = "附表1 逾期未报事项"
OVERDUE_HEADERS = ["年度", "期别", "类别", "事项", "专项行动", "责任单位", "应报日期", "逾期天数"]
OVERDUE_WIDTHS = [7, 12, 10, 60, 24, 20, 12, 10]
RECTIFICATION_SHEET = "附表2 逾期未整改问题"
RECTIFICATION_HEADERS = ["督导轮次", "条目", "问题", "责任单位", "整改期限", "状态", "逾期天数"]
RECTIFICATION_WIDTHS = [30, 7, 60, 20, 12, 10, 10]


def _annex_sheet(wb, title: str, headers: list[str], widths: list[int], rows) -> None:
    ws = wb.create_sheet(title)
    ws.append(headers)
    for col, width in enumerate(widths, start=1):
        cell = ws.cell(row=1, column=col)
        cell.font, cell.fill = Font(bold=True), PatternFill("solid", fgColor="DDE7F0")
        ws.column_dimensions[cell.column_letter].width = width
    for row in rows:
        ws.append(row)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions


def _overdue_rows(plan: Plan, today: dt.date):
    items = (
        overdue_items(plan, today)
        .select_related("indicator__action", "task__action", "department", "org_unit")
        .order_by("year", "due_date", "pk")
    )
    for item in items.iterator(chunk_size=2000):
        subject = item.indicator or item.task
        action = subject.action if subject is not None else None
        what = item.indicator.name if item.indicator_id else item.task.content if item.task_id else ""
        yield [
            item.year,
            item.period_label,
            KIND_WORDS.get(item.kind, item.kind),
            what,
            action.name if action else "",
            (item.department or item.org_unit).name,
            item.due_date,
            (today - item.due_date).days,
        ]


def _rectification_rows(plan: Plan, today: dt.date):
    for f in overdue_findings(today, plan=plan):
        yield [
            f.visit.round.title,
            f.item.number,
            f.text,
            (f.department or f.org_unit).name,
            f.deadline,
            f.get_status_display(),
            (today - f.deadline).days,
        ]


def build_export(plan: Plan, today: dt.date | None = None) -> bytes:
    """Return an .xlsx with all results of a plan, one sheet per action (plan-level indicators on their own sheet),
    and the two annexes of the circular (overdue items, overdue rectifications) as of today."""
    today = today or dt.date.today()
    wb = Workbook()
    wb.remove(wb.active)
    results = (
        EvaluationResult.objects.filter(plan=plan)
        .select_related("indicator__action", "org_unit")
        .order_by("indicator__position", "org_unit__path", "year")
    )
    sheets, used = {}, set()
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDE7F0")

    def sheet_for(action):
        key = action.pk if action else None
        if key not in sheets:
            ws = wb.create_sheet(_sheet_name(action.number, action.name, used) if action else "方案总体指标")
            ws.append(HEADERS)
            for col, width in enumerate(WIDTHS, start=1):
                cell = ws.cell(row=1, column=col)
                cell.font, cell.fill = bold, fill
                ws.column_dimensions[cell.column_letter].width = width
            ws.freeze_panes = "C2"
            sheets[key] = ws
        return sheets[key]

    for action in plan.actions.order_by("number"):
        sheet_for(action)
    for r in results:
        ind = r.indicator
        sheet_for(ind.action).append(
            safe_row(
                [
                    ind.number,
                    ind.name,
                    ind.unit,
                    ind.get_nature_display(),
                    r.org_unit.name,
                    r.year,
                    r.qualitative or r.value,
                    r.target_year,
                    r.target_value,
                    None if r.expected is None else round(r.expected, 2),
                    r.get_status_display(),
                    r.explanation,
                    None if r.forecast is None else round(r.forecast, 2),
                    {True: "是", False: "否"}.get(r.forecast_met, ""),
                ]
            )
        )
    for ws in sheets.values():
        ws.auto_filter.ref = ws.dimensions
    _annex_sheet(wb, OVERDUE_SHEET, OVERDUE_HEADERS, OVERDUE_WIDTHS, _overdue_rows(plan, today))
    _annex_sheet(wb, RECTIFICATION_SHEET, RECTIFICATION_HEADERS, RECTIFICATION_WIDTHS, _rectification_rows(plan, today))
    return workbook_bytes(wb)
