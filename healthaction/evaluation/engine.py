"""The evaluation engine: pure Python over columnar data, no Django.

Why polars rather than DuckDB: the work is a few hash joins against small
per-indicator schedules followed by column arithmetic and window sums over
sorted data; polars runs that as one multi-threaded plan over Arrow memory
with no SQL round trip, keeps peak memory near the input size, and hands the
result straight to the loader/storer without a copy. DuckDB would do the
same joins well but its window functions over 5 million groups and the
Python ↔ SQL string building cost more here.

Inputs (polars DataFrames):
- values:     indicator_id, org_unit_id, year, value (float, null = not reported), [qualitative (str)]
- indicators: indicator_id, direction, unit, nature, baseline_value, baseline_year
- targets:    indicator_id, year, kind, comparator, value, upper_value, base_year, change, change_unit, trend, qualitative, raw

`evaluate()` returns one row per input row with: status, target_year, target_value,
expected (the interim value the linear trajectory asks for), base_value, base_year,
base_from_first_value, previous, forecast, forecast_met and ratio. `explain()` adds
the Chinese sentence. Thresholds live in rules.py.
"""

from __future__ import annotations

import polars as pl

from healthaction.evaluation import rules

STATUS_ENUM = pl.Enum(rules.STATUSES)
KIND = pl.Enum(["numeric", "relative", "directional", "qualitative"])
CMP = pl.Enum(["", ">=", "<=", "<", ">", "=", "range"])
TREND = pl.Enum(["", "increase", "decrease", "maintain"])
CHANGE_UNIT = pl.Enum(["", "%", "pp", "%/yr", "pp/yr"])
KEYS = ["indicator_id", "org_unit_id"]


# ---- the target schedule: for each indicator and year, which target is due -------------------

def schedule(targets: pl.DataFrame, years: range) -> pl.DataFrame:
    """Return indicator × year → the target due (the next target year at or after it, else the last one)."""
    rows = []
    by_indicator: dict[int, list[dict]] = {}
    for t in targets.sort("year").iter_rows(named=True):
        by_indicator.setdefault(t["indicator_id"], []).append(t)
    for indicator_id, items in by_indicator.items():
        final = items[-1]
        for year in years:
            due = next((t for t in items if t["year"] >= year), final)
            rows.append(
                {
                    "indicator_id": indicator_id,
                    "year": year,
                    "t_year": due["year"],
                    "t_kind": due["kind"],
                    "t_cmp": due["comparator"] or "",
                    "t_value": due["value"],
                    "t_upper": due["upper_value"],
                    "t_base_year": due["base_year"],
                    "t_change": due["change"],
                    "t_change_unit": due["change_unit"] or "",
                    "t_trend": due["trend"] or "",
                    "t_slowing": "减缓" in (due.get("raw") or ""),
                    "f_year": final["year"],
                    "f_kind": final["kind"],
                    "f_cmp": final["comparator"] or "",
                    "f_value": final["value"],
                }
            )
    schema = {
        "indicator_id": pl.Int64, "year": pl.Int64, "t_year": pl.Int64, "t_kind": pl.Utf8, "t_cmp": pl.Utf8, "t_value": pl.Float64,
        "t_upper": pl.Float64, "t_base_year": pl.Int64, "t_change": pl.Float64, "t_change_unit": pl.Utf8, "t_trend": pl.Utf8,
        "t_slowing": pl.Boolean, "f_year": pl.Int64, "f_kind": pl.Utf8, "f_cmp": pl.Utf8, "f_value": pl.Float64,
    }
    small = {"t_kind": KIND, "f_kind": KIND, "t_cmp": CMP, "f_cmp": CMP, "t_trend": TREND, "t_change_unit": CHANGE_UNIT}
    frame = pl.DataFrame(rows, schema=schema).with_columns([pl.col(c).cast(dtype) for c, dtype in small.items()])
    return frame.with_columns(pl.col("indicator_id").cast(pl.Int32), pl.col("year").cast(pl.Int16), pl.col("t_year").cast(pl.Int16), pl.col("f_year").cast(pl.Int16), pl.col("t_base_year").cast(pl.Int16))


