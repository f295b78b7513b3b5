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


def _warnings(draft: dict) -> list[tuple]:
    return [(w["line"], w["kind"], w.get("ref", "")) for w in draft["warnings"]]


def test_an_annual_plan_sets_aside_other_years_and_says_so():
    draft = _parse(
        "2023年某县健康行动实施方案",
        "（一）健康知识普及行动",
        "行动目标：到2023年，居民健康素养水平达到25%，到2030年达到30%。",
        "1.建立健康科普专家库。（县卫生健康局牵头，县科协配合）",
    )
    assert draft["plan"]["horizon"] == {"start": 2023, "end": 2023}
    assert _targets(draft, "居民健康素养水平") == {2023: ("numeric", ">=", 25.0)}
    assert (3, "low_confidence", "indicator:1.P1") in _warnings(draft)


def test_a_target_outside_the_title_span_is_warned():
    draft = _parse(
        "某市健康行动计划（2024—2027年）",
        "（一）合理膳食行动",
        "行动目标：到2025年和2030年，居民营养健康知识知晓率分别达到30%和40%。",
        "1.开展减盐活动。（市卫生健康委牵头）",
    )
    assert _targets(draft, "居民营养健康知识知晓率") == {2025: ("numeric", ">=", 30.0), 2030: ("numeric", ">=", 40.0)}
    assert (3, "low_confidence", "indicator:1.P1") in _warnings(draft)


def test_what_was_not_read_is_warned_with_kind_and_reference():
    draft = _parse(
        "2023年某县健康行动实施方案",
        "（一）健康知识普及行动",
        "行动目标：到2023年，高血压规范管理率达到60%；控制率持续提高。",
        "1.建立健康科普专家库。（县卫生健康局牵头，县科协配合）",
        "（二）控烟行动",
        "全县无烟机关建设有序推进，2023年建成无烟单位20家以上的目标已经写入考核。",
        "1.创建无烟机关。",
        "（三）全民健身行动",
        "行动目标：到2023年，经常参加体育锻炼人数比例达到40%。",
    )
    warnings = _warnings(draft)
    fragment = next(i for i in draft["indicators"] if i["name"] == "控制率")
    assert (3, "low_confidence", f"indicator:{fragment['number']}") in warnings  # a name that is only a measure word
    assert (5, "other", "action:2") in warnings  # 控烟行动 has no indicator
    assert (6, "unplaced", "") in warnings  # a year and a value, nothing read
    assert (7, "low_confidence", "action:2") in warnings  # its task names no department
    assert (8, "no_tasks", "action:3") in warnings  # 全民健身行动 has no task


def test_an_indicator_read_twice_in_one_action_is_warned():
    draft = _parse(
        "某县健康行动实施方案",
        "（一）健康知识普及行动",
        "1.居民健康素养水平（%） 到2025年达到25%",
        "居民健康素养水平\t25\t30\t预期性",
    )
    del draft  # the line reader merges a repeated prose name; the check is on the parser's own list
    from healthaction.documents.pipeline import Document, _Parser
    from healthaction.documents.readers.text import text_document

    lines = ["某县健康行动实施方案", "（一）健康知识普及行动", "1.建立健康科普专家库。（县卫生健康局牵头）"]
    parser = _Parser(Document(lines), text_document(lines))
    parser.run()
    twice = {
        "number": "1.1",
        "action": 1,
        "name": "居民健康素养水平",
        "targets": [],
        "source": {"lines": [2, 2], "text": ""},
    }
    parser.indicators = [twice, {**twice, "number": "1.2"}]
    parser._check_names()
    assert [(w["kind"], w["ref"]) for w in parser.warnings if "次" in w["message"]] == [
        ("low_confidence", "indicator:1.1")
    ]


