"""Pages of supervision and healthy-cell assessment: checklists, rounds, visits (phone-friendly), findings, results."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from healthaction.collection.current import current_plan
from healthaction.collection.models import IndicatorValue
from healthaction.core import jobs
from healthaction.core.choices import PlanStatus
from healthaction.core.params import int_param
from healthaction.core.xlsx import xlsx_download
from healthaction.inspections import excel, services
from healthaction.inspections import tasks as inspection_tasks
from healthaction.inspections.choices import FindingStatus
from healthaction.inspections.filtersets import ACTIVE, FindingFilterSet
from healthaction.inspections.forms import (
    ItemFormSet,
    RoundEditForm,
    RoundForm,
    ScoreFormSet,
    StepForm,
    UploadForm,
    VisitDateForm,
)
from healthaction.inspections.models import Checklist, Finding, FindingEvent, Round, ScoreFile
from healthaction.plans.models import Plan
from healthaction.registry import scopes


def _office_plans(user, required: bool = False):
    """The published plans whose office the user belongs to; with required, none is a 403."""
    published = Plan.objects.filter(status=PlanStatus.PUBLISHED)
    plans = list(scopes.run_plans(user, published).select_related("org_unit").order_by("-pk"))
    if required and not plans:
        raise PermissionDenied(_("Only the committee office manages checklists and rounds."))
    return plans


def _xlsx(data: bytes, name: str) -> FileResponse:
    return xlsx_download(data, name)


def _round(user, pk: int) -> Round:
    return get_object_or_404(services.visible_rounds(user).select_related("plan__org_unit", "checklist"), pk=pk)


@login_required
def index(request):
    rounds = (
        services.visible_rounds(request.user)
        .select_related("checklist", "plan")
        .annotate(
            n_visits=Count("visits", distinct=True),
            n_signed=Count("visits", filter=Q(visits__signed_off_at__isnull=False), distinct=True),
        )
        .order_by("-year", "-starts")
    )
    findings = services.visible_findings(request.user)
    today = dt.date.today()
    counts = {
        "open": findings.exclude(status=Finding.VERIFIED).count(),
        "due_soon": services.due_soon_findings(findings, today).count(),
        "overdue": findings.filter(status__in=services.AWAITING_RECTIFICATION, deadline__lt=today).count(),
        "submitted": findings.filter(status=Finding.SUBMITTED).count(),
    }
    return render(
        request,
        "inspections/index.html",
        {"rounds": rounds, "counts": counts, "office_plans": _office_plans(request.user)},
    )


# ---- checklists ---------------------------------------------------------------------------------------


@login_required
def checklists(request):
    plans = _office_plans(request.user, required=True)
    upload = UploadForm()
    if request.method == "POST":
        what = request.POST.get("what")
        plan = next((p for p in plans if str(p.pk) == request.POST.get("plan")), plans[0])
        try:
            if what == "supervision":
                checklist = services.supervision_checklist(plan)
            elif what == "community":
                checklist = services.healthy_community_checklist()
            elif what == "import":
                upload = UploadForm(request.POST, request.FILES)
                if not upload.is_valid():
                    raise excel.WorkbookError([("", 0, "", _("Choose a workbook to import."))])
                f = upload.cleaned_data["file"]
                checklist = excel.import_checklist(f.read(), f.name, plan=plan)
            else:
                raise Http404
        except services.InspectionError as exc:
            messages.error(request, str(exc))
            return redirect("inspections:checklists")
        except excel.WorkbookError as exc:
            return render(
                request,
                "inspections/checklists.html",
                {
                    "checklists": _checklist_rows(plans),
                    "plans": plans,
                    "upload": upload,
                    "errors": [excel.format_error(e) for e in exc.errors],
                },
                status=400,
            )
        messages.success(
            request, _("Checklist “%(t)s” version %(v)s is ready.") % {"t": checklist.title, "v": checklist.version}
        )
        return redirect("inspections:checklist", pk=checklist.pk)
    return render(
        request, "inspections/checklists.html", {"checklists": _checklist_rows(plans), "plans": plans, "upload": upload}
    )


def _checklist_rows(plans):
    return (
        Checklist.objects.filter(Q(plan__in=plans) | Q(plan__isnull=True))
        .annotate(n_items=Count("items"), n_rounds=Count("rounds"))
        .order_by("key", "-version")
    )


def _checklist(user, pk: int) -> Checklist:
    plans = _office_plans(user, required=True)
    return get_object_or_404(Checklist.objects.filter(Q(plan__in=plans) | Q(plan__isnull=True)), pk=pk)


@login_required
def checklist_detail(request, pk: int):
    checklist = _checklist(request.user, pk)
    formset = None if checklist.frozen else ItemFormSet(instance=checklist, prefix="items")
    if request.method == "POST":
        if request.POST.get("what") == "version":
            copy = services.new_version(checklist)
            messages.success(request, _("Version %(v)s made; edit it here.") % {"v": copy.version})
            return redirect("inspections:checklist", pk=copy.pk)
        if checklist.frozen:
            messages.error(request, _("This version is used by a round and cannot change; make a new version."))
            return redirect("inspections:checklist", pk=pk)
        formset = ItemFormSet(request.POST, instance=checklist, prefix="items")
        pass_mark = request.POST.get("pass_mark", "")
        try:
            pass_mark_value = float(pass_mark)
        except ValueError:
            pass_mark_value = None
        if pass_mark_value is not None and not (0 <= pass_mark_value < float("inf")):
            pass_mark_value = None  # negative, infinite or not a number
        if formset.is_valid() and pass_mark_value is not None:
            with transaction.atomic():
                formset.save()
                checklist.pass_mark = pass_mark_value
                checklist.save(update_fields=["pass_mark"])
            messages.success(request, _("Checklist saved."))
            return redirect("inspections:checklist", pk=pk)
        if pass_mark_value is None:
            messages.error(request, _("The pass mark must be a number of points."))
    items = checklist.items.select_related("indicator", "task")
    return render(
        request,
        "inspections/checklist.html",
        {"checklist": checklist, "items": items, "formset": formset, "max_points": checklist.max_points()},
    )


@login_required
def checklist_export(request, pk: int):
    checklist = _checklist(request.user, pk)
    return _xlsx(excel.export_checklist(checklist), f"{checklist.title}-v{checklist.version}.xlsx")


# ---- rounds ------------------------------------------------------------------------------------------


@login_required
def round_new(request):
    plans = _office_plans(request.user, required=True)
    chosen = current_plan(request, published=True)  # the plan kept in the session, not silently the newest
    plan = next((p for p in plans if chosen is not None and p.pk == chosen.pk), plans[0])
    form = RoundForm(
        request.POST or None, plan=plan, initial={"year": dt.date.today().year, "inspectors": [request.user.pk]}
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        rnd = services.plan_round(
            plan,
            d["checklist"],
            d["year"],
            d["title"],
            d["starts"],
            d["ends"],
            d["inspectors"],
            org_units=form.units(),
            departments=d["departments"],
            indicator=d.get("indicator"),
        )
        messages.success(request, _("Round planned with %(n)s visits.") % {"n": rnd.visits.count()})
        return redirect("inspections:round", pk=rnd.pk)
    return render(request, "inspections/round_new.html", {"form": form, "plan": plan, "plans": plans})


@login_required
def round_edit(request, pk: int):
    rnd = _round(request.user, pk)
    if not scopes.is_office(request.user, rnd.plan):
        raise PermissionDenied(_("Only the committee office manages checklists and rounds."))
    initial = {
        "title": rnd.title,
        "starts": rnd.starts,
        "ends": rnd.ends,
        "inspectors": list(rnd.inspectors.values_list("pk", flat=True)),
        "indicator": rnd.indicator_id or _suggested_indicator(rnd),
    }
    form = RoundEditForm(request.POST or None, round=rnd, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        added, dropped = services.change_round(
            rnd,
            title=d["title"],
            starts=d["starts"],
            ends=d["ends"],
            inspectors=d["inspectors"],
            org_units=form.units(),
            departments=d["departments"],
            remove=d["remove"],
            indicator=d.get("indicator"),
        )
        messages.success(request, _("Round saved: %(a)s visits added, %(d)s dropped.") % {"a": added, "d": dropped})
        return redirect("inspections:round", pk=pk)
    return render(
        request,
        "inspections/round_new.html",
        {"form": form, "round": rnd, "plan": rnd.plan},
        status=400 if form.errors else 200,
    )


@login_required
def round_detail(request, pk: int):
    rnd = _round(request.user, pk)
    visits = list(
        rnd.visits.select_related("org_unit__parent", "department", "signed_off_by")
        .prefetch_related("scores")
        .annotate(n_findings=Count("findings"))
        .order_by("org_unit__path", "department__name")
    )
    n_items = rnd.checklist.items.count()
    for v in visits:
        v.total = services.visit_total(v)
        v.scored = len(v.scores.all())
    may_record = services.may_record(request.user, rnd.visits.first()) if visits else False
    is_office = scopes.is_office(request.user, rnd.plan)
    results = services.healthy_cell_results(rnd) if rnd.checklist.kind == Checklist.HEALTHY_CELL else None
    suggested = _suggested_indicator(rnd) if is_office and results and rnd.indicator_id is None else None
    errors = []
    if request.method == "POST":
        if not may_record:
            raise PermissionDenied(_("Only this round's inspectors may record its visits."))
        upload = UploadForm(request.POST, request.FILES)
        if upload.is_valid():
            f = upload.cleaned_data["file"]
            # the job gets the stored file's name, never the bytes: any worker process can pick it up
            job = jobs.start(
                inspection_tasks.import_results,
                kind="inspection-results",
                user=request.user,
                round_id=rnd.pk,
                path=jobs.stage_upload(f),
                name=f.name,
            )
            return redirect("job", job_id=job.pk)
        else:
            errors = [_("Choose a workbook to import.")]
    return render(
        request,
        "inspections/round.html",
        {
            "round": rnd,
            "visits": visits,
            "n_items": n_items,
            "may_record": may_record,
            "is_office": is_office,
            "results": results,
            "suggested": suggested,
            "errors": errors,
            "upload": UploadForm(),
            "full": rnd.checklist.max_points(),
            "score_sheet": excel.SCORE_SHEET,
        },
        status=400 if errors else 200,
    )


def _suggested_indicator(rnd: Round) -> int | None:
    """The indicator this round's share went to before, else one named after the checklist's kind of unit."""

    earlier = (
        IndicatorValue.objects.filter(
            indicator__plan=rnd.plan, org_unit=rnd.plan.org_unit, year=rnd.year, source__startswith=rnd.title
        )
        .values_list("indicator_id", flat=True)
        .first()
    )
    if earlier:
        return earlier
    words = [
        w
        for w in ("健康社区", "健康村", "健康学校", "健康单位", "健康家庭", "健康医院", "健康机关", "健康细胞")
        if w in rnd.checklist.title
    ]
    for word in words:
        found = rnd.plan.indicators.filter(name__contains=word).values_list("pk", flat=True).first()
        if found:
            return found
    return None


@login_required
def round_export(request, pk: int):
    rnd = _round(request.user, pk)
    return _xlsx(excel.export_results(rnd), f"{rnd.title}-结果.xlsx")


@login_required
@require_POST
def round_share(request, pk: int):
    """Submit the round's share as the value of the indicator the round measures (another indicator is refused)."""
    rnd = _round(request.user, pk)
    if not scopes.is_office(request.user, rnd.plan):
        raise PermissionDenied
    asked = int_param(request.POST, "indicator")
    if asked is not None and asked != rnd.indicator_id:
        messages.error(
            request,
            _("This round measures “%(i)s”; its share is recorded for that indicator only.")
            % {"i": rnd.indicator.name if rnd.indicator else "—"},
        )
        return redirect("inspections:round", pk=pk)
    try:
        value = services.record_share(rnd, request.user)
    except services.InspectionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("%(v)s%% submitted as the %(y)s value of “%(i)s”; it counts once someone else in the office approves it.")
            % {"v": f"{value.value:g}", "y": value.year, "i": rnd.indicator.name},
        )
    return redirect("inspections:round", pk=pk)


