"""The evaluation rules, table-driven: each case gives the numbers and the status they must produce."""

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from healthaction.evaluation.choices import EvaluationStatus
from healthaction.evaluation.engine import assess, evaluate, evaluate_in_chunks, explain, roll_up, verdicts

UNIT = 1  # the plan's own org unit: the plan baseline applies to it


def run(
    targets: list[dict],
    history: dict[int, float | str | None],
    *,
    direction="increase",
    baseline=None,
    baseline_year=None,
    unit_id=UNIT,
    plan_unit=UNIT,
    unit="%",
    tolerance=None,
    closed_year=None,
):
    """Evaluate one series and return its rows (with explanations) keyed by year."""
    years = sorted(history)
    values = pl.DataFrame(
        {
            "indicator_id": [1] * len(years),
            "org_unit_id": [unit_id] * len(years),
            "year": years,
            "value": [history[y] if isinstance(history[y], (int, float)) else None for y in years],
            "qualitative": [history[y] if isinstance(history[y], str) else None for y in years],
        },
        schema={
            "indicator_id": pl.Int32,
            "org_unit_id": pl.Int32,
            "year": pl.Int16,
            "value": pl.Float64,
            "qualitative": pl.Utf8,
        },
    )
    indicators = pl.DataFrame(
        {
            "indicator_id": [1],
            "direction": [direction],
            "nature": ["binding"],
            "baseline_value": [baseline],
            "baseline_year": [baseline_year],
            "unit": [unit],
            "tolerance": [tolerance],
        },
        schema={
            "indicator_id": pl.Int32,
            "direction": pl.Utf8,
            "nature": pl.Utf8,
            "baseline_value": pl.Float64,
            "baseline_year": pl.Int16,
            "unit": pl.Utf8,
            "tolerance": pl.Float64,
        },
    )
    defaults = {
        "comparator": "",
        "value": None,
        "upper_value": None,
        "base_year": None,
        "change": None,
        "change_unit": "",
        "trend": "",
        "qualitative": "",
        "raw": "",
    }
    frame = pl.DataFrame(
        [{"indicator_id": 1, **defaults, **t} for t in targets],
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
    )
    result = evaluate(values, indicators, frame, plan_unit_id=plan_unit)
    result = explain(
        result, frame, indicators.select("indicator_id", "unit"), labels=EvaluationStatus.labels_in("zh-hans")
    )
    if closed_year is not None:
        return {
            row["target_year"]: row for row in verdicts(result, frame, closed_year=closed_year).iter_rows(named=True)
        }
    return {row["year"]: row for row in result.iter_rows(named=True)}


LITERACY = [
    {"year": 2022, "kind": "numeric", "comparator": ">=", "value": 25.0, "raw": "≥25"},
    {"year": 2030, "kind": "numeric", "comparator": ">=", "value": 35.0, "raw": "≥35"},
]
MORTALITY = [
    {"year": 2022, "kind": "numeric", "comparator": "<=", "value": 12.82, "raw": "≤12.82"},
    {"year": 2030, "kind": "numeric", "comparator": "<=", "value": 11.39, "raw": "≤11.39"},
]
AT_30 = [{"year": 2030, "kind": "numeric", "comparator": ">=", "value": 30.0, "raw": "≥30"}]
FULL = [{"year": 2022, "kind": "numeric", "comparator": "=", "value": 100.0, "raw": "100%"}]