def test_naiman_shapes_items_with_own_departments_subjects_and_sections_without_tasks():
    draft = _parse(
        "关于印发某旗2023年专项行动实施方案的通知",
        "附件1",
        "2023年健康环境促进行动实施方案",
        "一、基本原则",
        "1.普及知识，全周期维护生命健康。通过普及营养健康知识提升素养。",
        "二、重点工作任务",
        "（一）加快推进农村牧区供水工程建设，强化管护。（水务局）",
        "（二）强化出生缺陷综合防治",
        "一是健全多部门联动防治出生缺陷的工作机制。（卫健委，旗妇幼保健计划生育服务中心）",
        "（三）构建全民健身服务体系",
        "贯彻落实全民健身国家战略，增强群众体质。",
        "3、工作措施",
        "4、奈曼旗卫生健康委，发展改革委、财政局逐步将肺功能检查纳入常规体检内容。",
        "三、保障措施",
        "（一）加强组织领导。（旗卫健委负责）",
    )
    tasks = [(t["content"], t["lead_departments"], t["co_departments"]) for t in draft["tasks"]]
    assert tasks == [
        ("加快推进农村牧区供水工程建设，强化管护。", ["水务局"], []),
        ("一是健全多部门联动防治出生缺陷的工作机制。", ["卫健委"], ["旗妇幼保健计划生育服务中心"]),
        ("构建全民健身服务体系贯彻落实全民健身国家战略，增强群众体质。", [], []),
        ("逐步将肺功能检查纳入常规体检内容。", ["奈曼旗卫生健康委"], ["发展改革委", "财政局"]),
    ]


def test_prose_lists_of_an_annual_plan():
    draft = _parse(
        "2023年某旗心理健康促进行动实施方案",
        "（一）心理健康促进行动",
        "二、主要行动目标",
        "2.2023年底精神科执业（助理）医师达到每10万人口4.4名。",
        "3. 失眠现患率上升趋势减缓，通辽市2019年失眠现患率6. 33%。",
        "4.成人每日平均睡眠达到7～8小时。",
        "5.包虫病人群患病率在1%以下，30～70岁人群因心脑血管疾病、癌症、慢性呼吸系统疾病和糖尿病导致的过早死亡率（%）<15.9。",
    )
    assert _targets(draft, "精神科执业（助理）医师") == {2023: ("numeric", ">=", 4.4)}
    insomnia = next(i for i in draft["indicators"] if i["name"] == "失眠现患率")
    assert (insomnia["baseline"]["value"], insomnia["baseline"]["year"]) == (6.33, 2019)
    sleep = next(i for i in draft["indicators"] if i["name"] == "成人每日平均睡眠")["targets"][0]
    assert (sleep["comparator"], sleep["value"], sleep["upper_value"]) == ("range", 7.0, 8.0)
    assert _targets(draft, "包虫病人群患病率") == {2023: ("numeric", "<=", 1.0)}
    assert _targets(draft, "30～70岁人群因心脑血管疾病、癌症、慢性呼吸系统疾病和糖尿病导致的过早死亡率") == {
        2023: ("numeric", "<", 15.9)
    }


def test_a_year_context_in_mid_sentence_holds_to_the_sentence_end():
    draft = _parse(
        "某市健康行动实施方案",
        "（一）职业健康保护行动",
        "行动目标：到2022年和2030年，工伤保险参保人数稳步提升，2030年实现工伤保险法定人群参保全覆盖；"
        "重点行业的用人单位职业病危害项目申报率达到90%及以上；高血压治疗率、控制率持续提高。",
    )
    assert _targets(draft, "工伤保险参保人数") == {
        2022: ("directional", "increase", None),
        2030: ("qualitative", "实现", None),
    }
    assert _targets(draft, "重点行业的用人单位职业病危害项目申报率") == {
        2022: ("numeric", ">=", 90.0),
        2030: ("numeric", ">=", 90.0),
    }
    assert set(_targets(draft, "高血压控制率")) == {2022, 2030}


def test_a_comparison_with_an_average_is_a_qualitative_target_with_its_reference():
    draft = _parse(
        "某省健康行动方案（2023—2027年）",
        "二、总体目标",
        "——城乡居民健康水平进一步改善。到2023年，全省人均预期寿命达到全国平均水平；到2025年，全省人均预期寿命优于全国平均水平。",
    )
    life = next(i for i in draft["indicators"] if i["name"] == "人均预期寿命")
    assert [(t["year"], t["kind"], t["qualitative"], t["reference"], t["relation"]) for t in life["targets"]] == [
        (2023, "qualitative", "达到全国平均水平", "全国平均水平", ">="),
        (2025, "qualitative", "优于全国平均水平", "全国平均水平", ">"),
    ]
    target = parse_target("高于全省平均水平")
    assert (target["kind"], target["reference"], target["relation"]) == ("qualitative", "全省平均水平", ">")


