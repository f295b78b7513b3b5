"""Load → engine → store. The only evaluation code that touches Django.

The loader reads approved values with one SQL query in columnar batches (a
server-side cursor on PostgreSQL), never a model object per value; results
are written back in bulk so pages only read them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass, field

import polars as pl
from django.db import connection, transaction
from django.db.models import Count
from django.utils.translation import gettext as _

from healthaction.collection.services import completeness, lower_plan_completeness
from healthaction.core.choices import PlanStatus, ValueStatus
from healthaction.core.registry import registry
from healthaction.evaluation import engine, opensdg
from healthaction.evaluation import rules as R
from healthaction.evaluation.choices import AssessmentComponent, EvaluationStatus, Verdict
from healthaction.evaluation.events import plan_evaluated
from healthaction.evaluation.models import (
    AssessmentScheme,
    AssessmentScore,
    EvaluationResult,
    EvaluationSummary,
    TargetVerdict,
)
from healthaction.plans import links as plan_links
from healthaction.plans.models import Indicator, Plan, Target
from healthaction.registry.models import OrgUnit

BATCH_ROWS = 100_000
UNIT_SCALE = {"%": 100.0, "‰": 1000.0, "1/10万": 100_000.0, "1/万": 10_000.0}

VALUE_SCHEMA = {
    "indicator_id": pl.Int32,
    "org_unit_id": pl.Int32,
    "year": pl.Int16,
    "value": pl.Float64,
    "qualitative": pl.Utf8,
    "numerator": pl.Float64,
    "denominator": pl.Float64,
}


def load_values(
    plan: Plan, indicator_ids: list[int] | None = None, org_unit_ids: list[int] | None = None
) -> pl.DataFrame:
    """Return the plan's approved values as a DataFrame sorted by series, read in columnar batches."""
    return _read_values([plan.pk], indicator_ids, org_unit_ids)


def _read_values(
    plan_ids: list[int],
    indicator_ids: list[int] | None = None,
    org_unit_ids: list[int] | None = None,
    *,
    with_plan: bool = False,
) -> pl.DataFrame:
    """Return the approved values of these plans (with each one's plan_id if asked), in columnar batches."""
    schema = {**VALUE_SCHEMA, "plan_id": pl.Int32} if with_plan else VALUE_SCHEMA
    sql = (
        "SELECT v.indicator_id, v.org_unit_id, v.year, v.value, NULLIF(v.qualitative, ''), v.numerator, v.denominator"
        + (", i.plan_id " if with_plan else " ")
        + "FROM collection_indicatorvalue v JOIN plans_indicator i ON i.id = v.indicator_id "
        f"WHERE i.plan_id IN ({', '.join(['%s'] * len(plan_ids))}) AND v.status = %s"
    )
    params: list = [*plan_ids, ValueStatus.APPROVED]
    if indicator_ids:
        sql += f" AND v.indicator_id IN ({', '.join(['%s'] * len(indicator_ids))})"
        params += indicator_ids
    if org_unit_ids:
        sql += f" AND v.org_unit_id IN ({', '.join(['%s'] * len(org_unit_ids))})"
        params += org_unit_ids
    sql += " ORDER BY v.indicator_id, v.org_unit_id, v.year"
    frames = []
    # a named server-side cursor on PostgreSQL (rows stream in batches) lives in a transaction; on SQLite the cursor is
    # an ordinary one and a transaction would be IMMEDIATE, taking the database's write lock for a read: every save
    # would wait behind the evaluation (one SELECT is one consistent snapshot without it)
    streamed = connection.vendor == "postgresql"
    with transaction.atomic() if streamed else contextlib.nullcontext():
        cursor = connection.chunked_cursor()
        try:
            cursor.execute(sql, params)
            while rows := cursor.fetchmany(BATCH_ROWS):
                frames.append(pl.DataFrame(rows, schema=schema, orient="row"))
        finally:
            cursor.close()
    return pl.concat(frames) if frames else pl.DataFrame(schema=schema)


