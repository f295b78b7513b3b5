"""The annual monitoring and evaluation report (年度监测评估报告) as .docx."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

from healthaction.collection.models import TaskReport
from healthaction.collection.services import completeness, reporting_totals
from healthaction.core.choices import TaskProgress, ValueStatus, lower_units_zh
from healthaction.evaluation import rules
from healthaction.evaluation.choices import EvaluationStatus
from healthaction.evaluation.models import AssessmentScore, EvaluationResult
from healthaction.inspections import services as inspection_services
from healthaction.inspections.models import Checklist, Finding, Round
from healthaction.plans.models import Plan
from healthaction.reports import charts, docx_style
from healthaction.reports.stage_summary import add_stage_summary

CN = "一二三四五六七八九十"
LAGGING = EvaluationStatus.LAGGING


def _zh() -> dict[str, str]:
    """Return the status labels as the Chinese report prints them."""
    return EvaluationStatus.labels_in("zh-hans")


KEY_TRENDS = 6


def cn_number(n: int) -> str:
    if n <= 10:
        return CN[n - 1]
    if n < 20:
        return "十" + (CN[n - 11] if n > 10 else "")
    tens, ones = divmod(n, 10)
    return CN[tens - 1] + "十" + (CN[ones - 1] if ones else "")


def targets_text(indicator) -> str:
    return indicator.targets_text() or "—"


def baseline_text(indicator) -> str:
    baseline = getattr(indicator, "baseline", None)
    if baseline is None:
        return "—"
    year = f"（{baseline.year}）" if baseline.year else ""
    return f"{baseline.raw_text or baseline.value}{year}"


def value_text(result) -> str:
    if result is None:
        return "—"
    if result.qualitative:
        return result.qualitative
    return "—" if result.value is None else f"{result.value:g}"


class AnnualReportData:
    """Everything the report shows, read once from the stored results; also numbers the figures and tables."""

    def __init__(self, plan: Plan, year: int, as_of: dt.date | None = None):
        self.plan, self.year = plan, year
        # the reporting figures count the year's items due by the end of the next June (or by `as_of`)
        self.as_of = as_of or dt.date(year + 1, 6, 30)
        self.figures = self.tables = 0
        self.actions = list(plan.actions.select_related("lead_department").order_by("number"))
        self.indicators = list(
            plan.indicators.select_related("baseline", "action").prefetch_related("targets").order_by("position")
        )
        self.units = [plan.org_unit, *plan.org_unit.children.order_by("code")]
        self.lower = lower_units_zh(plan.org_unit.level)  # 县（市、区） below a city, 市（州） below a province
        results = EvaluationResult.objects.filter(plan=plan, year__lte=year).select_related("org_unit")
        self.results = {(r.indicator_id, r.org_unit_id, r.year): r for r in results}
        self.city = {i.pk: self.results.get((i.pk, plan.org_unit_id, year)) for i in self.indicators}
        self.scores = list(
            AssessmentScore.objects.filter(plan=plan, year=year)
            .select_related("org_unit", "department")
            .order_by("rank")
        )
        self.reports = list(
            TaskReport.objects.filter(
                task__plan=plan, year=year, status__in=[ValueStatus.SUBMITTED, ValueStatus.APPROVED]
            ).select_related("task", "department", "org_unit")
        )
        self.completeness = completeness(plan, today=self.as_of, year=year)
        self.reporting = reporting_totals(plan, year, self.as_of)

    def figure(self, title: str) -> str:
        """Return the next figure caption (图1 …)."""
        self.figures += 1
        return f"图{self.figures}  {title}"

    def table(self, title: str) -> str:
        """Return the next table caption (表1 …)."""
        self.tables += 1
        return f"表{self.tables}  {title}"

    def status_counts(self, indicators) -> Counter:
        return Counter(self.city[i.pk].status if self.city[i.pk] else rules.NO_DATA for i in indicators)

    def by_action(self):
        groups = defaultdict(list)
        for ind in self.indicators:
            groups[ind.action_id].append(ind)
        return groups


def build_annual_report(plan: Plan, year: int, as_of: dt.date | None = None) -> bytes:
    """Return the annual monitoring and evaluation report of a plan for a year as .docx bytes.

    Each section is one call writing headings, paragraphs, captioned tables (docx_style.caption then docx_style.table, numbered by
    data.table()) and captioned charts (docx_style.picture with data.figure()); another section or subsection is one more call.
    """
    data = AnnualReportData(plan, year, as_of)
    doc = docx_style.new_document()
    _title_page(doc, data)
    _overview(doc, data)
    add_stage_summary(doc, plan, year, caption=data.table)
    _actions(doc, data)
    _counties(doc, data)
    _ranking(doc, data)
    _inspections(doc, data)
    _annex(doc, data)
    return docx_style.to_bytes(doc)


def _title_page(doc, data: AnnualReportData) -> None:
    for _ in range(4):
        doc.add_paragraph()
    doc.add_paragraph(data.plan.title, style="Title")
    doc.add_paragraph(f"{data.year}年度监测评估报告", style="Title")
    for _ in range(6):
        doc.add_paragraph()
    docx_style.paragraph(doc, data.plan.issuer or data.plan.org_unit.name, center=True, indent=False)
    docx_style.paragraph(doc, f"{dt.date.today():%Y年%m月%d日}", center=True, indent=False)
    doc.add_page_break()


def _overview(doc, data: AnnualReportData) -> None:
    doc.add_heading("一、总体情况", level=1)
    counts = data.status_counts(data.indicators)
    lagging = sum(counts[s] for s in LAGGING)
    zh = _zh()
    docx_style.paragraph(
        doc,
        (
            f"{data.plan.title}共设{len(data.actions)}项专项行动、{len(data.indicators)}项指标。{data.year}年监测结果显示，"
            f"{zh[rules.ACHIEVED]}{counts[rules.ACHIEVED]}项，{zh[rules.ON_TRACK]}{counts[rules.ON_TRACK]}项，"
            f"进度滞后（含{zh[rules.AT_RISK]}、{zh[rules.OFF_TRACK]}和{zh[rules.REGRESSING]}）{lagging}项，"
            f"未报送数据{counts[rules.NO_DATA]}项，不作评价{counts[rules.NOT_ASSESSABLE]}项。"
        ),
    )
    totals = data.reporting
    if totals["due"]:
        as_of = (
            f"{data.year + 1}年6月底" if data.as_of == dt.date(data.year + 1, 6, 30) else f"{data.as_of:%Y年%m月%d日}"
        )
        docx_style.paragraph(
            doc,
            f"截至{as_of}，{data.year}年度应报送事项{totals['due']}项，已报送{totals['received']}项，"
            f"报送完整率{totals['completeness']:.1%}，按时报送率{totals['timeliness']:.1%}。",
        )
    by_action = data.by_action()
    chart_rows = [(f"{a.number}.{a.name}", data.status_counts(by_action.get(a.pk, []))) for a in data.actions]
    docx_style.paragraph(doc, "各专项行动指标进展情况见图1。", indent=True).paragraph_format.keep_with_next = True
    docx_style.picture(doc, charts.status_bars(chart_rows), caption_text=data.figure("各专项行动指标进展情况"))
    key = [i for i in data.indicators if i.nature == "binding" and any(t.value is not None for t in i.targets.all())][
        :KEY_TRENDS
    ]
    if key:
        first = data.figures + 1
        docx_style.paragraph(
            doc,
            f"主要约束性指标的变化趋势见图{first}至图{first + len(key) - 1}（星号为目标值，虚线为按当前趋势的预测）。"
            if len(key) > 1
            else f"主要约束性指标的变化趋势见图{first}。",
        ).paragraph_format.keep_with_next = True
        pictures = []
        for ind in key:
            years = sorted({y for (i, u, y) in data.results if i == ind.pk and u == data.plan.org_unit_id})
            values = [data.results[(ind.pk, data.plan.org_unit_id, y)].value for y in years]
            baseline = getattr(ind, "baseline", None)
            last = data.city.get(ind.pk)
            forecast = (last.forecast_year, last.forecast) if last and last.forecast is not None else None
            png = charts.trend(
                ind.name,
                ind.unit,
                years,
                values,
                baseline.value if baseline else None,
                [(t.year, t.value) for t in ind.targets.all() if t.value is not None],
                forecast,
            )
            pictures.append((png, data.figure(f"{ind.name}（{ind.unit}）" if ind.unit else ind.name)))
        docx_style.pictures_side_by_side(doc, pictures)


def _actions(doc, data: AnnualReportData) -> None:
    doc.add_heading("二、各专项行动进展", level=1)
    by_action = data.by_action()
    reports_by_action = defaultdict(list)
    for report in data.reports:
        reports_by_action[report.task.action_id].append(report)
    for action in data.actions:
        doc.add_heading(f"（{cn_number(action.number)}）{action.name}", level=2)
        inds = by_action.get(action.pk, [])
        counts = data.status_counts(inds)
        lead = f"牵头部门：{action.lead_department.name}。" if action.lead_department else ""
        zh = _zh()
        docx_style.paragraph(
            doc,
            f"{lead}本行动共{len(inds)}项指标，{zh[rules.ACHIEVED]}{counts[rules.ACHIEVED]}项，{zh[rules.ON_TRACK]}{counts[rules.ON_TRACK]}项，"
            f"滞后{sum(counts[s] for s in LAGGING)}项，{zh[rules.NO_DATA]}{counts[rules.NO_DATA]}项。",
        )
        rows = []
        for ind in inds:
            result = data.city.get(ind.pk)
            rows.append(
                [
                    ind.number,
                    ind.name,
                    ind.unit or "—",
                    baseline_text(ind),
                    targets_text(ind),
                    value_text(result),
                    result.get_status_display() if result else _zh()[rules.NO_DATA],
                    result.explanation if result else "",
                ]
            )
        if rows:
            docx_style.caption(doc, data.table(f"{action.name}指标监测结果"))
            docx_style.table(
                doc,
                ["序号", "指标", "单位", "基期水平", "目标值", f"{data.year}年", "状态", "评估说明"],
                rows,
                widths=[0.9, 2.6, 0.9, 1.5, 2.0, 1.2, 1.2, 5.3],
                font_size=8,
            )
        reports = reports_by_action.get(action.pk, [])
        if reports:
            per_dept = defaultdict(Counter)
            for report in reports:
                per_dept[str(report.department or report.org_unit)][report.progress] += 1
            lines = [
                f"{name}报送{sum(c.values())}项，已完成{c[TaskProgress.DONE]}项、推进中{c[TaskProgress.IN_PROGRESS]}项、"
                f"未开始{c[TaskProgress.NOT_STARTED]}项、滞后{c[TaskProgress.DELAYED]}项"
                for name, c in sorted(per_dept.items())
            ]
            docx_style.paragraph(doc, "任务进展：" + "；".join(lines) + "。")
        else:
            docx_style.paragraph(doc, "任务进展：本年度尚无已报送的任务进展。")
        lagging = [
            (ind, data.city[ind.pk]) for ind in inds if data.city.get(ind.pk) and data.city[ind.pk].status in LAGGING
        ]
        delayed = [r for r in reports if r.progress == TaskProgress.DELAYED]
        if lagging or delayed:
            parts = [f"{ind.name}（{result.explanation.rstrip('。')}）" for ind, result in lagging]
            parts += [f"{r.department or r.org_unit}承担的“{r.task.content[:30]}”任务滞后" for r in delayed]
            docx_style.paragraph(doc, "滞后事项：" + "；".join(parts) + "。")


def _counties(doc, data: AnnualReportData) -> None:
    counties = data.units[1:]
    if not counties:
        return
    doc.add_heading(f"三、{data.lower}比较", level=1)
    rows = []
    for county in counties:
        counts = Counter(
            data.results[(i.pk, county.pk, data.year)].status
            for i in data.indicators
            if (i.pk, county.pk, data.year) in data.results
        )
        total = sum(counts.values())
        rows.append(
            [
                county.name,
                total,
                counts[rules.ACHIEVED],
                counts[rules.ON_TRACK],
                sum(counts[s] for s in LAGGING),
                counts[rules.NO_DATA],
                f"{(counts[rules.ACHIEVED] + counts[rules.ON_TRACK]) / total:.1%}" if total else "—",
            ]
        )
    docx_style.caption(doc, data.table(f"{data.year}年各{data.lower}指标进展情况"))
    zh = _zh()
    docx_style.table(
        doc,
        [data.lower, "指标数", zh[rules.ACHIEVED], zh[rules.ON_TRACK], "滞后", zh[rules.NO_DATA], "达标及正常比例"],
        rows,
        font_size=9,
    )
    scored = [s for s in data.scores if s.org_unit_id]
    if scored:
        docx_style.picture(
            doc,
            charts.county_scores([s.org_unit.name for s in scored], [s.score for s in scored]),
            width_cm=13,
            caption_text=data.figure(f"{data.year}年各{data.lower}约束性指标考核得分"),
        )


def _ranking(doc, data: AnnualReportData) -> None:
    doc.add_heading("四、约束性指标考核排名", level=1)
    units = [s for s in data.scores if s.org_unit_id]
    departments = [s for s in data.scores if s.department_id]
    if not units and not departments:
        docx_style.paragraph(doc, "本年度尚无考核结果。")
        return
    zh = _zh()
    docx_style.paragraph(
        doc, f"考核以约束性指标为对象，{zh[rules.ACHIEVED]}得全部权重分、{zh[rules.ON_TRACK]}得一半权重分，满分100分。"
    )
    if units:
        docx_style.caption(doc, data.table(f"{data.year}年各{data.lower}考核排名"))
        docx_style.table(
            doc,
            ["排名", data.lower, "得分", zh[rules.ACHIEVED], zh[rules.ON_TRACK]],
            [
                [
                    s.rank,
                    s.org_unit.name,
                    f"{s.score:.2f}",
                    sum(1 for c in s.contributions if c["status"] == rules.ACHIEVED),
                    sum(1 for c in s.contributions if c["status"] == rules.ON_TRACK),
                ]
                for s in units
            ],
            font_size=9,
        )
    if departments:
        docx_style.caption(doc, data.table(f"{data.year}年牵头部门考核排名"))
        docx_style.table(
            doc,
            ["排名", "部门", "得分", "考核指标数"],
            [
                [s.rank, s.department.name, f"{s.score:.2f}", sum(1 for c in s.contributions if not c.get("component"))]
                for s in departments
            ],
            font_size=9,
        )


def _inspections(doc, data: AnnualReportData) -> None:
    """Section five: the year's supervision rounds (scores, findings, rectification) and healthy-cell rounds (units meeting the norm)."""
    doc.add_heading("五、专项督导与健康细胞建设", level=1)
    rounds = list(Round.objects.filter(plan=data.plan, year=data.year).select_related("checklist").order_by("starts"))
    if not rounds:
        docx_style.paragraph(doc, "本年度未开展专项督导和健康细胞评估。")
        return
    today = dt.date.today()
    for rnd in rounds:
        visits = list(
            rnd.visits.select_related("org_unit", "department")
            .prefetch_related("scores", "findings")
            .order_by("org_unit__path", "department__name")
        )
        if rnd.checklist.kind == Checklist.SUPERVISION:
            findings = [f for v in visits for f in v.findings.all()]
            verified = sum(f.status == Finding.VERIFIED for f in findings)
            overdue = sum(f.status != Finding.VERIFIED and f.deadline < today for f in findings)
            signed = [v for v in visits if v.signed_off_at]
            docx_style.paragraph(
                doc,
                f"{rnd.title}（{rnd.starts:%m月%d日}至{rnd.ends:%m月%d日}）共检查{len(visits)}个对象，已签认{len(signed)}个；"
                f"发现问题{len(findings)}项，已整改验收{verified}项，逾期未整改{overdue}项。",
            )
            docx_style.caption(doc, data.table(f"{rnd.title}检查结果"))
            docx_style.table(
                doc,
                ["被检查对象", "得分", "发现问题", "已验收", "状态"],
                [
                    [
                        (v.org_unit or v.department).name,
                        f"{inspection_services.visit_total(v):g}",
                        len(v.findings.all()),
                        sum(f.status == Finding.VERIFIED for f in v.findings.all()),
                        "已签认" if v.signed_off_at else "检查中",
                    ]
                    for v in visits
                ],
                font_size=9,
            )
        else:
            results = inspection_services.healthy_cell_results(rnd)
            meeting = sum(r["meets"] for r in results["rows"])
            share = f"{results['share']:.1f}%" if results["share"] is not None else "—"
            docx_style.paragraph(
                doc,
                f"{rnd.title}按《{rnd.checklist.title}》（满分{rnd.checklist.max_points():g}分，{rnd.checklist.pass_mark:g}分及以上为达标）评估{len(visits)}个单位，"
                f"达标{meeting}个，达标比例{share}。",
            )
            if results["per_county"]:
                docx_style.caption(doc, data.table(f"{rnd.title}各{data.lower}达标单位数"))
                docx_style.table(
                    doc,
                    [data.lower, "达标单位数"],
                    [[name, n] for name, n in sorted(results["per_county"].items(), key=lambda kv: -kv[1])],
                    font_size=9,
                )


