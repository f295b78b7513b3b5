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

import re
from collections import deque
from concurrent.futures import ThreadPoolExecutor

import polars as pl

from healthaction.core import formatting
from healthaction.core.units import KNOWN_UNITS
from healthaction.evaluation import rules as R

STATUS_ENUM = pl.Enum(R.STATUSES)
KIND = pl.Enum(["numeric", "relative", "directional", "qualitative"])
CMP = pl.Enum(["", ">=", "<=", "<", ">", "=", "range"])
TREND = pl.Enum(["", "increase", "decrease", "maintain"])
CHANGE_UNIT = pl.Enum(["", "%", "pp", "%/yr", "pp/yr"])
KEYS = ["indicator_id", "org_unit_id"]


# ---- the target schedule: for each indicator and year, which target is due -------------------

_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def written_tolerance(raw: str | None, value: float | None) -> float | None:
    """Return half a unit of the last decimal the target value is written in (30 → 0.5, 7.5 → 0.05)."""
    if value is None:
        return None
    decimals = None
    for match in _NUMBER.finditer(raw or ""):
        if abs(float(match.group()) - abs(value)) < 1e-9:
            decimals = len(match.group().partition(".")[2])
            break
    if decimals is None:  # not found as written: the shortest decimal form of the stored number
        decimals = len(f"{abs(value):.10f}".rstrip("0").partition(".")[2])
    return R.TOLERANCE_SHARE_OF_LAST_DIGIT * 10.0**-decimals


def schedule(targets: pl.DataFrame, years: range) -> pl.DataFrame:
    """Return indicator × year → the target due (the next target year at or after it, else the last one).

    Also the previous target year (the last one before the year), whose value starts the trajectory once it
    has passed, and the written tolerance of the target due.
    """
    rows = []
    by_indicator: dict[int, list[dict]] = {}
    for t in targets.sort("year").iter_rows(named=True):
        by_indicator.setdefault(t["indicator_id"], []).append(t)
    for indicator_id, items in by_indicator.items():
        final = items[-1]
        for year in years:
            due = next((t for t in items if t["year"] >= year), final)
            before = [t["year"] for t in items if t["year"] < year]
            numeric = due["kind"] == "numeric"
            rows.append(
                {
                    "indicator_id": indicator_id,
                    "year": year,
                    "t_year": due["year"],
                    "p_year": before[-1] if before else None,
                    "t_kind": due["kind"],
                    "t_cmp": due["comparator"] or "",
                    "t_value": due["value"],
                    "t_upper": due["upper_value"],
                    "t_base_year": due["base_year"],
                    "t_change": due["change"],
                    "t_change_unit": due["change_unit"] or "",
                    "t_trend": due["trend"] or "",
                    "t_slowing": "减缓" in (due.get("raw") or ""),
                    "t_tol": written_tolerance(due.get("raw"), due["value"]) if numeric else None,
                    "f_year": final["year"],
                    "f_kind": final["kind"],
                    "f_cmp": final["comparator"] or "",
                    "f_value": final["value"],
                    "f_upper": final["upper_value"],
                }
            )
    schema = {
        "indicator_id": pl.Int64,
        "year": pl.Int64,
        "t_year": pl.Int64,
        "p_year": pl.Int64,
        "t_kind": pl.Utf8,
        "t_cmp": pl.Utf8,
        "t_value": pl.Float64,
        "t_upper": pl.Float64,
        "t_base_year": pl.Int64,
        "t_change": pl.Float64,
        "t_change_unit": pl.Utf8,
        "t_trend": pl.Utf8,
        "t_slowing": pl.Boolean,
        "t_tol": pl.Float64,
        "f_year": pl.Int64,
        "f_kind": pl.Utf8,
        "f_cmp": pl.Utf8,
        "f_value": pl.Float64,
        "f_upper": pl.Float64,
    }
    small = {"t_kind": KIND, "f_kind": KIND, "t_cmp": CMP, "f_cmp": CMP, "t_trend": TREND, "t_change_unit": CHANGE_UNIT}
    frame = pl.DataFrame(rows, schema=schema).with_columns([pl.col(c).cast(dtype) for c, dtype in small.items()])
    return frame.with_columns(
        pl.col("indicator_id").cast(pl.Int32),
        *[pl.col(c).cast(pl.Int16) for c in ("year", "t_year", "p_year", "f_year", "t_base_year")],
    )


def target_texts(targets: pl.DataFrame) -> pl.DataFrame:
    """Return indicator × target year → the target as written and its qualitative word (for explanations)."""
    return targets.select(
        pl.col("indicator_id").cast(pl.Int32),
        pl.col("year").cast(pl.Int16).alias("target_year"),
        pl.col("raw").fill_null("").alias("target_raw") if "raw" in targets.columns else pl.lit("").alias("target_raw"),
        pl.col("qualitative").fill_null("").alias("target_qualitative"),
    )


# ---- expressions ---------------------------------------------------------------------------


def _meets(value: pl.Expr, cmp: pl.Expr, target: pl.Expr, upper: pl.Expr, tol: pl.Expr | float = 0.0) -> pl.Expr:
    """A floor or ceiling is met strictly; "=" within the tolerance (a value that rounds to the target meets it)."""
    return (
        pl.when(cmp == ">=")
        .then(value >= target)
        .when(cmp == ">")
        .then(value > target)
        .when(cmp == "<=")
        .then(value <= target)
        .when(cmp == "<")
        .then(value < target)
        .when(cmp == "=")
        .then((value - target).abs() <= tol + 1e-9)
        .when(cmp == "range")
        .then((value >= target) & (value <= upper))
        .otherwise(None)
    )


def _sign(cmp: pl.Expr, direction: pl.Expr) -> pl.Expr:
    """+1 when higher is better for this target, −1 when lower is better."""
    return (
        pl.when(cmp.is_in([">=", ">"]))
        .then(1.0)
        .when(cmp.is_in(["<=", "<"]))
        .then(-1.0)
        .when(direction == "decrease")
        .then(-1.0)
        .otherwise(1.0)
    )


def _code(name: str) -> pl.Expr:
    return pl.lit(R.STATUS_CODE[name], dtype=pl.UInt8)


