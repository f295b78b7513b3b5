"""Links down the chain of plans (issue 23): the plans that implement a plan, at every level below it, and which of their
indicators are local versions of which of its indicators.

An indicator of a lower plan is linked to the indicator of the plan above that has the same national catalogue
entry (a certain or confirmed match; the catalogue app answers through core's registry, as it sits above this
module), else the same name once area words are taken out (全市/全县 …, spaces, a trailing bracket).
"""

from __future__ import annotations

import re

from healthaction.core.choices import PlanStatus
from healthaction.core.registry import registry
from healthaction.plans.models import Indicator, Plan

_AREA_PREFIX = re.compile(r"^(?:全省|全市|全县|全区|全旗|全镇|全乡|全国|我省|我市|我县|我旗|我区|本省|本市|本县|各级)")
_AREA_WORD = re.compile(r"全(?:省|市|县|区|旗|镇|乡)")
_NOISE = re.compile(r"[\s“”\"'（）()《》]")


def name_key(name: str) -> str:
    """Return an indicator name as compared across levels: 全市儿童青少年总体近视率 and 全县… are one; spaces,
    quotes, brackets and a short trailing bracket (a unit) do not count."""
    text = re.sub(r"（[^（）]{1,8}）$", "", (name or "").strip())
    text = _AREA_WORD.sub("全", _AREA_PREFIX.sub("", text))
    return _NOISE.sub("", text)


def lower_plans(plan: Plan, statuses=(PlanStatus.PUBLISHED,)) -> list[Plan]:
    """Return the plans implementing `plan` and, below them, those implementing them (one query per level)."""
    found: list[Plan] = []
    seen = {plan.pk}
    level = [plan.pk]
    while level:
        rows = [
            p
            for p in Plan.objects.filter(parent_id__in=level, status__in=statuses).select_related("org_unit")
            if p.pk not in seen
        ]
        seen.update(p.pk for p in rows)
        found += rows
        level = [p.pk for p in rows]
    return found


def catalogue_entries(plan_ids: list[int]) -> dict[int, object]:
    """Return indicator id → national catalogue key for the plans' indicators, from every registered source."""
    entries: dict[int, object] = {}
    for source in registry["indicator_catalogue"].values():
        entries.update(source(plan_ids))
    return entries


def indicator_links(plan: Plan, others: list[Plan]) -> dict[int, int]:
    """Return, for the indicators of `others` (plans below `plan`), the id of the indicator of `plan` each is a
    local version of: the same catalogue entry, else the same name. An ambiguous key links nothing."""
    if not others:
        return {}
    own = list(plan.indicators.values_list("id", "name"))
    theirs = list(Indicator.objects.filter(plan__in=others).values_list("id", "name"))
    catalogue = catalogue_entries([plan.pk, *(p.pk for p in others)])
    by_entry: dict[object, int | None] = {}
    by_name: dict[str, int | None] = {}
    for pk, name in own:
        if pk in catalogue:
            key = catalogue[pk]
            by_entry[key] = None if key in by_entry else pk
        key = name_key(name)
        by_name[key] = None if key in by_name else pk
    links = {}
    for pk, name in theirs:
        target = by_entry.get(catalogue[pk]) if pk in catalogue else None
        target = target or by_name.get(name_key(name))
        if target:
            links[pk] = target
    return links


def upper_series(plan_id: int, indicator_ids) -> dict[int, set[int]]:
    """Return, for every published plan above this one, the ids of its indicators that these indicators roll up
    into (two queries per plan above; one when there is none)."""
    plan = Plan.objects.filter(pk=plan_id).select_related("parent").first()
    out: dict[int, set[int]] = {}
    seen = {plan_id}
    upper = plan.parent if plan else None
    while upper is not None and upper.pk not in seen and upper.status == PlanStatus.PUBLISHED:
        seen.add(upper.pk)
        links = indicator_links(upper, [plan])
        targets = {links[i] for i in indicator_ids if i in links}
        if targets:
            out[upper.pk] = targets
        upper = upper.parent
    return out