def test_a_department_clause_broken_over_two_lines_joins():
    draft = _parse(
        "某市健康行动实施方案",
        "（十一）心脑血管疾病防治行动",
        "4. 市、县依托现有资源建设胸痛中心。（市卫健委牵头，市发改委等按职",
        "",
        "责分工负责)",
        "5. 促进基层糖尿病筛查标准化。(市卫健委牵头, 市财",
        "政局按职责负责)",
    )
    assert [(t["lead_departments"], t["co_departments"]) for t in draft["tasks"]] == [
        (["市卫健委"], ["市发改委"]),
        (["市卫健委"], ["市财政局"]),
    ]
    assert not [w for w in draft["warnings"] if w.get("ref", "").startswith("task:")]


def test_actions_without_numbers_and_paragraphs_without_numbers():
    run_in = _parse(
        "某省人民政府关于推进健康行动的实施意见",
        "二、主要任务",
        "（一）全方位干预健康影响因素。",
        "实施健康知识普及行动。建立完善健康科普专家库、资源库，构建健康科普知识发布和传播机制。",
        "实施合理膳食行动。针对不同人群开展膳食指导。",
    )
    assert [a["name"] for a in run_in["actions"]] == ["健康知识普及行动", "合理膳食行动"]
    assert [t["content"] for t in run_in["tasks"]] == [
        "实施健康知识普及行动。建立完善健康科普专家库、资源库，构建健康科普知识发布和传播机制。",
        "实施合理膳食行动。针对不同人群开展膳食指导。",
    ]
    paragraphs = _parse(
        "某市健康高质量发展实施方案（2025—2027年）",
        "二、主要任务",
        "1.中医药健康促进行动",
        "推动文化传播与科普教育。大力加强中医药宣传文化教育基地建设。",
        "2.全民健身行动",
        "完善全民健身场地设施。新建健身步道50公里。",
    )
    assert [(t["action"], t["content"][:10]) for t in paragraphs["tasks"]] == [
        (1, "推动文化传播与科普教"),
        (2, "完善全民健身场地设施"),
    ]
    numbered = _parse(
        "实施健康规划纲要2017年行动计划",
        "二、工作任务",
        "（一）进一步普及健康生活",
        "1.构架大健康教育体系",
        "——出台《关于全面加强健康教育工作的实施意见》，建立健全健康教育体系。",
        "（二）优化健康服务",
        "1.推进家庭医生签约服务",
    )
    assert [a["name"] for a in numbered["actions"]] == ["进一步普及健康生活", "优化健康服务"]
    assert [t["content"] for t in numbered["tasks"]] == [
        "构架大健康教育体系——出台《关于全面加强健康教育工作的实施意见》，建立健全健康教育体系。",
        "推进家庭医生签约服务",
    ]


def test_counts_names_and_trends_from_work_points():
    draft = _parse(
        "2023年某省卫生健康工作要点",
        "1.主要目标指标。",
        "人均基本公共卫生服务经费达102元以上；培育健康浙江行动省级样板50个，城乡居民免费健康体检人数达1000万以上。",
    )
    assert _targets(draft, "人均基本公共卫生服务经费") == {2023: ("numeric", ">=", 102.0)}
    assert _targets(draft, "健康浙江行动省级样板") == {2023: ("numeric", ">=", 50.0)}
    assert _targets(draft, "城乡居民免费健康体检人数") == {2023: ("numeric", ">=", 1000.0)}
    trends = _parse(
        "某市健康三年行动计划（2023—2025年）",
        "2.合理膳食行动。全面普及膳食营养知识。到2025年，儿童和成人肥胖增长率持续减小，居民油盐糖摄入量较2020—2022年平均水平都有所降低。",
    )
    assert _targets(trends, "儿童和成人肥胖增长率") == {2025: ("directional", "decrease", None)}
    assert _targets(trends, "居民油盐糖摄入量") == {2025: ("directional", "decrease", None)}