def load_indicators(plan: Plan) -> pl.DataFrame:
    rows = plan.indicators.values_list(
        "id",
        "direction",
        "nature",
        "unit",
        "baseline__value",
        "baseline__year",
        "numerator",
        "denominator",
        "tolerance",
    )
    return pl.DataFrame(
        list(rows),
        schema={
            "indicator_id": pl.Int32,
            "direction": pl.Utf8,
            "nature": pl.Utf8,
            "unit": pl.Utf8,
            "baseline_value": pl.Float64,
            "baseline_year": pl.Int16,
            "numerator_def": pl.Utf8,
            "denominator_def": pl.Utf8,
            "tolerance": pl.Float64,
        },
        orient="row",
    )


def load_targets(plan: Plan) -> pl.DataFrame:
    fields = ["indicator_id", *Target.RULE_FIELDS, "raw_text"]
    rows = Target.objects.filter(indicator__plan=plan).values_list(*fields)
    return pl.DataFrame(
        list(rows),
        schema={
            "indicator_id": pl.Int32,
            "year": pl.Int16,
            "kind": pl.Utf8,
            "comparator": pl.Utf8,
            "value": pl.Float64,
            "upper_value": pl.Float64,
            "base_year": pl.Int16,
            "change": pl.Float64,
            "change_unit": pl.Utf8,
            "trend": pl.Utf8,
            "qualitative": pl.Utf8,
            "raw": pl.Utf8,
        },
        orient="row",
    )


def reporting_units(plan: Plan) -> list[OrgUnit]:
    """Return the units a plan is evaluated for: its own org unit and the units directly below it."""
    return [plan.org_unit, *plan.org_unit.children.order_by("code")]


def _lower_plan_values(plan: Plan, values: pl.DataFrame) -> pl.DataFrame:
    """Return the values reported in the plans implementing this one (at any level below) as values of this
    plan's linked indicators, so that nothing a lower office reported is typed twice.

    A value entered in this plan (`values`) wins; of the lower plans' values for one unit, the one reported in
    that unit's own plan wins.
    """
    lower = plan_links.lower_plans(plan)
    links = plan_links.indicator_links(plan, lower)
    if not links:
        return values.clear()
    own_unit = {p.pk: p.org_unit_id for p in lower}
    theirs = _read_values([p.pk for p in lower], with_plan=True)
    if theirs.height == 0:
        return values.clear()
    return (
        theirs.with_columns(
            pl.col("indicator_id").replace_strict(links, default=None, return_dtype=pl.Int32),
            pl.when(
                pl.col("org_unit_id") == pl.col("plan_id").replace_strict(own_unit, default=None, return_dtype=pl.Int32)
            )
            .then(pl.lit(1))
            .otherwise(pl.lit(2))
            .alias("_rank"),
        )
        .filter(pl.col("indicator_id").is_not_null())
        .sort(["indicator_id", "org_unit_id", "year", "_rank", "plan_id"])
        .unique(["indicator_id", "org_unit_id", "year"], keep="first", maintain_order=True)
        .join(
            values.select("indicator_id", "org_unit_id", "year"), on=["indicator_id", "org_unit_id", "year"], how="anti"
        )
        .select(list(VALUE_SCHEMA))
    )


