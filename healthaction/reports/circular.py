"""The supervision circular (通报): overdue reports and off-track binding indicators, by department and by county."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from healthaction.collection.models import DueItem
from healthaction.evaluation import rules as R
from healthaction.evaluation.models import EvaluationResult
from healthaction.plans.models import Plan
from healthaction.reports import docx_style as S

LAGGING = (R.OFF_TRACK, R.REGRESSING)


def circular_data(plan: Plan, year: int, today: dt.date) -> dict:
    overdue = DueItem.objects.counting().filter(plan=plan, received_at__isnull=True, due_date__lt=today).select_related("department", "org_unit", "indicator", "task")
    by_department, by_county = defaultdict(list), defaultdict(list)
    for item in overdue.order_by("due_date"):
        what = item.indicator.name if item.indicator_id else item.task.content[:40]
        entry = f"{what}（{item.period_label}，应于{item.due_date:%Y年%m月%d日}前报送）"
        (by_department[item.department.name] if item.department_id else by_county[item.org_unit.name]).append(entry)
    lagging = EvaluationResult.objects.filter(plan=plan, year=year, status__in=LAGGING, indicator__nature="binding").select_related("indicator__action__lead_department", "org_unit")
    off_department, off_county = defaultdict(list), defaultdict(list)
    for result in lagging.order_by("indicator__position"):
        entry = f"{result.indicator.name}：{result.explanation}"
        if result.org_unit_id == plan.org_unit_id:
            lead = result.indicator.action.lead_department if result.indicator.action else None
            off_department[lead.name if lead else plan.org_unit.name].append(entry)
        else:
            off_county[result.org_unit.name].append(entry)
    from healthaction.inspections.services import ancestor, overdue_findings

    rect_department, rect_county = defaultdict(list), defaultdict(list)
    for finding in overdue_findings(today, plan=plan):
        entry = f"{finding.visit.round.title}第{finding.item.number}项：{finding.text[:60]}（{finding.get_status_display()}，整改期限{finding.deadline:%Y年%m月%d日}）"
        if finding.department_id:
            rect_department[finding.department.name].append(entry)
        else:  # a community's or a school's finding is listed under its county
            unit = finding.org_unit
            rect_county[(ancestor(unit, "county") or unit).name].append(f"{unit.name}：{entry}" if unit.level != "county" else entry)
    return {"overdue_department": dict(by_department), "overdue_county": dict(by_county), "lagging_department": dict(off_department), "lagging_county": dict(off_county),
            "rectification_department": dict(rect_department), "rectification_county": dict(rect_county)}


def build_circular(plan: Plan, year: int, today: dt.date | None = None) -> bytes:
    """Return the circular on who is late or lagging, as .docx bytes."""
    today = today or dt.date.today()
    data = circular_data(plan, year, today)
    doc = S.new_document()
    doc.add_paragraph(f"关于{data_title(plan)}{year}年度报送和推进情况的通报", style="Title")
    S.paragraph(doc, "各县（市、区）推进办，各有关部门：", indent=False)
    overdue_total = sum(len(v) for v in data["overdue_department"].values()) + sum(len(v) for v in data["overdue_county"].values())
    lagging_total = sum(len(v) for v in data["lagging_department"].values()) + sum(len(v) for v in data["lagging_county"].values())
    rectification_total = sum(len(v) for v in data["rectification_department"].values()) + sum(len(v) for v in data["rectification_county"].values())
    S.paragraph(doc, f"截至{today:%Y年%m月%d日}，共有{overdue_total}项报送事项逾期未报，{lagging_total}项约束性指标进度严重滞后或退步，{rectification_total}项督导发现问题逾期未完成整改。现将有关情况通报如下。")
    sections = [
        ("一、逾期未报送情况（按部门）", data["overdue_department"]),
        ("二、逾期未报送情况（按县市区）", data["overdue_county"]),
        ("三、约束性指标滞后情况（按部门）", data["lagging_department"]),
        ("四、约束性指标滞后情况（按县市区）", data["lagging_county"]),
        ("五、督导问题逾期未整改情况（按部门）", data["rectification_department"]),
        ("六、督导问题逾期未整改情况（按县市区）", data["rectification_county"]),
    ]
    for heading, groups in sections:
        doc.add_heading(heading, level=1)
        if not groups:
            S.paragraph(doc, "无。")
            continue
        for name, entries in sorted(groups.items(), key=lambda kv: -len(kv[1])):
            doc.add_heading(f"{name}（{len(entries)}项）", level=3)
            for entry in entries[:50]:
                S.paragraph(doc, f"· {entry}")
            if len(entries) > 50:
                S.paragraph(doc, f"另有{len(entries) - 50}项，详见系统待办清单。")
    S.paragraph(doc, "请有关单位对照通报内容，于15个工作日内完成补报和整改，并将整改情况报推进办。")
    S.paragraph(doc, plan.issuer or plan.org_unit.name, indent=False).alignment = 2
    return S.to_bytes(doc)


def data_title(plan: Plan) -> str:
    return plan.title.removesuffix("实施方案").strip("《》") or plan.title
