"""Reporting pages: inbox, forms with autosave, review queue, Excel round trip, completeness, reminders."""

import datetime as dt
import io
import uuid
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from healthaction.collection import excel, services
from healthaction.collection.forms import IndicatorValueForm, ReviewForm, TaskReportForm, UploadForm
from healthaction.collection.models import DueItem, Evidence
from healthaction.collection.uploads import UploadRejected, evidence_from_upload
from healthaction.core.choices import DueKind, ValueStatus
from healthaction.core.registry import registry
from healthaction.plans.models import Plan
from healthaction.registry import scopes
from healthaction.registry.models import Department, OrgUnit

INBOX_HORIZON_DAYS = 60


def _visible_items(user):
    return DueItem.objects.filter(obsolete=False).filter(scopes.due_item_filter(user))


def _item(user, pk) -> DueItem:
    item = _visible_items(user).select_related("plan__org_unit", "indicator__action", "task__action", "department", "org_unit").filter(pk=pk).first()
    if item is None:
        raise Http404(_("No such item, or it is not yours to see."))
    return item


@login_required
def inbox(request):
    today = dt.date.today()
    items = _visible_items(request.user).select_related("indicator", "task", "department", "org_unit", "plan")
    groups = {
        "overdue": items.filter(received_at__isnull=True, due_date__lt=today).order_by("due_date"),
        "due": items.filter(received_at__isnull=True, due_date__gte=today, due_date__lte=today + dt.timedelta(days=INBOX_HORIZON_DAYS)).order_by("due_date"),
        "returned": items.filter(status=ValueStatus.RETURNED).order_by("due_date"),
        "draft": items.filter(status=ValueStatus.DRAFT).order_by("due_date"),
        "submitted": items.filter(status=ValueStatus.SUBMITTED).order_by("-due_date"),
    }
    counts = {k: v.count() for k, v in groups.items()}
    current = request.GET.get("group", "overdue" if counts["overdue"] else "due")
    if current not in groups:
        current = "overdue"
    # rows other apps add (overdue rectifications from inspections), without collection importing them
    extra = {name: source(request.user, today) for name, source in registry["inbox_sources"].items()}
    return render(request, "collection/inbox.html", {"groups": counts, "current": current, "items": groups[current][:300], "today": today, **extra})


def _form_for(item, data=None, files=None, initial=None):
    if item.kind == DueKind.INDICATOR_VALUE:
        return IndicatorValueForm(data, files, indicator=item.indicator, initial=initial)
    return TaskReportForm(data, files, initial=initial)


def _initial(obj) -> dict:
    if obj is None:
        return {"version": 0}
    if hasattr(obj, "progress"):
        return {"progress": obj.progress, "text": obj.text, "version": obj.version}
    return {"value": obj.value, "numerator": obj.numerator, "denominator": obj.denominator, "qualitative": obj.qualitative, "source": obj.source, "note": obj.note, "version": obj.version}


@login_required
def item_detail(request, pk: int):
    item = _item(request.user, pk)
    obj = services.submission_for(item)
    can_report = scopes.can_report(request.user, item)
    form = _form_for(item, initial=_initial(obj))
    conflict = None
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
                        saved, check = services.save_submission(request.user, item, data, submit=submit, expected_version=version or None, evidence_count=len(files))
                        if check.ok or not submit:
                            for f in files:
                                Evidence.objects.create(uploaded_by=request.user, **{"value" if item.kind == DueKind.INDICATOR_VALUE else "task_report": saved}, **f)
                    for name, errors in check.errors.items():
                        for error in errors:
                            form.add_error(name if name in form.fields else None, error)
                    if check.ok or not submit:
                        for warning in check.warnings:
                            messages.warning(request, warning)
                        messages.success(request, _("Submitted.") if submit else _("Draft saved."))
                        return redirect("collection:item", pk=item.pk)
                except services.Conflict as exc:
                    conflict = str(exc)
                except services.NotAllowed as exc:
                    form.add_error(None, str(exc))
        obj = services.submission_for(item)
    context = {
        "item": item, "obj": obj, "form": form, "can_report": can_report and (obj is None or obj.status != ValueStatus.APPROVED or scopes.is_office(request.user, item.plan)),
        "can_review": scopes.can_review(request.user, item) and obj is not None and obj.status == ValueStatus.SUBMITTED,
        "review_form": ReviewForm(initial={"version": obj.version if obj else None}), "history": services.history(obj) if obj and obj.pk else [], "conflict": conflict,
        "evidence": list(obj.evidence.all()) if obj and obj.pk else [], "targets": list(item.indicator.targets.all()) if item.indicator_id else [],
    }
    return render(request, "collection/item.html", context, status=409 if conflict else 200)


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
    obj = services.submission_for(item)
    if obj is not None and obj.status in (ValueStatus.SUBMITTED, ValueStatus.APPROVED):
        return HttpResponse(_("Not autosaved: the item is already submitted."))
    try:
        saved, _check = services.save_submission(request.user, item, data, submit=False, expected_version=form.cleaned_data.get("version") or None)
    except services.Conflict as exc:
        return HttpResponse(str(exc), status=409)
    response = HttpResponse(_("Draft saved at %(t)s") % {"t": dt.datetime.now().strftime("%H:%M:%S")})
    response["HX-Trigger"] = f'{{"versionChanged": {saved.version}}}'
    return response


