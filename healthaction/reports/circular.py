"""The circular (通报) as such circulars are written: a ranked summary, the named laggards, overdue rectifications
and a short paragraph per unit that lags. The item-by-item list is an annex sheet of the Excel export, never here:
a new plan can have thousands of overdue items and the circular must stay a few pages whatever their number.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from healthaction.collection.models import DueItem
from healthaction.collection.services import completeness, lower_plan_completeness, reporting_totals
from healthaction.core.choices import DueKind, lower_units_zh
from healthaction.evaluation import rules
from healthaction.evaluation.choices import EvaluationStatus
from healthaction.evaluation.models import EvaluationResult
from healthaction.inspections.services import ancestor, overdue_findings
from healthaction.plans.models import Plan
from healthaction.reports import docx_style

LAGGING = EvaluationStatus.SERIOUSLY_LAGGING
DETAIL_UNITS = 5  # the worst units get a paragraph each; the rest are named with counts in the summary
NAMES_PER_LINE = 3  # indicators or findings named in a unit's paragraph before "等N项"
KIND_WORDS = {
    DueKind.INDICATOR_VALUE: "指标数据",
    DueKind.TASK_PROGRESS: "任务进展",
}  # the circular is written in Chinese


@dataclass
class UnitRecord:
    """What the circular says about one department or county."""

    name: str
    kind: str  # "department" or "county"
    due: int = 0
    received: int = 0
    on_time: int = 0
    overdue: Counter = field(default_factory=Counter)  # DueKind → count
    overdue_actions: Counter = field(default_factory=Counter)  # action name → count
    lagging: list = field(default_factory=list)  # (indicator name, status label)
    rectifications: list = field(default_factory=list)  # (finding text, deadline)

    @property
    def overdue_total(self) -> int:
        return sum(self.overdue.values())

    @property
    def completeness(self) -> float | None:
        return self.received / self.due if self.due else None

    @property
    def timeliness(self) -> float | None:
        return self.on_time / self.due if self.due else None

    @property
    def weight(self) -> tuple:
        """Order of the detail paragraphs: most problems first."""
        return (-(self.overdue_total + len(self.lagging) + len(self.rectifications)), self.name)


def _lagging_words() -> str:
    """Return "<off track> or <regressing>" in the report's Chinese, from the one status vocabulary."""
    zh = EvaluationStatus.labels_in("zh-hans")
    return f"{zh[rules.OFF_TRACK]}或{zh[rules.REGRESSING]}"


def overdue_items(plan: Plan, today: dt.date):
    """Due items of a plan past their date and not received (the one definition the circular and its annex share)."""
    return DueItem.objects.counting().filter(
        plan=plan, received_at__isnull=True, due_date__lt=today
    )  # history never counts


def circular_data(plan: Plan, year: int, today: dt.date) -> dict:
    """Return the circular's figures for a reporting year: records per department and county, and totals."""
    units: dict[tuple[str, str], UnitRecord] = {}

    def record(kind: str, name: str) -> UnitRecord:
        return units.setdefault((kind, name), UnitRecord(name=name, kind=kind))

    rows = completeness(plan, today=today, year=year)
    # a lower unit running its own plan that implements this one reports there: its figures come from that plan
    lower = lower_plan_completeness(plan, today=today, year=year)
    rows["org_unit"] = rows["org_unit"] + lower
    totals = reporting_totals(plan, year, today)
    if lower:  # the totals still agree with the sum of the tables
        for key in ("due", "received", "on_time"):
            totals[key] += sum(row[key] for row in lower)
        totals["completeness"] = totals["received"] / totals["due"] if totals["due"] else None
        totals["timeliness"] = totals["on_time"] / totals["due"] if totals["due"] else None
    for kind, group in (("department", "department"), ("county", "org_unit")):
        for row in rows[group]:
            r = record(kind, row["name"])
            r.due, r.received, r.on_time = r.due + row["due"], r.received + row["received"], r.on_time + row["on_time"]
    overdue = (
        overdue_items(plan, today)
        .filter(year=year)
        .select_related("department", "org_unit", "indicator__action", "task__action")
    )
    for item in overdue:
        r = record("department", item.department.name) if item.department_id else record("county", item.org_unit.name)
        r.overdue[item.kind] += 1
        action = item.indicator.action if item.indicator_id else item.task.action if item.task_id else None
        if action is not None:
            r.overdue_actions[action.name] += 1
    earlier = overdue_items(plan, today).filter(year__lt=year).count()
    lagging = (
        EvaluationResult.objects.filter(plan=plan, year=year, status__in=LAGGING, indicator__nature="binding")
        .select_related("indicator__action__lead_department", "org_unit")
        .order_by("indicator__position")
    )
    for result in lagging:
        if result.org_unit_id == plan.org_unit_id:
            lead = result.indicator.action.lead_department if result.indicator.action else None
            r = record("department", lead.name) if lead else record("county", plan.org_unit.name)
        else:
            r = record("county", (ancestor(result.org_unit, "county") or result.org_unit).name)
        r.lagging.append((result.indicator.name, result.get_status_display()))
    for finding in overdue_findings(today, plan=plan):
        if finding.department_id:
            r = record("department", finding.department.name)
        else:  # a community's or a school's finding is counted under its county
            r = record("county", (ancestor(finding.org_unit, "county") or finding.org_unit).name)
        r.rectifications.append((finding.text, finding.deadline))
    records = list(units.values())
    return {
        "departments": ranked([r for r in records if r.kind == "department" and r.due]),
        "counties": ranked([r for r in records if r.kind == "county" and r.due]),
        "records": records,
        "totals": totals,
        "overdue_total": sum(r.overdue_total for r in records),
        "earlier_overdue": earlier,
        "lagging_total": sum(len(r.lagging) for r in records),
        "rectification_total": sum(len(r.rectifications) for r in records),
    }


