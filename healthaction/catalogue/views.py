"""Catalogue pages: the national list, cross-plan comparison per indicator, its export, match decisions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from openpyxl import Workbook
from openpyxl.styles import Font

from healthaction.catalogue.models import CatalogueIndicator, IndicatorMatch, MatchStatus
from healthaction.catalogue.services import compare_plan, comparison, decide, match_plan
from healthaction.core.xlsx import safe_row, workbook_bytes, xlsx_download
from healthaction.plans.models import Plan, targets_text
from healthaction.registry import scopes


def _plans(request):
    return scopes.visible_plans(request.user, Plan.objects.all())


@login_required
def catalogue_list(request):
    plans = _plans(request)
    entries = CatalogueIndicator.objects.annotate(
        plans=Count(
            "matches__indicator__plan",
            filter=Q(
                matches__status__in=[MatchStatus.MATCHED, MatchStatus.CONFIRMED], matches__indicator__plan__in=plans
            ),
            distinct=True,
        )
    )
    return render(request, "catalogue/list.html", {"entries": entries, "plan_count": plans.count()})


@login_required
def catalogue_entry(request, code: str):
    entry = get_object_or_404(CatalogueIndicator, code=code)
    rows = comparison(entry, _plans(request))
    chart = {
        "plans": [r["plan"].org_unit.name for r in rows],
        "years": [2022, 2030],
        "series": [
            {
                "year": y,
                "name": _("Target %(year)s") % {"year": y},
                "data": [r["targets"][y].value if y in r["targets"] else None for r in rows],
            }
            for y in (2022, 2030)
        ],
    }
    return render(request, "catalogue/entry.html", {"entry": entry, "rows": rows, "chart": chart})


@login_required
def catalogue_export(request):
    plans = list(_plans(request).select_related("org_unit"))
    wb = Workbook()
    ws = wb.active
    ws.title = "跨方案比较"
    header = [
        "编码",
        "全国指标",
        "全国2022年目标",
        "全国2030年目标",
        "方案",
        "地区",
        "方案中的指标名称",
        "基期",
        "2022年目标",
        "2030年目标",
        "其他年份目标",
        "最新值",
        "最新年份",
        "弱于全国目标",
        "弱于上级方案",
    ]
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for entry in CatalogueIndicator.objects.all():
        for row in comparison(entry, plans):
            targets = row["targets"]
            other = targets_text(t for y, t in sorted(targets.items()) if y not in (2022, 2030))
            latest = row["latest"]
            ws.append(
                safe_row(
                    [
                        entry.code,
                        entry.name,
                        entry.national_2022,
                        entry.national_2030,
                        row["plan"].title,
                        row["plan"].org_unit.name,
                        row["indicator"].name,
                        row["baseline"].raw_text if row["baseline"] else "",
                        targets[2022].raw_text if 2022 in targets else "",
                        targets[2030].raw_text if 2030 in targets else "",
                        other,
                        (latest.value if latest.value is not None else latest.qualitative) if latest else "",
                        latest.year if latest else "",
                        "、".join(str(y) for y in row["weaker_than_national"]),
                        "、".join(f"{y}（{p.org_unit.name}）" for y, p in row["weaker_than_above"]),
                    ]
                )
            )
    ws.auto_filter.ref = ws.dimensions
    return xlsx_download(workbook_bytes(wb), "跨方案指标比较.xlsx")


@login_required
def plan_matches(request, plan_id: int):
    plan = get_object_or_404(scopes.visible_plans(request.user, Plan.objects.all()), pk=plan_id)
    if not scopes.is_office(request.user, plan):
        raise PermissionDenied
    if request.method == "POST" and request.POST.get("rematch"):
        counts = match_plan(plan)
        messages.success(
            request,
            _("Matched: %(m)s automatic, %(p)s waiting for a person, %(n)s without counterpart.")
            % {"m": counts["matched"], "p": counts["proposed"], "n": counts["none"]},
        )
        return redirect("catalogue:plan-matches", plan_id=plan.pk)
    matches = (
        IndicatorMatch.objects.filter(indicator__plan=plan)
        .select_related("indicator", "catalogue")
        .order_by("status", "indicator__position")
    )
    return render(
        request,
        "catalogue/matches.html",
        {"plan": plan, "matches": matches, "entries": CatalogueIndicator.objects.all()},
    )


@login_required
@require_POST
def decide_match(request, plan_id: int, match_id: int):
    plan = get_object_or_404(scopes.visible_plans(request.user, Plan.objects.all()), pk=plan_id)
    if not scopes.is_office(request.user, plan):
        raise PermissionDenied
    match = get_object_or_404(IndicatorMatch, pk=match_id, indicator__plan=plan)
    code = request.POST.get("catalogue", "")
    entry = CatalogueIndicator.objects.filter(code=code).first() if code else None
    decide(match, request.user, entry)
    messages.success(request, _("Saved the match of “%(name)s”.") % {"name": match.indicator.name})
    return redirect(f"{request.path.rsplit('/', 3)[0]}/#match-{match.pk}")


@login_required
def plan_compare(request, plan_id: int):
    """A plan's targets beside the plan it implements and the national ones, with what a reviewer looks for."""
    plans = _plans(request)
    plan = get_object_or_404(plans.select_related("parent__org_unit", "org_unit"), pk=plan_id)
    parent = plan.parent
    if parent is not None and not plans.filter(pk=parent.pk).exists():
        parent = None  # a plan the user may not open is neither shown nor compared with
    rows = compare_plan(plan, with_parent=parent is not None)
    return render(
        request,
        "catalogue/compare.html",
        {"plan": plan, "parent": parent, "rows": rows, "flagged": sum(1 for r in rows if r["flags"])},
    )