def _carry(expr: pl.Expr, sentinel) -> pl.Expr:
    """The latest non-null `expr` in the series up to this row (the sentinel at a series start with none yet)."""
    return pl.when(expr.is_not_null()).then(expr).when(~pl.col("_same")).then(pl.lit(sentinel)).forward_fill()


def _before(expr: pl.Expr) -> pl.Expr:
    """`expr` of the previous row of the same series (null on a series' first row)."""
    return pl.when(pl.col("_same")).then(expr.shift(1))


NAN = float("nan")


def evaluate_in_chunks(
    values: pl.DataFrame,
    indicators: pl.DataFrame,
    targets: pl.DataFrame,
    *,
    plan_unit_id: int | None = None,
    chunk_rows: int = 1_000_000,
    assume_sorted: bool = False,
    workers: int | None = None,
):
    """Yield evaluate() results for slices of whole indicators, in order, so peak memory follows the chunk.

    `values` must be sorted by indicator_id (the loader and the generator deliver it so). Running sums and
    forward fills over ordered series keep about one core busy per chunk, so `workers` chunks (default 2) are
    evaluated at once in threads; polars releases the GIL while it computes. Peak memory is about workers + 1
    chunks (those in flight and the one the caller holds).
    """
    bounds = (
        values.select(pl.col("indicator_id").rle_id().alias("g"))
        .with_row_index("i")
        .group_by("g", maintain_order=True)
        .agg(pl.col("i").first().alias("start"), pl.len().alias("n"))
    )
    slices, start, rows = [], None, 0
    for g_start, n in bounds.select("start", "n").iter_rows():
        if start is None:
            start = g_start
        rows += n
        if rows >= chunk_rows:
            slices.append((start, rows))
            start, rows = None, 0
    if start is not None and rows:
        slices.append((start, rows))

    def run(piece: tuple[int, int]) -> pl.DataFrame:
        return evaluate(
            values.slice(*piece), indicators, targets, plan_unit_id=plan_unit_id, assume_sorted=assume_sorted
        )

    workers = max(1, min(workers or 2, len(slices) or 1))
    if workers == 1:
        for piece in slices:
            yield run(piece)
        return
    pool = ThreadPoolExecutor(max_workers=workers)
    try:
        pending = deque(pool.submit(run, piece) for piece in slices[:workers])
        following = iter(slices[workers:])
        while pending:
            result = pending.popleft().result()
            piece = next(following, None)
            if piece is not None:
                pending.append(pool.submit(run, piece))
            yield result
    finally:
        # a caller that stops early does not wait for chunks nobody will read
        pool.shutdown(wait=False, cancel_futures=True)


def evaluate(
    values: pl.DataFrame,
    indicators: pl.DataFrame,
    targets: pl.DataFrame,
    *,
    plan_unit_id: int | None = None,
    assume_sorted: bool = False,
) -> pl.DataFrame:
    """Return the status of every (indicator, org unit, year) row of `values`.

    A row's status depends only on the series' values up to its year, so a target year's row (and the verdict
    read from it) never changes when later years change. The steps: join each row to its indicator and the
    target due (`_joined`), carry the series' state along its years (`_series_state`), resolve relative targets,
    judge (`_status`), forecast; one polars plan, no Python per row.
    """
    if values.height == 0:
        return values.with_columns(pl.lit(None, dtype=STATUS_ENUM).alias("status"))
    df = _joined(values, indicators, targets, assume_sorted=assume_sorted)
    slowing = "raw" in targets.columns and targets["raw"].fill_null("").str.contains("减缓").any()
    df = _series_state(df, plan_unit_id=plan_unit_id, slowing=slowing)

    # relative targets resolve against the value of their base year (or the baseline)
    chunk_ids = set(values["indicator_id"].unique().to_list())
    relative_ids = set(targets.filter(pl.col("kind") == "relative")["indicator_id"].to_list())
    if chunk_ids & relative_ids:
        df = _resolve_relative(df, sorted(chunk_ids & relative_ids))
    else:
        df = df.with_columns(
            pl.col("t_value").alias("target_value"),
            pl.col("t_cmp").alias("cmp"),
            pl.lit(None, dtype=pl.Utf8).alias("reason"),
        )
    df = _status(df)
    df = _forecast(df)
    df = df.with_columns(
        pl.col("_status")
        .replace_strict(list(range(len(R.STATUSES))), R.STATUSES, return_dtype=STATUS_ENUM)
        .alias("status"),
    )
    # the in-memory engine: running sums, shifts and forward fills over ordered series gain nothing from streaming
    # (a quarter faster here than polars 2's default streaming engine)
    return df.select(_OUTPUT).rename(_RENAMES).collect(engine="in-memory")


_OUTPUT = [
    "indicator_id",
    "org_unit_id",
    "year",
    "value",
    "qualitative",
    "status",
    "t_year",
    "t_kind",
    "cmp",
    "target_value",
    "t_upper",
    "t_trend",
    "t_base_year",
    "expected",
    "base_value",
    "base_year",
    "base_from_first_value",
    "start_value",
    "start_year",
    "start_from_target",
    "previous",
    "previous_year",
    "ratio",
    "tolerance_used",
    "reason",
    "forecast",
    "forecast_low",
    "forecast_high",
    "forecast_met",
    "f_year",
    "f_value",
]
_RENAMES = {
    "t_year": "target_year",
    "t_kind": "target_kind",
    "cmp": "comparator",
    "t_upper": "target_upper",
    "t_trend": "target_trend",
    "t_base_year": "target_base_year",
    "f_year": "final_year",
    "f_value": "final_value",
}


