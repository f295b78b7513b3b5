"""Seed 004 (Yunfu city): a 33-row indicator table with one cell per line and 19 actions in prose."""

from healthaction.documents.tests.seeds import indicator, targets


def test_the_main_table_has_33_rows_and_row_25_becomes_two_indicators(seed):
    draft = seed(4)
    table = [i for i in draft["indicators"] if i["action"] is None]
    assert len({i["number"].split(".")[0] for i in table}) == 33
    assert len(table) == 34
    assert [i["number"] for i in table if i["number"].startswith("25")] == ["25.1", "25.2"]


def test_row_6_health_literacy(seed):
    ind = indicator(seed(4), "居民健康素养水平")
    assert ind["number"] == "6"
    assert ind["unit"] == "%"
    assert ind["nature"] == "expected"
    assert ind["baseline"] == {"value": 24.81, "qualitative": "", "raw": "24.81", "year": 2020}
    assert targets(ind) == {2022: ("numeric", ">=", 25.0), 2030: ("numeric", ">=", 35.0)}
    assert ind["source"]["lines"] == [63, 68]  # from the serial to the nature cell (line 68: 预期性)
    assert "居民健康素养水平（%）" in ind["source"]["text"]


def test_row_1_keeps_one_directional_target_for_both_years(seed):
    ind = indicator(seed(4), "人均预期寿命")
    assert ind["unit"] == "岁"
    assert ind["baseline"]["value"] == 80.62
    assert [(t["year"], t["kind"], t["trend"], t["raw"]) for t in ind["targets"]] == [
        (2022, "directional", "maintain", "保持省内先进水平"),
        (2030, "directional", "maintain", "保持省内先进水平"),
    ]


def test_row_25_compound_values_split_in_order(seed):
    draft = seed(4)
    first = next(i for i in draft["indicators"] if i["number"] == "25.1")
    second = next(i for i in draft["indicators"] if i["number"] == "25.2")
    assert first["name"] == "乡镇卫生院、社区卫生服务中心提供中医非药物疗法的比例"
    assert second["name"] == "村卫生室提供中医非药物疗法的比例"
    assert targets(first) == {2022: ("numeric", ">=", 100.0), 2030: ("numeric", ">=", 100.0)}
    assert targets(second) == {2022: ("numeric", ">=", 70.0), 2030: ("numeric", ">=", 80.0)}
    assert first["nature"] == second["nature"] == "binding"


def test_units_inside_names_and_bare_numbers(seed):
    draft = seed(4)
    maternal = indicator(draft, "孕产妇死亡率")
    assert maternal["unit"] == "1/10万"
    assert maternal["direction"] == "decrease"
    assert targets(maternal) == {2022: ("numeric", "<=", 15.0), 2030: ("numeric", "<=", 12.0)}
    doctors = indicator(draft, "每千常住人口执业（助理）医师数")
    assert doctors["unit"] == "人"
    assert targets(doctors) == {2022: ("numeric", ">=", 2.33), 2030: ("numeric", ">=", 2.97)}
    spending = indicator(draft, "个人卫生支出占卫生总费用的比重")
    assert targets(spending) == {2022: ("numeric", "<", 25.0), 2030: ("numeric", "<", 25.0)}


def test_missing_baselines_and_qualitative_rows(seed):
    draft = seed(4)
    assert indicator(draft, "经常参加体育锻炼人数比例")["baseline"] is None  # written as —
    assert indicator(draft, "二级以上综合性医院设老年医学科比例")["baseline"] is None  # empty cell
    expert = next(i for i in draft["indicators"] if i["number"] == "11")
    assert expert["baseline"]["qualitative"] == "基本实现"
    assert targets(expert) == {2022: ("qualitative", "", None), 2030: ("qualitative", "", None)}
    assert expert["nature"] == "binding"


def test_nineteen_actions_with_departments_from_parentheses(seed):
    draft = seed(4)
    assert len(draft["actions"]) == 19
    assert draft["actions"][0]["name"] == "健康知识普及行动"
    assert draft["actions"][17]["name"] == "智慧健康行动"
    task = next(t for t in draft["tasks"] if t["number"] == "1.2")
    assert task["lead_departments"] == ["市卫生健康局"]
    assert task["co_departments"] == ["市教育局", "市中医药局", "市政务服务数据管理局"]
    first = next(t for t in draft["tasks"] if t["number"] == "1.1")
    # "排在第一位的为牵头单位" is a remark, not a department
    assert first["lead_departments"] == ["市卫生健康局"]
    assert first["co_departments"][-1] == "市科学技术协会"
    assert draft["plan"]["org_unit"] == {"code": None, "name": "云浮市", "level": "city"}