def _with_roll_up(values: pl.DataFrame, indicators: pl.DataFrame, units: list[OrgUnit]) -> pl.DataFrame:
    """Add values of the reporting units computed from the numerators and denominators of the units below them,
    where a unit reported no value. Level by level from the deepest, so that the counties' sums feed the city's
    and the cities' the province's; only the reporting units receive a rolled-up value."""
    defined = indicators.filter(pl.col("numerator_def").fill_null("") != "")
    if defined.height == 0 or values.height == 0 or not units:
        return values
    keys = ["indicator_id", "org_unit_id", "year"]
    pool = values.join(defined.select("indicator_id"), on="indicator_id").filter(
        pl.col("numerator").is_not_null() & pl.col("denominator").is_not_null()
    )
    top = units[0]
    tree = {  # unit id → (parent id, depth) of every unit below the plan's own with a count to add up
        pk: (parent, path.count("/"))
        for pk, parent, path in OrgUnit.objects.filter(
            path__startswith=top.path, pk__in=pool["org_unit_id"].unique().to_list()
        )
        .exclude(pk=top.pk)
        .values_list("id", "parent_id", "path")
    }
    if not tree:
        return values
    scale = defined.select(
        "indicator_id", pl.col("unit").replace_strict(UNIT_SCALE, default=1.0, return_dtype=pl.Float64).alias("factor")
    )
    reporting = [u.pk for u in units]
    added = []
    for depth in range(max(d for _p, d in tree.values()), top.path.count("/"), -1):
        parents = pl.DataFrame(
            [(pk, parent) for pk, (parent, d) in tree.items() if d == depth],
            schema={"org_unit_id": pl.Int32, "parent_id": pl.Int32},
            orient="row",
        )
        rolled = engine.roll_up(pool.select(keys + ["numerator", "denominator"]), parents, scale)
        fresh = rolled.select(
            pl.col("indicator_id").cast(pl.Int32),
            pl.col("org_unit_id").cast(pl.Int32),
            pl.col("year").cast(pl.Int16),
            "value",
            pl.lit(None, dtype=pl.Utf8).alias("qualitative"),
            "numerator",
            "denominator",
        ).join(pool.select(keys), on=keys, how="anti")  # a unit's own count is not replaced by its children's
        if fresh.height == 0:
            continue
        pool = pl.concat([pool.select(fresh.columns), fresh])
        new_parents = set(fresh["org_unit_id"].to_list()) - set(tree) - {top.pk}
        tree.update(
            {
                pk: (parent, depth - 1)
                for pk, parent in OrgUnit.objects.filter(pk__in=new_parents).values_list("id", "parent_id")
            }
        )
        added.append(fresh.filter(pl.col("org_unit_id").is_in(reporting)))
    if not added:
        return values
    add = pl.concat(added).join(values.filter(pl.col("value").is_not_null()).select(keys), on=keys, how="anti")
    return pl.concat([values, add]).sort(keys)


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


def affected_units(plan: Plan, org_unit_ids: list[int]) -> list[int]:
    """Return the units to re-evaluate when these units' values change: themselves and every reporting unit above them.

    A county's value feeds the city's rolled-up value, so approving it must refresh the city too.
    """
    units = {u.pk: u for u in reporting_units(plan)}
    found = set()
    for unit in OrgUnit.objects.filter(pk__in=org_unit_ids):
        found.add(unit.pk)
        found.update(pk for pk, u in units.items() if unit.path.startswith(u.path) and pk != unit.pk)
    return sorted(found)


def evaluate_plan(
    plan: Plan,
    indicator_ids: list[int] | None = None,
    org_unit_ids: list[int] | None = None,
    *,
    today: dt.date | None = None,
) -> int:
    """Evaluate a plan (or some of its series) and store the results and target verdicts; return the number of rows written.

    Given org units, the units their values roll up into are recomputed with them. A target whose year is over
    (before `today`'s year) is judged even when nothing was reported for it.
    """
    indicators = load_indicators(plan)
    targets = load_targets(plan)
    units = reporting_units(plan)
    values = load_values(plan)
    lower = _lower_plan_values(plan, values)
    keys = ["indicator_id", "org_unit_id", "year"]
    values = _with_roll_up(pl.concat([values, lower]).sort(keys), indicators, units)
    # the lower plans' values of units below the reporting units served only to be added up
    deep = lower.filter(~pl.col("org_unit_id").is_in([u.pk for u in units])).select(keys)
    values = values.join(deep, on=keys, how="anti")
    if org_unit_ids:
        org_unit_ids = affected_units(plan, org_unit_ids)
    if indicator_ids:
        values = values.filter(pl.col("indicator_id").is_in(indicator_ids))
        indicators_sel = indicators.filter(pl.col("indicator_id").is_in(indicator_ids))
    else:
        indicators_sel = indicators
    if org_unit_ids:
        values = values.filter(pl.col("org_unit_id").is_in(org_unit_ids))
        units = [u for u in units if u.pk in org_unit_ids]
    first_year = min(
        [*values["year"].drop_nulls().to_list(), *indicators["baseline_year"].drop_nulls().to_list()]
        or [plan.horizon_start]
    )
    last_year = max(values["year"].drop_nulls().to_list() or [first_year])
    values = _grid(
        values.select(list(VALUE_SCHEMA)),
        indicators_sel,
        units,
        range(max(first_year, plan.horizon_start), last_year + 1),
    )
    if values.height == 0:
        return _store(plan, None, None, indicator_ids, org_unit_ids)
    results = engine.evaluate(
        values.drop("numerator", "denominator"), indicators, targets, plan_unit_id=plan.org_unit_id, assume_sorted=True
    )
    # The explanation is stored as one Chinese sentence, so its status word is the Chinese label.
    results = engine.explain(
        results, targets, indicators.select("indicator_id", "unit"), labels=EvaluationStatus.labels_in("zh-hans")
    )
    results = _with_opensdg(results, indicators, targets)
    closed_year = (today or dt.date.today()).year - 1
    verdicts = engine.verdicts(results, targets, closed_year=closed_year)
    return _store(plan, results, verdicts, indicator_ids, org_unit_ids)


