import json
import time

from django.core.management.base import BaseCommand, CommandError

from healthaction.core.choices import PlanStatus
from healthaction.evaluation.models import EvaluationResult, TargetVerdict
from healthaction.evaluation.services import assess_plan, evaluate_plan
from healthaction.plans.models import Plan


class Command(BaseCommand):
    group = "Plans and data"
    help = "Recompute the evaluation of every plan (or one), store the results, target verdicts and assessment scores."

    def add_arguments(self, parser):
        parser.add_argument("--plan", type=int, help="plan id (default: every plan not archived)")
        parser.add_argument("--year", type=int, help="year to assess (default: the latest year with results)")
        parser.add_argument(
            "--json", action="store_true", help="print one JSON object: the year's results and every target verdict"
        )

    def handle(self, *args, **options):
        plans = Plan.objects.exclude(status=PlanStatus.ARCHIVED)
        if options["plan"]:
            plans = plans.filter(pk=options["plan"])
            if not plans.exists():
                raise CommandError(f"No plan with id {options['plan']}.")
        elif options["json"]:
            raise CommandError("--json needs --plan.")
        for plan in plans:
            start = time.perf_counter()
            rows = evaluate_plan(plan)
            year = (
                options["year"]
                or EvaluationResult.objects.filter(plan=plan).order_by("-year").values_list("year", flat=True).first()
            )
            scores = assess_plan(plan, year) if year else []
            if options["json"]:
                self.stdout.write(json.dumps(_as_json(plan, year), ensure_ascii=False))
                continue
            counts = {}
            for status in EvaluationResult.objects.filter(plan=plan, year=year).values_list("status", flat=True):
                counts[status] = counts.get(status, 0) + 1
            self.stdout.write(
                f"plan {plan.pk} {plan.title}: {rows} results in {time.perf_counter() - start:.2f} s; {year}: "
                + ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
                + f"; {len(scores)} assessment scores"
            )


def _as_json(plan: Plan, year: int | None) -> dict:
    """Return the year's results and all target verdicts of the plan, named as a reader would name them."""
    results = (
        EvaluationResult.objects.filter(plan=plan, year=year)
        .order_by("indicator__position", "org_unit__code")
        .values_list("indicator__name", "org_unit__code", "year", "status", "explanation")
    )
    verdicts = (
        TargetVerdict.objects.filter(plan=plan)
        .order_by("indicator__position", "org_unit__code", "target_year")
        .values_list(
            "indicator__name", "org_unit__code", "target_year", "target_text", "value", "qualitative", "verdict"
        )
    )
    return {
        "plan": plan.pk,
        "year": year,
        "results": [
            {"indicator": i, "org_unit": u, "year": y, "status": s, "explanation": e} for i, u, y, s, e in results
        ],
        "verdicts": [
            {
                "indicator": i,
                "org_unit": u,
                "target_year": y,
                "target": t,
                "value": v if v is not None else (q or None),
                "verdict": d,
            }
            for i, u, y, t, v, q, d in verdicts
        ],
    }
