"""Rules added for real public texts (issue 27): each checked on a short hand-written snippet whose expected parse
was worked out by hand from the snippet itself."""

from healthaction.documents import parse_document
from healthaction.documents.departments import responsibility_from_text
from healthaction.documents.scoring import score
from healthaction.documents.targets import parse_target


def _parse(*lines: str) -> dict:
    return parse_document("\n".join(lines).encode("utf-8"), "plan.txt")


def _targets(draft: dict, name: str) -> dict:
    found = [i for i in draft["indicators"] if i["name"] == name]
    assert found, [i["name"] for i in draft["indicators"]]
    return {
        t["year"]: (t["kind"], t["comparator"] or t["trend"] or t["qualitative"], t["value"])
        for t in found[0]["targets"]
    }


def test_a_year_opening_any_clause_without_dao():
    draft = _parse(
        "某省健康行动实施方案",
        "一、总体要求",
        "近年来我省卫生健康事业快速发展，2023年全省人均预期寿命达到80岁，2025年人均预期寿命达到81岁。",
    )
    assert _targets(draft, "人均预期寿命") == {2023: ("numeric", ">=", 80.0), 2025: ("numeric", ">=", 81.0)}


def test_both_years_of_two_sentences_are_read():
    draft = _parse(
        "某市健康行动实施方案", "一、总体要求", "2025年，全省人均预期寿命达到79.2岁；到2027年，人均预期寿命达到80岁。"
    )
    assert _targets(draft, "人均预期寿命") == {2025: ("numeric", ">=", 79.2), 2027: ("numeric", ">=", 80.0)}


def test_a_past_year_in_a_dated_plan_is_not_a_target():
    draft = _parse(
        "某市健康行动实施方案",
        "2023年6月1日",
        "一、总体要求",
        "2022年，全市人均预期寿命达到78.5岁。到2025年，人均预期寿命达到79岁。",
    )
    assert _targets(draft, "人均预期寿命") == {2025: ("numeric", ">=", 79.0)}


def test_a_list_after_shixian_yixia_mubiao_carries_the_year_and_invents_nothing():
    draft = _parse(
        "某市防治慢性病中长期规划",
        "一、规划目标",
        "到2020年，慢性病防控环境显著改善，降低因慢性病导致的过早死亡率，力争30—70岁人群因心脑血管疾病、癌症、"
        "慢性呼吸系统疾病和糖尿病导致的过早死亡率较2015年降低10%。实现以下目标：",
        "（一）重大慢性病过早死亡率控制在12%以下；",
        "（二）成人吸烟率下降至15%以下。",
        "二、主要任务",
    )
    names = [i["name"] for i in draft["indicators"]]
    assert names == [
        "30—70岁人群因心脑血管疾病、癌症、慢性呼吸系统疾病和糖尿病导致的过早死亡率",
        "重大慢性病过早死亡率",
        "成人吸烟率",
    ]
    relative = draft["indicators"][0]["targets"][0]
    assert (relative["year"], relative["kind"], relative["change"], relative["base_year"]) == (
        2020,
        "relative",
        -10.0,
        2015,
    )
    assert _targets(draft, "重大慢性病过早死亡率") == {2020: ("numeric", "<=", 12.0)}
    assert _targets(draft, "成人吸烟率") == {2020: ("numeric", "<=", 15.0)}


def test_verbs_and_units_outside_the_old_vocabulary():
    draft = _parse(
        "某市健康行动实施方案",
        "一、总体要求",
        "到2025年，人均体育场地面积增加到2.3平方米，人均预期寿命将实现为83岁。",
        "到2030年，健康服务业总规模达到8000亿元，体育产业总规模4500亿元以上，经常参加体育锻炼人数达到3200万人。",
    )
    assert _targets(draft, "人均体育场地面积") == {2025: ("numeric", ">=", 2.3)}
    assert _targets(draft, "人均预期寿命") == {2025: ("numeric", ">=", 83.0)}
    assert _targets(draft, "健康服务业总规模") == {2030: ("numeric", ">=", 8000.0)}
    assert _targets(draft, "体育产业总规模") == {2030: ("numeric", ">=", 4500.0)}
    assert _targets(draft, "经常参加体育锻炼人数") == {2030: ("numeric", ">=", 3200.0)}
    units = {i["name"]: i["unit"] for i in draft["indicators"]}
    assert (
        units["人均体育场地面积"] == "平方米"
        and units["健康服务业总规模"] == "亿元"
        and units["经常参加体育锻炼人数"] == "万人"
    )


def test_an_annual_plan_takes_its_year_from_the_title_never_from_a_date_line():
    annual = _parse("2023年某县健康工作要点", "一、主要指标", "居民健康素养水平达到28%以上。")
    assert annual["plan"]["horizon"] == {"start": 2023, "end": 2023}
    assert _targets(annual, "居民健康素养水平") == {2023: ("numeric", ">=", 28.0)}
    dated = _parse("某市健康行动实施方案", "2023年6月20日", "一、主要目标", "到2035年，居民健康素养水平达到40%。")
    assert dated["plan"]["horizon"] == {"start": 2023, "end": 2035}
    spanned = _parse("某市健康行动计划（2024—2027年）", "一、主要目标", "到2025年，居民健康素养水平达到30%。")
    assert spanned["plan"]["horizon"] == {"start": 2024, "end": 2027}