def _announce(plan: Plan, indicator_ids, org_unit_ids) -> None:
    plan_evaluated.send(sender=Plan, plan=plan, indicator_ids=indicator_ids, org_unit_ids=org_unit_ids)


def _with_opensdg(results: pl.DataFrame, indicators: pl.DataFrame, targets: pl.DataFrame) -> pl.DataFrame:
    """Add Open SDG categories and scores, each row judged on its series' values up to its year (base: the first one)."""
    final = (
        targets.sort("year")
        .group_by("indicator_id", maintain_order=True)
        .last()
        .select(
            pl.col("indicator_id").cast(pl.Int32),
            pl.col("year").cast(pl.Int32).alias("_sdg_year"),
            pl.when(
                (pl.col("kind") == "numeric")
                & pl.col("value").is_not_null()
                & (pl.col("comparator").fill_null("") != "range")
            )
            .then(pl.col("value"))
            .alias("_sdg_target"),
            pl.col("kind").is_in(["numeric", "directional"]).alias("_sdg_kind_ok"),
            (pl.col("kind") == "numeric").alias("_sdg_numeric"),
        )
    )
    keys = ["indicator_id", "org_unit_id"]
    reported = pl.col("value").is_not_null()
    frame = (
        results.select(keys + ["year", "value"])
        .with_row_index("_row")
        .join(final, on="indicator_id", how="left")
        .join(
            indicators.select(pl.col("indicator_id").cast(pl.Int32), pl.col("direction").fill_null("")),
            on="indicator_id",
            how="left",
        )
    )
    frame = frame.sort(keys + ["year"]).with_columns(
        pl.col("value").forward_fill().over(keys).alias("_current"),
        pl.when(reported).then(pl.col("year")).forward_fill().over(keys).cast(pl.Int32).alias("_current_year"),
        pl.col("value").drop_nulls().first().over(keys).alias("_base"),
        pl.col("year").filter(reported).first().over(keys).cast(pl.Int32).alias("_base_year"),
    )
    # a numeric target without a single number (a range, an unresolved value) has no Open SDG equivalent
    usable = (
        pl.col("_sdg_target").is_not_null()
        | pl.col("_sdg_kind_ok").is_null()
        | (pl.col("_sdg_kind_ok") & ~pl.col("_sdg_numeric"))
    )
    category, _ratio = opensdg.categories(
        pl.col("_current"),
        pl.col("_base"),
        pl.col("_current_year"),
        pl.col("_base_year"),
        pl.col("_sdg_target"),
        pl.col("_sdg_year").fill_null(R.OPENSDG_TARGET_YEAR),
        pl.when(pl.col("direction") == "decrease").then(pl.lit("negative")).otherwise(pl.lit("positive")),
    )
    frame = frame.with_columns(
        pl.when(usable & pl.col("_current").is_not_null()).then(category).alias("opensdg_category")
    ).sort("_row")
    return results.with_columns(
        frame["opensdg_category"].fill_null("").alias("opensdg_category"),
        frame["opensdg_category"]
        .replace_strict(opensdg.SCORES, default=None, return_dtype=pl.Float64)
        .alias("opensdg_score"),
    )


