"""The chain of plans (issue 23): each plan implements the plan of the area above (嘉峰镇 › 沁水县 › 晋城市 › 山西省)."""

from healthaction.core.choices import PlanStatus
from healthaction.plans.models import Plan
from healthaction.registry.models import OrgUnit


def _ancestor_paths(unit: OrgUnit) -> list[str]:
    """Paths of the areas above `unit`, the nearest first."""
    parts = [p for p in unit.path.split("/") if p]
    return ["/" + "/".join(parts[:k]) + "/" for k in range(len(parts) - 1, 0, -1)]


def parent_candidates(unit: OrgUnit, include: Plan | None = None) -> list[Plan]:
    """Published plans of the areas above `unit`, the nearest area first and its newest plan first; `include` is
    added when it is not among them (a plan's current parent stays selectable)."""
    paths = _ancestor_paths(unit)
    rank = {path: k for k, path in enumerate(paths)}
    plans = list(
        Plan.objects.filter(org_unit__path__in=paths, status=PlanStatus.PUBLISHED)
        .select_related("org_unit")
        .order_by("-issue_date", "-pk")
    )
    plans.sort(key=lambda p: rank[p.org_unit.path])  # stable: within an area, newest first
    if include is not None and include.pk not in {p.pk for p in plans}:
        plans.append(include)
    return plans


def default_parent(unit: OrgUnit) -> Plan | None:
    """The plan a new plan of `unit` implements by default: the published plan of the nearest area above, or None."""
    candidates = parent_candidates(unit)
    return candidates[0] if candidates else None