# (targets, baseline, history, year, tolerance, status, expected interim value), every figure worked by hand
NUMERIC_CASES = [
    # literacy, baseline 24.81 (2020); the 2030 target "≥35" is written in whole units: tolerance 0.5
    (
        LITERACY,
        24.81,
        {2023: 28.1},
        2023,
        None,
        "on_track",
        27.867,
    ),  # 24.81 + 10.19 × 3/10; 2022 unreported: from the baseline
    (LITERACY, 24.81, {2021: 25.3}, 2021, None, "achieved", 24.905),  # meets the 2022 target early
    (LITERACY, 24.81, {2023: 27.0}, 2023, None, "at_risk", 27.867),  # 0.867 short (> 0.5); 2.19 of 3.057 = 0.72
    (LITERACY, 24.81, {2023: 25.9}, 2023, None, "off_track", 27.867),  # 1.09 of 3.057 = 0.36
    (LITERACY, 24.81, {2023: 24.0}, 2023, None, "regressing", 27.867),  # 0.81 below the baseline, beyond 0.5
    (
        LITERACY,
        24.81,
        {2023: 24.8},
        2023,
        None,
        "off_track",
        27.867,
    ),  # 0.01 below the baseline: inside the tolerance, no change
    (
        LITERACY,
        24.81,
        {2023: 24.8},
        2023,
        0.001,
        "regressing",
        27.867,
    ),  # the register's tolerance 0.001 makes it a drop
    (LITERACY, 24.81, {2023: 27.5}, 2023, None, "on_track", 27.867),  # 0.367 short of the trajectory: inside 0.5
    (
        LITERACY,
        24.81,
        {2022: 24.0},
        2022,
        None,
        "regressing",
        25.0,
    ),  # the 2022 target is missed, 0.81 below the baseline
    (LITERACY, 24.81, {2022: 24.7}, 2022, None, "off_track", 25.0),  # missed, 0.11 below the baseline: no change
    (
        LITERACY,
        24.81,
        {2022: 24.0, 2023: 24.0},
        2023,
        None,
        "regressing",
        25.375,
    ),  # from 2022's 24 toward 35: 24 + 11/8
    (LITERACY, 24.81, {2031: 36.0}, 2031, None, "achieved", 35.0),
    (AT_30, 24.0, {2031: 29.9}, 2031, None, "off_track", 30.0),  # the 2030 target has passed and is missed
    # mortality, lower is better, baseline 13.02 (2020); "≤12.82" and "≤11.39": tolerance 0.005
    (MORTALITY, 13.02, {2021: 12.9}, 2021, None, "on_track", 12.92),
    (MORTALITY, 13.02, {2021: 12.5}, 2021, None, "achieved", 12.92),
    (MORTALITY, 13.02, {2025: 12.9}, 2025, None, "off_track", 12.205),  # 0.12 of 0.815 = 0.15
    (MORTALITY, 13.02, {2025: 13.5}, 2025, None, "regressing", 12.205),
    # 2022 met at 12.7: the trajectory to 2030 starts there, 12.7 − 1.31 × 3/8 = 12.20875; 0.46 of 0.49125 = 0.94 (from the
    # baseline it would have been 0.78 of 0.815 = 0.957, on track)
    (MORTALITY, 13.02, {2022: 12.7, 2025: 12.24}, 2025, None, "at_risk", 12.20875),
    (
        [{"year": 2030, "kind": "numeric", "comparator": "<", "value": 25.0, "raw": "<25"}],
        34.2,
        {2025: 29.0},
        2025,
        None,
        "on_track",
        29.6,
    ),
    (
        [{"year": 2030, "kind": "numeric", "comparator": ">", "value": 90.0, "raw": ">90"}],
        97.73,
        {2025: 95.0},
        2025,
        None,
        "achieved",
        93.865,
    ),
    # "=100%": written in whole units, tolerance 0.5, so 99.99 rounds to the target; with the register's 0.001 it is missed
    (FULL, 96.0, {2022: 99.99}, 2022, None, "achieved", 100.0),
    (FULL, 96.0, {2022: 99.99}, 2022, 0.001, "off_track", 100.0),
    (FULL, 96.0, {2021: 98.5}, 2021, None, "on_track", 98.0),
]


@pytest.mark.parametrize(("targets", "baseline", "history", "year", "tolerance", "status", "expected"), NUMERIC_CASES)
def test_comparator_targets(targets, baseline, history, year, tolerance, status, expected):
    direction = "decrease" if targets[0]["comparator"].startswith("<") else "increase"
    row = run(targets, history, baseline=baseline, baseline_year=2020, direction=direction, tolerance=tolerance)[year]
    assert row["status"] == status
    assert row["expected"] == pytest.approx(expected, abs=0.001)


def test_the_explanation_cites_the_numbers():
    row = run(LITERACY, {2023: 28.1}, baseline=24.81, baseline_year=2020)[2023]
    assert row["explanation"] == "基期24.81%，2023年28.1%，按线性进度应达27.87%（2030年目标≥35%），进度正常。"
    missed = run(LITERACY, {2022: 24.0}, baseline=24.81, baseline_year=2020)[2022]
    assert missed["explanation"] == "2022年24%，未达到2022年目标≥25%，目标未实现，且较基期退步。"
    late = run(AT_30, {2031: 29.9}, baseline=24.0, baseline_year=2020)[2031]
    assert late["explanation"] == "2031年29.9%，未达到2030年目标≥30%，目标未实现。"
    after = run(LITERACY, {2022: 26.0, 2023: 26.5}, baseline=24.81, baseline_year=2020)[2023]
    # the trajectory starts from the 2022 value: 26 + 9/8 = 27.125
    assert (
        after["explanation"] == "2022年26%，2023年26.5%，按线性进度应达27.12%（2030年目标≥35%），严重滞后。"
    )  # 27.125, rounded half to even


def test_a_target_met_early_stays_achieved_only_while_it_holds():
    rows = run(LITERACY, {2021: 25.5, 2022: 26.0, 2023: 26.5}, baseline=24.81, baseline_year=2020)
    # 2023: from 26 (2022) toward 35 expects 27.125; 0.5 of 1.125 = 0.44
    assert [rows[y]["status"] for y in (2021, 2022, 2023)] == ["achieved", "achieved", "off_track"]


