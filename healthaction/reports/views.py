"""Report downloads for the office, leaders and action group leads."""

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from healthaction.core import jobs
from healthaction.core.params import year_param
from healthaction.evaluation.models import EvaluationSummary
from healthaction.plans.models import Plan
from healthaction.registry import scopes
from healthaction.reports import tasks
from healthaction.reports.pdf import libreoffice


def _unavailable(request, why: str) -> HttpResponse:
    """A page (not bare text) saying why a report cannot be made on this server now, with the way back."""
    return render(request, "reports/unavailable.html", {"why": why}, status=503)


@login_required
def reports_page(request):
    plans = list(scopes.report_plans(request.user, Plan.objects.select_related("org_unit")).order_by("pk"))
    if not plans:
        raise PermissionDenied
    # the years with results, newest first, as the last evaluation stored them: one query for all the plans
    stored = dict(EvaluationSummary.objects.filter(plan__in=plans).values_list("plan_id", "years"))
    years = {p.pk: sorted(stored.get(p.pk) or [], reverse=True) for p in plans}
    return render(request, "reports/index.html", {"plans": plans, "years": years, "pdf": libreoffice() is not None})


@login_required
def download(request, plan_id: int, kind: str):
    # someone outside the plan's area or before it is published learns nothing, not even that it exists
    plan = scopes.report_plans(request.user, Plan.objects.select_related("org_unit")).filter(pk=plan_id).first()
    if plan is None or not scopes.may_read_reports(request.user, plan):
        raise Http404(_("No such plan, or it is not yours to see."))
    year = year_param(request.GET) or dt.date.today().year - 1
    if kind not in tasks.KINDS:
        raise Http404
    if kind == "annual-pdf" and libreoffice() is None:
        return _unavailable(request, _("LibreOffice is not installed on the server: download the .docx instead."))
    # built by a worker; the job page offers the file (at once when it is already done)
    job = jobs.start(
        tasks.build_report, kind=f"report-{kind}", user=request.user, plan_id=plan.pk, report=kind, year=year
    )
    return jobs.respond(job)