def target_texts(targets: pl.DataFrame) -> pl.DataFrame:
    """Return indicator × target year → the target as written and its qualitative word (for explanations)."""
    return targets.select(
        pl.col("indicator_id").cast(pl.Int32),
        pl.col("year").cast(pl.Int16).alias("target_year"),
        pl.col("raw").fill_null("").alias("target_raw") if "raw" in targets.columns else pl.lit("").alias("target_raw"),
        pl.col("qualitative").fill_null("").alias("target_qualitative"),
    )


# ---- expressions ---------------------------------------------------------------------------

def _meets(value: pl.Expr, cmp: pl.Expr, target: pl.Expr, upper: pl.Expr) -> pl.Expr:
    return (
        pl.when(cmp == ">=").then(value >= target)
        .when(cmp == ">").then(value > target)
        .when(cmp == "<=").then(value <= target)
        .when(cmp == "<").then(value < target)
        .when(cmp == "=").then((value - target).abs() <= 1e-9)
        .when(cmp == "range").then((value >= target) & (value <= upper))
        .otherwise(None)
    )


def _sign(cmp: pl.Expr, direction: pl.Expr) -> pl.Expr:
    """+1 when higher is better for this target, −1 when lower is better."""
    return (
        pl.when(cmp.is_in([">=", ">"])).then(1.0)
        .when(cmp.is_in(["<=", "<"])).then(-1.0)
        .when(direction == "decrease").then(-1.0)
        .otherwise(1.0)
    )


def _code(name: str) -> pl.Expr:
    return pl.lit(rules.STATUS_CODE[name], dtype=pl.UInt8)


def evaluate_in_chunks(values: pl.DataFrame, indicators: pl.DataFrame, targets: pl.DataFrame, *, plan_unit_id: int | None = None, chunk_rows: int = 2_000_000, assume_sorted: bool = False):
    """Yield evaluate() results for slices of whole indicators, so peak memory follows the chunk, not the data.

    `values` must be sorted by indicator_id (the loader and the generator deliver it so).
    """
    ids = values["indicator_id"]
    bounds = values.select(pl.col("indicator_id").rle_id().alias("g")).with_row_index("i").group_by("g", maintain_order=True).agg(pl.col("i").first().alias("start"), pl.len().alias("n"))
    start, rows = None, 0
    for g_start, n in bounds.select("start", "n").iter_rows():
        if start is None:
            start = g_start
        rows += n
        if rows >= chunk_rows:
            yield evaluate(values.slice(start, rows), indicators, targets, plan_unit_id=plan_unit_id, assume_sorted=assume_sorted)
            start, rows = None, 0
    if start is not None and rows:
        yield evaluate(values.slice(start, rows), indicators, targets, plan_unit_id=plan_unit_id, assume_sorted=assume_sorted)
    del ids