SLEEP = [{"year": 2030, "kind": "numeric", "comparator": "range", "value": 7.0, "upper_value": 8.0, "raw": "7～8小时"}]
RANGE_CASES = [
    # (baseline 2020, history, year, tolerance, status, expected)
    (6.5, {2021: 7.5}, 2021, None, "achieved", 6.55),
    (6.5, {2022: 6.95}, 2022, None, "on_track", 6.6),  # below the range but ahead of 6.5 + 0.5 × 2/10
    (6.5, {2023: 5.0}, 2023, None, "regressing", 6.65),
    (
        6.95,
        {2025: 6.96},
        2025,
        0.01,
        "at_risk",
        6.975,
    ),  # 0.01 of 0.025 = 0.4, but only 0.04 outside: within 10 % of the width
    (6.95, {2025: 6.85}, 2025, 0.01, "regressing", 6.975),
    (8.6, {2025: 8.5}, 2025, 0.01, "off_track", 8.3),  # above: toward the upper bound 8; 0.1 of 0.3, 0.5 outside
    (8.6, {2030: 7.95}, 2030, 0.01, "achieved", 7.0),
    (6.5, {2030: 6.95}, 2030, 0.01, "off_track", 7.0),  # the target year has come: outside the range is missed
]


@pytest.mark.parametrize(("baseline", "history", "year", "tolerance", "status", "expected"), RANGE_CASES)
def test_range_targets_follow_their_trajectory(baseline, history, year, tolerance, status, expected):
    row = run(SLEEP, history, baseline=baseline, baseline_year=2020, unit="小时", tolerance=tolerance)[year]
    assert row["status"] == status
    assert row["expected"] == pytest.approx(expected, abs=0.001)


def test_a_range_explanation_gives_the_range_as_written():
    row = run(SLEEP, {2022: 6.95}, baseline=6.5, baseline_year=2020, unit="小时")[2022]
    assert row["explanation"] == "基期6.5小时，2022年6.95小时，按线性进度应达6.6小时（2030年目标7～8小时），进度正常。"


def test_a_rate_per_100000_is_written_with_its_value_not_glued_to_it():
    """Issue 24 #13: 12 in 1/10万 read "121/10万"; core/formatting.py writes it "12/10万" (its leading 1 is the value's).

    Baseline 18 (2020), target ≤14.5 in 2030: by 2022 the line is at 18 − 3.5 × 2/10 = 17.3, and 12 is already
    below the target (numbers by hand)."""
    target = [{"year": 2030, "kind": "numeric", "comparator": "<=", "value": 14.5, "raw": "≤14.5"}]
    row = run(target, {2022: 12.0}, baseline=18.0, baseline_year=2020, unit="1/10万")[2022]
    assert row["explanation"].startswith("基期18/10万，2022年12/10万，")
    assert "2030年目标≤14.5/10万" in row["explanation"] and "1/10万" not in row["explanation"]


KNOWLEDGE = [
    {
        "year": 2022,
        "kind": "relative",
        "base_year": 2019,
        "change": 10.0,
        "change_unit": "%",
        "trend": "increase",
        "raw": "在2019年基础上提高10%",
    }
]


def test_relative_targets_resolve_against_the_stated_base_year():
    rows = run(KNOWLEDGE, {2019: 50.0, 2020: 52.0, 2021: 56.0}, baseline=None)
    assert rows[2021]["target_value"] == pytest.approx(55.0)
    assert rows[2021]["comparator"] == ">="
    assert rows[2021]["status"] == "achieved"
    assert rows[2020]["status"] == "on_track"  # 52 ≥ 50 + 5 × 1/3
    pp = [
        {
            "year": 2025,
            "kind": "relative",
            "base_year": 2020,
            "change": -2.0,
            "change_unit": "pp",
            "trend": "decrease",
            "raw": "下降2个百分点",
        }
    ]
    assert run(pp, {2020: 30.0, 2025: 27.0}, direction="decrease")[2025]["target_value"] == pytest.approx(28.0)


def test_a_relative_target_whose_base_year_was_not_reported_is_not_assessable_and_says_why():
    rows = run(KNOWLEDGE, {2020: 52.0, 2021: 56.0}, baseline=None)
    assert rows[2021]["status"] == "not_assessable" and rows[2021]["target_value"] is None
    assert (
        rows[2021]["explanation"] == "2021年56%，2019年未报送，无法确定目标“在2019年基础上提高10%”的目标值，不作评价。"
    )
    verdict = run(KNOWLEDGE, {2020: 52.0, 2021: 56.0, 2022: 60.0}, baseline=None, closed_year=2022)[2022]
    assert verdict["verdict"] == "not_assessable"


