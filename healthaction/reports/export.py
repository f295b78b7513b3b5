"""Excel export of every indicator value with its status and explanation: one sheet per action, filters on."""

from __future__ import annotations

import io
import re

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from healthaction.core.xlsx import safe_row
from healthaction.evaluation.models import EvaluationResult
from healthaction.plans.models import Plan

HEADERS = ["序号", "指标", "单位", "性质", "地区", "年份", "数值", "目标年份", "目标值", "按线性进度应达", "状态", "评估说明", "预测值", "预测可实现目标"]
WIDTHS = [7, 36, 8, 8, 10, 7, 10, 9, 9, 12, 10, 70, 10, 12]


def _sheet_name(number: int, name: str, used: set[str]) -> str:
    clean = re.sub(r"[\[\]:*?/\\]", "", f"{number}.{name}")[:31]
    while clean in used:
        clean = clean[:29] + f"~{len(used)}"
    used.add(clean)
    return clean


def build_export(plan: Plan) -> bytes:
    """Return an .xlsx with all results of a plan, one sheet per action (plan-level indicators on their own sheet)."""
    wb = Workbook()
    wb.remove(wb.active)
    results = EvaluationResult.objects.filter(plan=plan).select_related("indicator__action", "org_unit").order_by("indicator__position", "org_unit__path", "year")
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
        sheet_for(ind.action).append(safe_row([
            ind.number, ind.name, ind.unit, ind.get_nature_display(), r.org_unit.name, r.year,
            r.qualitative or r.value, r.target_year, r.target_value, None if r.expected is None else round(r.expected, 2),
            r.get_status_display(), r.explanation, None if r.forecast is None else round(r.forecast, 2),
            {True: "是", False: "否"}.get(r.forecast_met, ""),
        ]))
    for ws in sheets.values():
        ws.auto_filter.ref = ws.dimensions
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