def evaluate(values: pl.DataFrame, indicators: pl.DataFrame, targets: pl.DataFrame, *, plan_unit_id: int | None = None, assume_sorted: bool = False) -> pl.DataFrame:
    """Return the status of every (indicator, org unit, year) row of `values`."""
    if values.height == 0:
        return values.with_columns(pl.lit(None, dtype=STATUS_ENUM).alias("status"))
    has_qual = "qualitative" in values.columns
    years = range(int(values["year"].min()), int(values["year"].max()) + 1)
    sched = schedule(targets, years)

    df = values.lazy().with_columns(pl.col("indicator_id").cast(pl.Int32), pl.col("org_unit_id").cast(pl.Int32), pl.col("year").cast(pl.Int16))
    if not has_qual:
        df = df.with_columns(pl.lit(None, dtype=pl.Utf8).alias("qualitative"))
    if not assume_sorted:
        df = df.sort(["indicator_id", "org_unit_id", "year"])  # shifts and running sums below need series order

    ind = indicators.lazy().select(
        pl.col("indicator_id").cast(pl.Int32), pl.col("direction").fill_null("").cast(pl.Enum(["", "increase", "decrease", "maintain"])),
        pl.col("baseline_value").cast(pl.Float64), pl.col("baseline_year").cast(pl.Int16),
    )
    df = df.join(ind, on="indicator_id", how="left", maintain_order="left").join(sched.lazy(), on=["indicator_id", "year"], how="left", maintain_order="left")

    # series are contiguous after the sort: running sums restart where a new series starts, without hashing
    same = (pl.col("indicator_id") == pl.col("indicator_id").shift(1)) & (pl.col("org_unit_id") == pl.col("org_unit_id").shift(1))
    reported = pl.col("value").is_not_null()
    df = df.with_columns(same.fill_null(False).alias("_same"))
    df = df.with_columns(
        pl.when(pl.col("_same")).then(pl.col("value").shift(1)).alias("previous"),
        _series_cum_sum(reported.cast(pl.Int32)).alias("_n_reported"),
    )
    first_marker = reported & (pl.col("_n_reported") == 1)
    df = df.with_columns(
        pl.when(pl.col("_n_reported") >= 1).then(pl.when(first_marker).then(pl.col("value")).forward_fill()).alias("_first_value"),
        pl.when(pl.col("_n_reported") >= 1).then(pl.when(first_marker).then(pl.col("year")).forward_fill()).alias("_first_year"),
    )
    # the baseline: the plan's own for the issuing org unit, else the first reported value
    use_plan = pl.col("baseline_value").is_not_null() & (pl.col("org_unit_id") == (plan_unit_id if plan_unit_id is not None else -1))
    df = df.with_columns(
        pl.when(use_plan).then(pl.col("baseline_value")).otherwise(pl.col("_first_value")).alias("base_value"),
        pl.when(use_plan).then(pl.col("baseline_year")).otherwise(pl.col("_first_year")).alias("base_year"),
        (~use_plan).alias("base_from_first_value"),
    )

    # relative targets resolve against the value of their base year (or the baseline)
    chunk_ids = set(values["indicator_id"].unique().to_list()) if values.height < 50_000_000 else None
    relative_ids = set(targets.filter(pl.col("kind") == "relative")["indicator_id"].to_list())
    if chunk_ids is None or chunk_ids & relative_ids:
        df = _resolve_relative(df)
    else:
        df = df.with_columns(pl.col("t_value").alias("target_value"), pl.col("t_cmp").alias("cmp"))

    # numeric judgement
    v, b, t = pl.col("value"), pl.col("base_value"), pl.col("target_value")
    sign = _sign(pl.col("cmp"), pl.col("direction"))
    span = (pl.col("t_year") - pl.col("base_year")).cast(pl.Float64)
    elapsed = (pl.col("year") - pl.col("base_year")).cast(pl.Float64)
    expected = pl.when(span > 0).then(b + (t - b) * (elapsed / span).clip(0.0, 1.0)).otherwise(t)
    df = df.with_columns(expected.alias("expected"))
    e = pl.col("expected")
    progress = sign * (v - b)
    needed = sign * (e - b)
    ratio = pl.when(needed > 0).then(progress / needed).otherwise(None)
    met = _meets(v, pl.col("cmp"), t, pl.col("t_upper"))
    range_margin = pl.max_horizontal((pl.col("t_upper") - t).abs(), t.abs() * rules.RANGE_AT_RISK_MARGIN) * rules.RANGE_AT_RISK_MARGIN
    range_gap = pl.max_horizontal(t - v, v - pl.col("t_upper"))
    numeric_status = (
        pl.when(met).then(_code(rules.ACHIEVED))
        .when(pl.col("cmp") == "range").then(pl.when(range_gap <= range_margin).then(_code(rules.AT_RISK)).otherwise(_code(rules.OFF_TRACK)))
        .when(pl.col("year") <= pl.col("base_year")).then(_code(rules.NOT_ASSESSABLE))
        .when(sign * (v - e) >= 0).then(_code(rules.ON_TRACK))
        .when(progress < 0).then(_code(rules.REGRESSING))
        .when(ratio >= rules.ON_TRACK_RATIO).then(_code(rules.ON_TRACK))
        .when(ratio >= rules.AT_RISK_RATIO).then(_code(rules.AT_RISK))
        .otherwise(_code(rules.OFF_TRACK))
    )

    # directional judgement over the recent window
    window_start = pl.col("value").shift(rules.TREND_WINDOW_YEARS - 1)
    window_ok = (pl.col("indicator_id") == pl.col("indicator_id").shift(rules.TREND_WINDOW_YEARS - 1)) & (
        pl.col("org_unit_id") == pl.col("org_unit_id").shift(rules.TREND_WINDOW_YEARS - 1)
    )
    earlier = pl.when(window_ok & window_start.is_not_null()).then(window_start).otherwise(pl.col("previous"))
    change = pl.when(earlier.abs() > 0).then((v - earlier) / earlier.abs()).otherwise(v - earlier)
    trend = pl.col("t_trend")
    growth_now = v - pl.col("previous")
    growth_before = pl.when(pl.col("_same").shift(1).fill_null(False)).then(pl.col("previous") - pl.col("previous").shift(1))
    slowing = pl.col("t_slowing")
    flat = change.abs() <= rules.TREND_STABLE_TOLERANCE
    directional_status = (
        pl.when(trend == "maintain").then(
            pl.when((v - b) * pl.when(pl.col("direction") == "decrease").then(-1.0).otherwise(1.0) >= -b.abs() * rules.MAINTAIN_TOLERANCE)
            .then(_code(rules.ON_TRACK)).otherwise(_code(rules.AT_RISK))
        )
        .when(pl.col("previous").is_null()).then(_code(rules.NOT_ASSESSABLE))
        .when(slowing & growth_before.is_not_null()).then(
            pl.when(growth_now <= growth_before).then(_code(rules.ON_TRACK)).otherwise(_code(rules.OFF_TRACK))
        )
        .when(flat).then(_code(rules.AT_RISK))
        .when(((trend == "decrease") & (change < 0)) | ((trend == "increase") & (change > 0))).then(
            pl.when((pl.col("year") >= pl.col("t_year")) & (((trend == "decrease") & (v < b)) | ((trend == "increase") & (v > b))))
            .then(_code(rules.ACHIEVED)).otherwise(_code(rules.ON_TRACK))
        )
        .otherwise(_code(rules.REGRESSING))
    )

    # qualitative judgement from the reported word
    q = pl.col("qualitative")
    qualitative_status = (
        pl.when(q.is_in(list(rules.QUALITATIVE_DONE))).then(_code(rules.ACHIEVED))
        .when(q.is_in(list(rules.QUALITATIVE_PARTLY))).then(_code(rules.ON_TRACK))
        .when(q.is_in(list(rules.QUALITATIVE_NOT))).then(pl.when(pl.col("year") >= pl.col("t_year")).then(_code(rules.OFF_TRACK)).otherwise(_code(rules.AT_RISK)))
        .otherwise(_code(rules.NOT_ASSESSABLE))
    )

    kind = pl.col("t_kind")
    status = (
        pl.when(v.is_null() & q.is_null()).then(_code(rules.NO_DATA))
        .when(kind.is_null()).then(_code(rules.NOT_ASSESSABLE))
        .when(kind == "qualitative").then(qualitative_status)
        .when(v.is_null()).then(_code(rules.NO_DATA))
        .when(kind == "directional").then(directional_status)
        .when(t.is_null()).then(_code(rules.NOT_ASSESSABLE))
        .otherwise(numeric_status)
    )
    df = df.with_columns(status.alias("_status"), ratio.alias("ratio"))

    # forecast of the final target year from a straight line through the values so far
    df = _forecast(df)
    df = df.with_columns(
        pl.col("_status").replace_strict(list(range(len(rules.STATUSES))), rules.STATUSES, return_dtype=STATUS_ENUM).alias("status"),
    )
    out = [
        "indicator_id", "org_unit_id", "year", "value", "qualitative", "status", "t_year", "t_kind", "cmp", "target_value", "t_upper",
        "t_trend", "expected", "base_value", "base_year", "base_from_first_value", "previous", "ratio", "forecast", "forecast_met", "f_year", "f_value",
    ]
    return df.select(out).rename({"t_year": "target_year", "t_kind": "target_kind", "cmp": "comparator", "t_upper": "target_upper", "t_trend": "target_trend", "f_year": "final_year", "f_value": "final_value"}).collect()