# ---- visits -------------------------------------------------------------------------------------------


@login_required
def visit_detail(request, pk: int):
    visit = get_object_or_404(
        services.visible_visits(request.user).select_related(
            "round__plan__org_unit", "round__checklist", "org_unit", "department", "signed_off_by"
        ),
        pk=pk,
    )
    may_record = services.may_record(request.user, visit)
    items = list(visit.round.checklist.items.all())
    scores = {s.item_id: s for s in visit.scores.prefetch_related("files")}
    posted = request.method == "POST"
    if posted and not may_record:
        raise PermissionDenied(_("Only this round's inspectors may record its visits."))
    formset = ScoreFormSet(
        request.POST if posted else None, request.FILES if posted else None, items=items, scores=scores
    )
    date_form = VisitDateForm(request.POST if posted else None, initial={"visited_on": visit.visited_on})
    general = []
    if posted:
        if formset.is_valid() and date_form.is_valid():
            refused = services.record_visit(
                request.user, visit, formset.entries(), date_form.cleaned_data["visited_on"]
            )
            if not refused:
                return _after_scoring(request, visit)
            formset.add_service_errors(refused)
        general.extend(date_form.errors.get("visited_on", []))
        if any(request.FILES.values()):
            general.append(_("Nothing was saved; the files you chose must be chosen again."))
    has_errors = posted  # a valid post has redirected
    rows = [{"item": f.item, "score": scores.get(f.item.pk), "form": f} for f in formset.forms]
    findings = visit.findings.select_related("item").order_by("item__position")
    return render(
        request,
        "inspections/visit.html",
        {
            "visit": visit,
            "rows": rows,
            "may_record": may_record and not visit.signed_off_at,
            "total": services.visit_total(visit),
            "full": visit.round.checklist.max_points(),
            "findings": findings,
            "general": general,
            "has_errors": has_errors,
            "date_form": date_form,
            "round_visible": services.visible_rounds(request.user).filter(pk=visit.round_id).exists(),
        },
        status=400 if has_errors else 200,
    )


