"""Server-rendered pages: plan dashboard, action, indicator, county comparison, task board, ranking, jobs."""

from __future__ import annotations

import csv
import io
import re

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from healthaction.collection import current
from healthaction.core import jobs, pagecache
from healthaction.core.choices import TaskProgress, lower_units_label
from healthaction.core.models import Job
from healthaction.core.params import year_param
from healthaction.core.xlsx import safe_row
from healthaction.evaluation import tasks as evaluation_tasks
from healthaction.evaluation.choices import EvaluationStatus
from healthaction.evaluation.models import AssessmentScheme
from healthaction.evaluation.services import assess_plan, stage_summaries
from healthaction.inspections.models import Round
from healthaction.plans.filtersets import TaskFilterSet
from healthaction.plans.models import Action, Indicator, Plan
from healthaction.registry import scopes
from healthaction.registry.models import Department, OrgUnit
from healthaction.web import queries

STATUS_LABELS = EvaluationStatus.labels
TASK_BOARD_PAGE_SIZE = 25


def plans_for(request: HttpRequest):
    return scopes.visible_plans(request.user, Plan.objects.select_related("org_unit"))


def _plan(request, plan_id: int) -> Plan:
    plan = plans_for(request).filter(pk=plan_id).first()
    if plan is None:
        raise Http404(_("No such plan, or it is not yours to see."))
    return current.remember(request, plan)


@login_required
@require_POST
def switch_plan(request):
    """Keep the chosen plan in the session and go back, to the same page of the new plan when it has one."""
    plan = current.selectable_plans(request.user).filter(pk=request.POST.get("plan") or 0).first()
    if plan is None:
        raise Http404(_("No such plan, or it is not yours to see."))
    current.remember(request, plan)
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    target = re.sub(r"^/plans/\d+/", f"/plans/{plan.pk}/", target)
    target = re.sub(r"([?&])plan=\d+", rf"\g<1>plan={plan.pk}", target)
    return redirect(target)


def _with_actions(plans):
    actions = Action.objects.annotate(
        indicator_count=Count("indicators", distinct=True), task_count=Count("tasks", distinct=True)
    ).select_related("lead_department")
    return plans.prefetch_related(Prefetch("actions", queryset=actions))


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        # a fresh install (no account at all) starts with its first-run page
        return redirect("first-run" if scopes.first_run_open() else "public-home")
    plans = _with_actions(plans_for(request)).annotate(
        indicator_count=Count("indicators", distinct=True),
        binding_count=Count("indicators", filter=Q(indicators__nature="binding"), distinct=True),
    )
    # an inspector without a role on any plan starts from the rounds they inspect, not from "no plan yet"
    has_role = scopes.may_read_plans(request.user)
    rounds = (
        []
        if has_role
        else Round.objects.filter(inspectors=request.user)
        .select_related("plan", "checklist")
        .order_by("-year", "-starts")
    )
    return render(
        request,
        "web/home.html",
        {
            "plans": plans,
            "can_import": scopes.is_office(request.user),
            "can_invite": scopes.may_invite_offices(request.user),
            "rounds": rounds,
            "has_role": has_role,
        },
    )


def _year(request, plan) -> int | None:
    return year_param(request.GET) or queries.latest_year(plan)


def _version(plan) -> str:
    """A cache key part that changes whenever the plan's results are recomputed (approvals recompute them) and
    whenever something is reported, approved or returned (core/pagecache.py)."""
    summary = queries.summary(plan)
    return f"{summary.computed_at.isoformat() if summary else 'none'}.{pagecache.activity(plan.pk)}"


class _Lazy:
    """Defers a query to the moment the template reads it, so a cached fragment costs nothing."""

    def __init__(self, compute):
        self._compute, self._value = compute, None

    def __getattr__(self, name):
        if self._value is None:
            self._value = self._compute()
        return self._value[name] if isinstance(self._value, dict) else getattr(self._value, name)

    def __getitem__(self, name):
        return self.__getattr__(name)


