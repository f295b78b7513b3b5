"""Plan import and review: upload a document, compare the parsed draft with its source, correct, publish."""

from __future__ import annotations

import re

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from healthaction.collection.services import current_period, parse_period, period_choices, period_start, publish_plan
from healthaction.core import jobs
from healthaction.core.choices import IndicatorGroup, Nature, PlanStatus
from healthaction.documents.readers import MAX_INPUT_BYTES, SUPPORTED
from healthaction.documents.targets import infer_direction, parse_target, settle_implicit
from healthaction.plans import tasks as plan_tasks
from healthaction.plans.models import Indicator, ParseWarning, Plan, Target
from healthaction.registry import scopes


class DocumentForm(forms.Form):
    document = forms.FileField(label=gettext_lazy("Plan document (.txt, .docx or .pdf)"))

    def clean_document(self):
        upload = self.cleaned_data["document"]
        if not upload.name.lower().endswith(SUPPORTED):
            raise ValidationError(_("Upload a .txt, .docx or .pdf file."))
        if upload.size > MAX_INPUT_BYTES:
            raise ValidationError(_("The file is larger than %(n)s MB.") % {"n": MAX_INPUT_BYTES // 1048576})
        return upload


class IndicatorForm(forms.ModelForm):
    targets_text = forms.CharField(label=gettext_lazy("Targets (year: target; …)"), required=False, help_text=gettext_lazy("e.g. 2022: ≥25; 2030: ≥35"))

    class Meta:
        model = Indicator
        fields = ["name", "unit", "group", "nature", "direction", "tolerance"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["targets_text"] = "; ".join(f"{t.year}: {t.raw_text}" for t in self.instance.targets.all())

    def clean_targets_text(self):
        parsed = []
        text = self.cleaned_data.get("targets_text", "").strip()
        for part in filter(None, (p.strip() for p in re.split(r"[;；\n]", text))):
            m = re.match(r"^(\d{4})\s*[:：]\s*(.+)$", part)
            if not m:
                raise ValidationError(_("Write each target as “year: target”, e.g. 2030: ≥35 (not “%(p)s”).") % {"p": part})
            target = parse_target(m.group(2))
            if target is None:
                raise ValidationError(_("“%(t)s” is not a target the system can read.") % {"t": m.group(2)})
            target.pop("unit", None)
            parsed.append({"year": int(m.group(1)), **target})
        plan = self.instance.plan
        for target in parsed:
            if not plan.horizon_start <= target["year"] <= plan.horizon_end:
                raise ValidationError(_("Target year %(year)s is outside the plan's horizon %(start)s–%(end)s.") % {"year": target["year"], "start": plan.horizon_start, "end": plan.horizon_end})
        return parsed


def _office_plan(request, plan_id) -> Plan:
    plan = get_object_or_404(Plan.objects.select_related("org_unit"), pk=plan_id)
    if not scopes.is_office(request.user, plan):
        raise PermissionDenied
    return plan


@login_required
def import_document(request):
    if not scopes.is_office(request.user):
        raise PermissionDenied
    form = DocumentForm()
    if request.method == "POST":
        form = DocumentForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["document"]
            # the job gets the stored file's name, never the bytes: any worker process can pick it up
            job = jobs.start(plan_tasks.import_document, kind="parse", user=request.user, path=jobs.stage_upload(upload), name=upload.name)
            return redirect("job", job_id=job.pk)
    return render(request, "web/import.html", {"form": form})


@login_required
def review(request, plan_id: int):
    plan = _office_plan(request, plan_id)
    lines = plan.document_text.split("\n") if plan.document_text else []
    indicators = plan.indicators.select_related("action", "baseline").prefetch_related("targets").order_by("position")
    tasks = plan.tasks.select_related("action").prefetch_related("task_departments__department").order_by("position")
    return render(request, "web/review.html", {
        "plan": plan, "lines": list(enumerate(lines, start=1)), "actions": plan.actions.order_by("number"), "indicators": indicators, "tasks": tasks,
        "warnings": plan.parse_warnings.all(), "open_warnings": plan.parse_warnings.filter(resolved=False).count(),
        "periods": period_choices(plan), "current_start": period_start(*current_period()).isoformat(),
    })


@login_required
def edit_indicator(request, plan_id: int, indicator_id: int):
    plan = _office_plan(request, plan_id)
    indicator = get_object_or_404(plan.indicators, pk=indicator_id)
    if plan.status != PlanStatus.DRAFT:
        messages.error(request, _("Only a draft plan can be corrected here."))
        return redirect("plan-review", plan_id=plan.pk)
    form = IndicatorForm(request.POST or None, instance=indicator)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            indicator = form.save()
            targets = form.cleaned_data["targets_text"]
            direction = form.cleaned_data.get("direction") or infer_direction(indicator.name, targets, None)
            settle_implicit(targets, direction)
            indicator.targets.all().delete()
            for t in targets:
                target = Target(indicator=indicator, year=t["year"], kind=t["kind"], comparator=t["comparator"], value=t["value"], upper_value=t["upper_value"],
                                base_year=t["base_year"] or (plan.horizon_start if t["kind"] == "relative" and not t["change_unit"].endswith("/yr") else None),
                                change=t["change"], change_unit=t["change_unit"], trend=t["trend"], qualitative=t["qualitative"], raw_text=t["raw"])
                target.full_clean(exclude=["indicator"])
                target.save()
        messages.success(request, _("Saved “%(name)s”.") % {"name": indicator.name})
        return redirect(f"{reverse('plan-review', args=[plan.pk])}#indicator-{indicator.pk}")
    return render(request, "web/edit_indicator.html", {"plan": plan, "indicator": indicator, "form": form, "groups": IndicatorGroup.choices, "natures": Nature.choices})


@login_required
@require_POST
def resolve_warning(request, plan_id: int, warning_id: int):
    plan = _office_plan(request, plan_id)
    warning = get_object_or_404(ParseWarning, pk=warning_id, plan=plan)
    warning.resolved = request.POST.get("resolved", "1") == "1"
    warning.save(update_fields=["resolved"])
    if request.headers.get("HX-Request"):
        return render(request, "web/_warning.html", {"plan": plan, "w": warning})
    return redirect(f"{reverse('plan-review', args=[plan.pk])}#warnings")


@login_required
@require_POST
def publish(request, plan_id: int):
    plan = _office_plan(request, plan_id)
    open_warnings = plan.parse_warnings.filter(resolved=False).count()
    if open_warnings:
        messages.error(request, _("Resolve the %(n)s open parser warnings before publishing.") % {"n": open_warnings})
        return redirect("plan-review", plan_id=plan.pk)
    choices = dict(period_choices(plan))
    start_text = request.POST.get("start") or ""
    if start_text and start_text not in choices:
        messages.error(request, _("Choose the period from which reporting starts from the list."))
        return redirect("plan-review", plan_id=plan.pk)
    counts = publish_plan(plan, start=parse_period(start_text) if start_text else None)
    if request.POST.get("public") == "1":
        plan.is_public = True
        plan.save(update_fields=["is_public"])
    messages.success(request, _("Published. %(n)s reporting items were created from %(start)s on; %(h)s items of earlier periods are history "
                                "(they may be entered, never overdue).") % {"n": counts["created"] - counts["history"], "start": plan.reporting_start, "h": counts["history"]})
    if counts["unassigned"]:
        messages.warning(request, _("%(n)s items have no responsible department: assign them below.") % {"n": counts["unassigned"]})
    # next step of the first cycle: bring the departments and counties in
    return redirect("people:plan", plan_id=plan.pk)