def _indicator_columns(indicators: pl.DataFrame) -> pl.DataFrame:
    """The per-indicator columns the rows need: direction, plan baseline, tolerance, the range a forecast is clipped to."""
    ind = indicators.select(
        pl.col("indicator_id").cast(pl.Int32),
        pl.col("direction").fill_null("").cast(pl.Enum(["", "increase", "decrease", "maintain"])),
        pl.col("baseline_value").cast(pl.Float64),
        pl.col("baseline_year").cast(pl.Int16),
        (pl.col("tolerance") if "tolerance" in indicators.columns else pl.lit(None))
        .cast(pl.Float64)
        .alias("tolerance"),
        (pl.col("unit") if "unit" in indicators.columns else pl.lit("")).fill_null("").alias("_unit"),
    )
    return ind.with_columns(
        pl.col("_unit")
        .replace_strict(
            {u: lo for u, (lo, _hi) in R.UNIT_BOUNDS.items()}, default=R.DEFAULT_LOWER_BOUND, return_dtype=pl.Float64
        )
        .alias("_lower"),
        pl.col("_unit")
        .replace_strict(
            {u: hi for u, (_lo, hi) in R.UNIT_BOUNDS.items()}, default=float("inf"), return_dtype=pl.Float64
        )
        .alias("_upper"),
    ).drop("_unit")


def _joined(values: pl.DataFrame, indicators: pl.DataFrame, targets: pl.DataFrame, *, assume_sorted: bool):
    """The rows in series order, each joined to its indicator's columns and to the target due in its year.

    Both small tables are first joined into one of indicator × year (a few thousand rows), which the rows then
    join by one 64-bit key, indicator × 2^16 + year: one hash join instead of two, and on one integer column.
    """
    years = range(int(values["year"].min()), int(values["year"].max()) + 1)
    df = values.lazy().with_columns(
        pl.col("indicator_id").cast(pl.Int32), pl.col("org_unit_id").cast(pl.Int32), pl.col("year").cast(pl.Int16)
    )
    if "qualitative" not in values.columns:
        df = df.with_columns(pl.lit(None, dtype=pl.Utf8).alias("qualitative"))
    if not assume_sorted:
        df = df.sort(["indicator_id", "org_unit_id", "year"])  # shifts and running sums below need series order
    grid = (
        values.select(pl.col("indicator_id").cast(pl.Int32).unique())
        .join(pl.DataFrame({"year": pl.Series(list(years), dtype=pl.Int16)}), how="cross")
        .join(_indicator_columns(indicators), on="indicator_id", how="left")
        .join(schedule(targets, years), on=["indicator_id", "year"], how="left")
    )
    key = pl.col("indicator_id").cast(pl.Int64) * 65536 + pl.col("year").cast(pl.Int64)
    grid = grid.with_columns(key.alias("_key")).drop(["indicator_id", "year"])
    return (
        df.with_columns(key.alias("_key")).join(grid.lazy(), on="_key", how="left", maintain_order="left").drop("_key")
    )


def _series_state(df: pl.LazyFrame, *, plan_unit_id: int | None, slowing: bool) -> pl.LazyFrame:
    """Carry each series' state along its years: reported count, previous reported value, baseline, start.

    Series are contiguous after the sort: running sums restart where a new series starts, without hashing.
    """
    same = (pl.col("indicator_id") == pl.col("indicator_id").shift(1)) & (
        pl.col("org_unit_id") == pl.col("org_unit_id").shift(1)
    )
    v = pl.col("value")
    reported = v.is_not_null()
    df = df.with_columns(same.fill_null(False).alias("_same"))
    df = df.with_columns(
        _series_cum_sum(reported.cast(pl.Int32)).alias("_n_reported"),
        _carry(v, NAN).alias("_last_value"),
        _carry(pl.when(reported).then(pl.col("year")), 0).alias("_last_year"),
        # the value of the latest target year reached so far (NaN when that year was not reported)
        _carry(pl.when(pl.col("year") == pl.col("t_year")).then(v.fill_null(NAN)), NAN).alias("_ty_value"),
        _carry(pl.when(pl.col("year") == pl.col("t_year")).then(pl.col("year")), 0).alias("_ty_year"),
    )
    # the previous reported year, not simply the previous row: a year left unreported is skipped
    df = df.with_columns(
        _before(pl.col("_last_value")).fill_nan(None).alias("previous"),
        _before(pl.col("_last_year")).replace(0, None).alias("previous_year"),
        _before(pl.col("_ty_value")).fill_nan(None).alias("_p_value"),
        _before(pl.col("_ty_year")).alias("_p_year_seen"),
    )
    if slowing:
        # the growth before the latest one, between reported years (only 上升趋势减缓 targets need it)
        df = df.with_columns(
            _before(_carry(pl.when(reported).then(pl.col("previous").fill_null(NAN)), NAN))
            .fill_nan(None)
            .alias("_previous2")
        )
    else:
        df = df.with_columns(pl.lit(None, dtype=pl.Float64).alias("_previous2"))
    first_marker = reported & (pl.col("_n_reported") == 1)
    df = df.with_columns(
        pl.when(pl.col("_n_reported") >= 1).then(pl.when(first_marker).then(v).forward_fill()).alias("_first_value"),
        pl.when(pl.col("_n_reported") >= 1)
        .then(pl.when(first_marker).then(pl.col("year")).forward_fill())
        .alias("_first_year"),
    )
    # the baseline: the plan's own for the issuing org unit, else the first reported value
    use_plan = pl.col("baseline_value").is_not_null() & (
        pl.col("org_unit_id") == (plan_unit_id if plan_unit_id is not None else -1)
    )
    df = df.with_columns(
        pl.when(use_plan).then(pl.col("baseline_value")).otherwise(pl.col("_first_value")).alias("base_value"),
        pl.when(use_plan).then(pl.col("baseline_year")).otherwise(pl.col("_first_year")).alias("base_year"),
        (~use_plan).alias("base_from_first_value"),
    )
    # once a target year has passed, the trajectory to the next target starts from that year's value
    from_target = (
        (pl.col("_p_year_seen") == pl.col("p_year"))
        & pl.col("_p_value").is_not_null()
        & (pl.col("p_year") >= pl.col("base_year"))
    )
    return df.with_columns(
        pl.when(from_target).then(pl.col("_p_value")).otherwise(pl.col("base_value")).alias("start_value"),
        pl.when(from_target).then(pl.col("p_year")).otherwise(pl.col("base_year")).alias("start_year"),
        from_target.fill_null(False).alias("start_from_target"),
    )