def _resolve_relative(df: pl.LazyFrame) -> pl.LazyFrame:
    """Add target_value and cmp: relative targets become numeric ones for each series."""
    relative = pl.col("t_kind") == "relative"
    base_year = pl.coalesce(pl.col("t_base_year"), pl.col("base_year"))
    lookup = df.filter(pl.col("value").is_not_null()).select(KEYS + [pl.col("year").alias("_ry"), pl.col("value").alias("_rv")])
    df = df.with_columns(base_year.cast(pl.Int16).alias("_ry")).join(lookup, on=KEYS + ["_ry"], how="left", maintain_order="left")
    base = pl.when(pl.col("_ry") == pl.col("base_year")).then(pl.col("base_value")).otherwise(pl.coalesce(pl.col("_rv"), pl.col("base_value")))
    change = pl.col("t_change")
    unit = pl.col("t_change_unit")
    per_year = unit.is_in(["%/yr", "pp/yr"])
    years_since = (pl.col("t_year") - pl.col("base_year")).cast(pl.Float64)
    resolved = (
        pl.when(unit == "pp").then(base + change)
        .when(unit == "pp/yr").then(pl.col("base_value") + change * years_since)
        .when(unit == "%/yr").then(pl.col("base_value") * (1 + change / 100.0) ** years_since)
        .otherwise(base * (1 + change / 100.0))
    )
    return df.with_columns(
        pl.when(relative).then(resolved).otherwise(pl.col("t_value")).alias("target_value"),
        pl.when(relative).then(pl.when(change >= 0).then(pl.lit(">=", dtype=CMP)).otherwise(pl.lit("<=", dtype=CMP))).otherwise(pl.col("t_cmp")).alias("cmp"),
        pl.when(relative & ~per_year).then(pl.col("_ry")).otherwise(pl.col("base_year")).alias("_resolved_base_year"),
    ).drop(["_ry", "_rv"])


