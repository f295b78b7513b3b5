"""Load → engine → store. The only evaluation code that touches Django.

The loader reads approved values with one SQL query in columnar batches (a
server-side cursor on PostgreSQL), never a model object per value; results
are written back in bulk so pages only read them.
"""

from __future__ import annotations

import polars as pl
from django.db import connection, transaction

from healthaction.core.choices import PlanStatus, ValueStatus
from healthaction.core.registry import registry
from healthaction.evaluation import engine, opensdg
from healthaction.evaluation import rules
from healthaction.evaluation.choices import EvaluationStatus
from django.db.models import Count

from healthaction.evaluation.models import AssessmentScheme, AssessmentScore, EvaluationResult, EvaluationSummary
from healthaction.plans.models import Indicator, Plan, Target
from healthaction.registry.models import OrgUnit

BATCH_ROWS = 100_000
UNIT_SCALE = {"%": 100.0, "‰": 1000.0, "1/10万": 100_000.0, "1/万": 10_000.0}

VALUE_SCHEMA = {
    "indicator_id": pl.Int32, "org_unit_id": pl.Int32, "year": pl.Int16, "value": pl.Float64,
    "qualitative": pl.Utf8, "numerator": pl.Float64, "denominator": pl.Float64,
}


def load_values(plan: Plan, indicator_ids: list[int] | None = None, org_unit_ids: list[int] | None = None) -> pl.DataFrame:
    """Return the plan's approved values as a DataFrame sorted by series, read in columnar batches."""
    sql = (
        "SELECT v.indicator_id, v.org_unit_id, v.year, v.value, NULLIF(v.qualitative, ''), v.numerator, v.denominator "
        "FROM collection_indicatorvalue v JOIN plans_indicator i ON i.id = v.indicator_id "
        "WHERE i.plan_id = %s AND v.status = %s"
    )
    params: list = [plan.pk, ValueStatus.APPROVED]
    if indicator_ids:
        sql += f" AND v.indicator_id IN ({', '.join(['%s'] * len(indicator_ids))})"
        params += indicator_ids
    if org_unit_ids:
        sql += f" AND v.org_unit_id IN ({', '.join(['%s'] * len(org_unit_ids))})"
        params += org_unit_ids
    sql += " ORDER BY v.indicator_id, v.org_unit_id, v.year"
    frames = []
    with transaction.atomic():
        cursor = connection.chunked_cursor()  # a named server-side cursor on PostgreSQL: rows stream in batches
        try:
            cursor.execute(sql, params)
            while rows := cursor.fetchmany(BATCH_ROWS):
                frames.append(pl.DataFrame(rows, schema=VALUE_SCHEMA, orient="row"))
        finally:
            cursor.close()
    return pl.concat(frames) if frames else pl.DataFrame(schema=VALUE_SCHEMA)


def load_indicators(plan: Plan) -> pl.DataFrame:
    rows = plan.indicators.values_list("id", "direction", "nature", "unit", "baseline__value", "baseline__year", "numerator", "denominator")
    return pl.DataFrame(
        list(rows),
        schema={"indicator_id": pl.Int32, "direction": pl.Utf8, "nature": pl.Utf8, "unit": pl.Utf8, "baseline_value": pl.Float64,
                "baseline_year": pl.Int16, "numerator_def": pl.Utf8, "denominator_def": pl.Utf8},
        orient="row",
    )


def load_targets(plan: Plan) -> pl.DataFrame:
    fields = ["indicator_id", "year", "kind", "comparator", "value", "upper_value", "base_year", "change", "change_unit", "trend", "qualitative", "raw_text"]
    rows = Target.objects.filter(indicator__plan=plan).values_list(*fields)
    return pl.DataFrame(
        list(rows),
        schema={"indicator_id": pl.Int32, "year": pl.Int16, "kind": pl.Utf8, "comparator": pl.Utf8, "value": pl.Float64, "upper_value": pl.Float64,
                "base_year": pl.Int16, "change": pl.Float64, "change_unit": pl.Utf8, "trend": pl.Utf8, "qualitative": pl.Utf8, "raw": pl.Utf8},
        orient="row",
    )


def reporting_units(plan: Plan) -> list[OrgUnit]:
    """Return the units a plan is evaluated for: its own org unit and the units directly below it."""
    return [plan.org_unit, *plan.org_unit.children.order_by("code")]


