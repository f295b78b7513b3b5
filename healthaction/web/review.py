"""Plan import and review: upload a document, compare the parsed draft with its source, correct anything, publish.

Views stay thin: who may do what is asked of registry/scopes.py, every change goes through one service
function in plans/services.py (the Excel import in plans/excel.py uses the same ones).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from healthaction.collection.services import current_period, parse_period, period_choices, period_start, publish_plan
from healthaction.core import jobs, limits
from healthaction.core.choices import WarningKind
from healthaction.core.uploads import LimitedFileField
from healthaction.core.xlsx import xlsx_download
from healthaction.documents.readers import SUPPORTED
from healthaction.plans import services
from healthaction.plans import tasks as plan_tasks
from healthaction.plans.excel import export_workbook
from healthaction.plans.models import ParseWarning, Plan
from healthaction.registry import scopes


class DocumentForm(forms.Form):
    document = LimitedFileField(
        label=gettext_lazy("Plan document (.txt, .docx, .pdf, .doc, .wps) or workbook (.xlsx, .xls, .et, .ods)"),
        max_bytes=limits.DOCUMENT_BYTES,
    )
    area = forms.ChoiceField(
        label=gettext_lazy("Area of the plan"),
        required=False,
        help_text=gettext_lazy(
            "By default the area the document names, when it lies within yours; otherwise your own."
        ),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        units = list(scopes.plan_areas(user).order_by("path")) if user is not None else []
        top = min((u.path.count("/") for u in units), default=0)
        indent = "\u3000"  # an ideographic space per level below the office's own
        self.fields["area"].choices = [("", _("The area the document names"))] + [
            (u.code, indent * (u.path.count("/") - top) + f"{u.name} ({u.code})") for u in units
        ]

    def clean_document(self):
        upload = self.cleaned_data["document"]
        if not upload.name.lower().endswith(SUPPORTED):
            raise ValidationError(
                _("Upload a .txt, .docx, .pdf, .doc or .wps document or an .xlsx, .xls, .et or .ods workbook.")
            )
        return upload


class WorkbookForm(forms.Form):
    workbook = LimitedFileField(label=gettext_lazy("Corrected workbook (.xlsx)"), max_bytes=limits.WORKBOOK_BYTES)


def _plan(request, plan_id: int, write: bool = False) -> Plan:
    """Return the plan for its review pages: 404 to whoever may not see it, 403 to those who see it but do not review."""
    plan = get_object_or_404(scopes.visible_plans(request.user, Plan.objects.select_related("org_unit")), pk=plan_id)
    if not scopes.can_review_plan(request.user, plan):
        raise PermissionDenied
    if write and not scopes.can_correct_plan(request.user, plan):
        raise PermissionDenied(_("Only a draft plan can be corrected here."))
    return plan


def _review_url(plan: Plan, anchor: str = "") -> str:
    return reverse("plan-review", args=[plan.pk]) + (f"#{anchor}" if anchor else "")


# ---------------------------------------------------------------------------------------------- import


@login_required
def import_document(request):
    if not scopes.is_office(request.user):
        raise PermissionDenied
    form = DocumentForm(user=request.user)
    if request.method == "POST":
        form = DocumentForm(request.POST, request.FILES, user=request.user)
        if form.is_valid():
            upload = form.cleaned_data["document"]
            # the job gets the stored file's name, never the bytes: any worker process can pick it up
            job = jobs.start(
                plan_tasks.import_document,
                kind="parse",
                user=request.user,
                path=jobs.stage_upload(upload),
                name=upload.name,
                area=form.cleaned_data["area"],
            )
            return redirect("job", job_id=job.pk)
    return render(request, "web/import.html", {"form": form})


# ---------------------------------------------------------------------------------------------- the review page


def _least_certain(items, *fields):
    """Return items with the parser's least certain first; items a person entered or checked (no confidence) last."""

    def key(item):
        values = [getattr(item, f) for f in fields if getattr(item, f) is not None]
        return (not values, min(values) if values else 1.0, item.position)

    return sorted(items, key=key)


def _warning_link(warning: ParseWarning, links: dict[str, str], plan: Plan) -> str:
    """Return where a warning is fixed: the form of the item it names; an action without tasks gets a new task."""
    if warning.kind == WarningKind.NO_TASKS and warning.ref.startswith("action:"):
        number = warning.ref.split(":", 1)[1]
        action = (
            plan.actions.filter(number=int(number)).values_list("pk", flat=True).first() if number.isdigit() else None
        )
        if action:
            return f"{reverse('plan-add-task', args=[plan.pk])}?action={action}"
    return links.get(warning.ref, "")


def _warning_links(plan: Plan) -> dict[str, str]:
    links = {
        f"indicator:{n}": reverse("plan-edit-indicator", args=[plan.pk, pk])
        for pk, n in plan.indicators.values_list("pk", "number")
    }
    for pk, n in plan.tasks.order_by("-position").values_list("pk", "number"):
        links[f"task:{n}"] = reverse("plan-edit-task", args=[plan.pk, pk])
    links.update(
        {
            f"action:{n}": reverse("plan-edit-action", args=[plan.pk, pk])
            for pk, n in plan.actions.values_list("pk", "number")
        }
    )
    return links


