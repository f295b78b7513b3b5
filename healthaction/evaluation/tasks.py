"""Evaluation as background jobs: a full evaluation of one plan (one at a time per plan), and the nightly run."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django_tasks import task

from healthaction.core import jobs
from healthaction.core.choices import PlanStatus
from healthaction.evaluation.models import EvaluationSummary
from healthaction.evaluation.services import assess_plan, evaluate_plan
from healthaction.plans.models import Plan


def lock_key(plan_id: int) -> str:
    """Every full evaluation of a plan takes this lock: the page's button, the nightly run, a retry."""
    return f"evaluate-plan-{plan_id}"


def start_evaluation(plan: Plan, user=None):
    """Start (or join, if one is already waiting or running) the full evaluation of `plan`."""
    return jobs.start(evaluate_plan_task, kind="evaluate", user=user, lock_key=lock_key(plan.pk), plan_id=plan.pk)


def _evaluate(job, progress, plan_id: int) -> jobs.Outcome:
    plan = Plan.objects.filter(pk=plan_id).first()
    if plan is None:
        raise jobs.JobError(_("The plan no longer exists."))
    progress(10, _("Evaluating…"))
    rows = evaluate_plan(plan)
    summary = EvaluationSummary.objects.filter(plan=plan).first()
    year = summary.latest_year if summary else None
    progress(80, _("Scoring…"))
    if year:
        assess_plan(plan, year)
    return jobs.Outcome(_("%(n)s results computed.") % {"n": rows}, reverse("plan-detail", args=[plan.pk]))


@task()
def evaluate_plan_task(job_id: int, plan_id: int) -> str:
    return jobs.execute(job_id, _evaluate, plan_id=plan_id)


def _evaluate_all(job, progress) -> jobs.Outcome:
    plans = list(Plan.objects.exclude(status__in=[PlanStatus.DRAFT, PlanStatus.ARCHIVED]).values_list("pk", flat=True))
    started = [start_evaluation(Plan(pk=pk)).pk for pk in plans]
    return jobs.Outcome(_("Evaluation started for %(n)s plans.") % {"n": len(started)})


@task()
def evaluate_all(job_id: int) -> str:
    """The nightly run: one evaluation job per plan in use, each under its plan's lock."""
    return jobs.execute(job_id, _evaluate_all)


def start_series(plan_id: int, indicator_ids: list[int], org_unit_ids: list[int] | None = None, user=None):
    """Recompute some series of a plan (after an approval or a recorded share) in a worker."""
    return jobs.start(
        evaluate_series,
        kind="evaluate-series",
        user=user,
        plan_id=plan_id,
        indicator_ids=list(indicator_ids),
        org_unit_ids=list(org_unit_ids) if org_unit_ids else None,
    )


def _evaluate_series(job, progress, plan_id: int, indicator_ids: list[int], org_unit_ids: list[int] | None):
    plan = Plan.objects.filter(pk=plan_id).first()
    if plan is None:
        raise jobs.JobError(_("The plan no longer exists."))
    rows = evaluate_plan(plan, indicator_ids=indicator_ids, org_unit_ids=org_unit_ids)
    return jobs.Outcome(_("%(n)s results computed.") % {"n": rows})


@task()
def evaluate_series(job_id: int, plan_id: int, indicator_ids: list[int], org_unit_ids: list[int] | None = None) -> str:
    return jobs.execute(
        job_id, _evaluate_series, plan_id=plan_id, indicator_ids=indicator_ids, org_unit_ids=org_unit_ids
    )
