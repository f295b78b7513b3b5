"""Read models for the pages: everything comes from stored results, nothing is recomputed on a request."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, F, Max, OuterRef, Q

from healthaction.catalogue import services as catalogue_services
from healthaction.catalogue.choices import CompareFlag
from healthaction.catalogue.models import IndicatorMatch, MatchStatus
from healthaction.catalogue.services import rule
from healthaction.collection.models import DueItem, IndicatorValue, Revision, TaskReport, period_text
from healthaction.collection.services import completeness_by_plan, reporting_totals
from healthaction.core.choices import ChartSeries, DueKind, PlanStatus, TaskProgress, ValueStatus
from healthaction.evaluation import rules
from healthaction.evaluation.choices import EvaluationStatus
from healthaction.evaluation.models import AssessmentScore, EvaluationResult, EvaluationSummary, TargetVerdict
from healthaction.evaluation.services import StageSummary
from healthaction.plans import links as plan_links
from healthaction.plans.models import Indicator, Plan, Target, targets_text

LAGGING = EvaluationStatus.LAGGING  # worst first: the order of the "most lagging" list


def summary(plan: Plan):
    """The plan's stored evaluation summary, read once per plan object (a page asks for it several times)."""
    if not hasattr(plan, "_evaluation_summary"):
        plan._evaluation_summary = EvaluationSummary.objects.filter(plan=plan).first()
    return plan._evaluation_summary


def latest_year(plan: Plan) -> int | None:
    """Return the latest year with a substantial share of data, as stored by the last evaluation."""
    s = summary(plan)
    return s.latest_year if s else None


def result_years(plan: Plan) -> list[int]:
    s = summary(plan)
    return s.years if s else []


def dashboard(plan: Plan, year: int | None, today: dt.date | None = None) -> dict:
    actions = list(plan.actions.order_by("number"))
    results = (
        list(EvaluationResult.objects.filter(plan=plan, year=year, org_unit=plan.org_unit).select_related("indicator"))
        if year
        else []
    )
    per_action = defaultdict(Counter)
    for r in results:
        per_action[r.indicator.action_id][r.status] += 1
    totals = Counter(r.status for r in results)
    binding = [r for r in results if r.indicator.nature == "binding"]
    today = today or dt.date.today()
    overdue = DueItem.objects.counting().filter(plan=plan, received_at__isnull=True, due_date__lt=today).count()
    reporting = reporting_totals(plan, year, today) if year else None
    lagging = sorted(
        (r for r in results if r.status in LAGGING),
        key=lambda r: (LAGGING.index(r.status), r.ratio if r.ratio is not None else 0),
    )[:10]
    latest = list(
        IndicatorValue.objects.filter(indicator__plan=plan, submitted_at__isnull=False)
        .exclude(status=ValueStatus.DRAFT)
        .select_related("indicator", "org_unit", "submitted_by")
        .order_by("-submitted_at")[:10]
    )
    chart = {
        "actions": [f"{a.number}.{a.name}" for a in actions],
        "series": [
            {
                "status": s,
                "name": EvaluationStatus.label(s),
                "color": EvaluationStatus.color(s),
                "data": [per_action[a.pk].get(s, 0) for a in actions],
            }
            for s in rules.STATUSES
        ],
    }
    return {
        "year": year,
        "totals": {s: totals.get(s, 0) for s in rules.STATUSES},
        "indicator_count": len(results),
        "binding_met": sum(1 for r in binding if r.status == rules.ACHIEVED),
        "binding_count": len(binding),
        "overdue": overdue,
        "reporting": reporting,
        "completeness": reporting["completeness"] if reporting else None,
        "lagging": lagging,
        "latest": latest,
        "chart": chart,
    }


