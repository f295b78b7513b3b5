"""The evaluation rules, table-driven: each case gives the numbers and the status they must produce."""

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from healthaction.evaluation.choices import EvaluationStatus
from healthaction.evaluation.engine import assess, evaluate, explain, roll_up

UNIT = 1  # the plan's own org unit: the plan baseline applies to it


def run(targets: list[dict], history: dict[int, float | str | None], *, direction="increase", baseline=None, baseline_year=None, unit_id=UNIT, plan_unit=UNIT, unit="%"):
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
        schema={"indicator_id": pl.Int32, "org_unit_id": pl.Int32, "year": pl.Int16, "value": pl.Float64, "qualitative": pl.Utf8},
    )
    indicators = pl.DataFrame({"indicator_id": [1], "direction": [direction], "nature": ["binding"], "baseline_value": [baseline], "baseline_year": [baseline_year], "unit": [unit]},
                              schema={"indicator_id": pl.Int32, "direction": pl.Utf8, "nature": pl.Utf8, "baseline_value": pl.Float64, "baseline_year": pl.Int16, "unit": pl.Utf8})
    defaults = {"comparator": "", "value": None, "upper_value": None, "base_year": None, "change": None, "change_unit": "", "trend": "", "qualitative": "", "raw": ""}
    frame = pl.DataFrame([{"indicator_id": 1, **defaults, **t} for t in targets], schema={
        "indicator_id": pl.Int32, "year": pl.Int16, "kind": pl.Utf8, "comparator": pl.Utf8, "value": pl.Float64, "upper_value": pl.Float64, "base_year": pl.Int16,
        "change": pl.Float64, "change_unit": pl.Utf8, "trend": pl.Utf8, "qualitative": pl.Utf8, "raw": pl.Utf8})
    result = evaluate(values, indicators, frame, plan_unit_id=plan_unit)
    result = explain(result, frame, indicators.select("indicator_id", "unit"), labels=EvaluationStatus.labels_in("zh-hans"))
    return {row["year"]: row for row in result.iter_rows(named=True)}


LITERACY = [{"year": 2022, "kind": "numeric", "comparator": ">=", "value": 25.0, "raw": "≥25"}, {"year": 2030, "kind": "numeric", "comparator": ">=", "value": 35.0, "raw": "≥35"}]
MORTALITY = [{"year": 2022, "kind": "numeric", "comparator": "<=", "value": 12.82, "raw": "≤12.82"}, {"year": 2030, "kind": "numeric", "comparator": "<=", "value": 11.39, "raw": "≤11.39"}]

NUMERIC_CASES = [
    # (targets, baseline, history, year, status, expected interim value)
    (LITERACY, 24.81, {2023: 28.1}, 2023, "on_track", 24.81 + (35 - 24.81) * 3 / 10),
    (LITERACY, 24.81, {2021: 25.3}, 2021, "achieved", 24.81 + (25 - 24.81) / 2),
    (LITERACY, 24.81, {2023: 27.5}, 2023, "at_risk", 27.867),  # 2.69 of 3.057 expected = 0.88
    (LITERACY, 24.81, {2023: 25.9}, 2023, "off_track", 27.867),  # 1.09 of 3.057 = 0.36
    (LITERACY, 24.81, {2023: 24.0}, 2023, "regressing", 27.867),
    (LITERACY, 24.81, {2031: 36.0}, 2031, "achieved", 35.0),
    (MORTALITY, 13.02, {2021: 12.9}, 2021, "on_track", 12.92),  # lower is better: 12.9 ≤ expected 12.92
    (MORTALITY, 13.02, {2021: 12.5}, 2021, "achieved", 12.92),
    (MORTALITY, 13.02, {2025: 12.9}, 2025, "off_track", 13.02 + (11.39 - 13.02) * 0.5),
    (MORTALITY, 13.02, {2025: 13.5}, 2025, "regressing", 12.205),
    ([{"year": 2030, "kind": "numeric", "comparator": "<", "value": 25.0, "raw": "<25"}], 34.2, {2025: 29.0}, 2025, "on_track", 34.2 + (25 - 34.2) * 0.5),
    ([{"year": 2030, "kind": "numeric", "comparator": ">", "value": 90.0, "raw": ">90"}], 97.73, {2025: 95.0}, 2025, "achieved", 90.0 + (97.73 - 90.0) * 0.5),
    ([{"year": 2030, "kind": "numeric", "comparator": "=", "value": 100.0, "raw": "100"}], 96.0, {2025: 100.0}, 2025, "achieved", 98.0),
]