def _series_cum_sum(expr: pl.Expr) -> pl.Expr:
    """Running sum that restarts at each series (needs the `_same` column of sorted data)."""
    total = expr.cum_sum()
    offset = pl.when(~pl.col("_same")).then(total - expr).forward_fill()
    return total - offset


def _forecast(df: pl.LazyFrame) -> pl.LazyFrame:
    x = (pl.col("year") - 2000).cast(pl.Float64)
    y = pl.col("value")
    has = y.is_not_null()
    xs = pl.when(has).then(x).otherwise(0.0)
    ys = pl.when(has).then(y).otherwise(0.0)
    df = df.with_columns(
        _series_cum_sum(has.cast(pl.Float64)).alias("_n"),
        _series_cum_sum(xs).alias("_sx"),
        _series_cum_sum(ys).alias("_sy"),
        _series_cum_sum(xs * ys).alias("_sxy"),
        _series_cum_sum(xs * xs).alias("_sxx"),
    )
    n, sx, sy, sxy, sxx = (pl.col(c) for c in ("_n", "_sx", "_sy", "_sxy", "_sxx"))
    denominator = n * sxx - sx * sx
    slope = pl.when(denominator.abs() > 1e-12).then((n * sxy - sx * sy) / denominator).otherwise(None)
    fx = (pl.col("f_year") - 2000).cast(pl.Float64)
    forecast = pl.when((n >= rules.FORECAST_MIN_POINTS) & (pl.col("f_kind") != "qualitative")).then(sy / n + slope * (fx - sx / n)).otherwise(None)
    df = df.with_columns(forecast.alias("forecast"))
    f_cmp = pl.when(pl.col("f_kind") == "relative").then(pl.col("cmp")).otherwise(pl.col("f_cmp"))
    f_target = pl.when(pl.col("f_kind") == "relative").then(pl.col("target_value")).otherwise(pl.col("f_value"))
    directional = pl.col("f_kind") == "directional"
    f_trend_met = (
        pl.when(pl.col("t_trend") == "decrease").then(pl.col("forecast") < pl.col("base_value"))
        .when(pl.col("t_trend") == "increase").then(pl.col("forecast") > pl.col("base_value"))
        .otherwise(None)
    )
    return df.with_columns(pl.when(directional).then(f_trend_met).otherwise(_meets(pl.col("forecast"), f_cmp, f_target, pl.col("t_upper"))).alias("forecast_met"))


# ---- explanations --------------------------------------------------------------------------

def _num(col: str) -> pl.Expr:
    """Format a number with at most two decimals and no trailing zeros."""
    return pl.col(col).round(2).cast(pl.Utf8).str.replace(r"\.0+$", "").str.replace(r"(\.\d*?)0+$", "$1")


CMP_TEXT = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "=": "=", "range": ""}