def indicator_page(indicator: Indicator, year: int | None, user=None) -> dict:
    plan = indicator.plan
    units = [plan.org_unit, *plan.org_unit.children.order_by("code")]
    results = list(EvaluationResult.objects.filter(indicator=indicator).select_related("org_unit").order_by("year"))
    by_unit = defaultdict(dict)
    for r in results:
        by_unit[r.org_unit_id][r.year] = r
    years = sorted({r.year for r in results})
    city = by_unit.get(plan.org_unit_id, {})
    baseline = getattr(indicator, "baseline", None)
    targets = list(indicator.targets.all())
    current = city.get(year) if year else None
    chart = {
        "name": indicator.name,
        "unit": indicator.unit,
        "years": years
        + ([current.forecast_year] if current and current.forecast_year and current.forecast_year not in years else []),
        "values": [city[y].value if y in city else None for y in years],
        "baseline": baseline.value if baseline else None,
        "targets": [[t.year, t.value] for t in targets if t.value is not None],
        "forecast": [[years[-1], city[years[-1]].value], [current.forecast_year, current.forecast]]
        if current
        and current.forecast is not None
        and years
        and city.get(years[-1])
        and city[years[-1]].value is not None
        else [],
        # the chart's words and colours travel with its data, in the reader's language (charts.js holds neither)
        "series": ChartSeries.for_chart(),
    }
    grid = [{"unit": u, "result": by_unit.get(u.pk, {}).get(year)} for u in units]
    values = list(
        IndicatorValue.objects.filter(indicator=indicator, org_unit__in=units)
        .select_related("org_unit", "approved_by", "submitted_by")
        .order_by("org_unit__path", "-year")[:80]
    )
    revisions = defaultdict(list)
    value_type = ContentType.objects.get_for_model(IndicatorValue)
    for revision in (
        Revision.objects.filter(content_type=value_type, object_id__in=[v.pk for v in values])
        .select_related("user")
        .order_by("pk")
    ):
        revisions[revision.object_id].append(revision)
    for v in values:
        v.revision_list = revisions.get(v.pk, [])
    return {
        "units": units,
        "years": years,
        "chart": chart,
        "grid": grid,
        "by_unit": by_unit,
        "current": current,
        "targets": targets,
        "baseline": baseline,
        "values": values,
        "revisions": dict(revisions),
    }


def comparison(plan: Plan, year: int | None, sort: str | None = None) -> dict:
    counties = list(plan.org_unit.children.order_by("code"))
    indicators = list(plan.indicators.order_by("position"))
    by_pk = {ind.pk: ind for ind in indicators}
    results = {}
    for r in EvaluationResult.objects.filter(plan=plan, year=year, org_unit__in=counties) if year else []:
        r.indicator = by_pk[r.indicator_id]  # the cell's title names its indicator: no query per cell
        results[(r.indicator_id, r.org_unit_id)] = r
    rows = []
    for county in counties:
        cells = [results.get((ind.pk, county.pk)) for ind in indicators]
        counts = Counter(c.status for c in cells if c)
        share = (counts[rules.ACHIEVED] + counts[rules.ON_TRACK]) / len(cells) if cells else 0
        rows.append({"unit": county, "cells": cells, "counts": counts, "share": share})
    if sort == "share":
        rows.sort(key=lambda r: -r["share"])
    elif sort and sort.isdigit():
        index = next((k for k, ind in enumerate(indicators) if ind.pk == int(sort)), None)
        if index is not None:
            order = {s: k for k, s in enumerate(rules.STATUSES)}
            rows.sort(key=lambda r: order.get(r["cells"][index].status, 99) if r["cells"][index] else 99)
    return {"counties": counties, "indicators": indicators, "rows": rows}


def task_board(plan: Plan, department=None, action=None, progress=None, tasks=None) -> list[dict]:
    """Return the plan's tasks with each department's latest report; `tasks` is an already filtered queryset
    (the page's TaskFilterSet), else `action` and `department` filter here."""
    today = dt.date.today()
    if tasks is None:
        tasks = plan.tasks.all()
        if action:
            tasks = tasks.filter(action__number=action)
        if department:
            tasks = tasks.filter(task_departments__department=department).distinct()
    tasks = tasks.select_related("action").prefetch_related("task_departments__department").order_by("position")
    # only each department's latest period is read (a report with no later one beside it), not every half-year
    # since the plan began: a province's plan has thousands of reports; a county's own (no department) has no line
    reported = TaskReport.objects.exclude(status=ValueStatus.DRAFT)
    later = reported.filter(task_id=OuterRef("task_id"), department_id=OuterRef("department_id")).filter(
        Q(year__gt=OuterRef("year")) | Q(year=OuterRef("year"), half__gt=OuterRef("half"))
    )
    latest = {}
    for report in (
        reported.filter(task__plan=plan, department__isnull=False).filter(~Exists(later)).order_by("year", "half")
    ):
        latest[(report.task_id, report.department_id)] = report
    overdue = set(
        DueItem.objects.counting()
        .filter(plan=plan, kind=DueKind.TASK_PROGRESS, received_at__isnull=True, due_date__lt=today)
        .values_list("task_id", "department_id")
    )
    board = []
    for task in tasks:
        lines = []
        for td in task.task_departments.all():
            if department and td.department_id != department.pk:
                continue
            report = latest.get((task.pk, td.department_id))
            if progress and (report is None or report.progress != progress):
                continue
            lines.append(
                {
                    "department": td.department,
                    "role": td.role,
                    "report": report,
                    "overdue": (task.pk, td.department_id) in overdue,
                }
            )
        if lines:
            board.append({"task": task, "lines": lines})
    return board