def _status(df: pl.LazyFrame) -> pl.LazyFrame:
    """Add expected, tolerance_used, ratio and the status code `_status` by the kind of the target due."""
    v, t, upper = pl.col("value"), pl.col("target_value"), pl.col("t_upper")
    # numeric judgement (ranges toward their nearer bound)
    is_range = pl.col("cmp") == "range"
    above = is_range & (v > upper)
    sign = (
        pl.when(is_range)
        .then(pl.when(above).then(-1.0).otherwise(1.0))
        .otherwise(_sign(pl.col("cmp"), pl.col("direction")))
    )
    goal = pl.when(above).then(upper).otherwise(t)
    tol = pl.coalesce(pl.col("tolerance"), pl.col("t_tol"), pl.lit(0.0))
    start, start_year = pl.col("start_value"), pl.col("start_year")
    span = (pl.col("t_year") - start_year).cast(pl.Float64)
    elapsed = (pl.col("year") - start_year).cast(pl.Float64)
    expected = pl.when(span > 0).then(start + (goal - start) * (elapsed / span).clip(0.0, 1.0)).otherwise(goal)
    df = df.with_columns(expected.alias("expected"), sign.alias("_sign"), tol.alias("tolerance_used"))
    needed = pl.col("_sign") * (pl.col("expected") - start)
    ratio = pl.when(needed > 0).then(pl.col("_sign") * (v - start) / needed).otherwise(None)
    kind = pl.col("t_kind")
    q = pl.col("qualitative")
    status = (
        pl.when(v.is_null() & q.is_null())
        .then(_code(R.NO_DATA))
        .when(kind.is_null())
        .then(_code(R.NOT_ASSESSABLE))
        .when(kind == "qualitative")
        .then(_qualitative_status())
        .when(v.is_null())
        .then(_code(R.NO_DATA))
        .when(kind == "directional")
        .then(_directional_status())
        .when(t.is_null())
        .then(_code(R.NOT_ASSESSABLE))
        .otherwise(_numeric_status(ratio))
    )
    return df.with_columns(status.alias("_status"), ratio.alias("ratio"))


def _numeric_status(ratio: pl.Expr) -> pl.Expr:
    """Against a number: met, else behind or ahead of the linear trajectory, or worse than the base."""
    v, b, t, upper = pl.col("value"), pl.col("base_value"), pl.col("target_value"), pl.col("t_upper")
    e, sign, tol = pl.col("expected"), pl.col("_sign"), pl.col("tolerance_used")
    is_range = pl.col("cmp") == "range"
    worse_than_base = (sign * (v - b) < -tol) & (pl.col("year") > pl.col("base_year"))
    met = _meets(v, pl.col("cmp"), t, upper, tol)
    width = (upper - t).abs()
    margin = pl.when(width > 0).then(width).otherwise(t.abs()) * R.RANGE_AT_RISK_MARGIN
    range_gap = pl.max_horizontal(t - v, v - upper)
    return (
        pl.when(met)
        .then(_code(R.ACHIEVED))
        .when(pl.col("year") >= pl.col("t_year"))
        .then(pl.when(worse_than_base).then(_code(R.REGRESSING)).otherwise(_code(R.OFF_TRACK)))
        .when(pl.col("year") <= pl.col("base_year"))
        .then(_code(R.NOT_ASSESSABLE))
        .when(sign * (v - e) >= -tol)
        .then(_code(R.ON_TRACK))
        .when(worse_than_base)
        .then(_code(R.REGRESSING))
        .when(ratio >= R.ON_TRACK_RATIO)
        .then(_code(R.ON_TRACK))
        .when(ratio >= R.AT_RISK_RATIO)
        .then(_code(R.AT_RISK))
        .when(is_range & (range_gap <= margin))
        .then(_code(R.AT_RISK))
        .otherwise(_code(R.OFF_TRACK))
    )


def _directional_status() -> pl.Expr:
    """Against a direction (持续下降, 保持): the step from the previous reported year, or the level held."""
    v, b, prev = pl.col("value"), pl.col("base_value"), pl.col("previous")
    trend = pl.col("t_trend")
    own_tol = pl.col("tolerance")
    step = v - prev
    flat = (
        pl.when(own_tol.is_not_null())
        .then(step.abs() <= own_tol)
        .otherwise(
            pl.when(prev.abs() > 0).then((step / prev.abs()).abs()).otherwise(step.abs()) <= R.TREND_STABLE_TOLERANCE
        )
    )
    down = trend == "decrease"
    right_way = (down & (step < 0)) | (~down & (step > 0))
    dir_tol = own_tol.fill_null(0.0)
    beyond_base = (down & (v < b - dir_tol)) | (~down & (v > b + dir_tol))
    in_target_year = pl.col("year") >= pl.col("t_year")
    growth_now = v - prev
    growth_before = prev - pl.col("_previous2")
    slowing = pl.col("t_slowing")
    keep_sign = pl.when(pl.col("direction") == "decrease").then(-1.0).otherwise(1.0)
    holds = (v - b) * keep_sign >= -pl.max_horizontal(b.abs() * R.MAINTAIN_TOLERANCE, dir_tol)
    return (
        pl.when(trend == "maintain")
        .then(
            pl.when(holds)
            .then(pl.when(in_target_year).then(_code(R.ACHIEVED)).otherwise(_code(R.ON_TRACK)))
            .otherwise(pl.when(in_target_year).then(_code(R.OFF_TRACK)).otherwise(_code(R.AT_RISK)))
        )
        .when(prev.is_null())
        .then(_code(R.NOT_ASSESSABLE))
        .when(slowing & growth_before.is_not_null())
        .then(
            pl.when(growth_now <= growth_before + dir_tol)
            .then(pl.when(in_target_year).then(_code(R.ACHIEVED)).otherwise(_code(R.ON_TRACK)))
            .otherwise(_code(R.OFF_TRACK))
        )
        .when(slowing)
        .then(_code(R.NOT_ASSESSABLE))
        .when(flat)
        .then(pl.when(in_target_year).then(_code(R.OFF_TRACK)).otherwise(_code(R.AT_RISK)))
        .when(right_way)
        .then(
            pl.when(~in_target_year)
            .then(_code(R.ON_TRACK))
            .when(beyond_base)
            .then(_code(R.ACHIEVED))
            .otherwise(_code(R.OFF_TRACK))
        )
        .otherwise(_code(R.REGRESSING))
    )


