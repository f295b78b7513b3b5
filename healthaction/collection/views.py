"""Reporting pages: inbox, forms with autosave, review queue, Excel round trip, completeness, reminders."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import OperationalError, transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from healthaction.collection import excel, services
from healthaction.collection import tasks as collection_tasks
from healthaction.collection.current import current_plan, remember
from healthaction.collection.filtersets import DueItemFilterSet, due_groups
from healthaction.collection.forms import IndicatorValueForm, ReviewForm, TaskReportForm, UploadForm
from healthaction.collection.models import DueItem, Evidence
from healthaction.collection.uploads import UploadRejected, evidence_from_upload
from healthaction.core import jobs, pagecache
from healthaction.core.choices import DueKind, PlanStatus, ValueStatus
from healthaction.core.params import int_param
from healthaction.core.registry import registry
from healthaction.core.xlsx import xlsx_download
from healthaction.plans.models import Plan
from healthaction.registry import scopes
from healthaction.registry.models import Department, OrgUnit


def BUSY_MESSAGE():  # noqa: N802 - a message, translated when shown
    return _(
        "The database is busy with another save right now. Nothing was saved; what you typed is kept below: press the button again."
    )


def is_busy(exc: Exception) -> bool:
    """SQLite answers "database is locked" when another writer holds the lock past the busy timeout."""
    return "locked" in str(exc).lower() or "busy" in str(exc).lower()


def _visible_items(user):
    return DueItem.objects.filter(obsolete=False).filter(scopes.due_item_filter(user))


def _item(user, pk) -> DueItem:
    item = (
        _visible_items(user)
        .select_related("plan__org_unit", "indicator__action", "task__action", "department", "org_unit")
        .filter(pk=pk)
        .first()
    )
    if item is None:
        raise Http404(_("No such item, or it is not yours to see."))
    return item


INBOX_PAGE_SIZE = 50
INBOX_STATES = ["overdue", "due", "returned", "draft", "submitted", "approved", "history"]


@login_required
def inbox(request):
    """What the user owes, per state (tabs), filtered (period, kind, reporter, text) and paged, grouped by period."""
    today = dt.date.today()
    plan = current_plan(request, published=True)
    items = _visible_items(request.user).select_related("indicator", "task", "department", "org_unit", "plan")
    if plan is not None:
        items = items.filter(plan=plan)
    filtered = DueItemFilterSet(request.GET, queryset=items)
    groups = due_groups(filtered.filter_without("group"), today)
    counts = {k: v.count() for k, v in groups.items()}
    asked = filtered.form.cleaned_data.get("group") if filtered.is_valid() else None
    current = asked or ("overdue" if counts["overdue"] else "due")
    page = Paginator(groups[current], INBOX_PAGE_SIZE).get_page(request.GET.get("page"))
    # rows other apps add (rectifications from inspections) for the group shown, without collection importing them
    extra = {name: source(request.user, today, current) for name, source in registry["inbox_sources"].items()}
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("group", None)
    return render(
        request,
        "collection/inbox.html",
        {
            "groups": counts,
            "current": current,
            "items": page.object_list,
            "page": page,
            "today": today,
            "filter": filtered,
            "filter_fields": [filtered.form[name] for name in DueItemFilterSet.PAGE_FIELDS],
            "query": query.urlencode(),
            "plan": plan,
            **extra,
        },
    )


def _form_for(item, data=None, files=None, initial=None):
    if item.kind == DueKind.INDICATOR_VALUE:
        return IndicatorValueForm(data, files, indicator=item.indicator, initial=initial)
    return TaskReportForm(data, files, initial=initial)


def _initial(obj) -> dict:
    if obj is None:
        return {"version": 0}
    if hasattr(obj, "progress"):
        return {"progress": obj.progress, "text": obj.text, "version": obj.version}
    return {
        "value": obj.value,
        "numerator": obj.numerator,
        "denominator": obj.denominator,
        "qualitative": obj.qualitative,
        "source": obj.source,
        "note": obj.note,
        "version": obj.version,
    }


@login_required
def item_detail(request, pk: int):
    item = _item(request.user, pk)
    obj = services.submission_for(item)
    can_report = scopes.can_report(request.user, item)
    form = _form_for(item, initial=_initial(obj))
    conflict = None
    busy = refused = False
    if request.method == "POST":
        if not can_report:
            raise PermissionDenied(_("You may not report for this item."))
        form = _form_for(item, request.POST, request.FILES)
        submit = request.POST.get("action") == "submit"
        if form.is_valid():
            data = dict(form.cleaned_data)
            uploads = data.pop("evidence", []) or []
            version = data.pop("version", None)
            try:
                files = [evidence_from_upload(u) for u in uploads]
            except UploadRejected as exc:
                form.add_error("evidence", str(exc))
                files = None
            if files is not None:
                try:
                    with transaction.atomic():
                        saved, check = services.save_submission(
                            request.user, item, data, submit=submit, expected_version=version, evidence_count=len(files)
                        )
                        if check.ok:
                            for f in files:
                                Evidence.objects.create(
                                    uploaded_by=request.user,
                                    **{"value" if item.kind == DueKind.INDICATOR_VALUE else "task_report": saved},
                                    **f,
                                )
                    for name, errors in check.errors.items():
                        for error in errors:
                            form.add_error(name if name in form.fields else None, error)
                    if check.ok:
                        for warning in check.warnings:
                            messages.warning(request, warning)
                        messages.success(request, _("Submitted.") if submit else _("Draft saved."))
                        return redirect("collection:item", pk=item.pk)
                except services.Conflict as exc:
                    conflict = str(exc)
                except services.Fixed:
                    refused = True  # the page says why, from the same rule (fixed_because)
                except services.NotAllowed as exc:
                    form.add_error(None, str(exc))
                except OperationalError as exc:
                    if not is_busy(exc):
                        raise
                    busy = True
                    form.add_error(None, BUSY_MESSAGE())
        obj = services.submission_for(item)
    owes = scopes.owes(request.user, item)
    fixed = fixed_because(request.user, item, obj) if owes or refused else None
    context = {
        # the form (save draft / submit) is for the department or area that owes the item while nothing waits for
        # review or is approved; the office reviews it
        "item": item,
        "obj": obj,
        "form": form,
        "can_report": owes and fixed is None,
        "fixed": fixed,
        "refused": refused,
        "can_reopen": obj is not None
        and obj.pk is not None
        and obj.status == ValueStatus.APPROVED
        and scopes.is_office(request.user, item.plan),
        "can_review": scopes.can_review(request.user, item) and obj is not None and obj.status == ValueStatus.SUBMITTED,
        "review_form": ReviewForm(initial={"version": obj.version if obj else None}),
        "history": services.history(obj) if obj and obj.pk else [],
        "conflict": conflict,
        "evidence": list(obj.evidence.all()) if obj and obj.pk else [],
        "targets": list(item.indicator.targets.all()) if item.indicator_id else [],
    }
    return render(request, "collection/item.html", context, status=409 if conflict or refused else 503 if busy else 200)


def fixed_because(user, item, obj) -> str | None:
    """Why the user may not change what answers the item now (services.write_rule's words), or None."""
    if obj is None or obj.pk is None:
        return None
    try:
        services.write_rule(user, item, obj.status, obj.submitted_by_id, unchanged=False)
    except services.Fixed as exc:
        return str(exc)
    return None


@login_required
@require_POST
def autosave(request, pk: int):
    """Save what has been typed as a draft (htmx, no validation); answer with a one-line status."""
    item = _item(request.user, pk)
    if not scopes.can_report(request.user, item):
        raise PermissionDenied
    form = _form_for(item, request.POST)
    form.is_valid()
    data = {k: v for k, v in form.cleaned_data.items() if k not in ("evidence", "version")}
    fixed = fixed_because(request.user, item, services.submission_for(item))
    if fixed:  # nothing typed into a fixed item is a draft, even when it happens to equal what was submitted
        return _line(_("Not autosaved: %(p)s") % {"p": fixed}, status=409)
    try:
        saved, check = services.save_submission(
            request.user, item, data, submit=False, expected_version=form.cleaned_data.get("version")
        )
    except services.Conflict as exc:
        return _line(str(exc), status=409)
    except services.Fixed as exc:
        return _line(_("Not autosaved: %(p)s") % {"p": exc}, status=409)
    except services.NotAllowed as exc:
        return _line(str(exc), status=403)
    except OperationalError as exc:
        if not is_busy(exc):
            raise
        return _line(BUSY_MESSAGE(), status=503)
    if not check.ok:
        problems = "；".join(m for ms in check.errors.values() for m in ms)
        return _line(_("Not autosaved: %(p)s") % {"p": problems}, status=422)
    response = _line(_("Draft saved at %(t)s") % {"t": dt.datetime.now().strftime("%H:%M:%S")})
    response["HX-Trigger"] = f'{{"versionChanged": {saved.version}}}'
    return response


def _line(text: str, status: int = 200) -> HttpResponse:
    """A one-line status for htmx to put into the page: escaped, since messages may repeat what was typed, and sent
    as text/plain, which is how the page tells it from an error page (a 404, an expired CSRF token)."""
    return HttpResponse(escape(text), status=status, content_type="text/plain; charset=utf-8")


@login_required
@require_POST
def review_item(request, pk: int):
    item = _item(request.user, pk)
    form = ReviewForm(request.POST)
    form.is_valid()
    approve = request.POST.get("action") == "approve"
    try:
        services.review(
            request.user,
            item,
            approve=approve,
            comment=form.cleaned_data.get("comment") or "",
            expected_version=form.cleaned_data.get("version"),
        )
    except services.NotAllowed as exc:
        if not scopes.can_review(request.user, item):
            raise PermissionDenied(str(exc))
        messages.error(request, str(exc))
    except services.Conflict as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Approved.") if approve else _("Returned to the reporter."))
    target = request.POST.get("next")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("collection:item", pk=item.pk)


@login_required
@require_POST
def review_bulk(request):
    """Approve the rows ticked in the review queue, each at the version shown on the page (services.approve_many)."""
    chosen = []
    for raw in request.POST.getlist("item")[:REVIEW_PAGE_SIZE]:
        if not raw.isdigit():
            continue
        item = (
            _visible_items(request.user)
            .filter(pk=int(raw))
            .select_related("plan__org_unit", "indicator", "task")
            .first()
        )
        version = request.POST.get(f"version-{raw}", "")
        if item is not None:
            chosen.append((item, int(version) if version.isdigit() else None))
    if not chosen:
        messages.error(request, _("Tick the rows to approve."))
    else:
        approved, problems = services.approve_many(request.user, chosen)
        messages.success(request, _("%(n)s items approved.") % {"n": approved})
        for problem in problems:
            messages.error(request, problem)
    target = request.POST.get("next")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("collection:review")


REVIEW_PAGE_SIZE = 50


@login_required
@require_POST
def reopen_item(request, pk: int):
    """The office reopens an approved item with a reason; the reporter can then correct and resubmit it."""
    item = _item(request.user, pk)
    if not scopes.is_office(request.user, item.plan):
        raise PermissionDenied
    form = ReviewForm(request.POST)
    form.is_valid()
    try:
        services.reopen(
            request.user,
            item,
            comment=form.cleaned_data.get("comment") or "",
            expected_version=form.cleaned_data.get("version"),
        )
    except (services.NotAllowed, services.Conflict) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Reopened: the reporter can correct and resubmit it."))
    return redirect("collection:item", pk=item.pk)


@login_required
def review_queue(request):
    """Submitted items with what the reviewer needs on the row: value, unit, previous value, target, evidence."""
    plan = current_plan(request, published=True)
    items = _visible_items(request.user).filter(status=ValueStatus.SUBMITTED)
    if plan is not None:
        items = items.filter(plan=plan)
    items = items.filter(scopes.review_filter(request.user))
    filtered = DueItemFilterSet(
        request.GET, queryset=items.select_related("indicator", "task", "department", "org_unit", "plan")
    )
    qs = filtered.filter_without().order_by("due_date", "pk")
    page = Paginator(qs, REVIEW_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = services.review_rows(list(page.object_list))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "collection/review.html",
        {
            "rows": rows,
            "page": page,
            "filter": filtered,
            "filter_fields": [filtered.form[name] for name in DueItemFilterSet.PAGE_FIELDS],
            "query": query.urlencode(),
            "plan": plan,
        },
    )


def _scope_choice(request):
    plan_id, department_id, unit_id = (
        int_param(request.GET, "plan"),
        int_param(request.GET, "department"),
        int_param(request.GET, "org_unit"),
    )
    plans = scopes.visible_plans(request.user, Plan.objects.select_related("org_unit"))
    if plan_id is not None:
        plan = remember(request, plans.filter(pk=plan_id).first())
        if plan is None:
            raise Http404(_("No such plan, or it is not yours to see."))
    else:
        plan = current_plan(request, published=True)  # the plan kept in the session, not silently the newest
    department = Department.objects.filter(pk=department_id).first() if department_id is not None else None
    org_unit = OrgUnit.objects.filter(pk=unit_id).first() if unit_id is not None else None
    return plan, department, org_unit


@login_required
def excel_page(request):
    plan, _d, _u = _scope_choice(request)
    form = UploadForm()
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]  # its size checked by the form (core/limits.py)
            # the job gets the stored file's name, never the bytes: any worker process can pick it up
            job = jobs.start(
                collection_tasks.import_workbook,
                kind="values-excel",
                user=request.user,
                path=jobs.stage_upload(upload),
                name=upload.name,
            )
            return redirect("job", job_id=job.pk)
    departments = Department.objects.filter(
        pk__in=[m.department_id for m in scopes.memberships(request.user) if m.department_id]
    )
    if plan and scopes.is_office(request.user, plan):
        departments = Department.objects.filter(due_items__plan=plan).distinct()
    units = scopes.excel_units(request.user, plan) if plan else OrgUnit.objects.none()
    return render(
        request,
        "collection/excel.html",
        {"form": form, "plan": plan, "departments": departments, "units": units},
    )