@transaction.atomic
def _store(plan: Plan, results: pl.DataFrame | None, verdicts: pl.DataFrame | None, indicator_ids, org_unit_ids) -> int:
    existing = EvaluationResult.objects.filter(plan=plan)
    if indicator_ids:
        existing = existing.filter(indicator_id__in=indicator_ids)
    if org_unit_ids:
        existing = existing.filter(org_unit_id__in=org_unit_ids)
    existing.delete()
    _store_verdicts(plan, verdicts, indicator_ids, org_unit_ids)
    if results is None:
        summarize(plan)
        _announce(plan, indicator_ids, org_unit_ids)
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
            forecast_low=r["forecast_low"],
            forecast_high=r["forecast_high"],
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
    _announce(plan, indicator_ids, org_unit_ids)
    return len(objects)


VERDICT_FIELDS = [
    "verdict",
    "rule",
    "target_text",
    "comparator",
    "target_value",
    "target_upper",
    "value",
    "qualitative",
    "explanation",
]


def _store_verdicts(plan: Plan, verdicts: pl.DataFrame | None, indicator_ids, org_unit_ids) -> None:
    """Write the verdicts of the series evaluated: a verdict whose judgement is unchanged keeps its row and date."""
    existing_qs = TargetVerdict.objects.filter(plan=plan)
    if indicator_ids:
        existing_qs = existing_qs.filter(indicator_id__in=indicator_ids)
    if org_unit_ids:
        existing_qs = existing_qs.filter(org_unit_id__in=org_unit_ids)
    existing = {(v.indicator_id, v.org_unit_id, v.target_year): v for v in existing_qs}
    fresh, changed, seen = [], [], set()
    for r in verdicts.iter_rows(named=True) if verdicts is not None and verdicts.height else []:
        key = (r["indicator_id"], r["org_unit_id"], r["target_year"])
        seen.add(key)
        data = {
            "verdict": r["verdict"],
            "rule": r["target_kind"] or "",
            "target_text": r["target_raw"] or "",
            "comparator": r["comparator"] or "",
            "target_value": r["target_value"],
            "target_upper": r["target_upper"],
            "value": r["value"],
            "qualitative": r["qualitative"] or "",
            "explanation": r["explanation"] or "",
        }
        old = existing.get(key)
        if old is None:
            fresh.append(TargetVerdict(plan=plan, indicator_id=key[0], org_unit_id=key[1], target_year=key[2], **data))
        elif any(getattr(old, name) != value for name, value in data.items()):
            for name, value in data.items():
                setattr(old, name, value)
            changed.append(old)
    gone = [v.pk for key, v in existing.items() if key not in seen]
    if gone:
        TargetVerdict.objects.filter(pk__in=gone).delete()
    TargetVerdict.objects.bulk_update(changed, VERDICT_FIELDS, batch_size=2000)
    TargetVerdict.objects.bulk_create(fresh, batch_size=2000)


# ---- stage summaries -------------------------------------------------------------------------------


@dataclass
class StageSummary:
    """How one group of targets of one target year came out (the plan, an action, a department or a county)."""

    year: int
    name: str = ""
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def count(self, verdict: str) -> int:
        return self.counts.get(verdict, 0)

    @property
    def text(self) -> str:
        text = _(
            "%(year)s stage targets: %(met)s of %(total)s met, %(missed)s missed, %(not_reported)s not reported"
        ) % {
            "year": self.year,
            "total": self.total,
            "met": self.count(R.VERDICT_ACHIEVED),
            "missed": self.count(R.VERDICT_MISSED),
            "not_reported": self.count(R.VERDICT_NOT_REPORTED),
        }
        if self.count(R.VERDICT_NOT_ASSESSABLE):
            text += _(", %(n)s not assessable") % {"n": self.count(R.VERDICT_NOT_ASSESSABLE)}
        return text

    def parts(self) -> list[dict]:
        """Return code, label, colour and count of every verdict, in the vocabulary's order (for pages)."""
        return [
            {"code": code, "label": str(label), "color": Verdict.color(code), "count": self.count(code)}
            for code, label in Verdict.choices
        ]

    def as_dict(self) -> dict:
        return {
            "target_year": self.year,
            "name": self.name,
            "total": self.total,
            **{v: self.count(v) for v in R.VERDICTS},
            "text": self.text,
        }


def stage_years(plan: Plan) -> list[int]:
    """Return the target years that have verdicts, newest first."""
    return sorted(
        TargetVerdict.objects.filter(plan=plan).order_by().values_list("target_year", flat=True).distinct(),
        reverse=True,
    )


