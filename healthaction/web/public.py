"""The public view: what the office chose to publish, without login."""

import json

from django.http import Http404
from django.shortcuts import get_object_or_404, render

from healthaction.core.choices import PlanStatus
from healthaction.evaluation.services import stage_summaries
from healthaction.plans.models import Indicator, Plan
from healthaction.web import queries


def _public_plans():
    return Plan.objects.filter(status=PlanStatus.PUBLISHED, is_public=True).select_related("org_unit")


def public_home(request):
    return render(request, "web/public_home.html", {"plans": _public_plans()})


def public_plan(request, plan_id: int):
    plan = _public_plans().filter(pk=plan_id).first()
    if plan is None:
        raise Http404
    year = queries.latest_year(plan)
    data = queries.dashboard(plan, year)
    results = {r.indicator_id: r for r in plan.results.filter(year=year, org_unit=plan.org_unit)}
    indicators = [
        (ind, results.get(ind.pk))
        for ind in plan.indicators.select_related("action", "baseline").prefetch_related("targets").order_by("position")
    ]
    return render(
        request,
        "web/public_plan.html",
        {
            "plan": plan,
            "year": year,
            "d": data,
            "chart_json": json.dumps(data["chart"], ensure_ascii=False),
            "indicators": indicators,
            "stages": stage_summaries(plan),
        },
    )


def public_indicator(request, indicator_id: int):
    indicator = get_object_or_404(Indicator.objects.select_related("plan", "baseline"), pk=indicator_id)
    if not _public_plans().filter(pk=indicator.plan_id).exists():
        raise Http404
    year = queries.latest_year(indicator.plan)
    data = queries.indicator_page(indicator, year)
    return render(
        request,
        "web/public_indicator.html",
        {
            "plan": indicator.plan,
            "indicator": indicator,
            "year": year,
            "d": data,
            "chart_json": json.dumps(data["chart"], ensure_ascii=False),
        },
    )