def test_an_annual_plans_prose_targets_with_their_groups_and_school_indicators():
    draft = _parse(
        "关于印发某旗2023年各专项行动实施方案的通知",
        "附件2",
        "2023年合理膳食行动实施方案",
        "（三）目标",
        "全面普及膳食营养知识。2023年4项结果性指标：成人肥胖增长率持续减缓；居民营养健康知识知晓率达到15%；"
        "5岁以下儿童生长迟缓率低于5%、孕妇贫血率低于10%。1项政府工作指标：每1万人配备0.3名营养指导员。",
        "附件8",
        "2023年中小学健康促进行动实施方案",
        "二、重点指标任务",
        "（三）倡导培养健康生活习惯养成",
        "提倡学生每天校外接触自然光时间1小时以上，达到每天户外活动时间2小时以上。",
    )
    got = {i["name"]: (i["action"], i["group"], _targets(draft, i["name"])) for i in draft["indicators"]}
    assert got == {
        "成人肥胖增长率": (2, "outcome", {2023: ("directional", "decrease", None)}),
        "居民营养健康知识知晓率": (2, "outcome", {2023: ("numeric", ">=", 15.0)}),
        "5岁以下儿童生长迟缓率": (2, "outcome", {2023: ("numeric", "<", 5.0)}),
        "孕妇贫血率": (2, "outcome", {2023: ("numeric", "<", 10.0)}),
        "每1万人配备营养指导员": (2, "government", {2023: ("numeric", ">=", 0.3)}),
        "学生每天校外接触自然光时间": (8, "advocacy", {2023: ("numeric", ">=", 1.0)}),
        "每天户外活动时间": (8, "advocacy", {2023: ("numeric", ">=", 2.0)}),
    }
    assert draft["plan"]["horizon"] == {"start": 2023, "end": 2023}


def test_a_notice_without_action_headings_reads_its_numbered_tasks_over_wrapped_lines():
    draft = _parse(
        "关于开展2024年全市居民健康素养监测工作的通知",
        "各县（市、区）卫生健康局：",
        "为做好监测工作，现将有关事项通知如下。",
        "1. 按照监测方案完成入户调查，确保样本",
        "量不少于1200份。（市疾控中心牵头，各县",
        "疾控中心配合）",
        "2. 做好数据审核与上报工作，按时报送监测",
        "结果。（市卫生健康委负责）",
    )
    assert [(t["action"], t["content"], t["lead_departments"], t["co_departments"]) for t in draft["tasks"]] == [
        (None, "按照监测方案完成入户调查，确保样本量不少于1200份。", ["市疾控中心"], ["各县疾控中心"]),
        (None, "做好数据审核与上报工作，按时报送监测结果。", ["市卫生健康委"], []),
    ]
    assert [t["source"]["lines"] for t in draft["tasks"]] == [[4, 6], [7, 8]]


def test_a_web_table_with_a_long_unit_cell_a_repeated_header_and_another_areas_baseline():
    header = ["序号 |", "指标名称 |", "单位 |", "2022年 |", "2025年 |", "2027年 |", "牵头单位 |", "责任单位 |"]
    units = (
        "、".join(f"县第{n}局" for n in "一二三四五六七八九十") + "等单位，各乡镇人民政府 |"
    )  # 70 characters: one cell
    draft = _parse(
        "某县人均预期寿命提升行动计划主要目标责任清单",
        *header,
        *["1 |", "人均预期寿命 |", "岁 |", "78.2(2021年) |", "≥79.2 |", "≥80 |", "县卫健局 |", units],
        *["2 |", "总体癌症5年生存率 |", "% |", "35(某某市) |", "≥38 |", "≥40 |", "县卫健局 |", "县疾控中心 |"],
        *header,
        *["3 |", "婴儿死亡率 |", "‰ |", "3.64 |", "持续改善 |", "持续改善 |", "县卫健局 |", "县妇计中心 |"],
    )
    got = [
        (i["number"], i["name"], i["baseline"]["value"], i["baseline"]["year"], _targets(draft, i["name"]))
        for i in draft["indicators"]
    ]
    assert got == [
        ("1", "人均预期寿命", 78.2, 2021, {2025: ("numeric", ">=", 79.2), 2027: ("numeric", ">=", 80.0)}),
        ("2", "总体癌症5年生存率", 35.0, 2022, {2025: ("numeric", ">=", 38.0), 2027: ("numeric", ">=", 40.0)}),
        (
            "3",
            "婴儿死亡率",
            3.64,
            2022,
            {2025: ("directional", "decrease", None), 2027: ("directional", "decrease", None)},
        ),
    ]
    assert draft["indicators"][1]["baseline"]["raw"] == "35（某某市）"


