"""Open SDG compatible progress measure (the behaviour of sdg-build's 2023 release).

Pure functions over one series: years and values of the total line, a base year,
a target year, a direction and an optional target. Categories: target_achieved,
on_track, progress_needs_acceleration, limited_progress, deterioration; None when
the series cannot be assessed.
"""

from dataclasses import dataclass

from healthaction.evaluation.rules import (
    OPENSDG_BASE_YEAR,
    OPENSDG_MODERATE,
    OPENSDG_NO_TARGET_HIGH,
    OPENSDG_NO_TARGET_MODERATE,
    OPENSDG_ON_TRACK,
    OPENSDG_TARGET_YEAR,
    OPENSDG_ZERO,
)

# Scores on Open SDG's −5…+5 scale, so several series can be averaged into one status.
SCORES = {"target_achieved": 5.0, "on_track": 5.0, "progress_needs_acceleration": 2.0, "limited_progress": 0.0, "deterioration": -5.0}


@dataclass(frozen=True)
class Measure:
    category: str
    ratio: float | None  # with a target: CAGR ratio; without: the (signed) growth rate
    score: float


def cagr(current: float, base: float, t_current: float, t_base: float) -> float:
    """Return the compound annual growth rate from base to current."""
    return (current / base) ** (1.0 / (t_current - t_base)) - 1.0


def measure(
    years: list[int],
    values: list[float],
    *,
    base_year: int = OPENSDG_BASE_YEAR,
    target_year: int = OPENSDG_TARGET_YEAR,
    direction: str = "negative",
    target: float | None = None,
) -> Measure | None:
    """Return the progress category of one series, or None when it cannot be assessed."""
    series = sorted((y, v) for y, v in zip(years, values) if v is not None)
    if not series:
        return None
    latest_year, current = series[-1]
    base = next(((y, v) for y, v in series if y >= base_year), None)
    if base is None or base_year > latest_year:
        return None
    t_base, base_value = base
    if latest_year <= t_base:
        return None
    base_value = OPENSDG_ZERO if base_value == 0 else base_value
    current = OPENSDG_ZERO if current == 0 else current
    if target is not None:
        target = OPENSDG_ZERO if target == 0 else target
        if (direction == "positive" and current >= target) or (direction == "negative" and current <= target):
            return Measure("target_achieved", None, SCORES["target_achieved"])
        if min(current, base_value, target) < 0 or target_year <= t_base:
            return None  # growth rates of negative numbers are undefined
        actual = cagr(current, base_value, latest_year, t_base)
        needed = cagr(target, base_value, target_year, t_base)
        if needed == 0:
            # the target equals the base value: any movement the wrong way is deterioration (guard; sdg-build divides by zero)
            ratio = float("inf") if actual * (1 if direction == "positive" else -1) >= 0 else float("-inf")
        else:
            ratio = actual / needed
        if ratio >= OPENSDG_ON_TRACK:
            category = "on_track"
        elif ratio >= OPENSDG_MODERATE:
            category = "progress_needs_acceleration"
        elif ratio >= 0:
            category = "limited_progress"
        else:
            category = "deterioration"
        return Measure(category, ratio, SCORES[category])
    if min(current, base_value) < 0:
        return None
    growth = cagr(current, base_value, latest_year, t_base)
    if direction == "negative":
        growth = -growth
    if growth >= OPENSDG_NO_TARGET_HIGH:
        category = "on_track"
    elif growth >= OPENSDG_NO_TARGET_MODERATE:
        category = "progress_needs_acceleration"
    elif growth >= 0:
        category = "limited_progress"
    else:
        category = "deterioration"
    return Measure(category, growth, SCORES[category])