def test_a_table_copied_from_a_web_page_one_cell_per_line_ending_in_a_bar():
    draft = _parse(
        "某市健康行动计划主要目标",
        "序号 |",
        "指标名称 |",
        "单位 |",
        "2023年 |",
        "2025年 |",
        "2027年 |",
        "牵头单位 |",
        "1 |",
        "人均预期寿命 |",
        "岁 |",
        "78.09 |",
        "≥79.2 |",
        "≥80 |",
        "市卫健局 |",
        "2 |",
        "婴儿死亡率 |",
        "‰ |",
        "2.21 |",
        "持续改善 |",
        "持续改善 |",
        "市卫健局 |",
    )
    life, infant = draft["indicators"]
    assert (life["name"], life["unit"], life["baseline"]["value"], life["baseline"]["year"]) == (
        "人均预期寿命",
        "岁",
        78.09,
        2023,
    )
    assert _targets(draft, "人均预期寿命") == {2025: ("numeric", ">=", 79.2), 2027: ("numeric", ">=", 80.0)}
    # 改善 of a death rate is a fall
    assert _targets(draft, "婴儿死亡率") == {
        2025: ("directional", "decrease", None),
        2027: ("directional", "decrease", None),
    }


def test_improvement_follows_the_indicator_direction():
    target = parse_target("持续改善")
    assert (target["kind"], target["trend"], target["improve"]) == ("directional", "increase", True)


def test_two_indicators_named_together_before_fenbie():
    draft = _parse(
        "某省减盐减油专项行动计划",
        "一、行动目标",
        "到2027年底，人均每日食盐和食用油摄入量较2024年分别下降10%；孕产妇和婴儿死亡率分别控制在10/10万和5‰以下。",
    )
    for name in ("人均每日食盐摄入量", "人均每日食用油摄入量"):
        target = next(i for i in draft["indicators"] if i["name"] == name)["targets"][0]
        assert (target["year"], target["kind"], target["change"], target["base_year"]) == (
            2027,
            "relative",
            -10.0,
            2024,
        )
    assert _targets(draft, "孕产妇死亡率") == {2027: ("numeric", "<=", 10.0)}
    assert _targets(draft, "婴儿死亡率") == {2027: ("numeric", "<=", 5.0)}


def test_work_points_items_are_tasks_under_their_areas_and_numbering_restarts():
    draft = _parse(
        "某省健康行动2023年工作要点",
        "一、制订印发系列政策文件",
        "（一）研究制定《某省健康行动宣讲员队伍组建实施方案》。（某省健康行动推进委员会办公室牵头负责）",
        "（二）印发《某省深化学校体育评价改革方案》，做好解读。（省教育厅牵头负责，省体育局参与）",
        "二、开展专项活动",
        "（一）开展健康知识进万家活动。（省卫生健康委、省中医药局分工负责）",
        "（二）举办全民健身运动会。（体育局负责）",
    )
    assert [(a["number"], a["name"]) for a in draft["actions"]] == [(1, "制订印发系列政策文件"), (2, "开展专项活动")]
    tasks = [(t["action"], t["content"], t["lead_departments"], t["co_departments"]) for t in draft["tasks"]]
    assert tasks == [
        (1, "研究制定《某省健康行动宣讲员队伍组建实施方案》。", ["某省健康行动推进委员会办公室"], []),
        (1, "印发《某省深化学校体育评价改革方案》，做好解读。", ["省教育厅"], ["省体育局"]),
        (2, "开展健康知识进万家活动。", ["省卫生健康委"], ["省中医药局"]),
        (2, "举办全民健身运动会。", ["体育局"], []),
    ]
    assert [a["lead_department"] for a in draft["actions"]] == ["某省健康行动推进委员会办公室", "省卫生健康委"]


def test_a_department_clause_cut_at_the_end_is_read_and_warned():
    resp = responsibility_from_text("建立健康科普资源库。（省卫生健康委、省委宣传部、省教育厅、省人力资源")
    assert (resp["lead"], resp["co"], resp["cut"]) == (["省卫生健康委"], ["省委宣传部", "省教育厅"], True)
    draft = _parse(
        "某省健康行动工作要点",
        "一、重点工作",
        "（一）开展健康促进活动。（省卫生健康委牵头）",
        "（二）建立健康科普资源库。（省卫生健康委、省委宣传部、省教育厅",
    )
    cut = draft["tasks"][1]
    assert (cut["lead_departments"], cut["co_departments"]) == (["省卫生健康委"], ["省委宣传部", "省教育厅"])
    warning = next(w for w in draft["warnings"] if w.get("ref") == "task:1.2")
    assert warning["kind"] == "low_confidence" and warning["line"] == 4


def test_the_scorer_compares_a_traditional_transcription_in_simplified():
    draft = _parse("某省行动计划", "一、行动目标", "到2027年底，全省居民健康素养水平提高到40%。")
    result = score(draft, {"indicators": [{"name": "居民健康素養水平", "targets": {"2027": [">=", 40]}}], "tasks": []})
    assert (result.indicator_passed, result.indicator_checks) == (2, 2)
