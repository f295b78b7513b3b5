"""Server-rendered pages."""

from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from healthaction.core.choices import PlanStatus
from healthaction.plans.models import Action, Plan


def visible_plans(request: HttpRequest):
    """Return the plans this visitor may see: all for signed-in users, published public ones otherwise."""
    plans = Plan.objects.select_related("org_unit")
    if request.user.is_authenticated:
        return plans
    return plans.filter(status=PlanStatus.PUBLISHED, is_public=True)


def _plan_with_actions(plans):
    actions = Action.objects.annotate(
        indicator_count=Count("indicators", distinct=True), task_count=Count("tasks", distinct=True)
    ).select_related("lead_department")
    return plans.prefetch_related(Prefetch("actions", queryset=actions))


def home(request: HttpRequest) -> HttpResponse:
    plans = _plan_with_actions(visible_plans(request)).annotate(
        indicator_count=Count("indicators", distinct=True),
        binding_count=Count("indicators", filter=Q(indicators__nature="binding"), distinct=True),
    )
    return render(request, "web/home.html", {"plans": plans})


def plan_detail(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = get_object_or_404(_plan_with_actions(visible_plans(request)), pk=plan_id)
    return render(request, "web/plan_detail.html", {"plan": plan})