def ranked(records: list[UnitRecord]) -> list[UnitRecord]:
    """Best first: completeness, then timeliness, then name (a stable order for ties)."""
    return sorted(records, key=lambda r: (-(r.completeness or 0), -(r.timeliness or 0), r.name))


def _pct(share: float | None) -> str:
    return "—" if share is None else f"{share * 100:.1f}%"


def _names(pairs: list[tuple[str, int]]) -> str:
    return "、".join(f"{name}（{n}项）" for name, n in pairs)


def _some(names: list[str], total: int, measure: str = "项") -> str:
    shown = "、".join(names[:NAMES_PER_LINE])
    return f"{shown}等{total}{measure}" if total > NAMES_PER_LINE else shown


def build_circular(plan: Plan, year: int, today: dt.date | None = None) -> bytes:
    """Return the circular on reporting and progress in a year, as .docx bytes."""
    today = today or dt.date.today()
    data = circular_data(plan, year, today)
    doc = docx_style.new_document()
    doc.add_paragraph(f"关于{data_title(plan)}{year}年度报送和推进情况的通报", style="Title")
    lower = lower_units_zh(plan.org_unit.level)  # the units one level below: 县（市、区） under a city
    docx_style.paragraph(doc, f"各{lower}推进办，各有关部门：", indent=False)
    docx_style.paragraph(doc, _opening(data, year, today))
    _reporting_section(doc, data, year, lower)
    rectifying = _named_units_section(doc, data)
    _rectification_section(doc, data, rectifying)
    _details_section(doc, data, year)
    doc.add_heading("五、工作要求", level=1)
    docx_style.paragraph(
        doc,
        "请被通报的单位对照通报内容，于15个工作日内完成补报和整改，并将整改情况报推进办。"
        "各单位要落实专人负责报送工作，按时、完整、准确报送指标数据和任务进展。",
    )
    signature = docx_style.paragraph(doc, plan.issuer or plan.org_unit.name, indent=False)
    signature.alignment = 2
    signature.paragraph_format.space_before = docx_style.Pt(28)  # a blank line above the signature
    docx_style.paragraph(doc, f"{today:%Y年%m月%d日}", indent=False).alignment = 2
    return docx_style.to_bytes(doc)


def _opening(data: dict, year: int, today: dt.date) -> str:
    """The opening paragraph: the year's items due, received and on time, then the three counts the circular names."""
    totals = data["totals"]
    due, received, on_time = totals["due"], totals["received"], totals["on_time"]
    opening = (
        f"截至{today:%Y年%m月%d日}，{year}年度应报送事项{due}项，已报送{received}项，"
        if due
        else f"截至{today:%Y年%m月%d日}，"
    )
    if due:
        opening += f"报送完整率{_pct(received / due)}，按时报送率{_pct(on_time / due)}；"
    opening += (
        f"逾期未报{data['overdue_total']}项，约束性指标进度{_lagging_words()}{data['lagging_total']}项，"
        f"督导发现问题逾期未整改{data['rectification_total']}项。现将有关情况通报如下。"
    )
    return opening


def _reporting_section(doc, data: dict, year: int, lower: str) -> None:
    """Part one: the reporting rates of the departments (table 1) and of the units one level below (table 2)."""
    doc.add_heading("一、报送总体情况", level=1)
    docx_style.paragraph(
        doc,
        f"各部门、各{lower}报送完整率和按时报送率见表1、表2，按报送完整率从高到低排列，完整率相同的按按时报送率排列。",
    )
    headers = ["排名", "{unit}", "应报", "已报", "按时", "逾期未报", "完整率", "按时率"]
    widths = [1.2, 4.6, 1.4, 1.4, 1.4, 1.8, 1.7, 1.7]
    for number, (label, group) in enumerate((("部门", data["departments"]), (lower, data["counties"])), start=1):
        if not group:
            continue
        docx_style.caption(doc, f"表{number}  {year}年度各{label}报送情况")
        docx_style.table(
            doc,
            [h.format(unit=label) for h in headers],
            [
                [k, r.name, r.due, r.received, r.on_time, r.overdue_total, _pct(r.completeness), _pct(r.timeliness)]
                for k, r in enumerate(group, start=1)
            ],
            widths=widths,
            font_size=10,
        )
    if data["earlier_overdue"]:
        docx_style.paragraph(
            doc, f"此外，以前年度仍有{data['earlier_overdue']}项报送事项逾期未报，请有关单位一并补报。"
        )