def _annex(doc, data: AnnualReportData) -> None:
    doc.add_page_break()
    doc.add_heading("附件1  全部指标监测结果", level=1)
    docx_style.caption(doc, data.table(f"{data.year}年全部指标监测结果"))
    rows = []
    zh = _zh()
    for ind in data.indicators:
        result = data.city.get(ind.pk)
        rows.append(
            [
                ind.number,
                ind.name,
                ind.get_nature_display() or "—",
                ind.unit or "—",
                baseline_text(ind),
                targets_text(ind),
                value_text(result),
                zh[result.status if result else rules.NO_DATA],
            ]
        )
    docx_style.table(
        doc,
        ["序号", "指标", "性质", "单位", "基期水平", "目标值", f"{data.year}年", "状态"],
        rows,
        widths=[1.0, 4.6, 1.2, 1.2, 1.8, 3.0, 1.4, 1.6],
        font_size=8,
    )
    counties = data.units[1:]
    if counties:
        doc.add_heading(f"附件2  各{data.lower}{data.year}年指标值", level=1)
        docx_style.caption(doc, data.table(f"各{data.lower}{data.year}年指标值"))
        rows = [
            [ind.number, ind.name] + [value_text(data.results.get((ind.pk, c.pk, data.year))) for c in counties]
            for ind in data.indicators
        ]
        docx_style.table(doc, ["序号", "指标"] + [c.name for c in counties], rows, font_size=7)