def explain(results: pl.DataFrame, targets: pl.DataFrame, units: pl.DataFrame | None = None, *,
            labels: dict[str, str]) -> pl.DataFrame:
    """Return results with an `explanation` column: one Chinese sentence that cites the numbers.

    `targets` gives the words as written (持续下降, 实现); `units` (indicator_id, unit) adds the unit after each number;
    `labels` maps each status code to the word the sentence ends with (the caller owns the vocabulary).
    """
    df = results.lazy().join(target_texts(targets).lazy(), on=["indicator_id", "target_year"], how="left", maintain_order="left")
    if units is not None:
        df = df.join(units.lazy().select(pl.col("indicator_id").cast(pl.Int32), pl.col("unit").fill_null("")), on="indicator_id", how="left", maintain_order="left")
    else:
        df = df.with_columns(pl.lit("").alias("unit"))
    u = pl.col("unit").fill_null("")
    year = pl.col("year").cast(pl.Utf8)
    base_txt = pl.when(pl.col("base_from_first_value")).then(
        pl.concat_str([pl.lit("以首次报送值"), _num("base_value"), u, pl.lit("（"), pl.col("base_year").cast(pl.Utf8), pl.lit("年）作为基期")])
    ).otherwise(pl.concat_str([pl.lit("基期"), _num("base_value"), u]))
    value_txt = pl.concat_str([year, pl.lit("年"), _num("value"), u])
    cmp_txt = pl.col("comparator").cast(pl.Utf8).replace_strict(CMP_TEXT, default="")
    target_txt = pl.when(pl.col("comparator") == "range").then(
        pl.concat_str([_num("target_value"), pl.lit("～"), _num("target_upper"), u])
    ).otherwise(pl.concat_str([cmp_txt, _num("target_value"), u]))
    target_part = pl.concat_str([pl.col("target_year").cast(pl.Utf8), pl.lit("年目标"), target_txt])
    expected_txt = pl.concat_str([pl.lit("按线性进度应达"), _num("expected"), u])
    s = pl.col("status").cast(pl.Utf8)
    label = pl.col("status").cast(pl.Utf8).replace_strict(labels, default="")
    numeric = pl.concat_str(
        [
            base_txt, pl.lit("，"), value_txt, pl.lit("，"),
            pl.when(s == rules.ACHIEVED).then(pl.concat_str([pl.lit("已达到"), target_part]))
            .when(s == rules.REGRESSING).then(pl.concat_str([pl.lit("较基期退步，"), target_part]))
            .otherwise(pl.concat_str([expected_txt, pl.lit("（"), target_part, pl.lit("）")])),
            pl.lit("，"), label,
        ],
        ignore_nulls=True,
    )
    trend_word = pl.col("target_raw")
    directional = pl.when(pl.col("target_trend") == "maintain").then(
        pl.concat_str([base_txt, pl.lit("，"), value_txt, pl.lit("，目标为“"), trend_word, pl.lit("”，"), label], ignore_nulls=True)
    ).otherwise(pl.concat_str([value_txt, pl.lit("，上年"), _num("previous"), u, pl.lit("，目标为“"), trend_word, pl.lit("”，"), label], ignore_nulls=True))
    qualitative = pl.concat_str([year, pl.lit("年报告“"), pl.col("qualitative"), pl.lit("”，目标为“"), pl.col("target_qualitative"), pl.lit("”，"), label], ignore_nulls=True)
    sentence = (
        pl.when(s == rules.NO_DATA).then(pl.concat_str([year, pl.lit("年未报送数据")]))
        .when(pl.col("target_kind").is_null()).then(pl.lit("无量化目标，不作进度评价"))
        .when(pl.col("target_kind") == "qualitative").then(qualitative)
        .when((s == rules.NOT_ASSESSABLE) & (pl.col("target_kind") == "directional")).then(pl.concat_str([value_txt, pl.lit("，仅有一年数据，暂不判断趋势")]))
        .when(pl.col("target_kind") == "directional").then(directional)
        .when(s == rules.NOT_ASSESSABLE).then(pl.concat_str([value_txt, pl.lit("，为基期年份，暂不评价进度")]))
        .otherwise(numeric)
    )
    forecast = pl.when(pl.col("forecast").is_not_null() & (s != rules.NO_DATA)).then(
        pl.concat_str([pl.lit("；按趋势预计"), pl.col("final_year").cast(pl.Utf8), pl.lit("年为"), _num("forecast"), u, pl.when(pl.col("forecast_met")).then(pl.lit("，可实现目标")).when(~pl.col("forecast_met")).then(pl.lit("，难以实现目标")).otherwise(pl.lit(""))])
    ).otherwise(pl.lit(""))
    return df.with_columns(pl.concat_str([sentence, forecast, pl.lit("。")]).alias("explanation")).drop("unit").collect()