def _review_context(plan: Plan, user, dismiss_forms: dict | None = None, **extra) -> dict:
    lines = plan.document_text.split("\n") if plan.document_text else []
    indicators = plan.indicators.select_related("action", "baseline").prefetch_related("targets")
    tasks = plan.tasks.select_related("action").prefetch_related("task_departments__department")
    links = _warning_links(plan)
    # open warnings first (what the reader could not read is the first thing to check), then in the text's order
    warnings = sorted(plan.parse_warnings.all(), key=lambda w: (w.resolved, w.position))
    for w in warnings:
        w.fix_url, w.dismiss_form = _warning_link(w, links, plan), (dismiss_forms or {}).get(w.pk)
    return {
        "plan": plan,
        "lines": list(enumerate(lines, start=1)),
        "editable": scopes.can_correct_plan(user, plan),
        "actions": plan.actions.select_related("lead_department").order_by("number"),
        "indicators": _least_certain(indicators, "confidence"),
        "tasks": _least_certain(tasks, "confidence", "department_confidence"),
        "warnings": warnings,
        "open_warnings": sum(not w.resolved for w in warnings),
        "merge_form": services.MergeForm(plan=plan),
        "workbook_form": WorkbookForm(),
        "periods": period_choices(plan),
        "current_start": period_start(*current_period()).isoformat(),
        **extra,
    }


@login_required
def review(request, plan_id: int):
    plan = _plan(request, plan_id)
    return render(request, "web/review.html", _review_context(plan, request.user))


def _edit_page(
    request, plan: Plan, *, form, save, title: str, done, item=None, template="web/review_edit.html", extra=None
):
    """Show a correction form; on POST run the service, which validates everything and saves nothing on refusal."""
    if request.method == "POST":
        try:
            obj = save(request.POST)
        except services.EditRefused as exc:
            form = exc.form  # keeps what was typed, with the errors
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect(done(obj))
    return render(request, template, {"plan": plan, "form": form, "title": title, "item": item, **(extra or {})})


@login_required
def edit_plan(request, plan_id: int):
    plan = _plan(request, plan_id, write=True)
    return _edit_page(
        request,
        plan,
        form=services.PlanMetaForm(instance=plan),
        title=_("Plan details"),
        save=lambda data: services.update_plan_meta(plan, data),
        done=lambda p: _review_url(plan),
    )


@login_required
def edit_action(request, plan_id: int, action_id: int):
    plan = _plan(request, plan_id, write=True)
    action = get_object_or_404(plan.actions, pk=action_id)
    return _edit_page(
        request,
        plan,
        form=services.ActionForm(instance=action),
        item=action,
        title=action.name,
        save=lambda data: services.update_action(plan, action, data),
        done=lambda a: _review_url(plan, f"action-{a.pk}"),
    )


@login_required
def edit_indicator(request, plan_id: int, indicator_id: int | None = None):
    plan = _plan(request, plan_id, write=True)
    indicator = get_object_or_404(plan.indicators, pk=indicator_id) if indicator_id else None
    targets = indicator.targets.all() if indicator else []
    return _edit_page(
        request,
        plan,
        form=services.IndicatorForm(instance=indicator, plan=plan),
        item=indicator,
        title=f"{indicator.number} {indicator.name}" if indicator else _("New indicator"),
        save=lambda data: services.save_indicator(plan, indicator, data),
        template="web/edit_indicator.html",
        done=lambda i: (
            reverse("plan-edit-indicator", args=[plan.pk, i.pk])
            if indicator is None
            else _review_url(plan, f"indicator-{i.pk}")
        ),
        extra={"indicator": indicator, "targets": targets},
    )


@login_required
@require_POST
def delete_indicator(request, plan_id: int, indicator_id: int):
    plan = _plan(request, plan_id, write=True)
    indicator = get_object_or_404(plan.indicators, pk=indicator_id)
    return _delete(
        request,
        plan,
        lambda: services.delete_indicator(plan, indicator),
        _("Deleted “%(name)s”.") % {"name": indicator.name},
    )


@login_required
def edit_target(request, plan_id: int, indicator_id: int, target_id: int | None = None):
    plan = _plan(request, plan_id, write=True)
    indicator = get_object_or_404(plan.indicators, pk=indicator_id)
    target = get_object_or_404(indicator.targets, pk=target_id) if target_id else None
    title = f"{indicator.name} · " + (str(target.year) if target else _("new target"))
    return _edit_page(
        request,
        plan,
        form=services.TargetForm(instance=target, indicator=indicator),
        item=target,
        title=title,
        save=lambda data: services.save_target(plan, indicator, target, data),
        done=lambda t: reverse("plan-edit-indicator", args=[plan.pk, indicator.pk]),
        extra={"indicator": indicator},
    )


