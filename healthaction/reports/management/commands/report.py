import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from healthaction.plans.models import Plan
from healthaction.reports.annual import build_annual_report
from healthaction.reports.charts import FontMissing
from healthaction.reports.circular import build_circular
from healthaction.reports.export import build_export
from healthaction.reports.pdf import docx_to_pdf


class Command(BaseCommand):
    group = "Plans and data"
    help = (
        "Write a report: `annual` (年度监测评估报告, .docx), `circular` (通报, .docx) or `excel` (all results, .xlsx)."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=["annual", "circular", "excel"])
        parser.add_argument("--plan", type=int, required=True)
        parser.add_argument("--year", type=int, help="year reported on (default: last year)")
        parser.add_argument("-o", "--output", required=True, help="output file")
        parser.add_argument("--pdf", action="store_true", help="also write a PDF beside it (needs LibreOffice)")

    def handle(self, *args, **options):
        plan = Plan.objects.filter(pk=options["plan"]).first()
        if plan is None:
            raise CommandError(f"No plan with id {options['plan']}.", returncode=2)
        year = options["year"] or dt.date.today().year - 1
        try:
            if options["kind"] == "annual":
                data = build_annual_report(plan, year)
            elif options["kind"] == "circular":
                data = build_circular(plan, year)
            else:
                data = build_export(plan)
        except FontMissing as exc:
            raise CommandError(str(exc), returncode=2)
        output = Path(options["output"])
        output.write_bytes(data)
        self.stdout.write(f"wrote {output} ({len(data) / 1024:.0f} KiB)")
        if options["pdf"] and options["kind"] != "excel":
            pdf = docx_to_pdf(data)
            if pdf is None:
                self.stdout.write("LibreOffice is not installed: only the .docx was written.")
            else:
                output.with_suffix(".pdf").write_bytes(pdf)
                self.stdout.write(f"wrote {output.with_suffix('.pdf')}")