DOWN = [
    {"year": 2022, "kind": "directional", "trend": "decrease", "raw": "持续下降"},
    {"year": 2030, "kind": "directional", "trend": "decrease", "raw": "持续下降"},
]
DIRECTIONAL_CASES = [
    # (history, tolerance, statuses year by year)
    ({2020: 10.0, 2021: 9.5, 2022: 9.2, 2023: 9.0}, None, ["not_assessable", "on_track", "achieved", "on_track"]),
    # 9.0 → 9.5 rises over the previous year, whatever two years back held (9.8)
    (
        {2020: 10.0, 2021: 9.5, 2022: 9.8, 2023: 9.0, 2024: 9.5},
        None,
        ["not_assessable", "on_track", "regressing", "on_track", "regressing"],
    ),
    # 2022 unreported: 2023 compares with 2021
    ({2020: 10.0, 2021: 9.6, 2022: None, 2023: 9.3}, None, ["not_assessable", "on_track", "no_data", "on_track"]),
    # flat within ±0.5 %: at risk, and in a target year the target is missed
    ({2020: 10.0, 2021: 10.0, 2022: 10.02}, None, ["not_assessable", "at_risk", "off_track"]),
    # a fall of 0.1 is 1 % (moving), but inside the register's tolerance of 0.1 it is no change
    ({2020: 10.0, 2021: 9.9}, None, ["not_assessable", "on_track"]),
    ({2020: 10.0, 2021: 9.9}, 0.1, ["not_assessable", "at_risk"]),
]


@pytest.mark.parametrize(("history", "tolerance", "statuses"), DIRECTIONAL_CASES)
def test_directional_targets_compare_with_the_previous_reported_year(history, tolerance, statuses):
    rows = run(DOWN, history, direction="decrease", unit="‰", tolerance=tolerance)
    assert [rows[y]["status"] for y in sorted(history)] == statuses


def test_a_directional_sentence_names_the_year_it_compares_with():
    rows = run(DOWN, {2020: 10.0, 2021: 9.6, 2022: None, 2023: 9.3}, direction="decrease", unit="‰")
    assert rows[2023]["explanation"].startswith(
        "2023年9.3‰，上一报送年份（2021年）为9.6‰，目标为“持续下降”，进度正常；"
    )
    assert rows[2020]["explanation"] == "2020年10‰，此前无报送数据，暂不判断趋势。"


def test_slowing_growth_targets_use_the_reported_years():
    slowing = [{"year": 2030, "kind": "directional", "trend": "decrease", "raw": "上升趋势减缓"}]
    rows = run(slowing, {2020: 6.0, 2021: 6.4, 2022: 6.6, 2023: 7.0}, direction="decrease")
    assert rows[2022]["status"] == "on_track"  # grew 0.2 after growing 0.4
    assert rows[2023]["status"] == "off_track"  # grew 0.4 after growing 0.2
    gap = run(slowing, {2020: 6.0, 2021: 6.4, 2022: None, 2023: 6.6, 2024: 7.0}, direction="decrease")
    assert [gap[y]["status"] for y in (2023, 2024)] == ["on_track", "off_track"]  # 0.2 after 0.4, then 0.4 after 0.2


def test_maintain_targets():
    keep = [{"year": 2030, "kind": "directional", "trend": "maintain", "raw": "保持省内先进水平"}]
    rows = run(keep, {2021: 80.5, 2022: 78.0}, baseline=80.62, baseline_year=2020)
    assert rows[2021]["status"] == "on_track" and rows[2022]["status"] == "at_risk"  # 2 % of 80.62 is 1.61
    assert rows[2022]["explanation"] == "基期80.62%，2022年78%，目标为“保持省内先进水平”，进度偏慢。"


def test_qualitative_targets():
    done = [{"year": 2022, "kind": "qualitative", "qualitative": "实现", "raw": "实现"}]
    rows = run(done, {2021: "未实现", 2022: "未实现", 2023: "实现"}, direction="")
    assert [rows[y]["status"] for y in (2021, 2022, 2023)] == ["at_risk", "off_track", "achieved"]
    assert run(done, {2021: "基本实现"}, direction="")[2021]["status"] == "on_track"
    assert (
        run(done, {2022: "基本实现"}, direction="")[2022]["status"] == "off_track"
    )  # partly done when the year has come: missed
    assert rows[2023]["explanation"] == "2023年报告“实现”，目标为“实现”，已实现。"


def test_missing_baseline_uses_the_first_reported_value_and_says_so():
    rows = run(LITERACY, {2021: 24.0, 2023: 25.2})
    assert rows[2021]["status"] == "not_assessable"
    assert rows[2023]["base_value"] == 24.0 and rows[2023]["base_from_first_value"]
    assert rows[2023]["explanation"].startswith("以首次报送值24%（2021年）作为基期")
    # a county never uses the city's plan baseline
    county = run(LITERACY, {2021: 24.0, 2023: 25.2}, baseline=20.0, baseline_year=2020, unit_id=2)
    assert county[2023]["base_value"] == 24.0