def _after_scoring(request, visit):
    """The scores are saved: sign off when asked, and say where the visit stands."""
    if request.POST.get("action") == "sign_off":
        try:
            findings = services.sign_off(request.user, visit)
        except services.InspectionError as exc:
            messages.error(request, str(exc))
            return redirect("inspections:visit", pk=visit.pk)
        messages.success(
            request,
            _("Signed off: %(t)s points, %(n)s findings to rectify.")
            % {"t": f"{services.visit_total(visit):g}", "n": len(findings)},
        )
    else:
        messages.success(request, _("Scores saved: %(t)s points so far.") % {"t": f"{services.visit_total(visit):g}"})
    return redirect("inspections:visit", pk=visit.pk)


# ---- findings -----------------------------------------------------------------------------------------


@login_required
def findings(request):
    qs = (
        services.visible_findings(request.user)
        .select_related("visit__round", "item", "department", "org_unit")
        .order_by("deadline", "pk")
    )
    today = dt.date.today()
    query = request.GET.copy()
    query.setdefault("status", ACTIVE)  # the page opens on what is still to be done
    filters = FindingFilterSet(query, queryset=qs)  # the same parameters as /api/findings/
    valid = filters.is_valid()
    return render(
        request,
        "inspections/findings.html",
        {
            "findings": filters.qs[:500] if valid else [],
            "current": query["status"],
            "today": today,
            "statuses": FindingStatus.choices,
            "filter_errors": filters.errors,
            "awaiting": services.AWAITING_RECTIFICATION,
            "due_soon_days": services.DUE_SOON_DAYS,
        },
        status=200 if valid else 400,
    )