def stage_summary(
    plan: Plan,
    target_year: int | None = None,
    *,
    org_unit: OrgUnit | None = None,
    action=None,
    department=None,
    up_to: int | None = None,
) -> StageSummary | None:
    """Return the verdict counts of one target year for the plan (its own unit), an action, a department or a county.

    Without a year: the latest target year judged (not after `up_to`, the year a page shows). None when nothing has
    been judged yet.
    """
    if target_year is None:
        years = [y for y in stage_years(plan) if up_to is None or y <= up_to]
        if not years:
            return None
        target_year = years[0]
    qs = TargetVerdict.objects.filter(plan=plan, target_year=target_year, org_unit=org_unit or plan.org_unit)
    if action is not None:
        qs = qs.filter(indicator__action=action)
    if department is not None:
        qs = qs.filter(indicator__action__lead_department=department)
    counts = dict(qs.order_by().values_list("verdict").annotate(n=Count("id")).values_list("verdict", "n"))
    name = str(action or department or org_unit or plan)
    return StageSummary(target_year, name, counts)


def stage_summaries(plan: Plan, target_year: int | None = None, up_to: int | None = None) -> dict | None:
    """Return the plan's summary and one per action, lead department and county for a target year, in four queries
    (without a year: the latest judged, not after `up_to`)."""
    plan_summary = stage_summary(plan, target_year, up_to=up_to)
    if plan_summary is None:
        return None
    year = plan_summary.year
    own = TargetVerdict.objects.filter(plan=plan, target_year=year, org_unit=plan.org_unit).values_list(
        "indicator__action_id",
        "indicator__action__number",
        "indicator__action__name",
        "indicator__action__lead_department_id",
        "indicator__action__lead_department__name",
        "verdict",
    )
    actions: dict[int, StageSummary] = {}
    departments: dict[int, StageSummary] = {}
    for action_id, _number, action_name, dept_id, dept_name, verdict in own.order_by(
        "indicator__action__number", "indicator__position"
    ):
        if action_id is not None:
            group = actions.setdefault(action_id, StageSummary(year, action_name))
            group.counts[verdict] = group.counts.get(verdict, 0) + 1
        if dept_id is not None:
            group = departments.setdefault(dept_id, StageSummary(year, dept_name))
            group.counts[verdict] = group.counts.get(verdict, 0) + 1
    counties: dict[int, StageSummary] = {}
    lower = TargetVerdict.objects.filter(plan=plan, target_year=year, org_unit__parent=plan.org_unit).values_list(
        "org_unit_id", "org_unit__name", "verdict"
    )
    for unit_id, unit_name, verdict in lower.order_by("org_unit__code"):
        group = counties.setdefault(unit_id, StageSummary(year, unit_name))
        group.counts[verdict] = group.counts.get(verdict, 0) + 1
    return {
        "year": year,
        "years": stage_years(plan),
        "plan": plan_summary,
        "actions": list(actions.values()),
        "departments": list(departments.values()),
        "counties": list(counties.values()),
    }