def ranking(plan: Plan, year: int | None):
    scores = (
        list(
            AssessmentScore.objects.filter(plan=plan, year=year)
            .select_related("org_unit", "department")
            .order_by("rank")
        )
        if year
        else []
    )
    return [s for s in scores if s.org_unit_id], [s for s in scores if s.department_id]


# ---- roll-ups by level (issue 23): a plan's lower areas, each with the plan that implements this one ---------


def plan_figures(plans: list[Plan], year: int | None = None, today: dt.date | None = None) -> dict[int, dict]:
    """Return, per plan, the figures a roll-up shows of it: completeness and timeliness of its reporting, statuses
    at its own level (of `year`, else of its own latest year), stage verdicts of the latest target year judged
    among them, and its latest task progress. A fixed number of queries however many plans."""
    today = today or dt.date.today()
    reporting = completeness_by_plan(plans, today=today)
    years = (
        {p.pk: year for p in plans}
        if year
        else dict(EvaluationSummary.objects.filter(plan__in=plans).values_list("plan", "latest_year"))
    )
    statuses: dict[int, Counter] = defaultdict(Counter)
    chosen = Q(pk__in=[])
    for plan_id, y in years.items():
        if y:
            chosen |= Q(plan=plan_id, year=y)
    for plan_id, status, n in (
        EvaluationResult.objects.filter(chosen, org_unit=F("plan__org_unit"))
        .values_list("plan", "status")
        .annotate(n=Count("id"))
        .order_by()
    ):
        statuses[plan_id][status] = n
    verdicts = TargetVerdict.objects.filter(plan__in=plans, org_unit=F("plan__org_unit"))
    target_year = verdicts.aggregate(y=Max("target_year"))["y"]
    stages: dict[int, StageSummary] = {}
    if target_year:
        for plan_id, verdict, n in (
            verdicts.filter(target_year=target_year).values_list("plan", "verdict").annotate(n=Count("id")).order_by()
        ):
            stages.setdefault(plan_id, StageSummary(target_year)).counts[verdict] = n
    progress = _latest_progress(plans)
    return {
        p.pk: {
            "reporting": reporting.get(p.pk),
            "year": years.get(p.pk),
            "statuses": [(s, statuses[p.pk].get(s, 0)) for s in rules.STATUSES],
            "indicator_count": sum(statuses[p.pk].values()),
            "stage": stages.get(p.pk),
            "progress": progress.get(p.pk),
        }
        for p in plans
    }


def lower_areas(plan: Plan, year: int | None, today: dt.date | None = None) -> dict:
    """Return the plan's lower units, each with its own plan (the published one implementing this plan, if any) and
    that plan's figures (plan_figures), its rank in this plan's assessment and how its targets compare with this
    plan's and the national ones. A fixed number of queries however many lower units there are."""
    units = list(plan.org_unit.children.order_by("code"))
    lower = {}
    for p in (
        Plan.objects.filter(parent=plan, org_unit__in=units, status__in=(PlanStatus.PUBLISHED, PlanStatus.ARCHIVED))
        .select_related("org_unit")
        .order_by("status", "-issue_date", "-pk")  # published before archived, the newest first
    ):
        lower.setdefault(p.org_unit_id, p)
    plans = [lower[u.pk] for u in units if u.pk in lower]  # in the units' order
    figures = plan_figures(plans, year, today)
    scores = (
        {s.org_unit_id: s for s in AssessmentScore.objects.filter(plan=plan, year=year, org_unit__in=units)}
        if year
        else {}
    )
    targets = target_comparison(plan, plans)
    rows = []
    for unit in units:
        own = lower.get(unit.pk)
        rows.append(
            {
                "unit": unit,
                "plan": own,
                **(figures[own.pk] if own else {}),
                "score": scores.get(unit.pk),
                "targets": targets["per_plan"].get(own.pk) if own else None,
            }
        )
    stages = [r["stage"] for r in rows if r.get("stage")]
    return {
        "rows": rows,
        "year": year,
        "target_year": stages[0].year if stages else None,
        "comparison": targets,
    }


