"""Report downloads for the office, leaders and action group leads."""

import datetime as dt
import io

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from healthaction.core.params import year_param
from healthaction.evaluation.models import EvaluationResult
from healthaction.plans.models import Plan
from healthaction.registry import scopes
from healthaction.reports.annual import build_annual_report
from healthaction.reports.charts import FontMissing
from healthaction.reports.circular import build_circular
from healthaction.reports.export import build_export
from healthaction.reports.pdf import docx_to_pdf, libreoffice

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _attachment(data: bytes, content_type: str, name: str) -> FileResponse:
    return FileResponse(io.BytesIO(data), as_attachment=True, filename=name, content_type=content_type)


def _unavailable(request, why: str) -> HttpResponse:
    """A page (not bare text) saying why a report cannot be made on this server now, with the way back."""
    return render(request, "reports/unavailable.html", {"why": why}, status=503)


@login_required
def reports_page(request):
    plans = list(scopes.report_plans(request.user, Plan.objects.select_related("org_unit")).order_by("pk"))
    if not plans:
        raise PermissionDenied
    years = {p.pk: list(EvaluationResult.objects.filter(plan=p).order_by("-year").values_list("year", flat=True).distinct()) for p in plans}
    return render(request, "reports/index.html", {"plans": plans, "years": years, "pdf": libreoffice() is not None})


@login_required
def download(request, plan_id: int, kind: str):
    # someone outside the plan's area or before it is published learns nothing, not even that it exists
    plan = scopes.report_plans(request.user, Plan.objects.select_related("org_unit")).filter(pk=plan_id).first()
    if plan is None or not scopes.may_read_reports(request.user, plan):
        raise Http404(_("No such plan, or it is not yours to see."))
    year = year_param(request.GET) or dt.date.today().year - 1
    try:
        if kind in ("annual", "annual-pdf"):
            data = build_annual_report(plan, year)
            if kind == "annual-pdf":
                pdf = docx_to_pdf(data)
                if pdf is None:
                    return _unavailable(request, _("LibreOffice is not installed on the server: download the .docx instead."))
                return _attachment(pdf, "application/pdf", f"{plan.org_unit.name}{year}年度监测评估报告.pdf")
            return _attachment(data, DOCX, f"{plan.org_unit.name}{year}年度监测评估报告.docx")
        if kind == "circular":
            return _attachment(build_circular(plan, year), DOCX, f"{plan.org_unit.name}{year}年度通报.docx")
        if kind == "excel":
            return _attachment(build_export(plan), XLSX, f"{plan.org_unit.name}指标监测结果.xlsx")
    except FontMissing as exc:
        return _unavailable(request, str(exc))
    raise Http404