def _with_roll_up(values: pl.DataFrame, indicators: pl.DataFrame, units: list[OrgUnit]) -> pl.DataFrame:
    """Add parent values computed from children's numerators and denominators where the parent reported none."""
    defined = indicators.filter(pl.col("numerator_def").fill_null("") != "")
    if defined.height == 0 or values.height == 0:
        return values
    parents = pl.DataFrame(
        [(u.pk, u.parent_id) for u in OrgUnit.objects.filter(parent__in=units)], schema={"org_unit_id": pl.Int32, "parent_id": pl.Int32}, orient="row"
    )
    scale = defined.select("indicator_id", pl.col("unit").replace_strict(UNIT_SCALE, default=1.0, return_dtype=pl.Float64).alias("factor"))
    children = values.join(defined.select("indicator_id"), on="indicator_id").filter(pl.col("numerator").is_not_null() & pl.col("denominator").is_not_null())
    rolled = engine.roll_up(children, parents, scale)
    if rolled.height == 0:
        return values
    missing = rolled.join(values.filter(pl.col("value").is_not_null()).select("indicator_id", "org_unit_id", "year"), on=["indicator_id", "org_unit_id", "year"], how="anti")
    add = missing.select(
        pl.col("indicator_id").cast(pl.Int32), pl.col("org_unit_id").cast(pl.Int32), pl.col("year").cast(pl.Int16), "value",
        pl.lit(None, dtype=pl.Utf8).alias("qualitative"), "numerator", "denominator",
    )
    return pl.concat([values, add]).sort(["indicator_id", "org_unit_id", "year"])


def _grid(values: pl.DataFrame, indicators: pl.DataFrame, units: list[OrgUnit], years: range) -> pl.DataFrame:
    """Return values with an empty row for every indicator × reporting unit × year that reported nothing."""
    grid = (
        indicators.select("indicator_id")
        .join(pl.DataFrame({"org_unit_id": [u.pk for u in units]}, schema={"org_unit_id": pl.Int32}), how="cross")
        .join(pl.DataFrame({"year": list(years)}, schema={"year": pl.Int16}), how="cross")
    )
    extra = values.join(grid, on=["indicator_id", "org_unit_id", "year"], how="anti")
    merged = grid.join(values, on=["indicator_id", "org_unit_id", "year"], how="left")
    return pl.concat([merged, extra.select(merged.columns)]).sort(["indicator_id", "org_unit_id", "year"])


def evaluate_plan(plan: Plan, indicator_ids: list[int] | None = None, org_unit_ids: list[int] | None = None) -> int:
    """Evaluate a plan (or some of its series) and store the results; return the number of rows written."""
    indicators = load_indicators(plan)
    targets = load_targets(plan)
    units = reporting_units(plan)
    values = load_values(plan)
    values = _with_roll_up(values, indicators, units)
    if indicator_ids:
        values = values.filter(pl.col("indicator_id").is_in(indicator_ids))
        indicators_sel = indicators.filter(pl.col("indicator_id").is_in(indicator_ids))
    else:
        indicators_sel = indicators
    if org_unit_ids:
        values = values.filter(pl.col("org_unit_id").is_in(org_unit_ids))
        units = [u for u in units if u.pk in org_unit_ids]
    first_year = min([y for y in [*values["year"].drop_nulls().to_list(), *indicators["baseline_year"].drop_nulls().to_list()]] or [plan.horizon_start])
    last_year = max(values["year"].drop_nulls().to_list() or [first_year])
    values = _grid(values.select(list(VALUE_SCHEMA)), indicators_sel, units, range(max(first_year, plan.horizon_start), last_year + 1))
    if values.height == 0:
        return _store(plan, None, indicator_ids, org_unit_ids)
    results = engine.evaluate(values.drop("numerator", "denominator"), indicators, targets, plan_unit_id=plan.org_unit_id, assume_sorted=True)
    # The explanation is stored as one Chinese sentence, so its status word is the Chinese label.
    results = engine.explain(results, targets, indicators.select("indicator_id", "unit"), labels=EvaluationStatus.labels_in("zh-hans"))
    results = _with_opensdg(results, indicators, targets)
    return _store(plan, results, indicator_ids, org_unit_ids)