@login_required
def finding_detail(request, pk: int):
    finding = get_object_or_404(
        services.visible_findings(request.user).select_related(
            "visit__round__plan__org_unit", "item", "department", "org_unit"
        ),
        pk=pk,
    )
    steps = services.allowed_steps(request.user, finding)
    form = StepForm(steps=steps) if steps else None
    if request.method == "POST":
        if not steps:
            raise PermissionDenied(_("You may not move this finding on."))
        form = StepForm(request.POST, request.FILES, steps=steps)
        if form.is_valid():
            try:
                services.advance(
                    request.user,
                    finding,
                    form.cleaned_data["status"],
                    form.cleaned_data["comment"].strip(),
                    form.cleaned_data["evidence"],
                )
            except services.InspectionError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request, _("The finding is now “%(s)s”.") % {"s": FindingStatus.label(form.cleaned_data["status"])}
                )
                return redirect("inspections:finding", pk=pk)
    events = finding.events.select_related("user")
    return render(
        request,
        "inspections/finding.html",
        {
            "finding": finding,
            "events": events,
            "form": form,
            "today": dt.date.today(),
            "overdue": finding.status in services.AWAITING_RECTIFICATION and finding.deadline < dt.date.today(),
        },
        status=400 if form is not None and form.errors else 200,
    )


@login_required
def evidence(request, kind: str, pk: int):
    """Download a visit photo or a rectification file, for those who may see its round or finding."""
    if kind == "score":
        obj = get_object_or_404(ScoreFile.objects.select_related("score__visit"), pk=pk)
        visit = obj.score.visit
        allowed = (
            services.visible_rounds(request.user).filter(pk=visit.round_id).exists()
            or services.visible_findings(request.user).filter(visit_id=visit.pk, item_id=obj.score.item_id).exists()
        )
        stored, name = obj.file, obj.name
    elif kind == "event":
        obj = get_object_or_404(FindingEvent, pk=pk)
        allowed = services.visible_findings(request.user).filter(pk=obj.finding_id).exists()
        stored, name = obj.evidence, obj.evidence_name
    else:
        raise Http404
    if not allowed or not stored:
        raise Http404
    response = FileResponse(stored.open("rb"), as_attachment=True, filename=name or stored.name.rsplit("/", 1)[-1])
    response["X-Content-Type-Options"] = "nosniff"
    return response
