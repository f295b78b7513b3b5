"""Report downloads for the office, leaders and action group leads."""

import datetime as dt
from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from healthaction.core import jobs
from healthaction.evaluation.models import EvaluationResult
from healthaction.plans.models import Plan
from healthaction.registry import scopes
from healthaction.reports import tasks
from healthaction.reports.pdf import libreoffice

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _allowed(user, plan) -> bool:
    return scopes.is_office(user, plan) or bool({"leader", "action_lead"} & scopes.roles(user))


def _attachment(data: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


@login_required
def reports_page(request):
    plans = [p for p in Plan.objects.exclude(status="draft").select_related("org_unit") if _allowed(request.user, p)]
    if not plans:
        raise PermissionDenied
    years = {p.pk: list(EvaluationResult.objects.filter(plan=p).order_by("-year").values_list("year", flat=True).distinct()) for p in plans}
    return render(request, "reports/index.html", {"plans": plans, "years": years, "pdf": libreoffice() is not None})


@login_required
def download(request, plan_id: int, kind: str):
    plan = get_object_or_404(Plan, pk=plan_id)
    if not _allowed(request.user, plan):
        raise PermissionDenied
    try:
        year = int(request.GET.get("year") or dt.date.today().year - 1)
    except ValueError:
        raise Http404
    if kind not in tasks.KINDS:
        raise Http404
    if kind == "annual-pdf" and libreoffice() is None:
        return HttpResponse(_("LibreOffice is not installed on the server: download the .docx instead."), status=503, content_type="text/plain; charset=utf-8")
    # built by a worker; the job page offers the file (at once when it is already done)
    job = jobs.start(tasks.build_report, kind=f"report-{kind}", user=request.user, plan_id=plan.pk, report=kind, year=year)
    return jobs.respond(job)
