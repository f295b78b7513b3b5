"""The Open SDG compatible mode: hand-worked cases, edges included, through the per-series and the batch function.

Expected values follow sdg-build's ProgressMeasure at 6d3d128 read by hand: NaN rows dropped, the first row of a
duplicated year, only a zero target replaced by 0.001, IEEE results (±inf, NaN → none) for zeros and negatives.
"""

import math

import polars as pl
import pytest

from healthaction.evaluation.opensdg import measure, measure_batch

NAN = float("nan")

# (years, values, options, category, ratio or None)
CASES = [
    # base 2015: 50, latest 2020: 60, target 70: (60/50)^(1/5) − 1 = 0.037137 over (70/50)^(1/15) − 1 = 0.022685 → 1.6371
    ([2015, 2020], [50, 60], {"direction": "positive", "target": 70}, "on_track", 1.6371),
    (
        [2015, 2020],
        [50, 52],
        {"direction": "positive", "target": 70},
        "limited_progress",
        0.3471,
    ),  # 0.007875 / 0.022685
    (
        [2015, 2020],
        [50, 55],
        {"direction": "positive", "target": 70},
        "progress_needs_acceleration",
        0.8484,
    ),  # 0.019245 / 0.022685
    (
        [2015, 2020],
        [20, 22],
        {"direction": "negative", "target": 10},
        "deterioration",
        -0.4262,
    ),  # +0.019245 / −0.045158
    ([2015, 2020], [20, 9], {"direction": "negative", "target": 10}, "target_achieved", None),
    ([2015, 2020], [50, 50], {"direction": "positive", "target": 70}, "limited_progress", 0.0),  # no change at all
    # without a target: the growth rate, negated when lower is better
    ([2015, 2020], [50, 53], {"direction": "positive"}, "progress_needs_acceleration", 0.011721),
    ([2015, 2020], [50, 56], {"direction": "positive"}, "on_track", 0.022924),
    ([2015, 2020], [50, 50.5], {"direction": "positive"}, "limited_progress", 0.001992),
    ([2015, 2020], [50, 45], {"direction": "negative"}, "on_track", 0.020852),
    # the base year: default 2015; without a value there the first later year serves; nothing after it: none
    ([2020], [50], {"direction": "positive", "target": 70}, None, None),
    ([2012, 2014], [50, 60], {"direction": "positive", "target": 70}, None, None),
    (
        [2016, 2021],
        [50, 60],
        {"direction": "positive", "target": 70},
        "on_track",
        0.037137 / 0.024325,
    ),  # (70/50)^(1/14) − 1
    # zeros: only a zero target becomes 0.001; a zero base gives an infinite growth rate, 0/0 gives none
    ([2015, 2020], [0, 5], {"direction": "positive"}, "on_track", math.inf),
    ([2015, 2020], [0, 5], {"direction": "negative"}, "deterioration", -math.inf),
    ([2015, 2020], [0, 5], {"direction": "positive", "target": 10}, None, None),  # inf / inf
    ([2015, 2020], [50, 0], {"direction": "negative"}, "on_track", 1.0),  # 0^(1/5) − 1 = −1, negated
    ([2015, 2020], [0, 0], {"direction": "negative"}, None, None),
    # zero target (negative): 0.001; (10/50)^(1/5) − 1 = −0.27522 over (0.001/50)^(1/15) − 1 = −0.51390 → 0.53555
    ([2015, 2020], [50, 10], {"direction": "negative", "target": 0}, "limited_progress", 0.53555),
    # NaN and missing values are dropped before anything else
    ([2015, 2020, 2021], [50, 60, NAN], {"direction": "positive", "target": 70}, "on_track", 1.6371),
    ([2015, 2020, 2021], [50, 60, None], {"direction": "positive", "target": 70}, "on_track", 1.6371),
    ([2015, 2020], [NAN, NAN], {"direction": "positive"}, None, None),
    # duplicate years: the first row of the year, whatever its size
    ([2015, 2020, 2020], [50, 52, 60], {"direction": "positive", "target": 70}, "limited_progress", 0.3471),
    # base 55 (first 2015 row): (60/55)^(1/5) − 1 = 0.017555 over (70/55)^(1/15) − 1 = 0.016207 → 1.0832
    ([2015, 2015, 2020], [55, 50, 60], {"direction": "positive", "target": 70}, "on_track", 1.0832),
    # negatives: a positive quotient is an ordinary growth rate; a negative one with a fractional exponent is none
    ([2015, 2020], [-50, -60], {"direction": "positive"}, "on_track", 0.037137),
    ([2015, 2020], [50, -10], {"direction": "positive"}, None, None),
    ([2015, 2016], [50, -10], {"direction": "positive"}, "deterioration", -1.2),  # exponent 1: −0.2 − 1
    # target equal to the base: the needed growth is 0, so the ratio is ±inf by the sign of the observed growth
    ([2015, 2020], [50, 55], {"direction": "negative", "target": 50}, "on_track", math.inf),  # the peer's quirk, kept
    ([2015, 2020], [50, 45], {"direction": "positive", "target": 50}, "deterioration", -math.inf),
    ([2015, 2020], [50, 50], {"direction": "positive", "target": 50}, "target_achieved", None),
    ([2015, 2020], [50, 55], {"direction": "positive", "target": 50}, "target_achieved", None),
]


def _check(category, ratio, expected_category, expected_ratio):
    assert category == expected_category
    if expected_ratio is None:
        assert ratio is None or (isinstance(ratio, float) and math.isnan(ratio))
    elif math.isinf(expected_ratio):
        assert ratio == expected_ratio
    else:
        assert ratio == pytest.approx(expected_ratio, abs=1e-4)


@pytest.mark.parametrize(("years", "values", "options", "category", "ratio"), CASES)
def test_one_series(years, values, options, category, ratio):
    m = measure(years, values, **options)
    _check(m.category if m else None, m.ratio if m else None, category, ratio)


def test_the_batch_function_gives_the_same_table_at_once():
    data = pl.DataFrame(
        [(n, y, v) for n, (years, values, *_rest) in enumerate(CASES) for y, v in zip(years, values)],
        schema={"series": pl.Int32, "year": pl.Int32, "value": pl.Float64},
        orient="row",
    )
    config = pl.DataFrame(
        [(n, opts.get("direction", "negative"), opts.get("target")) for n, (_y, _v, opts, *_rest) in enumerate(CASES)],
        schema={"series": pl.Int32, "direction": pl.Utf8, "target": pl.Float64},
        orient="row",
    )
    out = measure_batch(data, config)
    assert out["series"].to_list() == list(range(len(CASES)))
    for (_years, _values, _options, category, ratio), row in zip(CASES, out.iter_rows(named=True)):
        _check(row["category"], row["ratio"], category, ratio)


def test_scores_follow_the_category():
    assert measure([2015, 2020], [50, 60], direction="positive", target=70).score == 5.0
    assert measure([2015, 2020], [20, 22], direction="negative", target=10).score == -5.0
    out = measure_batch(
        pl.DataFrame({"series": [1, 1], "year": [2015, 2020], "value": [50.0, 55.0]}), direction="positive"
    )
    assert out["category"].to_list() == ["on_track"] and out["score"].to_list() == [5.0]  # growth 0.019245 ≥ 0.015
