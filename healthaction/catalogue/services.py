"""Load the catalogue, match a plan's indicators, and compare plans indicator by indicator."""

from __future__ import annotations

import json
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from healthaction.catalogue.choices import CompareFlag
from healthaction.catalogue.matching import AUTO_THRESHOLD, Matcher
from healthaction.catalogue.models import CatalogueIndicator, IndicatorMatch, MatchStatus
from healthaction.core.choices import Comparator, Direction, TargetKind
from healthaction.core.registry import register
from healthaction.evaluation.choices import EvaluationStatus
from healthaction.evaluation.models import EvaluationResult
from healthaction.plans import links as plan_links
from healthaction.plans.models import Indicator, Plan, Target

DATA = Path(__file__).with_name("national.json")
CATALOGUE_FIELDS = (
    "name",
    "unit",
    "group",
    "nature",
    "action",
    "number",
    "baseline",
    "national_2022",
    "national_2030",
    "national_rules",
    "direction",
    "assessment",
    "synonyms",
    "provenance",
)


@transaction.atomic
def load_catalogue() -> int:
    """Create or update the catalogue from the shipped data file; edits made in the admin to other fields stay."""
    entries = json.loads(DATA.read_text(encoding="utf-8"))["indicators"]
    for e in entries:
        CatalogueIndicator.objects.update_or_create(
            code=e["code"],
            defaults={k: e[k] for k in CATALOGUE_FIELDS if k in e},
        )
    return len(entries)


@register("indicator_catalogue", "national")
def applied_entries(plan_ids: list[int]) -> dict[int, int]:
    """Indicator id → catalogue entry id of the plans' indicators whose match applies (certain or confirmed)."""
    return dict(
        IndicatorMatch.objects.filter(
            indicator__plan__in=plan_ids,
            catalogue__isnull=False,
            status__in=[MatchStatus.MATCHED, MatchStatus.CONFIRMED],
        ).values_list("indicator_id", "catalogue_id")
    )


def matcher() -> Matcher:
    if not CatalogueIndicator.objects.exists():
        load_catalogue()
    return Matcher(list(CatalogueIndicator.objects.values("code", "name", "unit", "synonyms")))


@transaction.atomic
def match_plan(plan: Plan) -> dict[str, int]:
    """Propose a catalogue entry for every indicator of the plan; confirmed matches are never changed."""
    m = matcher()
    codes = dict(CatalogueIndicator.objects.values_list("code", "pk"))
    counts = dict.fromkeys(MatchStatus.values, 0)
    for ind in plan.indicators.select_related("catalogue_match"):
        existing = getattr(ind, "catalogue_match", None)
        if existing and existing.status in (MatchStatus.CONFIRMED,):
            counts[existing.status] += 1
            continue
        candidate = m.match(ind.name, ind.unit)
        if candidate is None:
            status, catalogue_id, confidence, method = MatchStatus.NONE, None, 0.0, "none"
        else:
            status = MatchStatus.MATCHED if candidate.confidence >= AUTO_THRESHOLD else MatchStatus.PROPOSED
            catalogue_id, confidence, method = codes[candidate.code], candidate.confidence, candidate.method
        IndicatorMatch.objects.update_or_create(
            indicator=ind,
            defaults={"catalogue_id": catalogue_id, "confidence": confidence, "method": method, "status": status},
        )
        counts[status] += 1
    return counts


def decide(match: IndicatorMatch, user, catalogue: CatalogueIndicator | None) -> IndicatorMatch:
    """A person confirms the proposal, picks another entry, or says there is no counterpart."""
    match.catalogue = catalogue
    match.status = MatchStatus.CONFIRMED if catalogue else MatchStatus.NONE
    match.decided_by, match.decided_at = user, timezone.now()
    match.method = "person"
    match.save()
    return match


def rule(target: Target | None) -> tuple[str, float] | None:
    """A stored numeric target as (comparator, value); anything else (a range, a trend, a word) compares to nothing."""
    if (
        target is None
        or target.kind != TargetKind.NUMERIC
        or target.value is None
        or target.comparator == Comparator.RANGE
    ):
        return None
    return target.comparator or "=", target.value


_UP, _DOWN = (">=", ">"), ("<=", "<")


def _bound(comparator: str, direction: str) -> str | None:
    """Which way a target binds: "up" (at least), "down" (at most); a bare number takes the indicator's direction."""
    if comparator in _UP:
        return "up"
    if comparator in _DOWN:
        return "down"
    return {Direction.INCREASE: "up", Direction.DECREASE: "down"}.get(direction)


def weaker(local: tuple | None, reference: tuple | None, direction: str = "") -> bool:
    """True when a local target asks for less than the reference: a lower floor or a higher ceiling.

    A bare number (达到30%) is read as a floor when higher is better and a ceiling when lower is better; targets
    binding opposite ways, or with no known direction, are not compared."""
    if not local or not reference:
        return False
    (lc, lv), (rc, rv) = local, reference
    way = _bound(lc, direction)
    if way is None or way != _bound(rc, direction):
        return False
    if lv == rv:  # the same number: a strict bound beside a non-strict one is not weaker
        return (way == "up" and lc == ">=" and rc == ">") or (way == "down" and lc == "<=" and rc == "<")
    return lv < rv if way == "up" else lv > rv