def _qualitative_status() -> pl.Expr:
    """Against a qualitative target: from the reported word."""
    q = pl.col("qualitative")
    in_target_year = pl.col("year") >= pl.col("t_year")
    return (
        pl.when(q.is_in(list(R.QUALITATIVE_DONE)))
        .then(_code(R.ACHIEVED))
        .when(q.is_in(list(R.QUALITATIVE_PARTLY)))
        .then(pl.when(in_target_year).then(_code(R.OFF_TRACK)).otherwise(_code(R.ON_TRACK)))
        .when(q.is_in(list(R.QUALITATIVE_NOT)))
        .then(pl.when(in_target_year).then(_code(R.OFF_TRACK)).otherwise(_code(R.AT_RISK)))
        .otherwise(_code(R.NOT_ASSESSABLE))
    )


def _resolve_relative(df: pl.LazyFrame, relative_ids: list[int]) -> pl.LazyFrame:
    """Add target_value, cmp and reason: relative targets become numeric ones for each series.

    The stated base year must have a value of its own (or be the baseline's year); otherwise the target cannot
    be resolved and the row is not assessable, with the reason kept for the explanation.
    """
    relative = pl.col("t_kind") == "relative"
    # the rows so far are computed once (a branch of the lazy `df` would compute the plan above twice); the value
    # of a year in the same series is found by one 64-bit key, series number × 2^16 + year, and only the series of
    # indicators with a relative target are looked up
    df = (
        df.with_columns((~pl.col("_same")).cum_sum().cast(pl.Int64).alias("_series")).collect(engine="in-memory").lazy()
    )
    key = pl.col("_series") * 65536 + pl.col("year").cast(pl.Int64)
    lookup = df.filter(pl.col("value").is_not_null() & pl.col("indicator_id").is_in(relative_ids)).select(
        key.alias("_key"), pl.col("value").alias("_rv")
    )
    ry = pl.coalesce(pl.col("t_base_year"), pl.col("base_year")).cast(pl.Int16)
    df = df.with_columns(
        ry.alias("_ry"), pl.when(relative).then(pl.col("_series") * 65536 + ry.cast(pl.Int64)).alias("_key")
    )
    df = df.join(lookup, on="_key", how="left", maintain_order="left")
    base = pl.when(pl.col("_ry") == pl.col("base_year")).then(pl.col("base_value")).otherwise(pl.col("_rv"))
    change = pl.col("t_change")
    unit = pl.col("t_change_unit")
    years_since = (pl.col("t_year") - pl.col("base_year")).cast(pl.Float64)
    resolved = (
        pl.when(unit == "pp")
        .then(base + change)
        .when(unit == "pp/yr")
        .then(pl.col("base_value") + change * years_since)
        .when(unit == "%/yr")
        .then(pl.col("base_value") * (1 + change / 100.0) ** years_since)
        .otherwise(base * (1 + change / 100.0))
    )
    missing_base = relative & pl.col("t_base_year").is_not_null() & base.is_null() & ~unit.is_in(["%/yr", "pp/yr"])
    return df.with_columns(
        pl.when(relative).then(resolved).otherwise(pl.col("t_value")).alias("target_value"),
        pl.when(relative)
        .then(pl.when(change >= 0).then(pl.lit(">=", dtype=CMP)).otherwise(pl.lit("<=", dtype=CMP)))
        .otherwise(pl.col("t_cmp"))
        .alias("cmp"),
        pl.when(missing_base & pl.col("base_year").is_not_null()).then(pl.lit("relative_base_missing")).alias("reason"),
    ).drop(["_ry", "_rv", "_key", "_series"])


def _series_cum_sum(expr: pl.Expr) -> pl.Expr:
    """Running sum that restarts at each series (needs the `_same` column of sorted data)."""
    total = expr.cum_sum()
    offset = pl.when(~pl.col("_same")).then(total - expr).forward_fill()
    return total - offset


_T_TABLE = pl.Series(
    [float("nan")] + [R.T_QUANTILE_90[k] for k in range(1, 31)] + [R.T_QUANTILE_90_LARGE], dtype=pl.Float64
)


def _t_quantile(df_: pl.Expr) -> pl.Expr:
    """Student's t (0.90) for these degrees of freedom: a gather from a 32-entry table, cheaper than a lookup per row."""
    return pl.lit(_T_TABLE).gather(df_.clip(0, 31).cast(pl.UInt32))