def test_a_county_whose_first_report_falls_in_a_target_year_is_judged_on_that_target():
    rows = run(LITERACY, {2022: 24.0, 2023: 25.0}, baseline=20.0, baseline_year=2020, unit_id=2)
    assert rows[2022]["status"] == "off_track"  # not "the base year": the 2022 target is missed
    assert rows[2022]["explanation"] == "2022年24%，未达到2022年目标≥25%，目标未实现。"
    # the missed value is where 2023 starts from (24 + 11/8 = 25.375), cited as the 2022 value, never as a baseline
    assert rows[2023]["explanation"] == "2022年24%，2023年25%，按线性进度应达25.38%（2030年目标≥35%），进度正常。"
    verdict = run(LITERACY, {2022: 24.0}, baseline=20.0, baseline_year=2020, unit_id=2, closed_year=2022)[2022]
    assert verdict["verdict"] == "missed"


def test_no_data_and_not_assessable():
    rows = run(LITERACY, {2021: None, 2023: 26.0}, baseline=24.81, baseline_year=2020)
    assert rows[2021]["status"] == "no_data" and rows[2021]["explanation"] == "2021年未报送数据。"
    advocacy = run([], {2022: 3.0})
    assert advocacy[2022]["status"] == "not_assessable"


# ---- forecasts --------------------------------------------------------------------------------


def test_no_forecast_from_two_points():
    rows = run(LITERACY, {2020: 24.81, 2021: 26.81}, baseline=24.81, baseline_year=2020)
    assert rows[2021]["forecast"] is None and rows[2021]["forecast_met"] is None
    assert "预计" not in rows[2021]["explanation"]


def test_a_forecast_carries_an_80_percent_prediction_interval():
    # 10, 12, 11, 13 in 2021–2024: slope 0.8, mean 11.5 at 2022.5, so 17.5 in 2030; residuals −0.3, 0.9, −0.9, 0.3
    # give s² = 1.8 / 2 = 0.9; half-width t(0.90, 2) × √(0.9 × (1 + 1/4 + 7.5²/5)) = 1.886 × 3.3541 = 6.3258
    rows = run(AT_30, {2021: 10.0, 2022: 12.0, 2023: 11.0, 2024: 13.0})
    row = rows[2024]
    assert row["forecast"] == pytest.approx(17.5)
    assert row["forecast_low"] == pytest.approx(17.5 - 6.3258, abs=1e-3) and row["forecast_high"] == pytest.approx(
        17.5 + 6.3258, abs=1e-3
    )
    assert rows[2023]["forecast"] == pytest.approx(11.0 + 0.5 * 8)  # 10, 12, 11: slope 0.5 through (2022, 11)


def test_a_percentage_forecast_stays_between_0_and_100():
    falling = [{"year": 2030, "kind": "numeric", "comparator": "<=", "value": 1.0, "raw": "≤1"}]
    rows = run(falling, {2021: 10.0, 2022: 6.0, 2023: 2.0}, direction="decrease")
    row = rows[2023]  # the line reaches 6 − 4 × 8 = −26 in 2030
    assert row["forecast"] == 0.0 and row["forecast_low"] == 0.0 and row["forecast_high"] == 0.0
    assert row["status"] == "on_track" and row["forecast_met"] is True
    assert row["explanation"].endswith("；按趋势预计2030年为0%（80%预测区间0～0%），有望实现目标。")
    rising = run(AT_30, {2021: 60.0, 2022: 80.0, 2023: 99.0})[2023]
    assert rising["forecast"] == 100.0  # 79.67 + 19.5 × 8 would pass 100


def test_a_forecast_never_contradicts_the_status():
    # 2023 falls to 24 after 30 in 2022: regressing, though the line through 20, 30, 24 (slope 2) reaches 40.67 ≥ 35 in 2030
    row = run(LITERACY, {2021: 20.0, 2022: 30.0, 2023: 24.0}, baseline=24.81, baseline_year=2020)[2023]
    assert row["status"] == "regressing"
    assert row["forecast"] == pytest.approx(24.6667 + 16, abs=1e-3)
    assert row["forecast_met"] is None
    assert "有望" not in row["explanation"] and "难以" not in row["explanation"]


def test_no_forecast_once_the_final_target_year_has_come():
    assert run(AT_30, {2028: 20.0, 2029: 25.0, 2030: 31.0, 2031: 32.0})[2031]["forecast"] is None


# ---- target verdicts --------------------------------------------------------------------------

