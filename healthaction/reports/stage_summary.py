"""The stage-target subsection of the annual report: what became of the targets of the latest target year."""

from healthaction.core.choices import lower_units_zh
from healthaction.evaluation import rules as R
from healthaction.evaluation.choices import Verdict
from healthaction.evaluation.models import TargetVerdict
from healthaction.evaluation.services import stage_summaries, stage_years
from healthaction.plans.models import Plan
from healthaction.reports import docx_style as S


def add_stage_summary(doc, plan: Plan, year: int, caption=None) -> None:
    """Add the verdicts of the latest target year up to `year` (nothing when no target year has come yet).

    `caption(title)` numbers the table the way the report numbers its others (表N …)."""
    years = [y for y in stage_years(plan) if y <= year]
    if not years:
        return
    stages = stage_summaries(plan, years[0])
    doc.add_heading(f"{years[0]}年阶段性目标完成情况", level=3)
    S.paragraph(doc, stages["plan"].text + "。")
    missed = TargetVerdict.objects.filter(
        plan=plan, org_unit=plan.org_unit, target_year=years[0], verdict=R.VERDICT_MISSED
    ).order_by("indicator__position")
    if missed:
        S.paragraph(
            doc,
            "未实现的目标："
            + "；".join(
                f"{v.indicator.name}（目标{v.target_text}，实际{v.value:g}）"
                if v.value is not None
                else f"{v.indicator.name}（目标{v.target_text}）"
                for v in missed.select_related("indicator")
            )
            + "。",
        )
    if stages["counties"]:
        if caption is not None:
            S.caption(doc, caption(f"{years[0]}年各{lower_units_zh(plan.org_unit.level)}阶段性目标完成情况"))
        S.table(
            doc,
            [lower_units_zh(plan.org_unit.level), *Verdict.labels_in("zh-hans").values()],
            [[s.name, *[s.count(code) for code in Verdict.values]] for s in stages["counties"]],
        )
