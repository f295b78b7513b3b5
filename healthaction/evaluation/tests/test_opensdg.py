"""The Open SDG compatible mode against cases computed by hand from its published formulas."""

import pytest

from healthaction.evaluation.opensdg import measure


def test_with_a_target_on_track():
    # base 2015: 50, latest 2020: 60, target 2030: 70 (positive)
    # CAGR observed = (60/50)^(1/5) − 1 = 0.037137; needed = (70/50)^(1/15) − 1 = 0.022685; ratio 1.6371
    m = measure([2015, 2020], [50, 60], direction="positive", target=70)
    assert m.category == "on_track"
    assert m.ratio == pytest.approx(1.6371, abs=1e-4)
    assert m.score == 5.0


def test_with_a_target_needs_acceleration_and_limited_progress():
    # base 2015: 50, latest 2020: 52; needed (70/50)^(1/15) − 1 = 0.022685; observed (52/50)^(1/5) − 1 = 0.007875 → 0.3471
    assert measure([2015, 2020], [50, 52], direction="positive", target=70).category == "limited_progress"
    # observed (55/50)^(1/5) − 1 = 0.019245 → ratio 0.8484
    m = measure([2015, 2020], [50, 55], direction="positive", target=70)
    assert m.category == "progress_needs_acceleration" and m.ratio == pytest.approx(0.8484, abs=1e-4)


def test_negative_direction_and_deterioration():
    # mortality: base 2015: 20, latest 2020: 22, target 10 → observed +0.019245, needed −0.045158, ratio −0.4262
    m = measure([2015, 2020], [20, 22], direction="negative", target=10)
    assert m.category == "deterioration" and m.ratio == pytest.approx(-0.4262, abs=1e-4) and m.score == -5.0
    assert measure([2015, 2020], [20, 9], direction="negative", target=10).category == "target_achieved"


def test_without_a_target():
    # growth (53/50)^(1/5) − 1 = 0.011721 → moderate
    assert measure([2015, 2020], [50, 53], direction="positive").category == "progress_needs_acceleration"
    assert measure([2015, 2020], [50, 56], direction="positive").category == "on_track"  # 0.022924
    assert measure([2015, 2020], [50, 50.5], direction="positive").category == "limited_progress"  # 0.001992
    # negative direction: a fall is progress
    assert measure([2015, 2020], [50, 45], direction="negative").category == "on_track"  # −(−0.020852)


def test_base_year_and_unassessable_series():
    assert measure([2020], [50], direction="positive", target=70) is None  # one point
    assert measure([2012, 2014], [50, 60], direction="positive", target=70) is None  # nothing after the base year
    # the base year has no value: the first later year serves
    m = measure([2016, 2021], [50, 60], direction="positive", target=70)
    assert m.ratio == pytest.approx(((60 / 50) ** (1 / 5) - 1) / ((70 / 50) ** (1 / 14) - 1), abs=1e-9)
    # a zero is replaced by 0.001
    assert measure([2015, 2020], [0, 5], direction="positive", target=10).category == "on_track"
