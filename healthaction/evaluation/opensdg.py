"""Open SDG compatible progress measure: sdg-build's ProgressMeasure as of commit 6d3d128 (2023-06-08).

Pure functions, no Django. `measure()` judges one series; `measure_batch()` judges many series at once in
polars; `categories()` gives the expressions both share, so the two cannot drift apart. Categories:
target_achieved, on_track, progress_needs_acceleration, limited_progress, deterioration; None (null) when the
series cannot be assessed. docs/evaluation.md lists the behaviour on every edge and the one deviation.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import polars as pl

from healthaction.evaluation.rules import (
    OPENSDG_BASE_YEAR,
    OPENSDG_MODERATE,
    OPENSDG_NO_TARGET_HIGH,
    OPENSDG_NO_TARGET_MODERATE,
    OPENSDG_ON_TRACK,
    OPENSDG_TARGET_YEAR,
    OPENSDG_ZERO,
)

CATEGORIES = ["target_achieved", "on_track", "progress_needs_acceleration", "limited_progress", "deterioration"]
# Scores on Open SDG's −5…+5 scale, so several series can be averaged into one status (a later sdg-build addition).
SCORES = {
    "target_achieved": 5.0,
    "on_track": 5.0,
    "progress_needs_acceleration": 2.0,
    "limited_progress": 0.0,
    "deterioration": -5.0,
}


@dataclass(frozen=True)
class Measure:
    category: str
    ratio: float | None  # with a target: the ratio of growth rates; without: the (signed) growth rate
    score: float


def _ieee_div(a: float, b: float) -> float:
    """Division as IEEE floats (and numpy) do it: x/0 is ±inf, 0/0 is NaN."""
    if b == 0:
        if a == 0 or math.isnan(a):
            return math.nan
        return math.copysign(math.inf, a) * math.copysign(1.0, b)
    return a / b


def _ieee_pow(a: float, e: float) -> float:
    """Power as IEEE floats do it: a negative base with a fractional exponent is NaN, never a complex number."""
    if math.isnan(a):
        return math.nan
    if a < 0 and not float(e).is_integer():
        return math.nan
    try:
        return a**e
    except OverflowError:
        return math.inf
    except ZeroDivisionError:
        return math.inf


def cagr(current: float, base: float, t_current: float, t_base: float) -> float:
    """Return the compound annual growth rate from base to current, with IEEE results for zero and negatives."""
    return _ieee_pow(_ieee_div(current, base), 1.0 / (t_current - t_base)) - 1.0


def _category(value: float, high: float, moderate: float) -> str | None:
    if math.isnan(value):
        return None  # every comparison with NaN is false: the peer falls through to none
    if value >= high:
        return "on_track"
    if value >= moderate:
        return "progress_needs_acceleration"
    if value >= 0:
        return "limited_progress"
    return "deterioration"


def measure(
    years: list[int],
    values: list[float | None],
    *,
    base_year: int = OPENSDG_BASE_YEAR,
    target_year: int = OPENSDG_TARGET_YEAR,
    direction: str = "negative",
    target: float | None = None,
) -> Measure | None:
    """Return the progress category of one series (years and values in the order given), or None."""
    rows = [(int(y), float(v)) for y, v in zip(years, values) if v is not None and not math.isnan(v)]
    if not rows:
        return None
    current_year = max(y for y, _v in rows)
    present = {y for y, _v in rows}
    if base_year not in present:
        if base_year > current_year:
            return None
        base_year = min(y for y in present if y > base_year)
    if current_year - base_year < 1:
        return None
    # with duplicate years the first row of the year counts, as in the peer
    current = next(v for y, v in rows if y == current_year)
    base = next(v for y, v in rows if y == base_year)
    if target is None:
        growth = cagr(current, base, current_year, base_year)
        if direction == "negative":
            growth = -growth
        category = _category(growth, OPENSDG_NO_TARGET_HIGH, OPENSDG_NO_TARGET_MODERATE)
        return Measure(category, growth, SCORES[category]) if category else None
    target = OPENSDG_ZERO if target == 0 else float(target)
    if (direction == "negative" and current <= target) or (direction == "positive" and current >= target):
        return Measure("target_achieved", None, SCORES["target_achieved"])
    ratio = _ieee_div(cagr(current, base, current_year, base_year), cagr(target, base, target_year, base_year))
    category = _category(ratio, OPENSDG_ON_TRACK, OPENSDG_MODERATE)
    return Measure(category, ratio, SCORES[category]) if category else None


# ---- vectorised ----------------------------------------------------------------------------------


def _growth(current: pl.Expr, base: pl.Expr, t_current: pl.Expr, t_base: pl.Expr) -> pl.Expr:
    ratio = current / base
    exponent = 1.0 / (t_current - t_base).cast(pl.Float64)
    # IEEE pow, written out so a negative base with a fractional exponent is NaN on every polars version
    fractional = exponent != exponent.floor()
    return pl.when((ratio < 0) & fractional).then(float("nan")).otherwise(ratio.pow(exponent)) - 1.0


def _band(value: pl.Expr, high: float, moderate: float) -> pl.Expr:
    return (
        pl.when(value.is_nan() | value.is_null())
        .then(None)
        .when(value >= high)
        .then(pl.lit("on_track"))
        .when(value >= moderate)
        .then(pl.lit("progress_needs_acceleration"))
        .when(value >= 0)
        .then(pl.lit("limited_progress"))
        .otherwise(pl.lit("deterioration"))
    )


def categories(
    current: pl.Expr,
    base: pl.Expr,
    t_current: pl.Expr,
    t_base: pl.Expr,
    target: pl.Expr,
    target_year: pl.Expr,
    direction: pl.Expr,
) -> tuple[pl.Expr, pl.Expr]:
    """Return (category, ratio) expressions for series already reduced to their current and base values."""
    target = pl.when(target == 0).then(OPENSDG_ZERO).otherwise(target)
    negative = direction == "negative"
    growth = _growth(current, base, t_current, t_base)
    signed = pl.when(negative).then(-growth).otherwise(growth)
    achieved = (negative & (current <= target)) | ((direction == "positive") & (current >= target))
    ratio = growth / _growth(target, base, target_year, t_base)
    assessable = (t_current - t_base >= 1) & current.is_not_null() & base.is_not_null()
    category = (
        pl.when(~assessable)
        .then(None)
        .when(target.is_null())
        .then(_band(signed, OPENSDG_NO_TARGET_HIGH, OPENSDG_NO_TARGET_MODERATE))
        .when(achieved)
        .then(pl.lit("target_achieved"))
        .otherwise(_band(ratio, OPENSDG_ON_TRACK, OPENSDG_MODERATE))
    )
    value = (
        pl.when(~assessable | (target.is_not_null() & achieved))
        .then(None)
        .when(target.is_null())
        .then(signed)
        .otherwise(ratio)
    )
    return category, value


def measure_batch(
    data: pl.DataFrame,
    config: pl.DataFrame | None = None,
    *,
    base_year: int = OPENSDG_BASE_YEAR,
    target_year: int = OPENSDG_TARGET_YEAR,
    direction: str = "negative",
) -> pl.DataFrame:
    """Return series, category, ratio and score for many series at once.

    data:   series, year, value (rows in their original order: with duplicate years the first counts)
    config: series, and any of base_year, target_year, direction, target (a null target: no target);
            missing columns take the defaults given here.
    """
    frame = data.lazy().select("series", pl.col("year").cast(pl.Int32), pl.col("value").cast(pl.Float64))
    frame = frame.filter(pl.col("value").is_not_null() & pl.col("value").is_not_nan())
    settings = (config if config is not None else data.select("series").unique()).lazy()
    names = settings.collect_schema().names()
    defaults = {
        "base_year": (base_year, pl.Int32),
        "target_year": (target_year, pl.Int32),
        "direction": (direction, pl.Utf8),
        "target": (None, pl.Float64),
    }
    settings = settings.with_columns(
        [pl.lit(value, dtype=dtype).alias(name) for name, (value, dtype) in defaults.items() if name not in names]
    ).select("series", *[pl.col(name).cast(dtype) for name, (_v, dtype) in defaults.items()])
    year = pl.col("year")
    reduced = (
        frame.join(settings, on="series", how="inner", maintain_order="left")
        .group_by("series", maintain_order=True)
        .agg(
            year.max().alias("current_year"),
            year.filter(year >= pl.col("base_year")).min().alias("base_used"),
            pl.col("base_year").first(),
            pl.col("target_year").first(),
            pl.col("direction").first(),
            pl.col("target").first(),
            pl.col("value").filter(year == year.max()).first().alias("current"),
            pl.col("value").filter(year == year.filter(year >= pl.col("base_year")).min()).first().alias("base"),
        )
    )
    category, ratio = categories(
        pl.col("current"),
        pl.col("base"),
        pl.col("current_year"),
        pl.col("base_used"),
        pl.col("target"),
        pl.col("target_year"),
        pl.col("direction"),
    )
    out = reduced.select("series", category.alias("category"), ratio.alias("ratio"))
    out = settings.select("series").join(out, on="series", how="left", maintain_order="left")
    return out.with_columns(
        pl.col("category").replace_strict(SCORES, default=None, return_dtype=pl.Float64).alias("score")
    ).collect()