# ---- aggregation ---------------------------------------------------------------------------

def roll_up(values: pl.DataFrame, parents: pl.DataFrame, scale: pl.DataFrame) -> pl.DataFrame:
    """Return parent-unit values computed from children's numerators and denominators.

    values:  indicator_id, org_unit_id, year, numerator, denominator[, weight]
    parents: org_unit_id, parent_id
    scale:   indicator_id, factor (100 for %, 1000 for ‰, 100000 for 1/10万)
    A percentage is never averaged: the parent's value is Σ numerators / Σ denominators × factor,
    or, where only values and population weights are known, the weighted mean.
    """
    df = values.join(parents, on="org_unit_id", how="inner")
    has_weight = "weight" in df.columns
    aggs = [pl.col("numerator").sum().alias("numerator"), pl.col("denominator").sum().alias("denominator"), pl.len().alias("children")]
    if has_weight:
        aggs.append(((pl.col("value") * pl.col("weight")).sum() / pl.col("weight").sum()).alias("_weighted"))
    out = df.group_by(["indicator_id", "parent_id", "year"]).agg(aggs).join(scale, on="indicator_id", how="left")
    value = pl.when(pl.col("denominator") > 0).then(pl.col("numerator") / pl.col("denominator") * pl.col("factor").fill_null(1.0))
    if has_weight:
        value = value.otherwise(pl.col("_weighted"))
    return out.with_columns(value.alias("value")).rename({"parent_id": "org_unit_id"}).select(
        ["indicator_id", "org_unit_id", "year", "value", "numerator", "denominator", "children"]
    ).sort(["indicator_id", "org_unit_id", "year"])


# ---- assessment ----------------------------------------------------------------------------

def assess(results: pl.DataFrame, weights: pl.DataFrame, points: dict[str, float] | None = None, components: dict[str, tuple[pl.DataFrame, float]] | None = None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Return (score sheet, totals with ranks) for the org units in `results` (one year).

    weights: indicator_id, weight. The score sheet lists every contribution
    (indicator, unit, status, weight, share earned, points); totals sum them
    and rank with ties sharing a rank. Optional components (timely reporting,
    supervision) each bring a frame of org_unit_id and share in 0..1 and a
    weight, the part of the 100 points it carries; the indicators keep the
    rest. A unit missing from a component's frame earns nothing from it. The
    totals keep each component's share as `<name>_share`.
    """
    points = points or rules.ASSESSMENT_POINTS
    components = {name: (frame, weight) for name, (frame, weight) in (components or {}).items() if weight > 0}
    indicator_part = 1.0 - sum(weight for _frame, weight in components.values())
    if indicator_part < 0:
        raise ValueError("component weights exceed the whole score")
    sheet = (
        results.select(["indicator_id", "org_unit_id", "year", "status"])
        .join(weights.select(pl.col("indicator_id").cast(pl.Int32), pl.col("weight").cast(pl.Float64)), on="indicator_id", how="inner")
        .with_columns(pl.col("status").cast(pl.Utf8).replace_strict(points, default=0.0, return_dtype=pl.Float64).alias("share"))
        .with_columns((pl.col("share") * pl.col("weight")).alias("points"))
        .sort(["org_unit_id", "indicator_id"])
    )
    total_weight = weights["weight"].sum() or 1.0
    totals = sheet.group_by("org_unit_id").agg(pl.col("points").sum().alias("indicator_points"), pl.len().alias("indicators"))
    totals = totals.with_columns((pl.col("indicator_points") / total_weight * 100 * indicator_part).alias("score"))
    for name, (frame, weight) in components.items():
        column = f"{name}_share"
        part = frame.select(pl.col("org_unit_id").cast(totals.schema["org_unit_id"]), pl.col("share").cast(pl.Float64).alias(column))
        totals = totals.join(part, on="org_unit_id", how="left").with_columns(pl.col(column).fill_null(0.0)).with_columns(
            (pl.col("score") + pl.col(column) * 100 * weight).alias("score")
        )
    totals = totals.with_columns(pl.col("score").round(2)).with_columns(pl.col("score").rank(method="min", descending=True).cast(pl.Int64).alias("rank")).sort(["rank", "org_unit_id"])
    return sheet, totals