@pytest.mark.parametrize(("targets", "baseline", "history", "year", "status", "expected"), NUMERIC_CASES)
def test_comparator_targets(targets, baseline, history, year, status, expected):
    rows = run(targets, history, baseline=baseline, baseline_year=2020, direction="decrease" if targets[0]["comparator"].startswith("<") else "increase")
    row = rows[year]
    assert row["status"] == status
    assert row["expected"] == pytest.approx(expected, abs=0.01)


def test_the_explanation_cites_the_numbers():
    row = run(LITERACY, {2023: 28.1}, baseline=24.81, baseline_year=2020)[2023]
    assert row["explanation"].startswith("基期24.81%，2023年28.1%，按线性进度应达27.87%（2030年目标≥35%），进度正常")


def test_a_target_met_early_stays_achieved_only_while_it_holds():
    rows = run(LITERACY, {2021: 25.5, 2022: 26.0, 2023: 26.5}, baseline=24.81, baseline_year=2020)
    assert [rows[y]["status"] for y in (2021, 2022, 2023)] == ["achieved", "achieved", "off_track"]


def test_range_targets():
    sleep = [{"year": 2030, "kind": "numeric", "comparator": "range", "value": 7.0, "upper_value": 8.0, "raw": "7～8小时"}]
    rows = run(sleep, {2021: 7.5, 2022: 6.95, 2023: 5.0}, baseline=6.5, baseline_year=2020, unit="小时")
    assert [rows[y]["status"] for y in (2021, 2022, 2023)] == ["achieved", "at_risk", "off_track"]
    assert "7～8小时" in rows[2023]["explanation"]


def test_relative_targets_resolve_against_the_stated_base_year():
    knowledge = [{"year": 2022, "kind": "relative", "base_year": 2019, "change": 10.0, "change_unit": "%", "trend": "increase", "raw": "在2019年基础上提高10%"}]
    rows = run(knowledge, {2019: 50.0, 2020: 52.0, 2021: 56.0}, baseline=None)
    assert rows[2021]["target_value"] == pytest.approx(55.0)
    assert rows[2021]["comparator"] == ">="
    assert rows[2021]["status"] == "achieved"
    assert rows[2020]["status"] == "on_track"  # 52 ≥ 50 + 5 × 1/3
    pp = [{"year": 2025, "kind": "relative", "base_year": 2020, "change": -2.0, "change_unit": "pp", "trend": "decrease", "raw": "下降2个百分点"}]
    assert run(pp, {2020: 30.0, 2025: 27.0}, direction="decrease")[2025]["target_value"] == pytest.approx(28.0)


def test_directional_targets_follow_the_recent_trend():
    down = [{"year": 2022, "kind": "directional", "trend": "decrease", "raw": "持续下降"}, {"year": 2030, "kind": "directional", "trend": "decrease", "raw": "持续下降"}]
    rows = run(down, {2020: 10.0, 2021: 9.5, 2022: 9.2, 2023: 9.0, 2024: 9.3}, direction="decrease")
    # 2022 is a target year and the value is below where it started; 2024 rose over the three-year window (9.2 → 9.3)
    assert [rows[y]["status"] for y in range(2020, 2025)] == ["not_assessable", "on_track", "achieved", "on_track", "regressing"]
    assert "目标为“持续下降”" in rows[2023]["explanation"]
    flat = run(down, {2020: 10.0, 2021: 10.0, 2022: 10.02}, direction="decrease")
    assert flat[2022]["status"] == "at_risk"