def _forecast(df: pl.LazyFrame) -> pl.LazyFrame:
    """Forecast the final target year from a least-squares line with an 80 % prediction interval.

    Only from three reported values up to the year, only before the final target year, clipped to the unit's
    range; `forecast_met` is left empty where it would contradict the status of the year.
    """
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
        _series_cum_sum(ys * ys).alias("_syy"),
    )
    n, sx, sy, sxy, sxx, syy = (pl.col(c) for c in ("_n", "_sx", "_sy", "_sxy", "_sxx", "_syy"))
    x0 = (pl.col("f_year") - 2000).cast(pl.Float64)
    # the line's terms as columns of their own, each computed once (the same arithmetic, in the same order)
    df = df.with_columns(
        (sxx - sx * sx / n).alias("_cxx"),
        (sxy - sx * sy / n).alias("_cxy"),
        (syy - sy * sy / n).alias("_cyy"),
        (x0 - sx / n).alias("_gap"),
        (
            (n >= R.FORECAST_MIN_POINTS)
            & (pl.col("f_kind") != "qualitative")
            & (pl.col("year") < pl.col("f_year"))
            & pl.col("value").is_not_null()
        ).alias("_usable"),
    )
    cxx, cxy, cyy, gap, usable = (pl.col(c) for c in ("_cxx", "_cxy", "_cyy", "_gap", "_usable"))
    df = df.with_columns(pl.when(cxx > 1e-12).then(cxy / cxx).alias("_slope"))
    slope = pl.col("_slope")
    residual = pl.max_horizontal(cyy - slope * cxy, pl.lit(0.0)) / (n - 2)
    df = df.with_columns(
        (sy / n + slope * gap).alias("_point"),
        (_t_quantile(n - 2) * (residual * (1 + 1 / n + gap * gap / cxx)).sqrt()).alias("_half"),
    )
    point, half = pl.col("_point"), pl.col("_half")
    lower, upper = pl.col("_lower"), pl.col("_upper")

    def bounded(expr: pl.Expr) -> pl.Expr:
        return pl.when(usable).then(pl.min_horizontal(pl.max_horizontal(expr, lower), upper))

    df = df.with_columns(
        bounded(point).alias("forecast"),
        bounded(point - half).alias("forecast_low"),
        bounded(point + half).alias("forecast_high"),
    )
    f_cmp = pl.when(pl.col("f_kind") == "relative").then(pl.col("cmp")).otherwise(pl.col("f_cmp"))
    f_target = pl.when(pl.col("f_kind") == "relative").then(pl.col("target_value")).otherwise(pl.col("f_value"))
    directional = pl.col("f_kind") == "directional"
    f_trend_met = (
        pl.when(pl.col("t_trend") == "decrease")
        .then(pl.col("forecast") < pl.col("base_value"))
        .when(pl.col("t_trend") == "increase")
        .then(pl.col("forecast") > pl.col("base_value"))
        .otherwise(None)
    )
    met = (
        pl.when(directional)
        .then(f_trend_met)
        .otherwise(_meets(pl.col("forecast"), f_cmp, f_target, pl.col("f_upper"), pl.col("tolerance_used")))
    )
    good = pl.col("_status").is_in([R.STATUS_CODE[R.ACHIEVED], R.STATUS_CODE[R.ON_TRACK]])
    bad = pl.col("_status").is_in([R.STATUS_CODE[s] for s in (R.AT_RISK, R.OFF_TRACK, R.REGRESSING)])
    # a trend line never contradicts the judgement of the year: where they disagree, no claim is made
    agreed = pl.when(met & good).then(True).when(~met & bad).then(False).otherwise(None)
    return df.with_columns(agreed.alias("forecast_met"))


# ---- explanations --------------------------------------------------------------------------


def _num(col: str | pl.Expr) -> pl.Expr:
    """Format a number with at most two decimals and no trailing zeros."""
    expr = pl.col(col) if isinstance(col, str) else col
    return expr.round(2).cast(pl.Utf8).str.replace(r"\.0+$", "").str.replace(r"(\.\d*?)0+$", "$1")


# what follows a number of each unit in a sentence ("/10万" after 12 in 1/10万): core/formatting.py's one rule
UNIT_SUFFIX = {unit: formatting.unit_suffix(unit, "zh") for unit in KNOWN_UNITS}


def explain(
    results: pl.DataFrame, targets: pl.DataFrame, units: pl.DataFrame | None = None, *, labels: dict[str, str]
) -> pl.DataFrame:
    """Return results with an `explanation` column: one Chinese sentence that cites the numbers.

    Also `judgement`: the same sentence without the forecast, which the target verdicts cite.
    `targets` gives the words as written (持续下降, 实现); `units` (indicator_id, unit) adds the unit after each number;
    `labels` maps each status code to the word the sentence ends with (the caller owns the vocabulary).
    """
    df = results.lazy().join(
        target_texts(targets).lazy(), on=["indicator_id", "target_year"], how="left", maintain_order="left"
    )
    if units is not None:
        df = df.join(
            units.lazy().select(pl.col("indicator_id").cast(pl.Int32), pl.col("unit").fill_null("")),
            on="indicator_id",
            how="left",
            maintain_order="left",
        )
    else:
        df = df.with_columns(pl.lit("").alias("unit"))
    u = pl.col("unit").fill_null("").replace(UNIT_SUFFIX)
    label = pl.col("status").cast(pl.Utf8).replace_strict(labels, default="")
    sentence = _sentence(u, label)
    forecast = _forecast_text(u)
    return (
        df.with_columns(
            pl.concat_str([sentence, forecast, pl.lit("。")]).alias("explanation"),
            pl.concat_str([sentence, pl.lit("。")]).alias("judgement"),
        )
        .drop("unit")
        .collect()
    )


def _sentence(u: pl.Expr, label: pl.Expr) -> pl.Expr:
    """The sentence for one row by the kind of its target, without the forecast (`u`: the unit after a number)."""
    year = pl.col("year").cast(pl.Utf8)
    s = pl.col("status").cast(pl.Utf8)
    from_target = pl.col("start_from_target")
    base_txt = (
        pl.when(from_target)
        .then(pl.concat_str([pl.col("start_year").cast(pl.Utf8), pl.lit("年"), _num("start_value"), u]))
        .when(pl.col("base_from_first_value"))
        .then(
            pl.concat_str(
                [
                    pl.lit("以首次报送值"),
                    _num("base_value"),
                    u,
                    pl.lit("（"),
                    pl.col("base_year").cast(pl.Utf8),
                    pl.lit("年）作为基期"),
                ]
            )
        )
        .otherwise(pl.concat_str([pl.lit("基期"), _num("base_value"), u]))
    )
    value_txt = pl.concat_str([year, pl.lit("年"), _num("value"), u])
    cmp_txt = pl.col("comparator").cast(pl.Utf8).replace_strict(formatting.SYMBOLS, default="")
    target_txt = (
        pl.when(pl.col("comparator") == "range")
        .then(pl.concat_str([_num("target_value"), pl.lit(formatting.RANGE_MARK["zh"]), _num("target_upper"), u]))
        .otherwise(pl.concat_str([cmp_txt, _num("target_value"), u]))
    )
    target_part = pl.concat_str([pl.col("target_year").cast(pl.Utf8), pl.lit("年目标"), target_txt])
    numeric = _numeric_sentence(value_txt, target_part, base_txt, u, label)
    trend_word = pl.col("target_raw")
    previous_txt = pl.concat_str(
        [pl.lit("上一报送年份（"), pl.col("previous_year").cast(pl.Utf8), pl.lit("年）为"), _num("previous"), u]
    )
    directional = (
        pl.when(pl.col("target_trend") == "maintain")
        .then(
            pl.concat_str(
                [base_txt, pl.lit("，"), value_txt, pl.lit("，目标为“"), trend_word, pl.lit("”，"), label],
                ignore_nulls=True,
            )
        )
        .otherwise(
            pl.concat_str(
                [value_txt, pl.lit("，"), previous_txt, pl.lit("，目标为“"), trend_word, pl.lit("”，"), label],
                ignore_nulls=True,
            )
        )
    )
    qualitative = pl.concat_str(
        [
            year,
            pl.lit("年报告“"),
            pl.col("qualitative"),
            pl.lit("”，目标为“"),
            pl.col("target_qualitative"),
            pl.lit("”，"),
            label,
        ],
        ignore_nulls=True,
    )
    relative_missing = pl.concat_str(
        [
            value_txt,
            pl.lit("，"),
            pl.col("target_base_year").cast(pl.Utf8),
            pl.lit("年未报送，无法确定目标“"),
            trend_word,
            pl.lit("”的目标值，不作评价"),
        ]
    )
    return (
        pl.when(s == R.NO_DATA)
        .then(pl.concat_str([year, pl.lit("年未报送数据")]))
        .when(pl.col("target_kind").is_null())
        .then(pl.lit("无量化目标，不作进度评价"))
        .when(pl.col("target_kind") == "qualitative")
        .then(qualitative)
        .when((s == R.NOT_ASSESSABLE) & (pl.col("target_kind") == "directional"))
        .then(pl.concat_str([value_txt, pl.lit("，此前无报送数据，暂不判断趋势")]))
        .when(pl.col("target_kind") == "directional")
        .then(directional)
        .when(pl.col("reason") == "relative_base_missing")
        .then(relative_missing)
        .when(s == R.NOT_ASSESSABLE)
        .then(pl.concat_str([value_txt, pl.lit("，为基期年份，暂不评价进度")]))
        .otherwise(numeric)
    )


