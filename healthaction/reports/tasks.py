"""Report building as background jobs: the annual report (.docx or PDF), the circular and the Excel export.

The annual report takes seconds and its PDF conversion longer (LibreOffice), more than a request should wait;
the job keeps the file and the job page offers it when done.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django_tasks import task

from healthaction.core import jobs
from healthaction.plans.models import Plan
from healthaction.reports.annual import build_annual_report
from healthaction.reports.charts import FontMissing
from healthaction.reports.circular import build_circular
from healthaction.reports.export import build_export
from healthaction.reports.pdf import docx_to_pdf

KINDS = ("annual", "annual-pdf", "circular", "excel")


def file_name(plan: Plan, kind: str, year: int) -> str:
    area = plan.org_unit.name
    return {
        "annual": f"{area}{year}年度监测评估报告.docx",
        "annual-pdf": f"{area}{year}年度监测评估报告.pdf",
        "circular": f"{area}{year}年度通报.docx",
        "excel": f"{area}指标监测结果.xlsx",
    }[kind]


def _build(job, progress, plan_id: int, report: str, year: int) -> jobs.Outcome:
    plan = Plan.objects.select_related("org_unit").filter(pk=plan_id).first()
    if plan is None:
        raise jobs.JobError(_("The plan no longer exists."))
    kind = report
    progress(10, _("Writing the report…"))
    try:
        if kind in ("annual", "annual-pdf"):
            data = build_annual_report(plan, year)
            if kind == "annual-pdf":
                progress(60, _("Converting to PDF…"))
                data = docx_to_pdf(data)
                if data is None:
                    raise jobs.JobError(_("LibreOffice is not installed on the server: download the .docx instead."))
        elif kind == "circular":
            data = build_circular(plan, year)
        elif kind == "excel":
            data = build_export(plan)
        else:
            raise jobs.JobError(_("Unknown report kind."))
    except FontMissing as exc:
        raise jobs.JobError(str(exc))
    name = file_name(plan, kind, year)
    return jobs.Outcome(_("%(name)s is ready.") % {"name": name}, file_name=name, file_data=data)


@task()
def build_report(job_id: int, plan_id: int, report: str, year: int) -> str:
    return jobs.execute(job_id, _build, plan_id=plan_id, report=report, year=year)