@login_required
def plan_detail(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = _plan(request, plan_id)
    year = _year(request, plan)
    return render(
        request,
        "web/dashboard.html",
        {
            "plan": plan,
            "d": _Lazy(lambda: queries.dashboard(plan, year)) if year else queries.dashboard(plan, year),
            "year": year,
            "labels": STATUS_LABELS,
            "actions": _Lazy(lambda: {"all": _with_actions(Plan.objects.filter(pk=plan.pk)).get().actions.all()}),
            "is_office": scopes.is_office(request.user, plan),
            "years": queries.result_years(plan),
            "version": _version(plan),
            "cache_seconds": pagecache.seconds(),
            "stages": _Lazy(lambda: stage_summaries(plan, up_to=year)),
        },
    )


@login_required
def action_detail(request, plan_id: int, number: int):
    plan = _plan(request, plan_id)
    action = get_object_or_404(plan.actions.select_related("lead_department"), number=number)
    year = _year(request, plan)
    results = {
        r.indicator_id: r for r in plan.results.filter(year=year, org_unit=plan.org_unit, indicator__action=action)
    }
    indicators = [
        (ind, results.get(ind.pk))
        for ind in action.indicators.select_related("baseline").prefetch_related("targets").order_by("position")
    ]
    board = queries.task_board(plan, action=action.number)
    return render(
        request,
        "web/action.html",
        {"plan": plan, "action": action, "indicators": indicators, "board": board, "year": year},
    )


@login_required
def indicator_detail(request, indicator_id: int):
    indicator = get_object_or_404(
        Indicator.objects.select_related("plan__org_unit", "action", "baseline"), pk=indicator_id
    )
    plan = _plan(request, indicator.plan_id)
    year = _year(request, plan)
    return render(
        request,
        "web/indicator.html",
        {
            "plan": plan,
            "indicator": indicator,
            "year": year,
            "d": _Lazy(lambda: queries.indicator_page(indicator, year)),
            "version": _version(plan),
            "cache_seconds": pagecache.seconds(),
        },
    )


@login_required
def compare(request, plan_id: int):
    plan = _plan(request, plan_id)
    year = _year(request, plan)
    sort = request.GET.get("sort") or ""
    if request.GET.get("format") == "csv":
        data = queries.comparison(plan, year, sort)
        text = io.StringIO()
        text.write("\ufeff")  # a byte-order mark so Excel opens the UTF-8 file as such
        writer = csv.writer(text)
        writer.writerow(safe_row([_("County")] + [f"{i.number} {i.name}" for i in data["indicators"]]))
        for row in data["rows"]:
            writer.writerow(
                safe_row([row["unit"].name] + [EvaluationStatus.label(c.status) if c else "" for c in row["cells"]])
            )
        return FileResponse(
            io.BytesIO(text.getvalue().encode()),
            as_attachment=True,
            filename=f"compare-{year}.csv",
            content_type="text/csv; charset=utf-8",
        )
    return render(
        request,
        "web/compare.html",
        {
            "plan": plan,
            "year": year,
            "sort": sort,
            "d": _Lazy(lambda: queries.comparison(plan, year, sort)),  # read only when the cached table is stale
            "labels": STATUS_LABELS,
            "version": _version(plan),
            "cache_seconds": pagecache.seconds(),
        },
    )


@login_required
def lower_areas(request, plan_id: int):
    """The roll-up of a level: the plan's lower areas, each with the plan implementing this one (issue 23)."""
    plan = _plan(request, plan_id)
    if not scopes.may_read_reports(request.user, plan):
        raise Http404(_("No such plan, or it is not yours to see."))
    year = _year(request, plan)
    data = queries.lower_areas(plan, year)
    # a lower plan is a link only for those who may open it
    visible = set(
        plans_for(request).filter(pk__in=[r["plan"].pk for r in data["rows"] if r["plan"]]).values_list("pk", flat=True)
    )
    return render(
        request,
        "web/lower_areas.html",
        {
            "plan": plan,
            "year": year,
            "d": data,
            "visible": visible,
            "lower_word": lower_units_label(plan.org_unit.level),
        },
    )


@login_required
def area_plans(request, code: str):
    """The chains of plans below an area (issue 23): each area of its subtree with a plan the reader may open, with
    that plan's reporting and progress. An area outside the reader's own (above or below it) answers 404."""
    unit = OrgUnit.objects.filter(scopes.org_unit_filter(request.user), code=code).first()
    if unit is None:
        raise Http404(_("No such area, or it is not yours to see."))
    data = queries.area_plans(unit, plans_for(request))
    return render(
        request,
        "web/area_plans.html",
        {
            "unit": unit,
            "d": data,
            "lower_word": lower_units_label(unit.level),
            "children": unit.children.filter(scopes.org_unit_filter(request.user)).order_by("code"),
        },
    )


@login_required
def tasks(request, plan_id: int):
    plan = _plan(request, plan_id)
    filters = TaskFilterSet(request.GET, queryset=plan.tasks.all())  # the same parameters as the API's lists
    valid = filters.is_valid()
    chosen = filters.form.cleaned_data if valid else {}
    department = Department.objects.filter(pk=chosen["department"]).first() if chosen.get("department") else None
    progress = chosen.get("progress") or None
    board = queries.task_board(plan, department=department, progress=progress, tasks=filters.qs) if valid else []
    page = Paginator(board, TASK_BOARD_PAGE_SIZE).get_page(request.GET.get("page"))
    board = page.object_list
    query = request.GET.copy()
    query.pop("page", None)
    departments = Department.objects.filter(task_roles__task__plan=plan).distinct().order_by("name")
    return render(
        request,
        "web/tasks.html",
        {
            "plan": plan,
            "board": board,
            "departments": departments,
            "actions": plan.actions.order_by("number"),
            "progress_choices": TaskProgress.choices,
            "filter_errors": filters.errors,
            "selected": {"department": department, "action": chosen.get("action"), "progress": progress},
            "page": page,
            "query": query.urlencode(),
        },
        status=200 if valid else 400,
    )


@login_required
def ranking(request, plan_id: int):
    from django import forms as dj_forms

    plan = _plan(request, plan_id)
    year = _year(request, plan)
    office = scopes.is_office(request.user, plan)
    scheme_form = None
    if office:
        scheme, _created = AssessmentScheme.objects.get_or_create(plan=plan)
        SchemeForm = dj_forms.modelform_factory(
            AssessmentScheme, fields=["points_achieved", "points_on_track", "timeliness_weight", "supervision_weight"]
        )
        scheme_form = SchemeForm(request.POST or None, instance=scheme)
        if request.method == "POST" and scheme_form.is_valid():
            scheme_form.save()
            if year:
                assess_plan(plan, year)
            return redirect(f"{reverse('plan-ranking', args=[plan.pk])}?year={year or ''}")
    elif request.method == "POST":
        raise PermissionDenied
    units, departments = queries.ranking(plan, year)
    return render(
        request,
        "web/ranking.html",
        {"plan": plan, "year": year, "units": units, "departments": departments, "scheme_form": scheme_form},
        status=400 if scheme_form is not None and scheme_form.errors else 200,
    )


@login_required
@require_POST
def evaluate_now(request, plan_id: int):
    plan = _plan(request, plan_id)
    if not scopes.is_office(request.user, plan):
        raise PermissionDenied

    job = evaluation_tasks.start_evaluation(plan, request.user)
    return redirect("job", job_id=job.pk)


@login_required
def job_status(request, job_id: int):
    job = get_object_or_404(Job, pk=job_id, user=request.user)
    if request.headers.get("HX-Request"):
        return render(request, "web/_job.html", {"job": job})
    if request.GET.get("format") == "json":
        return JsonResponse(
            {
                "status": job.status,
                "progress": job.progress,
                "message": job.message,
                "url": job.result_url,
                "result": job.result,
            }
        )
    return render(request, "web/job.html", {"job": job})


@login_required
def job_file(request, job_id: int):
    """The file a job made (a report), for the user who started it."""
    job = get_object_or_404(Job, pk=job_id, user=request.user, status=Job.DONE)
    if not job.result_file:
        raise Http404
    return jobs.file_response(job)