VERDICT_CASES = [
    # (targets, baseline, history, closed year, unit id, tolerance, {target year: verdict})
    (LITERACY, 24.81, {2022: 24.0}, 2023, UNIT, None, {2022: "missed"}),
    (LITERACY, 24.81, {2022: 25.0}, 2023, UNIT, None, {2022: "achieved"}),
    (LITERACY, 24.81, {2021: 24.9}, 2022, UNIT, None, {2022: "not_reported"}),  # 2022 is over and was never reported
    (LITERACY, 24.81, {2021: 24.9}, 2021, UNIT, None, {}),  # 2022 not over and not reported: not yet judged
    (LITERACY, 24.81, {2022: 26.0, 2023: 27.0}, 2023, UNIT, None, {2022: "achieved"}),
    (AT_30, 24.0, {2029: 29.0, 2031: 29.9}, 2031, UNIT, None, {2030: "not_reported"}),
    (AT_30, 24.0, {2030: 29.9}, 2030, UNIT, None, {2030: "missed"}),
    (FULL, 96.0, {2022: 99.99}, 2022, UNIT, None, {2022: "achieved"}),
    (FULL, 96.0, {2022: 99.99}, 2022, UNIT, 0.001, {2022: "missed"}),
    (LITERACY, 20.0, {2022: 24.0}, 2022, 2, None, {2022: "missed"}),  # a county's first report in the target year
    (SLEEP, 6.5, {2030: 7.2}, 2030, UNIT, None, {2030: "achieved"}),
    (DOWN, None, {2021: 9.6, 2022: 9.3}, 2022, UNIT, None, {2022: "achieved"}),
    (DOWN, None, {2021: 9.6, 2022: 9.7}, 2022, UNIT, None, {2022: "missed"}),
    (DOWN, None, {2022: 9.7}, 2022, UNIT, None, {2022: "not_assessable"}),  # nothing earlier to compare with
    (
        [{"year": 2022, "kind": "qualitative", "qualitative": "实现", "raw": "实现"}],
        None,
        {2022: "基本实现"},
        2022,
        UNIT,
        None,
        {2022: "missed"},
    ),
]


@pytest.mark.parametrize(
    ("targets", "baseline", "history", "closed", "unit_id", "tolerance", "expected"), VERDICT_CASES
)
def test_target_verdicts(targets, baseline, history, closed, unit_id, tolerance, expected):
    found = run(
        targets,
        history,
        baseline=baseline,
        baseline_year=2020 if baseline is not None else None,
        unit_id=unit_id,
        tolerance=tolerance,
        closed_year=closed,
        direction="decrease" if targets is DOWN else "increase",
    )
    assert {year: row["verdict"] for year, row in found.items()} == expected


def test_a_verdict_cites_the_value_and_the_target_as_written():
    found = run(LITERACY, {2021: 24.9}, baseline=24.81, baseline_year=2020, closed_year=2022)
    assert found[2022]["explanation"] == "2022年未报送数据，2022年目标“≥25”无法判定。"
    found = run(LITERACY, {2022: 24.0}, baseline=24.81, baseline_year=2020, closed_year=2022)
    assert found[2022]["value"] == 24.0 and found[2022]["target_raw"] == "≥25"
    assert found[2022]["explanation"] == "2022年24%，未达到2022年目标≥25%，目标未实现，且较基期退步。"


def test_a_verdict_does_not_change_when_later_years_change():
    early = run(LITERACY, {2021: 24.0, 2022: 25.5}, baseline=24.81, baseline_year=2020, closed_year=2023)
    later = run(
        LITERACY, {2021: 24.0, 2022: 25.5, 2023: 10.0, 2024: 40.0}, baseline=24.81, baseline_year=2020, closed_year=2024
    )
    assert early[2022] == later[2022]


STATUS_ORDER = ["achieved", "on_track", "at_risk", "off_track", "regressing"]


@settings(max_examples=150, deadline=None)
@given(
    baseline=st.floats(1, 80, allow_nan=False),
    gap=st.floats(0.5, 20, allow_nan=False),
    history=st.lists(st.floats(0, 100, allow_nan=False), min_size=0, max_size=4),
    latest=st.floats(0, 100, allow_nan=False),
    increase=st.booleans(),
)
def test_a_value_that_meets_the_target_is_achieved_whatever_the_history(baseline, gap, history, latest, increase):
    target = baseline + gap if increase else max(baseline - gap, 0.0)
    cmp = ">=" if increase else "<="
    meets = latest >= target if increase else latest <= target
    years = {2021 + k: v for k, v in enumerate(history)}
    years[2026] = latest
    rows = run(
        [{"year": 2030, "kind": "numeric", "comparator": cmp, "value": target, "raw": ""}],
        years,
        baseline=baseline,
        baseline_year=2020,
        direction="increase" if increase else "decrease",
    )
    assert (rows[2026]["status"] == "achieved") == meets


@settings(max_examples=150, deadline=None)
@given(
    baseline=st.floats(1, 80, allow_nan=False),
    gap=st.floats(0.5, 20, allow_nan=False),
    latest=st.floats(0, 100, allow_nan=False),
    step=st.floats(0.01, 10, allow_nan=False),
    year=st.integers(2021, 2029),
    increase=st.booleans(),
)
def test_moving_the_latest_value_toward_the_target_never_worsens_the_status(
    baseline, gap, latest, step, year, increase
):
    target = baseline + gap if increase else baseline - gap
    cmp = ">=" if increase else "<="
    better = latest + step if increase else latest - step
    spec = [{"year": 2030, "kind": "numeric", "comparator": cmp, "value": target, "raw": ""}]
    kw = {"baseline": baseline, "baseline_year": 2020, "direction": "increase" if increase else "decrease"}
    before = run(spec, {year: latest}, **kw)[year]["status"]
    after = run(spec, {year: better}, **kw)[year]["status"]
    assert STATUS_ORDER.index(after) <= STATUS_ORDER.index(before)