def comparison(entry: CatalogueIndicator, plans=None) -> list[dict]:
    """Return one row per plan indicator matched to the entry: baseline, targets as written, latest value, flags."""
    matches = IndicatorMatch.objects.filter(
        catalogue=entry, status__in=[MatchStatus.MATCHED, MatchStatus.CONFIRMED]
    ).select_related("indicator__plan__org_unit", "indicator__baseline")
    if plans is not None:
        matches = matches.filter(indicator__plan__in=plans)
    national = {year: entry.national_rule(year) for year in (2022, 2030)}
    rows = []
    by_plan = {}
    for match in matches:
        ind = match.indicator
        targets = {t.year: t for t in Target.objects.filter(indicator=ind)}
        latest = (
            EvaluationResult.objects.filter(indicator=ind, org_unit=ind.plan.org_unit)
            .exclude(status=EvaluationStatus.NO_DATA)
            .order_by("-year")
            .first()
        )
        row = {
            "plan": ind.plan,
            "indicator": ind,
            "match": match,
            "baseline": getattr(ind, "baseline", None),
            "targets": targets,
            "latest": latest,
            "weaker_than_national": [
                y for y, t in targets.items() if weaker(rule(t), national.get(y), entry.direction or ind.direction)
            ],
            "weaker_than_above": [],
        }
        rows.append(row)
        by_plan[ind.plan.org_unit.path] = row
    for row in rows:  # a county's target below the target of a plan of the level above
        path = row["plan"].org_unit.path
        for other_path, other in by_plan.items():
            if other is not row and path.startswith(other_path) and path != other_path:
                for y, t in row["targets"].items():
                    ref = other["targets"].get(y)
                    if ref and weaker(rule(t), rule(ref), entry.direction or row["indicator"].direction):
                        row["weaker_than_above"].append((y, other["plan"]))
    return sorted(rows, key=lambda r: (r["plan"].org_unit.path, r["plan"].pk))


def _catalogue_entries(plan: Plan) -> dict[int, CatalogueIndicator]:
    """{indicator id: catalogue entry} for the plan's indicators whose match applies (certain or confirmed)."""
    matches = IndicatorMatch.objects.filter(
        indicator__plan=plan, status__in=[MatchStatus.MATCHED, MatchStatus.CONFIRMED], catalogue__isnull=False
    ).select_related("catalogue")
    return {m.indicator_id: m.catalogue for m in matches}


def _targets(indicators) -> dict[int, dict[int, Target]]:
    by_indicator: dict[int, dict[int, Target]] = {}
    for t in Target.objects.filter(indicator__in=indicators).order_by("year"):
        by_indicator.setdefault(t.indicator_id, {})[t.year] = t
    return by_indicator


def parent_links(plan: Plan) -> dict[int, Indicator]:
    """{indicator id: the parent plan's indicator it implements}: through the same catalogue entry, else the same
    normalised name (plans.links, the one definition the roll-ups share). Uncertain catalogue matches link nothing
    until a person confirms them."""
    parent = plan.parent
    if parent is None:
        return {}
    links = plan_links.indicator_links(parent, [plan])
    above = parent.indicators.in_bulk(set(links.values()))
    return {pk: above[target] for pk, target in links.items()}


def compare_plan(plan: Plan, with_parent: bool = True) -> list[dict]:
    """One row per indicator of the plan: its targets beside the parent plan's and the national ones, and flags.

    Flags (catalogue.choices.CompareFlag): a target weaker than the national one or the parent's for the same year,
    no local target for a year the parent sets within this plan's years, a local target for a year the parent does
    not set. Numbers are compared as stored (comparator and value), bare numbers by the indicator's direction."""
    indicators = list(plan.indicators.order_by("position"))
    entries = _catalogue_entries(plan)
    links = parent_links(plan) if with_parent else {}
    targets = _targets(indicators + list(links.values()))
    years = range(plan.horizon_start, plan.horizon_end + 1)
    rows = []
    for ind in indicators:
        entry = entries.get(ind.pk)
        mine = targets.get(ind.pk, {})
        above = links.get(ind.pk)
        theirs = targets.get(above.pk, {}) if above else {}
        direction = (entry.direction if entry else "") or ind.direction or (above.direction if above else "")
        flags = []
        if entry and any(weaker(rule(t), entry.national_rule(y), direction) for y, t in mine.items()):
            flags.append(CompareFlag.WEAKER_THAN_NATIONAL)
        if above is not None:
            if any(weaker(rule(t), rule(theirs.get(y)), direction) for y, t in mine.items()):
                flags.append(CompareFlag.WEAKER_THAN_PARENT)
            if any(y in years and y not in mine for y in theirs):
                flags.append(CompareFlag.MISSING_WHERE_PARENT_HAS)
            if any(y not in theirs for y in mine):
                flags.append(CompareFlag.YEAR_NOT_IN_PARENT)
        rows.append(
            {
                "indicator": ind,
                "catalogue": entry,
                "parent_indicator": above,
                "targets": mine,
                "parent_targets": theirs,
                "national_targets": entry.national_targets() if entry else {},
                "flags": flags,
            }
        )
    return rows


def compare_plan_json(plan: Plan) -> list[dict]:
    """compare_plan() as plain JSON: targets as {year: text as written}, flags as their codes."""
    return [
        {
            "indicator": row["indicator"].name,
            "catalogue": row["catalogue"].name if row["catalogue"] else None,
            "national_target": {str(y): text for y, text in row["national_targets"].items()} or None,
            "parent_target": (
                {str(y): t.raw_text for y, t in row["parent_targets"].items()} if row["parent_indicator"] else None
            ),
            "flags": list(row["flags"]),
        }
        for row in compare_plan(plan)
    ]