def _named_units_section(doc, data: dict) -> list[UnitRecord]:
    """Part two: the units named for late items, lagging binding indicators and overdue rectifications.

    Return the units with overdue rectifications, most first, for part three.
    """
    doc.add_heading("二、通报的单位", level=1)
    late = sorted((r for r in data["records"] if r.overdue_total), key=lambda r: (-r.overdue_total, r.name))
    behind = sorted((r for r in data["records"] if r.lagging), key=lambda r: (-len(r.lagging), r.name))
    docx_style.paragraph(
        doc,
        "（一）有逾期未报事项的单位：" + (_names([(r.name, r.overdue_total) for r in late]) + "。" if late else "无。"),
    )
    docx_style.paragraph(
        doc,
        f"（二）约束性指标进度{_lagging_words()}的单位："
        + (_names([(r.name, len(r.lagging)) for r in behind]) + "。" if behind else "无。"),
    )
    rectifying = sorted(
        (r for r in data["records"] if r.rectifications), key=lambda r: (-len(r.rectifications), r.name)
    )
    docx_style.paragraph(
        doc,
        "（三）督导发现问题逾期未整改的单位："
        + (_names([(r.name, len(r.rectifications)) for r in rectifying]) + "。" if rectifying else "无。"),
    )
    return rectifying


def _rectification_section(doc, data: dict, rectifying: list[UnitRecord]) -> None:
    """Part three: the overdue rectifications by unit (table 3), or a line saying there are none."""
    doc.add_heading("三、督导问题整改情况", level=1)
    if not rectifying:
        docx_style.paragraph(doc, "督导发现的问题均在整改期限内或已整改验收。")
        return
    docx_style.paragraph(
        doc, f"督导发现的问题中，有{data['rectification_total']}项已过整改期限仍未完成整改验收，分布见表3。"
    )
    docx_style.caption(doc, "表3  督导发现问题逾期未整改情况")
    docx_style.table(
        doc,
        ["单位", "逾期未整改", "最早整改期限"],
        [[r.name, len(r.rectifications), f"{min(d for _t, d in r.rectifications):%Y年%m月%d日}"] for r in rectifying],
        widths=[6.0, 3.0, 4.5],
        font_size=10,
    )


def _details_section(doc, data: dict, year: int) -> None:
    """Part four: a short paragraph for each of the first DETAIL_UNITS units named, heaviest first."""
    doc.add_heading("四、有关单位具体情况", level=1)
    detailed = sorted(
        (r for r in data["records"] if r.overdue_total or r.lagging or r.rectifications), key=lambda r: r.weight
    )
    if not detailed:
        docx_style.paragraph(doc, "无。")
    for k, r in enumerate(detailed[:DETAIL_UNITS], start=1):
        doc.add_heading(f"（{_cn(k)}）{r.name}", level=2)
        docx_style.paragraph(doc, "".join(_unit_lines(r, year)))  # one paragraph a unit: a few lines, never a list
    if len(detailed) > DETAIL_UNITS:
        docx_style.paragraph(
            doc, f"其余{len(detailed) - DETAIL_UNITS}个单位的情况见第二部分，逐项清单见Excel导出的附表。"
        )
    else:
        docx_style.paragraph(doc, "逐项清单见Excel导出的附表。")


def _unit_lines(r: UnitRecord, year: int) -> list[str]:
    """At most three short sentences: reporting, binding indicators, rectification (never one line per item)."""
    lines = []
    if r.overdue_total:
        kinds = "，".join(f"{KIND_WORDS[kind]}{n}项" for kind, n in sorted(r.overdue.items()))
        actions = _names(r.overdue_actions.most_common(NAMES_PER_LINE))
        more = "等" if len(r.overdue_actions) > NAMES_PER_LINE else ""
        lines.append(
            f"报送：{year}年度应报{r.due}项，逾期未报{r.overdue_total}项（{kinds}），主要涉及{actions}{more}。"
        )
    if r.lagging:
        named = [f"{name}（{status}）" for name, status in r.lagging]
        lines.append(f"约束性指标：{_some(named, len(r.lagging))}进度{_lagging_words()}。")
    if r.rectifications:
        kinds = Counter(
            text.rstrip("。")[:24] for text, _d in r.rectifications
        )  # the same problem found at several places
        named = [f"{text}（{n}项）" if n > 1 else text for text, n in kinds.most_common()]
        lines.append(f"督导整改：{_some(named, len(kinds), '类')}问题逾期未整改，共{len(r.rectifications)}项。")
    return lines


def _cn(n: int) -> str:
    digits = "一二三四五六七八九十"
    return digits[n - 1] if n <= 10 else f"{n}"


def data_title(plan: Plan) -> str:
    return plan.title.removesuffix("实施方案").strip("《》") or plan.title