def test_roll_up_uses_numerators_and_denominators_not_averages():
    values = pl.DataFrame(
        {
            "indicator_id": [1, 1],
            "org_unit_id": [11, 12],
            "year": [2023, 2023],
            "numerator": [90.0, 10.0],
            "denominator": [100.0, 900.0],
            "value": [90.0, 1.11],
        }
    )
    parents = pl.DataFrame({"org_unit_id": [11, 12], "parent_id": [1, 1]})
    city = roll_up(values, parents, pl.DataFrame({"indicator_id": [1], "factor": [100.0]}))
    assert city["value"].to_list() == [pytest.approx(10.0)]  # (90 + 10) / (100 + 900), not the 45.6 an average gives
    weighted = roll_up(
        values.drop("numerator", "denominator").with_columns(
            pl.lit(None, dtype=pl.Float64).alias("numerator"),
            pl.lit(None, dtype=pl.Float64).alias("denominator"),
            pl.Series("weight", [1.0, 3.0]),
        ),
        parents,
        pl.DataFrame({"indicator_id": [1], "factor": [100.0]}),
    )
    assert weighted["value"].to_list() == [pytest.approx((90.0 + 3 * 1.11) / 4)]


def test_assessment_scores_list_every_contribution_and_rank_with_ties():
    results = pl.DataFrame(
        {
            "indicator_id": [1, 2, 1, 2, 1, 2],
            "org_unit_id": [11, 11, 12, 12, 13, 13],
            "year": [2023] * 6,
            "status": ["achieved", "on_track", "achieved", "off_track", "on_track", "on_track"],
        }
    )
    weights = pl.DataFrame({"indicator_id": [1, 2], "weight": [2.0, 1.0]})
    sheet, totals = assess(results, weights)
    assert sheet.filter(pl.col("org_unit_id") == 11)["points"].to_list() == [2.0, 0.5]
    assert dict(zip(totals["org_unit_id"], totals["score"])) == {
        11: pytest.approx(83.33),
        12: pytest.approx(66.67),
        13: pytest.approx(50.0),
    }
    assert dict(zip(totals["org_unit_id"], totals["rank"])) == {11: 1, 12: 2, 13: 3}
    tie = results.with_columns(
        pl.when(pl.col("org_unit_id") == 13).then(pl.lit("achieved")).otherwise(pl.col("status")).alias("status")
    )
    _, totals = assess(tie.filter(pl.col("org_unit_id") != 12), pl.DataFrame({"indicator_id": [1], "weight": [1.0]}))
    assert totals["rank"].to_list() == [1, 1]
    timely = pl.DataFrame({"org_unit_id": [11, 12, 13], "share": [1.0, 0.5, 0.0]})
    _, totals = assess(results, weights, components={"timeliness": (timely, 0.2)})
    assert dict(zip(totals["org_unit_id"], totals["score"]))[12] == pytest.approx(66.67 * 0.8 + 10.0, abs=0.01)
    supervised = pl.DataFrame(
        {"org_unit_id": [11, 12], "share": [0.5, 0.9]}
    )  # 13 was not visited: no supervision points
    _, totals = assess(results, weights, components={"timeliness": (timely, 0.2), "supervision": (supervised, 0.1)})
    scores = dict(zip(totals["org_unit_id"], totals["score"]))
    assert scores[12] == pytest.approx(66.67 * 0.7 + 10.0 + 9.0, abs=0.01) and scores[13] == pytest.approx(
        50.0 * 0.7, abs=0.01
    )
    assert dict(zip(totals["org_unit_id"], totals["supervision_share"]))[13] == 0.0
    with pytest.raises(ValueError):
        assess(results, weights, components={"timeliness": (timely, 0.6), "supervision": (supervised, 0.5)})


