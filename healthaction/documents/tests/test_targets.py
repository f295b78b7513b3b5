"""The target grammar, table-driven: each row is text as plans write it and what it means."""

import pytest

from healthaction.documents.targets import infer_direction, parse_baseline, parse_target, settle_implicit

CASES = [
    ("≥25", {"kind": "numeric", "comparator": ">=", "value": 25.0}),
    ("≥ 39.5", {"kind": "numeric", "comparator": ">=", "value": 39.5}),
    ("≤12.82", {"kind": "numeric", "comparator": "<=", "value": 12.82}),
    ("<25", {"kind": "numeric", "comparator": "<", "value": 25.0}),
    (">90", {"kind": "numeric", "comparator": ">", "value": 90.0}),
    ("不低于20%", {"kind": "numeric", "comparator": ">=", "value": 20.0, "unit": "%"}),
    ("不少于12种", {"kind": "numeric", "comparator": ">=", "value": 12.0, "unit": "种"}),
    ("达到90%及以上", {"kind": "numeric", "comparator": ">=", "value": 90.0}),
    ("28%以上", {"kind": "numeric", "comparator": ">=", "value": 28.0}),
    ("低于7%", {"kind": "numeric", "comparator": "<", "value": 7.0}),
    ("小于85cm", {"kind": "numeric", "comparator": "<", "value": 85.0, "unit": "cm"}),
    ("不高于5g", {"kind": "numeric", "comparator": "<=", "value": 5.0, "unit": "g"}),
    ("控制在25%以下", {"kind": "numeric", "comparator": "<=", "value": 25.0}),
    ("超过70%", {"kind": "numeric", "comparator": ">", "value": 70.0}),
    ("18.5-24", {"kind": "numeric", "comparator": "range", "value": 18.5, "upper_value": 24.0}),
    ("7～8小时", {"kind": "numeric", "comparator": "range", "value": 7.0, "upper_value": 8.0, "unit": "小时"}),
    ("25-30g", {"kind": "numeric", "comparator": "range", "value": 25.0, "upper_value": 30.0, "unit": "g"}),
    (
        "在2019年基础上提高10%",
        {"kind": "relative", "base_year": 2019, "change": 10.0, "change_unit": "%", "trend": "increase"},
    ),
    ("在现有基础上提高15%", {"kind": "relative", "base_year": None, "change": 15.0}),
    ("力争每年降低0.5个百分点以上", {"kind": "relative", "change": -0.5, "change_unit": "pp/yr"}),
    ("持续下降", {"kind": "directional", "trend": "decrease"}),
    ("上升趋势减缓", {"kind": "directional", "trend": "decrease"}),
    ("持续改善", {"kind": "directional", "trend": "increase"}),
    ("逐步提高", {"kind": "directional", "trend": "increase"}),
    ("保持省内先进水平", {"kind": "directional", "trend": "maintain"}),
    ("实现", {"kind": "qualitative", "qualitative": "实现"}),
    ("建立并完善", {"kind": "qualitative", "qualitative": "建立并完善"}),
    ("基本实现", {"kind": "qualitative", "qualitative": "基本实现"}),
    ("全覆盖", {"kind": "qualitative", "qualitative": "全覆盖"}),
    ("6", {"kind": "numeric", "comparator": "", "value": 6.0, "implicit": True}),
    ("93", {"kind": "numeric", "comparator": "", "value": 93.0, "implicit": True}),
]


@pytest.mark.parametrize(("raw", "expected"), CASES, ids=[c[0] for c in CASES])
def test_target_grammar(raw, expected):
    result = parse_target(raw)
    assert result is not None
    assert {k: result.get(k) for k in expected} == expected
    assert result["raw"] == raw


@pytest.mark.parametrize("raw", ["", "—", "-", "  ", "提倡", "/"])
def test_text_without_a_target_gives_none(raw):
    assert parse_target(raw) is None


def test_baseline_cells():
    assert parse_baseline("24.81") == {"value": 24.81, "qualitative": "", "raw": "24.81"}
    assert parse_baseline("—") is None
    assert parse_baseline("") is None
    assert parse_baseline("基本实现") == {"value": None, "qualitative": "基本实现", "raw": "基本实现"}
    assert parse_baseline("6. 33%")["value"] == 6.33


def test_a_bare_number_takes_its_comparator_from_the_direction():
    mortality = [parse_target("6"), parse_target("4")]
    direction = infer_direction("婴儿死亡率（‰）", mortality, parse_baseline("2.32"))
    settle_implicit(mortality, direction)
    assert direction == "decrease"
    assert [t["comparator"] for t in mortality] == ["<=", "<="]
    doctors = [parse_target("2.33"), parse_target("2.97")]
    direction = infer_direction("每千常住人口执业（助理）医师数（人）", doctors, parse_baseline("2.17"))
    settle_implicit(doctors, direction)
    assert direction == "increase" and doctors[0]["comparator"] == ">=" and "implicit" not in doctors[0]