def summarize(plan: Plan) -> EvaluationSummary:
    """Store the years with results and the latest year with a substantial share of data (half the busiest year's)."""
    counts = dict(
        EvaluationResult.objects.filter(plan=plan)
        .exclude(status=R.NO_DATA)
        .order_by()
        .values_list("year")
        .annotate(n=Count("id"))
        .values_list("year", "n")
    )
    years = sorted(
        EvaluationResult.objects.filter(plan=plan).order_by().values_list("year", flat=True).distinct(), reverse=True
    )
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
    points = {R.ACHIEVED: scheme.points_achieved, R.ON_TRACK: scheme.points_on_track}
    weights = assessment_weights(plan)
    rows = EvaluationResult.objects.filter(plan=plan, year=year).values_list(
        "indicator_id", "org_unit_id", "year", "status"
    )
    results = pl.DataFrame(
        list(rows),
        schema={"indicator_id": pl.Int32, "org_unit_id": pl.Int32, "year": pl.Int16, "status": pl.Utf8},
        orient="row",
    )
    AssessmentScore.objects.filter(plan=plan, year=year).delete()
    scores: list[AssessmentScore] = []
    counties = [u.pk for u in plan.org_unit.children.all()]
    timely = _timeliness(plan, year) if scheme.timeliness_weight > 0 else ({}, {})
    supervision = registry["assessment_components"].get("supervision")  # registered by inspections
    supervised = supervision(plan, year) if scheme.supervision_weight > 0 and supervision else ({}, {})

    def components(k: int) -> dict:
        return {
            "timeliness": (_share_frame(timely[k]), scheme.timeliness_weight),
            "supervision": (_share_frame(supervised[k]), scheme.supervision_weight),
        }

    if counties:
        sheet, totals = engine.assess(
            results.filter(pl.col("org_unit_id").is_in(counties)), weights, points, components(0)
        )
        scores += _scores(plan, year, sheet, totals, "org_unit_id", "org_unit_id", scheme)
    # departments answer for the indicators of the actions they lead, measured at the plan's own level
    lead = dict(plan.indicators.exclude(action__lead_department=None).values_list("id", "action__lead_department_id"))
    if lead:
        own = (
            results.filter(pl.col("org_unit_id") == plan.org_unit_id)
            .with_columns(
                pl.col("indicator_id").replace_strict(lead, default=None, return_dtype=pl.Int32).alias("department_id")
            )
            .filter(pl.col("department_id").is_not_null())
        )
        own = own.drop("org_unit_id").rename({"department_id": "org_unit_id"})
        sheet, totals = engine.assess(
            own, weights.filter(pl.col("indicator_id").is_in(list(lead))), points, components(1)
        )
        scores += _scores(plan, year, sheet, totals, "org_unit_id", "department_id", scheme)
    AssessmentScore.objects.bulk_create(scores)
    return scores


def _share_frame(shares: dict[int, float]) -> pl.DataFrame:
    return pl.DataFrame(
        {"org_unit_id": list(shares), "share": list(shares.values())},
        schema={"org_unit_id": pl.Int32, "share": pl.Float64},
    )


def _timeliness(plan: Plan, year: int) -> tuple[dict[int, float], dict[int, float]]:
    """Share of the year's due items received on time, per county (its own items) and per department (the completeness figures)."""

    table = completeness(plan, year=year)
    # a lower unit with its own plan implementing this one is timely (or not) in that plan
    lower = lower_plan_completeness(plan, year=year)
    return (
        {r["id"]: r["timeliness"] for r in [*table["org_unit"], *lower]},
        {r["id"]: r["timeliness"] for r in table["department"]},
    )


def _scores(
    plan, year, sheet: pl.DataFrame, totals: pl.DataFrame, key: str, field: str, scheme: AssessmentScheme
) -> list[AssessmentScore]:
    names = dict(Indicator.objects.filter(pk__in=sheet["indicator_id"].unique().to_list()).values_list("id", "name"))
    by_unit: dict[int, list[dict]] = {}
    for r in sheet.iter_rows(named=True):
        by_unit.setdefault(r[key], []).append(
            {
                "indicator_id": r["indicator_id"],
                "indicator": names.get(r["indicator_id"], ""),
                "status": r["status"],
                "weight": r["weight"],
                "share": r["share"],
                "points": round(r["points"], 4),
            }
        )
    weights = {
        AssessmentComponent.TIMELINESS: scheme.timeliness_weight,
        AssessmentComponent.SUPERVISION: scheme.supervision_weight,
    }
    component_names = AssessmentComponent.labels_in("zh-hans")  # stored in the sheet as the report writes them
    for t in totals.iter_rows(named=True):
        for name, weight in weights.items():
            if f"{name}_share" in t:
                share = t[f"{name}_share"]
                by_unit.setdefault(t[key], []).append(
                    {
                        "component": name,
                        "indicator": component_names[name],
                        "status": f"{share:.0%}",
                        "weight": weight,
                        "share": share,
                        "points": round(share * 100 * weight, 4),
                    }
                )
    return [
        AssessmentScore(
            plan=plan,
            year=year,
            score=t["score"],
            rank=t["rank"],
            contributions=by_unit.get(t[key], []),
            **{field: t[key]},
        )
        for t in totals.iter_rows(named=True)
    ]