def test_chunked_evaluation_keeps_order_and_judges_each_series_alone():
    """Chunks of whole indicators, evaluated two at a time, come back in input order with their own statuses.

    Indicators 1..6 carry the literacy targets (≥25 by 2022, ≥35 by 2030). Unit 7 has no plan baseline, so its
    first value (24.0 in 2021) is the base and 2021 is not assessable. In 2022, 25.5 meets ≥25 (achieved, odd
    indicators); 24.2 is 0.8 short, beyond the whole-unit tolerance of 0.5 and above the base: off track.
    """
    ids, years, vals = [], [], []
    for k in range(1, 7):
        ids += [k, k]
        years += [2021, 2022]
        vals += [24.0, 25.5 if k % 2 else 24.2]
    values = pl.DataFrame(
        {"indicator_id": ids, "org_unit_id": [7] * 12, "year": years, "value": vals},
        schema={"indicator_id": pl.Int32, "org_unit_id": pl.Int32, "year": pl.Int16, "value": pl.Float64},
    )
    indicators = pl.DataFrame(
        {
            "indicator_id": list(range(1, 7)),
            "direction": ["increase"] * 6,
            "nature": ["binding"] * 6,
            "baseline_value": [None] * 6,
            "baseline_year": [None] * 6,
        },
        schema={
            "indicator_id": pl.Int32,
            "direction": pl.Utf8,
            "nature": pl.Utf8,
            "baseline_value": pl.Float64,
            "baseline_year": pl.Int16,
        },
    )
    blank = {"upper_value": None, "base_year": None, "change": None, "change_unit": "", "trend": "", "qualitative": ""}
    targets = pl.DataFrame(
        [{"indicator_id": k, **blank, **t} for k in range(1, 7) for t in LITERACY],
        schema_overrides={"upper_value": pl.Float64, "base_year": pl.Int16, "change": pl.Float64},
    )
    chunks = list(evaluate_in_chunks(values, indicators, targets, chunk_rows=4, workers=2, assume_sorted=True))
    assert [c.height for c in chunks] == [4, 4, 4]
    rows = pl.concat(chunks)
    assert rows["indicator_id"].to_list() == ids
    assert (
        rows["status"].cast(pl.Utf8).to_list()
        == [
            "not_assessable",
            "achieved",
            "not_assessable",
            "off_track",
        ]
        * 3
    )


def test_the_national_path_gives_hand_worked_statuses_forecasts_and_verdicts():
    """The path bench/evaluate_national.py times (chunks of whole indicators, two at a time, verdicts per chunk) on
    two indicators with the literacy targets (≥25 by 2022, ≥35 by 2030, tolerance 0.5) and unit 7's values
    20, 22.2, 24, 27 in 2020–2023 (no plan baseline: 20 in 2020 is the base).

    2020: the base year, not assessable. 2021: expected 20 + (25 − 20) × 1/2 = 22.5; 22.2 is 0.3 short, within 0.5:
    on track. 2022: 24 misses ≥25 in its year and is above the base: off track. 2023: the line starts again from the
    2022 value, expected 24 + (35 − 24) × 1/8 = 25.375; 27 is above: on track. Forecast of 2030 from the points so
    far (three or more): 2022, slope 2 through (21, 22.0667): 40.0667, met but the year is off track, so no claim;
    2023, slope 11.4 / 5 = 2.28 through (21.5, 23.3): 42.68, met and on track. Verdicts with 2022 closed: the 2022
    target missed for each indicator (2030 is neither reported nor over).
    """
    history = [20.0, 22.2, 24.0, 27.0]
    values = pl.DataFrame(
        {
            "indicator_id": [1] * 4 + [2] * 4,
            "org_unit_id": [7] * 8,
            "year": [2020, 2021, 2022, 2023] * 2,
            "value": history * 2,
        },
        schema={"indicator_id": pl.Int32, "org_unit_id": pl.Int32, "year": pl.Int16, "value": pl.Float64},
    )
    indicators = pl.DataFrame(
        {"indicator_id": [1, 2], "direction": ["increase"] * 2, "nature": ["binding"] * 2, "unit": ["%"] * 2},
    ).with_columns(
        pl.lit(None, dtype=pl.Float64).alias("baseline_value"), pl.lit(None, dtype=pl.Int16).alias("baseline_year")
    )
    blank = {"upper_value": None, "base_year": None, "change": None, "change_unit": "", "trend": "", "qualitative": ""}
    targets = pl.DataFrame(
        [{"indicator_id": k, **blank, **t} for k in (1, 2) for t in LITERACY],
        schema_overrides={"upper_value": pl.Float64, "base_year": pl.Int16, "change": pl.Float64},
    )
    chunks = list(evaluate_in_chunks(values, indicators, targets, chunk_rows=4, workers=2, assume_sorted=True))
    assert [c.height for c in chunks] == [4, 4]
    for chunk in chunks:
        assert chunk["status"].cast(pl.Utf8).to_list() == ["not_assessable", "on_track", "off_track", "on_track"]
        assert chunk["expected"].to_list()[1:] == pytest.approx([22.5, 25.0, 25.375])
        assert chunk["forecast"].to_list()[:2] == [None, None]
        assert chunk["forecast"].to_list()[2:] == pytest.approx([40.0 + 0.2 / 3, 42.68])
        assert chunk["forecast_met"].to_list() == [None, None, None, True]
    judged = pl.concat([verdicts(c, targets, closed_year=2022) for c in chunks])
    assert judged.select("indicator_id", "org_unit_id", "target_year", "value").rows() == [
        (1, 7, 2022, 24.0),
        (2, 7, 2022, 24.0),
    ]
    assert judged["verdict"].cast(pl.Utf8).to_list() == ["missed", "missed"]