def _with_opensdg(results: pl.DataFrame, indicators: pl.DataFrame, targets: pl.DataFrame) -> pl.DataFrame:
    """Add Open SDG categories and scores, computed per series from the values up to each year."""
    direction = dict(indicators.select("indicator_id", "direction").iter_rows())
    final = {}
    for row in targets.sort("year").iter_rows(named=True):
        final[row["indicator_id"]] = row
    categories, scores = [], []
    history: dict[tuple[int, int], tuple[list[int], list[float]]] = {}
    for ind, unit, year, value in results.select("indicator_id", "org_unit_id", "year", "value").iter_rows():
        years, vals = history.setdefault((ind, unit), ([], []))
        if value is not None:
            years.append(year)
            vals.append(value)
        target = final.get(ind)
        numeric = target is not None and target["kind"] == "numeric" and target["value"] is not None and target["comparator"] != "range"
        measure = None
        if years and (numeric or target is None or target["kind"] == "directional"):
            measure = opensdg.measure(
                years, vals, base_year=years[0], target_year=target["year"] if target else rules.OPENSDG_TARGET_YEAR,
                direction="negative" if direction.get(ind) == "decrease" else "positive", target=target["value"] if numeric else None,
            )
        categories.append(measure.category if measure else "")
        scores.append(measure.score if measure else None)
    return results.with_columns(pl.Series("opensdg_category", categories, dtype=pl.Utf8), pl.Series("opensdg_score", scores, dtype=pl.Float64))


@transaction.atomic
def _store(plan: Plan, results: pl.DataFrame | None, indicator_ids, org_unit_ids) -> int:
    existing = EvaluationResult.objects.filter(plan=plan)
    if indicator_ids:
        existing = existing.filter(indicator_id__in=indicator_ids)
    if org_unit_ids:
        existing = existing.filter(org_unit_id__in=org_unit_ids)
    existing.delete()
    if results is None:
        summarize(plan)
        return 0
    objects = [
        EvaluationResult(
            plan=plan,
            indicator_id=r["indicator_id"],
            org_unit_id=r["org_unit_id"],
            year=r["year"],
            status=r["status"],
            value=r["value"],
            qualitative=r["qualitative"] or "",
            target_year=r["target_year"],
            target_value=r["target_value"],
            comparator=r["comparator"] or "",
            expected=r["expected"],
            base_value=r["base_value"],
            base_year=r["base_year"],
            base_from_first_value=bool(r["base_from_first_value"]),
            ratio=None if r["ratio"] is None else r["ratio"] + 0.0,  # never store a negative zero
            forecast=r["forecast"],
            forecast_year=r["final_year"],
            forecast_met=r["forecast_met"],
            opensdg_category=r["opensdg_category"],
            opensdg_score=r["opensdg_score"],
            explanation=r["explanation"] or "",
        )
        for r in results.iter_rows(named=True)
    ]
    EvaluationResult.objects.bulk_create(objects, batch_size=2000)
    summarize(plan)
    return len(objects)


def summarize(plan: Plan) -> EvaluationSummary:
    """Store the years with results and the latest year with a substantial share of data (half the busiest year's)."""
    counts = dict(
        EvaluationResult.objects.filter(plan=plan).exclude(status=rules.NO_DATA).order_by().values_list("year").annotate(n=Count("id")).values_list("year", "n")
    )
    years = sorted(EvaluationResult.objects.filter(plan=plan).order_by().values_list("year", flat=True).distinct(), reverse=True)
    latest = max((y for y, n in counts.items() if n * 2 >= max(counts.values())), default=None) if counts else None
    summary, _ = EvaluationSummary.objects.update_or_create(plan=plan, defaults={"years": years, "latest_year": latest})
    return summary


def evaluate_all(plans=None) -> dict[int, int]:
    """Evaluate every published plan (or the given ones); return rows written per plan."""
    plans = plans if plans is not None else Plan.objects.exclude(status=PlanStatus.ARCHIVED)
    return {plan.pk: evaluate_plan(plan) for plan in plans}


# ---- assessment ----------------------------------------------------------------------------

def assessment_weights(plan: Plan) -> pl.DataFrame:
    """Return indicator weights: the scheme's own, else equal weights over the binding indicators."""
    scheme, _ = AssessmentScheme.objects.get_or_create(plan=plan)
    rows = list(scheme.weights.values_list("indicator_id", "weight"))
    if not rows:
        rows = [(pk, 1.0) for pk in plan.indicators.filter(nature="binding").values_list("id", flat=True)]
    return pl.DataFrame(rows, schema={"indicator_id": pl.Int32, "weight": pl.Float64}, orient="row")