def _numeric_sentence(
    value_txt: pl.Expr, target_part: pl.Expr, base_txt: pl.Expr, u: pl.Expr, label: pl.Expr
) -> pl.Expr:
    """Against a number: reached or not in a target year, else the base, the value and the linear trajectory."""
    s = pl.col("status").cast(pl.Utf8)
    in_target_year = pl.col("year") >= pl.col("target_year")
    expected_txt = pl.concat_str([pl.lit("按线性进度应达"), _num("expected"), u])
    return (
        pl.when(in_target_year & (s != R.ACHIEVED))
        .then(
            pl.concat_str(
                [
                    value_txt,
                    pl.lit("，未达到"),
                    target_part,
                    pl.lit("，目标未实现"),
                    pl.when(s == R.REGRESSING).then(pl.lit("，且较基期退步")).otherwise(pl.lit("")),
                ]
            )
        )
        .when(in_target_year)
        .then(pl.concat_str([value_txt, pl.lit("，已达到"), target_part, pl.lit("，目标已实现")]))
        .otherwise(
            pl.concat_str(
                [
                    base_txt,
                    pl.lit("，"),
                    value_txt,
                    pl.lit("，"),
                    pl.when(s == R.ACHIEVED)
                    .then(pl.concat_str([pl.lit("已达到"), target_part]))
                    .when(s == R.REGRESSING)
                    .then(pl.concat_str([pl.lit("较基期退步，"), target_part]))
                    .otherwise(pl.concat_str([expected_txt, pl.lit("（"), target_part, pl.lit("）")])),
                    pl.lit("，"),
                    label,
                ],
                ignore_nulls=True,
            )
        )
    )


def _forecast_text(u: pl.Expr) -> pl.Expr:
    """The forecast clause: the final target year's value by the trend, its interval and whether it reaches the target."""
    s = pl.col("status").cast(pl.Utf8)
    interval = pl.concat_str(
        [pl.lit("（80%预测区间"), _num("forecast_low"), pl.lit("～"), _num("forecast_high"), u, pl.lit("）")]
    )
    return (
        pl.when(pl.col("forecast").is_not_null() & (s != R.NO_DATA))
        .then(
            pl.concat_str(
                [
                    pl.lit("；按趋势预计"),
                    pl.col("final_year").cast(pl.Utf8),
                    pl.lit("年为"),
                    _num("forecast"),
                    u,
                    interval,
                    pl.when(pl.col("forecast_met"))
                    .then(pl.lit("，有望实现目标"))
                    .when(~pl.col("forecast_met"))
                    .then(pl.lit("，难以实现目标"))
                    .otherwise(pl.lit("")),
                ]
            )
        )
        .otherwise(pl.lit(""))
    )


# ---- target verdicts -----------------------------------------------------------------------

VERDICT_ENUM = pl.Enum(R.VERDICTS)