@login_required
def excel_template(request):
    plan, department, org_unit = _scope_choice(request)
    if plan is None:
        raise Http404(_("No published plan."))
    items = excel.template_items(
        request.user, plan, department=department, org_unit=org_unit, history=request.GET.get("history") == "1"
    )
    data = excel.build_template(items)
    name = f"template-{(department or org_unit or plan.org_unit).name}.xlsx"
    return xlsx_download(data, name)


@login_required
def evidence_download(request, pk: int):
    evidence = get_object_or_404(Evidence.objects.select_related("value", "task_report"), pk=pk)
    subject = evidence.value or evidence.task_report
    visible = _visible_items(request.user)
    if evidence.value_id:
        allowed = visible.filter(
            indicator_id=subject.indicator_id, org_unit_id=subject.org_unit_id, year=subject.year
        ).exists()
    else:
        allowed = visible.filter(
            task_id=subject.task_id,
            department_id=subject.department_id,
            org_unit_id=subject.org_unit_id,
            year=subject.year,
            half=subject.half,
        ).exists()
    if not allowed:
        raise Http404
    response = FileResponse(
        evidence.file.open("rb"),
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def completeness_page(request):
    plan_id = int_param(request.GET, "plan")
    plans = scopes.report_plans(request.user, Plan.objects.select_related("org_unit"))
    if plan_id is not None:
        plan = remember(request, plans.filter(pk=plan_id).first())
    else:
        chosen = current_plan(request, published=True)  # kept in the session; a newer plan does not take over
        plan = (plans.filter(pk=chosen.pk).first() if chosen else None) or plans.filter(
            status=PlanStatus.PUBLISHED
        ).order_by("-pk").first()
    if plan is None:
        raise Http404(_("No such plan, or it is not yours to see."))
    # the same tables for everyone who may read them, kept until an item of the plan changes (core/pagecache.py)
    key = f"completeness:{plan.pk}:{dt.date.today().isoformat()}:{pagecache.activity(plan.pk)}"
    tables = cache.get_or_set(key, lambda: services.completeness(plan), pagecache.seconds())
    return render(
        request,
        "collection/completeness.html",
        {"plan": plan, "tables": tables, "is_office": scopes.is_office(request.user, plan)},
    )


@login_required
@require_POST
def send_reminders_now(request):
    plan = get_object_or_404(
        scopes.visible_plans(request.user, Plan.objects.all()), pk=int_param(request.POST, "plan") or 0
    )
    if not scopes.is_office(request.user, plan):
        raise PermissionDenied
    # by the worker: robots are other servers, and a web request never waits for them
    job = jobs.start(
        collection_tasks.send_reminders,
        kind="reminders",
        user=request.user,
        lock_key=f"reminders:{plan.pk}",
        plan_id=plan.pk,
    )
    return redirect("job", job_id=job.pk)