def area_plans(unit, plans) -> dict:
    """The chains of plans below an area: every area of `unit`'s subtree that has one of `plans` (a queryset the
    caller has limited to what the reader may see), top-down, each plan with its figures and the plan it implements."""
    chosen = list(
        plans.filter(org_unit__path__startswith=unit.path, status__in=(PlanStatus.PUBLISHED, PlanStatus.ARCHIVED))
        .select_related("org_unit", "parent__org_unit")
        .order_by("org_unit__path", "status", "-issue_date", "-pk")
    )
    figures = plan_figures(chosen)
    depth = unit.path.count("/")
    rows = [{"plan": p, "depth": p.org_unit.path.count("/") - depth, **figures[p.pk]} for p in chosen]
    stages = [r["stage"] for r in rows if r.get("stage")]
    return {"unit": unit, "rows": rows, "target_year": stages[0].year if stages else None}


def _latest_progress(plans: list[Plan]) -> dict[int, dict]:
    """Each plan's task progress reports (not drafts) of its latest reported half-year, counted by progress."""
    periods: dict[int, dict] = {}
    for plan_id, year, half, progress, n in (
        TaskReport.objects.filter(task__plan__in=plans)
        .exclude(status=ValueStatus.DRAFT)
        .values_list("task__plan", "year", "half", "progress")
        .annotate(n=Count("id"))
        .order_by()
    ):
        entry = periods.get(plan_id)
        if entry is None or (year, half) > entry["period"]:
            entry = periods[plan_id] = {"period": (year, half), "counts": Counter()}
        if (year, half) == entry["period"]:
            entry["counts"][progress] += n
    for entry in periods.values():
        year, half = entry["period"]
        entry["label"] = period_text(year, half)
        entry["total"] = sum(entry["counts"].values())
        entry["parts"] = [(p, label, entry["counts"].get(p, 0)) for p, label in TaskProgress.choices]
    return periods


def target_comparison(plan: Plan, plans: list[Plan]) -> dict:
    """How the lower plans' targets compare with this plan's, indicator by indicator (linked as plans.links links
    them), judged by the catalogue's rule of what is weaker; and with the national targets. Five queries."""
    links = plan_links.indicator_links(plan, plans)
    own = list(plan.indicators.order_by("position"))
    theirs = list(Indicator.objects.filter(pk__in=list(links)).select_related("plan"))
    targets: dict[int, dict[int, Target]] = defaultdict(dict)
    for t in Target.objects.filter(indicator__in=[*own, *theirs]):
        targets[t.indicator_id][t.year] = t
    entries = {
        m.indicator_id: m.catalogue
        for m in IndicatorMatch.objects.filter(
            indicator__in=theirs, status__in=[MatchStatus.MATCHED, MatchStatus.CONFIRMED], catalogue__isnull=False
        ).select_related("catalogue")
    }
    by_own: dict[int, dict[int, Indicator]] = defaultdict(dict)  # own indicator → lower plan → its indicator
    for ind in theirs:
        by_own[links[ind.pk]][ind.plan_id] = ind
    per_plan: dict[int, Counter] = defaultdict(Counter)
    rows = []
    for ind in own:
        cells = []
        above = targets.get(ind.pk, {})
        for p in plans:
            local = by_own[ind.pk].get(p.pk)
            if local is None:
                cells.append(None)
                continue
            mine = targets.get(local.pk, {})
            direction = local.direction or ind.direction
            flags = []
            if any(catalogue_services.weaker(rule(t), rule(above.get(y)), direction) for y, t in mine.items()):
                flags.append(CompareFlag.WEAKER_THAN_PARENT)
            if any(p.horizon_start <= y <= p.horizon_end and y not in mine for y in above):
                flags.append(CompareFlag.MISSING_WHERE_PARENT_HAS)
            entry = entries.get(local.pk)
            if entry and any(
                catalogue_services.weaker(rule(t), entry.national_rule(y), direction) for y, t in mine.items()
            ):
                flags.append(CompareFlag.WEAKER_THAN_NATIONAL)
            per_plan[p.pk].update(flags)
            per_plan[p.pk]["linked"] += 1
            cells.append(
                {
                    "indicator": local,
                    "targets": targets_text(sorted(mine.values(), key=lambda t: t.year)),
                    "flags": flags,
                }
            )
        rows.append(
            {"indicator": ind, "targets": targets_text(sorted(above.values(), key=lambda t: t.year)), "cells": cells}
        )
    summary = {
        pk: {"linked": c["linked"], "flags": [(code, c[code]) for code, _label in CompareFlag.choices if c[code]]}
        for pk, c in per_plan.items()
    }
    return {"plans": plans, "rows": rows, "per_plan": summary, "indicator_count": len(own)}