def verdicts(results: pl.DataFrame, targets: pl.DataFrame, *, closed_year: int) -> pl.DataFrame:
    """Return one verdict per indicator × org unit × target year that is due.

    A target is due once a value for its year is in `results` (only approved values reach the engine) or the
    year is over (`closed_year`, the last finished year). The verdict reads the row of the target year, which
    is judged against that target alone: achieved, missed, not reported, or not assessable (with the reason).
    """
    columns = [
        "indicator_id",
        "org_unit_id",
        "target_year",
        "target_kind",
        "target_raw",
        "comparator",
        "target_value",
        "target_upper",
        "value",
        "qualitative",
        "verdict",
        "explanation",
    ]
    if results.height == 0 or targets.height == 0:
        return pl.DataFrame(schema=dict.fromkeys(columns, pl.Utf8)).clear()
    # every indicator × unit of the results, sorted: one 64-bit key hashes faster than a pair of columns
    pair = (pl.col("indicator_id").cast(pl.Int64) * 2**32) + pl.col("org_unit_id").cast(pl.Int64)
    keys = (
        results.select(pair.alias("_key"))
        .unique()
        .sort("_key")
        .select(
            (pl.col("_key") // 2**32).cast(pl.Int32).alias("indicator_id"),
            (pl.col("_key") % 2**32).cast(pl.Int32).alias("org_unit_id"),
        )
    )
    due = targets.select(
        pl.col("indicator_id").cast(pl.Int32),
        pl.col("year").cast(pl.Int16).alias("target_year"),
        pl.col("kind").cast(pl.Utf8).alias("target_kind"),
        (pl.col("raw") if "raw" in targets.columns else pl.lit("")).fill_null("").alias("target_raw"),
    ).sort(["indicator_id", "target_year"])
    # the sentence for a target year nothing was reported for: one per indicator and target year, not per unit
    due = due.with_columns(
        pl.concat_str(
            [
                pl.col("target_year").cast(pl.Utf8),
                pl.lit("年未报送数据，"),
                pl.col("target_year").cast(pl.Utf8),
                pl.lit("年目标“"),
                pl.col("target_raw"),
                pl.lit("”无法判定。"),
            ]
        ).alias("_not_reported")
    )
    judged = "judgement" in results.columns
    # only the rows of target years can carry a verdict: filter before any column is copied or cast
    target_years = due["target_year"].unique().to_list()
    rows = results.filter(pl.col("year").cast(pl.Int16).is_in(target_years)).select(
        pl.col("indicator_id").cast(pl.Int32),
        pl.col("org_unit_id").cast(pl.Int32),
        pl.col("year").cast(pl.Int16).alias("target_year"),
        pl.col("value"),
        pl.col("qualitative"),
        pl.col("status").cast(pl.Utf8).alias("_status"),
        pl.col("comparator").cast(pl.Utf8),
        pl.col("target_value"),
        pl.col("target_upper"),
        (pl.col("judgement") if judged else pl.lit("")).alias("_judgement"),
    )
    # keys and due are sorted, and both joins keep that order: the verdicts come out sorted
    df = keys.join(due, on="indicator_id", maintain_order="left_right").join(
        rows, on=["indicator_id", "org_unit_id", "target_year"], how="left", maintain_order="left"
    )
    reported = pl.col("value").is_not_null() | pl.col("qualitative").is_not_null()
    df = df.filter(reported | (pl.col("target_year") <= closed_year))
    verdict = (
        pl.when(~reported)
        .then(pl.lit(R.VERDICT_NOT_REPORTED))
        .when(pl.col("_status") == R.ACHIEVED)
        .then(pl.lit(R.VERDICT_ACHIEVED))
        .when(pl.col("_status") == R.NOT_ASSESSABLE)
        .then(pl.lit(R.VERDICT_NOT_ASSESSABLE))
        .otherwise(pl.lit(R.VERDICT_MISSED))
    )
    return df.with_columns(
        verdict.cast(VERDICT_ENUM).alias("verdict"),
        pl.when(reported).then(pl.col("_judgement")).otherwise(pl.col("_not_reported")).alias("explanation"),
    ).select(columns)


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
    aggs = [
        pl.col("numerator").sum().alias("numerator"),
        pl.col("denominator").sum().alias("denominator"),
        pl.len().alias("children"),
    ]
    if has_weight:
        aggs.append(((pl.col("value") * pl.col("weight")).sum() / pl.col("weight").sum()).alias("_weighted"))
    out = df.group_by(["indicator_id", "parent_id", "year"]).agg(aggs).join(scale, on="indicator_id", how="left")
    value = pl.when(pl.col("denominator") > 0).then(
        pl.col("numerator") / pl.col("denominator") * pl.col("factor").fill_null(1.0)
    )
    if has_weight:
        value = value.otherwise(pl.col("_weighted"))
    return (
        out.with_columns(value.alias("value"))
        .rename({"parent_id": "org_unit_id"})
        .select(["indicator_id", "org_unit_id", "year", "value", "numerator", "denominator", "children"])
        .sort(["indicator_id", "org_unit_id", "year"])
    )


# ---- assessment ----------------------------------------------------------------------------


def assess(
    results: pl.DataFrame,
    weights: pl.DataFrame,
    points: dict[str, float] | None = None,
    components: dict[str, tuple[pl.DataFrame, float]] | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Return (score sheet, totals with ranks) for the org units in `results` (one year).

    weights: indicator_id, weight. The score sheet lists every contribution
    (indicator, unit, status, weight, share earned, points); totals sum them
    and rank with ties sharing a rank. Optional components (timely reporting,
    supervision) each bring a frame of org_unit_id and share in 0..1 and a
    weight, the part of the 100 points it carries; the indicators keep the
    rest. A unit missing from a component's frame earns nothing from it. The
    totals keep each component's share as `<name>_share`.
    """
    points = points or R.ASSESSMENT_POINTS
    components = {name: (frame, weight) for name, (frame, weight) in (components or {}).items() if weight > 0}
    indicator_part = 1.0 - sum(weight for _frame, weight in components.values())
    if indicator_part < 0:
        raise ValueError("component weights exceed the whole score")
    sheet = (
        results.select(["indicator_id", "org_unit_id", "year", "status"])
        .join(
            weights.select(pl.col("indicator_id").cast(pl.Int32), pl.col("weight").cast(pl.Float64)),
            on="indicator_id",
            how="inner",
        )
        .with_columns(
            pl.col("status").cast(pl.Utf8).replace_strict(points, default=0.0, return_dtype=pl.Float64).alias("share")
        )
        .with_columns((pl.col("share") * pl.col("weight")).alias("points"))
        .sort(["org_unit_id", "indicator_id"])
    )
    total_weight = weights["weight"].sum() or 1.0
    totals = sheet.group_by("org_unit_id").agg(
        pl.col("points").sum().alias("indicator_points"), pl.len().alias("indicators")
    )
    totals = totals.with_columns((pl.col("indicator_points") / total_weight * 100 * indicator_part).alias("score"))
    for name, (frame, weight) in components.items():
        column = f"{name}_share"
        part = frame.select(
            pl.col("org_unit_id").cast(totals.schema["org_unit_id"]), pl.col("share").cast(pl.Float64).alias(column)
        )
        totals = (
            totals.join(part, on="org_unit_id", how="left")
            .with_columns(pl.col(column).fill_null(0.0))
            .with_columns((pl.col("score") + pl.col(column) * 100 * weight).alias("score"))
        )
    totals = (
        totals.with_columns(pl.col("score").round(2))
        .with_columns(pl.col("score").rank(method="min", descending=True).cast(pl.Int64).alias("rank"))
        .sort(["rank", "org_unit_id"])
    )
    return sheet, totals
