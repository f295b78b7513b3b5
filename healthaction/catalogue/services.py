"""Load the catalogue, match a plan's indicators, and compare plans indicator by indicator."""

from __future__ import annotations

import json
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from healthaction.catalogue.matching import AUTO_THRESHOLD, Matcher
from healthaction.catalogue.models import CatalogueIndicator, IndicatorMatch, MatchStatus
from healthaction.core.registry import register
from healthaction.documents.targets import parse_target
from healthaction.evaluation.models import EvaluationResult
from healthaction.plans.models import Plan, Target

DATA = Path(__file__).with_name("national.json")


@transaction.atomic
def load_catalogue() -> int:
    """Create or update the catalogue from the shipped data file; edits made in the admin to other fields stay."""
    entries = json.loads(DATA.read_text(encoding="utf-8"))["indicators"]
    for e in entries:
        CatalogueIndicator.objects.update_or_create(
            code=e["code"],
            defaults={
                k: e[k]
                for k in ("name", "unit", "group", "nature", "national_2022", "national_2030", "synonyms", "provenance")
            },
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


def _numeric(raw: str):

    t = parse_target(raw or "")
    if not t or t["kind"] != "numeric" or t["value"] is None or t["comparator"] in ("", "range"):
        return None
    return t["comparator"], t["value"]


def weaker(local: tuple | None, reference: tuple | None) -> bool:
    """Return True when a local numeric target asks for less than the reference (same direction)."""
    if not local or not reference:
        return False
    (lc, lv), (rc, rv) = local, reference
    if lc in (">=", ">") and rc in (">=", ">"):
        return lv < rv
    if lc in ("<=", "<") and rc in ("<=", "<"):
        return lv > rv
    return False


def comparison(entry: CatalogueIndicator, plans=None) -> list[dict]:
    """Return one row per plan indicator matched to the entry: baseline, targets as written, latest value, flags."""
    matches = IndicatorMatch.objects.filter(
        catalogue=entry, status__in=[MatchStatus.MATCHED, MatchStatus.CONFIRMED]
    ).select_related("indicator__plan__org_unit", "indicator__baseline")
    if plans is not None:
        matches = matches.filter(indicator__plan__in=plans)
    national = {2022: _numeric(entry.national_2022), 2030: _numeric(entry.national_2030)}
    rows = []
    by_plan = {}
    for match in matches:
        ind = match.indicator
        targets = {t.year: t for t in Target.objects.filter(indicator=ind)}
        latest = (
            EvaluationResult.objects.filter(indicator=ind, org_unit=ind.plan.org_unit)
            .exclude(status="no_data")
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
                y for y, t in targets.items() if y in national and weaker(_numeric(t.raw_text), national[y])
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
                    if ref and weaker(_numeric(t.raw_text), _numeric(ref.raw_text)):
                        row["weaker_than_above"].append((y, other["plan"]))
    return sorted(rows, key=lambda r: (r["plan"].org_unit.path, r["plan"].pk))