def test_slowing_growth_targets():
    slowing = [{"year": 2030, "kind": "directional", "trend": "decrease", "raw": "上升趋势减缓"}]
    rows = run(slowing, {2020: 6.0, 2021: 6.4, 2022: 6.6, 2023: 7.0}, direction="decrease")
    assert rows[2022]["status"] == "on_track"  # grew 0.2 after growing 0.4
    assert rows[2023]["status"] == "off_track"  # grew 0.4 after growing 0.2


def test_maintain_targets():
    keep = [{"year": 2030, "kind": "directional", "trend": "maintain", "raw": "保持省内先进水平"}]
    rows = run(keep, {2021: 80.5, 2022: 78.0}, baseline=80.62, baseline_year=2020)
    assert rows[2021]["status"] == "on_track" and rows[2022]["status"] == "at_risk"
    assert rows[2022]["explanation"] == "基期80.62%，2022年78%，目标为“保持省内先进水平”，进度偏慢；按趋势预计2030年为58%。"


def test_qualitative_targets():
    done = [{"year": 2022, "kind": "qualitative", "qualitative": "实现", "raw": "实现"}]
    rows = run(done, {2021: "未实现", 2022: "未实现", 2023: "实现"}, direction="")
    assert [rows[y]["status"] for y in (2021, 2022, 2023)] == ["at_risk", "off_track", "achieved"]
    assert run(done, {2021: "基本实现"}, direction="")[2021]["status"] == "on_track"
    assert rows[2023]["explanation"] == "2023年报告“实现”，目标为“实现”，已实现。"


def test_missing_baseline_uses_the_first_reported_value_and_says_so():
    rows = run(LITERACY, {2021: 24.0, 2022: 25.2})
    assert rows[2021]["status"] == "not_assessable"
    assert rows[2022]["base_value"] == 24.0 and rows[2022]["base_from_first_value"]
    assert rows[2022]["explanation"].startswith("以首次报送值24%（2021年）作为基期")
    # a county never uses the city's plan baseline
    county = run(LITERACY, {2021: 24.0, 2022: 25.2}, baseline=20.0, baseline_year=2020, unit_id=2)
    assert county[2022]["base_value"] == 24.0


def test_no_data_and_not_assessable():
    rows = run(LITERACY, {2021: None, 2022: 26.0}, baseline=24.81, baseline_year=2020)
    assert rows[2021]["status"] == "no_data" and rows[2021]["explanation"] == "2021年未报送数据。"
    advocacy = run([], {2022: 3.0})
    assert advocacy[2022]["status"] == "not_assessable"


def test_forecast_to_the_final_target_year():
    rows = run(LITERACY, {2020: 24.81, 2021: 25.81, 2022: 26.81}, baseline=24.81, baseline_year=2020)
    assert rows[2022]["forecast"] == pytest.approx(34.81)  # one point a year until 2030
    assert rows[2022]["forecast_met"] is False
    fast = run(LITERACY, {2020: 24.81, 2021: 26.81}, baseline=24.81, baseline_year=2020)
    assert fast[2021]["forecast"] == pytest.approx(44.81) and fast[2021]["forecast_met"] is True  # two points a year
    assert "按趋势预计2030年为44.81%，可实现目标" in fast[2021]["explanation"]


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
    rows = run([{"year": 2030, "kind": "numeric", "comparator": cmp, "value": target, "raw": ""}], years, baseline=baseline, baseline_year=2020, direction="increase" if increase else "decrease")
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
def test_moving_the_latest_value_toward_the_target_never_worsens_the_status(baseline, gap, latest, step, year, increase):
    target = baseline + gap if increase else baseline - gap
    cmp = ">=" if increase else "<="
    better = latest + step if increase else latest - step
    spec = [{"year": 2030, "kind": "numeric", "comparator": cmp, "value": target, "raw": ""}]
    kw = {"baseline": baseline, "baseline_year": 2020, "direction": "increase" if increase else "decrease"}
    before = run(spec, {year: latest}, **kw)[year]["status"]
    after = run(spec, {year: better}, **kw)[year]["status"]
    assert STATUS_ORDER.index(after) <= STATUS_ORDER.index(before)