def test_a_flattened_web_table_row_number_glued_to_the_name_and_an_emptied_unit():
    rows = [
        "居民健康素养水平()20 25 30",
        "孕产妇死亡率(1/10万)12 10 9",
        "婴儿死亡率()6 5 4.5",
        "重大慢性病过早死亡率()15 13 12",
        "人均体育场地面积(平方米)1.8 2.3 2.5",
        "城市空气质量优良天数比率()80 85 90",
        "地表水达到或好于Ⅲ类水体比例()70 75 80",
        "二级以上综合医院设老年医学科比例()50 70 90",
        "经常参加体育锻炼人数比例()37 40 42",
        "5岁以下儿童死亡率()9.5 8 7",
    ]
    draft = _parse(
        "某市健康城市建设主要指标", "序号指标名称单位2020年2025年2030年", *[f"{k}{r}" for k, r in enumerate(rows, 1)]
    )
    assert len(draft["indicators"]) == 10
    child = draft["indicators"][9]  # 105岁以下… after row 9 is row 10, 5岁以下儿童死亡率
    assert (child["number"], child["name"], child["baseline"]["value"], child["baseline"]["year"]) == (
        "10",
        "5岁以下儿童死亡率",
        9.5,
        2020,
    )
    assert _targets(draft, "5岁以下儿童死亡率") == {2025: ("numeric", "<=", 8.0), 2030: ("numeric", "<=", 7.0)}
    sport = next(i for i in draft["indicators"] if i["name"] == "人均体育场地面积")
    assert sport["unit"] == "平方米" and _targets(draft, "人均体育场地面积")[2030] == ("numeric", ">=", 2.5)


def test_a_unit_then_institutions_and_a_numbered_nature_heading():
    resp = responsibility_from_text("2.继续推进三个中心建设。（卫健委，旗危重孕产妇、危重新生儿救治中心）")
    assert (resp["lead"], resp["co"]) == (["卫健委"], ["旗危重孕产妇", "危重新生儿救治中心"])
    draft = _parse(
        "某市健康行动实施方案",
        "（十）老年健康促进行动",
        "行动目标：",
        "综合发挥政府作用，到2022年和2030年，65-74岁老年人失能发生率有所下降。主要通过以下具体目标推进落实：",
        "1. 政府约束性工作指标（2项）：",
        "（1）二级以上综合性医院设老年医学科比例分别达到65%及以上和90%及以上；",
        "2. 社会和个人倡导性指标（1项）：",
        "（1）老年健康核心信息知晓率不断提高。",
    )
    geriatric = next(i for i in draft["indicators"] if i["name"] == "二级以上综合性医院设老年医学科比例")
    assert geriatric["nature"] == "binding"
    assert _targets(draft, "二级以上综合性医院设老年医学科比例") == {
        2022: ("numeric", ">=", 65.0),
        2030: ("numeric", ">=", 90.0),
    }
    literacy = next(i for i in draft["indicators"] if i["name"] == "老年健康核心信息知晓率")
    assert literacy["nature"] == "advocacy" and set(_targets(draft, "老年健康核心信息知晓率")) == {2022, 2030}


def test_two_years_written_without_he():
    draft = _parse(
        "某市健康行动实施方案",
        "（十三）实施慢性呼吸系统疾病防治行动",
        "行动目标：到2022年2030年，70岁及以下人群慢性呼吸系统疾病死亡率下降到9/10万及以下和8.1/10万及以下。",
    )
    assert _targets(draft, "70岁及以下人群慢性呼吸系统疾病死亡率") == {
        2022: ("numeric", "<=", 9.0),
        2030: ("numeric", "<=", 8.1),
    }
