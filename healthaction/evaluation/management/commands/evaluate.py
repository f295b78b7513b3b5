import time

from django.core.management.base import BaseCommand, CommandError

from healthaction.core.choices import PlanStatus
from healthaction.evaluation.models import EvaluationResult
from healthaction.evaluation.services import assess_plan, evaluate_plan
from healthaction.plans.models import Plan


class Command(BaseCommand):
    help = "Recompute the evaluation of every plan (or one), store the results and the assessment scores."

    def add_arguments(self, parser):
        parser.add_argument("--plan", type=int, help="plan id (default: every plan not archived)")
        parser.add_argument("--year", type=int, help="year to assess (default: the latest year with results)")

    def handle(self, *args, **options):
        plans = Plan.objects.exclude(status=PlanStatus.ARCHIVED)
        if options["plan"]:
            plans = plans.filter(pk=options["plan"])
            if not plans.exists():
                raise CommandError(f"No plan with id {options['plan']}.")
        for plan in plans:
            start = time.perf_counter()
            rows = evaluate_plan(plan)
            year = options["year"] or EvaluationResult.objects.filter(plan=plan).order_by("-year").values_list("year", flat=True).first()
            scores = assess_plan(plan, year) if year else []
            counts = {}
            for status in EvaluationResult.objects.filter(plan=plan, year=year).values_list("status", flat=True):
                counts[status] = counts.get(status, 0) + 1
            self.stdout.write(
                f"plan {plan.pk} {plan.title}: {rows} results in {time.perf_counter() - start:.2f} s; {year}: "
                + ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
                + f"; {len(scores)} assessment scores"
            )