@login_required
@require_POST
def delete_target(request, plan_id: int, indicator_id: int, target_id: int):
    plan = _plan(request, plan_id, write=True)
    indicator = get_object_or_404(plan.indicators, pk=indicator_id)
    target = get_object_or_404(indicator.targets, pk=target_id)
    return _delete(
        request,
        plan,
        lambda: services.delete_target(plan, target),
        _("Deleted the target for %(year)s.") % {"year": target.year},
        reverse("plan-edit-indicator", args=[plan.pk, indicator_id]),
    )


@login_required
def edit_task(request, plan_id: int, task_id: int | None = None):
    plan = _plan(request, plan_id, write=True)
    task = get_object_or_404(plan.tasks, pk=task_id) if task_id else None
    initial = {"action": request.GET["action"]} if task is None and request.GET.get("action", "").isdigit() else None
    return _edit_page(
        request,
        plan,
        form=services.TaskForm(instance=task, plan=plan, initial=initial),
        item=task,
        title=_("Task %(n)s") % {"n": task.number} if task else _("New task"),
        save=lambda data: services.save_task(plan, task, data),
        done=lambda t: _review_url(plan, f"task-{t.pk}"),
    )


@login_required
@require_POST
def delete_task(request, plan_id: int, task_id: int):
    plan = _plan(request, plan_id, write=True)
    task = get_object_or_404(plan.tasks, pk=task_id)
    return _delete(
        request, plan, lambda: services.delete_task(plan, task), _("Deleted task %(n)s.") % {"n": task.number}
    )


def _delete(request, plan, action, done_message: str, url: str | None = None):
    try:
        action()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done_message)
    return redirect(url or _review_url(plan))


@login_required
@require_POST
def merge_departments(request, plan_id: int):
    plan = _plan(request, plan_id, write=True)
    try:
        keep, removed = services.merge_departments(plan, request.POST)
    except services.EditRefused as exc:
        return render(request, "web/review.html", _review_context(plan, request.user, merge_form=exc.form), status=200)
    if removed:
        messages.success(request, _("Merged: the other name is now an alias of “%(name)s”.") % {"name": keep.name})
    else:
        messages.success(
            request,
            _("This plan now uses “%(name)s”; the other name is still used elsewhere and was kept.")
            % {"name": keep.name},
        )
    return redirect(_review_url(plan, "departments"))


@login_required
@require_POST
def resolve_warning(request, plan_id: int, warning_id: int):
    """Dismiss a warning with a reason (fixing the item it refers to resolves it by itself), or reopen it."""
    plan = _plan(request, plan_id, write=True)
    warning = get_object_or_404(ParseWarning, pk=warning_id, plan=plan)
    form = None
    if request.POST.get("resolved", "1") == "0":
        services.reopen_warning(plan, warning)
    else:
        try:
            services.dismiss_warning(plan, warning, request.POST)
        except services.EditRefused as exc:
            form = exc.form
    warning.fix_url, warning.dismiss_form = _warning_link(warning, _warning_links(plan), plan), form
    if request.headers.get("HX-Request"):
        # the warning's row, and the count beside the publish button swapped out of band (no reload needed)
        context = {"plan": plan, "w": warning, "editable": True, "oob": True}
        context["open_warnings"] = plan.parse_warnings.filter(resolved=False).count()
        return render(request, "web/_warning_swap.html", context)
    if form is not None:
        return render(request, "web/review.html", _review_context(plan, request.user, dismiss_forms={warning.pk: form}))
    return redirect(_review_url(plan, f"warning-{warning.pk}"))


@login_required
def workbook(request, plan_id: int):
    """GET: the plan as an .xlsx to correct in Excel; POST: the corrected workbook applied all or nothing."""
    plan = _plan(request, plan_id, write=request.method == "POST")
    if request.method != "POST":
        return xlsx_download(export_workbook(plan), f"plan-{plan.pk}-review.xlsx")
    form = WorkbookForm(request.POST, request.FILES)
    if form.is_valid():
        # applied by a background job (plans.tasks.apply_workbook) from the stored file, all rows or none
        job = jobs.start(
            plan_tasks.apply_workbook,
            kind="plan-workbook",
            user=request.user,
            plan_id=plan.pk,
            path=jobs.stage_upload(form.cleaned_data["workbook"]),
        )
        return redirect("job", job_id=job.pk)
    return render(request, "web/review_workbook.html", {"plan": plan, "form": form, "errors": []}, status=200)


@login_required
@require_POST
def publish(request, plan_id: int):
    plan = _plan(request, plan_id, write=True)
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
    messages.success(
        request,
        _(
            "Published. %(n)s reporting items were created from %(start)s on; %(h)s items of earlier periods are history "
            "(they may be entered, never overdue)."
        )
        % {"n": counts["created"] - counts["history"], "start": plan.reporting_start, "h": counts["history"]},
    )
    if counts["unassigned"]:
        messages.warning(
            request, _("%(n)s items have no responsible department: assign them below.") % {"n": counts["unassigned"]}
        )
    # next step of the first cycle: bring the departments and counties in
    return redirect("people:plan", plan_id=plan.pk)
