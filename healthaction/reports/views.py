"""Report downloads for the office, leaders and action group leads."""

import datetime as dt
import io

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

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


def _allowed(user, plan) -> bool:
    return scopes.is_office(user, plan) or bool({"leader", "action_lead"} & scopes.roles(user))


def _attachment(data: bytes, content_type: str, name: str) -> FileResponse:
    return FileResponse(io.BytesIO(data), as_attachment=True, filename=name, content_type=content_type)


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
    try:
        if kind in ("annual", "annual-pdf"):
            data = build_annual_report(plan, year)
            if kind == "annual-pdf":
                pdf = docx_to_pdf(data)
                if pdf is None:
                    return HttpResponse(_("LibreOffice is not installed on the server: download the .docx instead."), status=503, content_type="text/plain; charset=utf-8")
                return _attachment(pdf, "application/pdf", f"{plan.org_unit.name}{year}年度监测评估报告.pdf")
            return _attachment(data, DOCX, f"{plan.org_unit.name}{year}年度监测评估报告.docx")
        if kind == "circular":
            return _attachment(build_circular(plan, year), DOCX, f"{plan.org_unit.name}{year}年度通报.docx")
        if kind == "excel":
            return _attachment(build_export(plan), XLSX, f"{plan.org_unit.name}指标监测结果.xlsx")
    except FontMissing as exc:
        return HttpResponse(str(exc), status=503, content_type="text/plain; charset=utf-8")
    raise Http404