@login_required
@require_POST
def review_item(request, pk: int):
    item = _item(request.user, pk)
    form = ReviewForm(request.POST)
    form.is_valid()
    approve = request.POST.get("action") == "approve"
    try:
        services.review(request.user, item, approve=approve, comment=form.cleaned_data.get("comment") or "", expected_version=form.cleaned_data.get("version"))
    except services.NotAllowed as exc:
        if not scopes.can_review(request.user, item):
            raise PermissionDenied(str(exc))
        messages.error(request, str(exc))
    except services.Conflict as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Approved.") if approve else _("Returned to the reporter."))
    return redirect("collection:item", pk=item.pk)


@login_required
def review_queue(request):
    items = _visible_items(request.user).filter(status=ValueStatus.SUBMITTED).select_related("indicator", "task", "department", "org_unit", "plan").order_by("due_date")
    items = [i for i in items[:500] if scopes.can_review(request.user, i)]
    return render(request, "collection/review.html", {"items": items})


def _scope_choice(request):
    plan = Plan.objects.filter(pk=request.GET.get("plan")).first() or Plan.objects.filter(status="published").order_by("-pk").first()
    department = Department.objects.filter(pk=request.GET.get("department")).first() if request.GET.get("department") else None
    org_unit = OrgUnit.objects.filter(pk=request.GET.get("org_unit")).first() if request.GET.get("org_unit") else None
    return plan, department, org_unit


@login_required
def excel_page(request):
    plan, _d, _u = _scope_choice(request)
    result = None
    form = UploadForm()
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > excel.MAX_UPLOAD_BYTES:
                form.add_error("file", _("The file is larger than %(n)s MB.") % {"n": excel.MAX_UPLOAD_BYTES // 1048576})
            else:
                result = excel.import_workbook(request.user, upload.read(), upload.name)
                if result.annotated:
                    token = uuid.uuid4().hex
                    folder = Path(settings.MEDIA_ROOT) / "returned"
                    folder.mkdir(parents=True, exist_ok=True)
                    (folder / f"{token}-{request.user.pk}.xlsx").write_bytes(result.annotated)
                    result.token = token
                if not result.errors:
                    messages.success(request, _("%(saved)s rows submitted, %(same)s unchanged.") % {"saved": result.saved, "same": result.unchanged})
    departments = Department.objects.filter(pk__in=[m.department_id for m in scopes.memberships(request.user) if m.department_id])
    if plan and scopes.is_office(request.user, plan):
        departments = Department.objects.filter(due_items__plan=plan).distinct()
    units = OrgUnit.objects.filter(pk__in=[m.org_unit_id for m in scopes.memberships(request.user) if m.role == "area_office"])
    if plan and scopes.is_office(request.user, plan):
        units = plan.org_unit.children.all()
    return render(request, "collection/excel.html", {"form": form, "result": result, "plan": plan, "departments": departments, "units": units})


@login_required
def excel_template(request):
    plan, department, org_unit = _scope_choice(request)
    if plan is None:
        raise Http404(_("No published plan."))
    items = excel.template_items(request.user, plan, department=department, org_unit=org_unit)
    data = excel.build_template(items)
    name = f"template-{(department or org_unit or plan.org_unit).name}.xlsx"
    return FileResponse(io.BytesIO(data), as_attachment=True, filename=name, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@login_required
def excel_returned(request, token: str):
    if not token.isalnum():
        raise Http404
    path = Path(settings.MEDIA_ROOT) / "returned" / f"{token}-{request.user.pk}.xlsx"
    if not path.is_file():
        raise Http404
    return FileResponse(path.open("rb"), as_attachment=True, filename="returned-with-comments.xlsx")


@login_required
def evidence_download(request, pk: int):
    evidence = get_object_or_404(Evidence.objects.select_related("value", "task_report"), pk=pk)
    subject = evidence.value or evidence.task_report
    visible = _visible_items(request.user)
    if evidence.value_id:
        allowed = visible.filter(indicator_id=subject.indicator_id, org_unit_id=subject.org_unit_id, year=subject.year).exists()
    else:
        allowed = visible.filter(task_id=subject.task_id, department_id=subject.department_id, org_unit_id=subject.org_unit_id, year=subject.year, half=subject.half).exists()
    if not allowed:
        raise Http404
    response = FileResponse(evidence.file.open("rb"), as_attachment=True, filename=evidence.original_name, content_type=evidence.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def completeness_page(request):
    plan = Plan.objects.filter(pk=request.GET.get("plan")).first() or Plan.objects.filter(status="published").order_by("-pk").first()
    if plan is None or not (scopes.is_office(request.user, plan) or "leader" in scopes.roles(request.user) or "action_lead" in scopes.roles(request.user)):
        raise PermissionDenied
    return render(request, "collection/completeness.html", {"plan": plan, "tables": services.completeness(plan)})


@login_required
@require_POST
def send_reminders_now(request):
    plan = get_object_or_404(Plan, pk=request.POST.get("plan"))
    if not scopes.is_office(request.user, plan):
        raise PermissionDenied
    count = services.send_reminders(plan=plan)
    messages.success(request, _("Reminders sent to %(n)s people.") % {"n": count})
    return redirect(request.POST.get("next") or "collection:completeness")