@transaction.atomic
def assess_plan(plan: Plan, year: int) -> list[AssessmentScore]:
    """Score and rank the plan's lower-level units and its departments for one year; store and return the scores."""
    scheme, _ = AssessmentScheme.objects.get_or_create(plan=plan)
    points = {rules.ACHIEVED: scheme.points_achieved, rules.ON_TRACK: scheme.points_on_track}
    weights = assessment_weights(plan)
    rows = EvaluationResult.objects.filter(plan=plan, year=year).values_list("indicator_id", "org_unit_id", "year", "status")
    results = pl.DataFrame(list(rows), schema={"indicator_id": pl.Int32, "org_unit_id": pl.Int32, "year": pl.Int16, "status": pl.Utf8}, orient="row")
    AssessmentScore.objects.filter(plan=plan, year=year).delete()
    scores: list[AssessmentScore] = []
    counties = [u.pk for u in plan.org_unit.children.all()]
    timely = _timeliness(plan, year) if scheme.timeliness_weight > 0 else ({}, {})
    supervision = registry["assessment_components"].get("supervision")  # registered by inspections
    supervised = supervision(plan, year) if scheme.supervision_weight > 0 and supervision else ({}, {})

    def components(k: int) -> dict:
        return {"timeliness": (_share_frame(timely[k]), scheme.timeliness_weight), "supervision": (_share_frame(supervised[k]), scheme.supervision_weight)}

    if counties:
        sheet, totals = engine.assess(results.filter(pl.col("org_unit_id").is_in(counties)), weights, points, components(0))
        scores += _scores(plan, year, sheet, totals, "org_unit_id", "org_unit_id", scheme)
    # departments answer for the indicators of the actions they lead, measured at the plan's own level
    lead = dict(plan.indicators.exclude(action__lead_department=None).values_list("id", "action__lead_department_id"))
    if lead:
        own = results.filter(pl.col("org_unit_id") == plan.org_unit_id).with_columns(
            pl.col("indicator_id").replace_strict(lead, default=None, return_dtype=pl.Int32).alias("department_id")
        ).filter(pl.col("department_id").is_not_null())
        own = own.drop("org_unit_id").rename({"department_id": "org_unit_id"})
        sheet, totals = engine.assess(own, weights.filter(pl.col("indicator_id").is_in(list(lead))), points, components(1))
        scores += _scores(plan, year, sheet, totals, "org_unit_id", "department_id", scheme)
    AssessmentScore.objects.bulk_create(scores)
    return scores


def _share_frame(shares: dict[int, float]) -> pl.DataFrame:
    return pl.DataFrame({"org_unit_id": list(shares), "share": list(shares.values())}, schema={"org_unit_id": pl.Int32, "share": pl.Float64})


def _timeliness(plan: Plan, year: int) -> tuple[dict[int, float], dict[int, float]]:
    """Share of the year's due items received on time, per county (its own items) and per department (the completeness figures)."""
    from healthaction.collection.services import completeness

    table = completeness(plan, year=year)
    return ({r["id"]: r["timeliness"] for r in table["org_unit"]}, {r["id"]: r["timeliness"] for r in table["department"]})


COMPONENT_LABELS = {"timeliness": "报送及时性", "supervision": "专项督导"}


def _scores(plan, year, sheet: pl.DataFrame, totals: pl.DataFrame, key: str, field: str, scheme: AssessmentScheme) -> list[AssessmentScore]:
    names = dict(Indicator.objects.filter(pk__in=sheet["indicator_id"].unique().to_list()).values_list("id", "name"))
    by_unit: dict[int, list[dict]] = {}
    for r in sheet.iter_rows(named=True):
        by_unit.setdefault(r[key], []).append(
            {"indicator_id": r["indicator_id"], "indicator": names.get(r["indicator_id"], ""), "status": r["status"], "weight": r["weight"], "share": r["share"], "points": round(r["points"], 4)}
        )
    weights = {"timeliness": scheme.timeliness_weight, "supervision": scheme.supervision_weight}
    for t in totals.iter_rows(named=True):
        for name, weight in weights.items():
            if f"{name}_share" in t:
                share = t[f"{name}_share"]
                by_unit.setdefault(t[key], []).append({"component": name, "indicator": COMPONENT_LABELS[name], "status": f"{share:.0%}", "weight": weight, "share": share, "points": round(share * 100 * weight, 4)})
    return [
        AssessmentScore(plan=plan, year=year, score=t["score"], rank=t["rank"], contributions=by_unit.get(t[key], []), **{field: t[key]})
        for t in totals.iter_rows(named=True)
    ]
