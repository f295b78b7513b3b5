"""The plan a person is working on: chosen once (in the address or the header switcher), kept in the session.

Every page that depends on a plan asks `current_plan(request)` instead of guessing; without this, pages
followed the newest published plan and changed under people's feet when another plan was published.
Order: the plan in the address (path or ?plan=) → the one kept in the session → the newest published plan
in which the user owes or reviews something → the newest published plan the user may see (then kept, so
publishing another plan later changes nothing for them).
"""

from __future__ import annotations

from healthaction.collection.models import DueItem
from healthaction.core.choices import PlanStatus
from healthaction.plans.models import Plan
from healthaction.registry import scopes

SESSION_KEY = "healthaction_plan"


def selectable_plans(user):
    """The plans a user may pick in the header: published ones they may see, and drafts of their own office."""
    plans = scopes.visible_plans(user, Plan.objects.select_related("org_unit")).exclude(status=PlanStatus.ARCHIVED)
    return plans.order_by("-pk")


def remember(request, plan: Plan | None) -> Plan | None:
    if plan is not None and hasattr(request, "session") and request.session.get(SESSION_KEY) != plan.pk:
        request.session[SESSION_KEY] = plan.pk
    return plan


def current_plan(request, plan: Plan | None = None, published: bool = False) -> Plan | None:
    """Return the plan this request works on, remembering it in the session.

    `plan` is one already taken from the path; `published` limits the choice to published plans
    (reporting pages have nothing to show for a draft).
    """
    if plan is not None:
        return remember(request, plan)
    plans = selectable_plans(request.user)
    if published:
        plans = plans.filter(status=PlanStatus.PUBLISHED)
    asked = request.GET.get("plan") or (request.POST.get("plan") if request.method == "POST" else None)
    if asked and str(asked).isdigit():
        found = plans.filter(pk=int(asked)).first()
        if found is not None:
            return remember(request, found)
    kept = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    if kept:
        found = plans.filter(pk=kept).first()
        if found is not None:
            return found
    return remember(request, _fallback(request.user, plans))


def _fallback(user, plans) -> Plan | None:
    """The newest published plan where the user has items (a liaison's own plan), else the newest one."""
    published = plans.filter(status=PlanStatus.PUBLISHED)
    if not user.is_superuser:
        own = published.filter(pk__in=DueItem.objects.filter(scopes.due_item_filter(user)).values("plan_id")).first()
        if own is not None:
            return own
    return published.first() or plans.first()


def context(request) -> dict:
    """Template context: the plan shown in the header and the plans the switcher offers."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    plans = list(selectable_plans(request.user)[:50])
    kept = request.session.get(SESSION_KEY)
    # a page about one plan (its dashboard, the review of its draft) shows that plan in the header (issue 24 #17)
    match = getattr(request, "resolver_match", None)
    shown = match.kwargs.get("plan_id") if match is not None else None
    header_plan = next((p for p in plans if p.pk == shown), None) or next((p for p in plans if p.pk == kept), None)
    if header_plan is None and plans:
        header_plan = remember(request, _fallback(request.user, selectable_plans(request.user)))
    return {"header_plan": header_plan, "header_plans": plans}