def test_roll_up_uses_numerators_and_denominators_not_averages():
    values = pl.DataFrame({"indicator_id": [1, 1], "org_unit_id": [11, 12], "year": [2023, 2023], "numerator": [90.0, 10.0], "denominator": [100.0, 900.0], "value": [90.0, 1.11]})
    parents = pl.DataFrame({"org_unit_id": [11, 12], "parent_id": [1, 1]})
    city = roll_up(values, parents, pl.DataFrame({"indicator_id": [1], "factor": [100.0]}))
    assert city["value"].to_list() == [pytest.approx(10.0)]  # (90 + 10) / (100 + 900), not the 45.6 an average gives
    weighted = roll_up(values.drop("numerator", "denominator").with_columns(pl.lit(None, dtype=pl.Float64).alias("numerator"), pl.lit(None, dtype=pl.Float64).alias("denominator"), pl.Series("weight", [1.0, 3.0])), parents, pl.DataFrame({"indicator_id": [1], "factor": [100.0]}))
    assert weighted["value"].to_list() == [pytest.approx((90.0 + 3 * 1.11) / 4)]


def test_assessment_scores_list_every_contribution_and_rank_with_ties():
    results = pl.DataFrame({"indicator_id": [1, 2, 1, 2, 1, 2], "org_unit_id": [11, 11, 12, 12, 13, 13], "year": [2023] * 6,
                            "status": ["achieved", "on_track", "achieved", "off_track", "on_track", "on_track"]})
    weights = pl.DataFrame({"indicator_id": [1, 2], "weight": [2.0, 1.0]})
    sheet, totals = assess(results, weights)
    assert sheet.filter(pl.col("org_unit_id") == 11)["points"].to_list() == [2.0, 0.5]
    assert dict(zip(totals["org_unit_id"], totals["score"])) == {11: pytest.approx(83.33), 12: pytest.approx(66.67), 13: pytest.approx(50.0)}
    assert dict(zip(totals["org_unit_id"], totals["rank"])) == {11: 1, 12: 2, 13: 3}
    tie = results.with_columns(pl.when(pl.col("org_unit_id") == 13).then(pl.lit("achieved")).otherwise(pl.col("status")).alias("status"))
    _, totals = assess(tie.filter(pl.col("org_unit_id") != 12), pl.DataFrame({"indicator_id": [1], "weight": [1.0]}))
    assert totals["rank"].to_list() == [1, 1]
    timely = pl.DataFrame({"org_unit_id": [11, 12, 13], "share": [1.0, 0.5, 0.0]})
    _, totals = assess(results, weights, components={"timeliness": (timely, 0.2)})
    assert dict(zip(totals["org_unit_id"], totals["score"]))[12] == pytest.approx(66.67 * 0.8 + 10.0, abs=0.01)
    supervised = pl.DataFrame({"org_unit_id": [11, 12], "share": [0.5, 0.9]})  # 13 was not visited: no supervision points
    _, totals = assess(results, weights, components={"timeliness": (timely, 0.2), "supervision": (supervised, 0.1)})
    scores = dict(zip(totals["org_unit_id"], totals["score"]))
    assert scores[12] == pytest.approx(66.67 * 0.7 + 10.0 + 9.0, abs=0.01) and scores[13] == pytest.approx(50.0 * 0.7, abs=0.01)
    assert dict(zip(totals["org_unit_id"], totals["supervision_share"]))[13] == 0.0
    with pytest.raises(ValueError):
        assess(results, weights, components={"timeliness": (timely, 0.6), "supervision": (supervised, 0.5)})
