"""Rules added when set 2 of the real texts was used for fixing (issue 27, second round): each checked on a short
hand-written snippet whose expected parse was worked out by hand from the snippet itself."""

from healthaction.documents import parse_document
from healthaction.documents.departments import looks_like_department, responsibility_from_text
from healthaction.documents.normalize import normalize_line


def _parse(*lines: str) -> dict:
    return parse_document("\n".join(lines).encode("utf-8"), "plan.txt")


def _targets(draft: dict, name: str) -> dict:
    found = [i for i in draft["indicators"] if i["name"] == name]
    assert found, [i["name"] for i in draft["indicators"]]
    return {
        t["year"]: (t["kind"], t["comparator"] or t["trend"] or t["qualitative"], t["value"])
        for t in found[0]["targets"]
    }


def _tasks(draft: dict) -> list[tuple]:
    return [(t["action"], t["content"], t["lead_departments"], t["co_departments"]) for t in draft["tasks"]]


def test_a_double_spaced_cell_per_line_table():
    # every cell on its own line with a blank line after it (a web page's paragraph spacing): blank lines are no cells
    cells = [
        "某县健康行动主要指标",
        "序号",
        "指标",
        "基期水平",
        "2025年目标值",
        "2030年目标值",
        "指标性质",
        "1",
        "居民健康素养水平（%）",
        "18.5",
        "≥25",
        "≥32",
        "预期性",
        "2",
        "建立家庭医生签约服务制度",
        "实现",
        "约束性",
        "3",
        "个人定期测量血压",
        "倡导性",
    ]
    draft = _parse(*[line for cell in cells for line in (cell, "")])
    by_name = {i["name"]: i for i in draft["indicators"]}
    assert sorted(by_name) == ["个人定期测量血压", "居民健康素养水平", "建立家庭医生签约服务制度"]
    assert by_name["居民健康素养水平"]["baseline"]["value"] == 18.5
    assert _targets(draft, "居民健康素养水平") == {2025: ("numeric", ">=", 25.0), 2030: ("numeric", ">=", 32.0)}
    # a lone word where the baseline would stand is a target: a baseline is a measured state
    assert by_name["建立家庭医生签约服务制度"]["baseline"] is None
    assert _targets(draft, "建立家庭医生签约服务制度")[2025] == ("qualitative", "实现", None)
    assert by_name["建立家庭医生签约服务制度"]["nature"] == "binding"
    assert by_name["个人定期测量血压"]["nature"] == "advocacy"


def test_dash_items_after_shixian_yixia_mubiao():
    draft = _parse(
        "某市健康行动实施方案（2024—2026年）",
        "（二）总体目标",
        "到2026年，全民健康促进制度更加成熟，健康预期寿命持续提高。实现以下目标：",
        "——健康水平稳步提升。新生儿死亡率和婴儿死亡率、孕产妇死亡率分别控制在3‰、5‰和12/10万以下；"
        "老年人健康管理率维持在70%以上。人均预期寿命逐步提高，达到79岁。",
        "——健康服务更加优质。居民健康素养水平逐年提高，达到28%以上。",
        "二、主要任务",
    )
    names = [i["name"] for i in draft["indicators"]]
    # the dash item's title (健康水平稳步提升) is no indicator, nor is 实现以下目标; the opening sentence's own
    # 健康预期寿命持续提高 is a trend of that year
    assert _targets(draft, "健康预期寿命") == {2026: ("directional", "increase", None)}
    assert names == [
        "健康预期寿命",
        "新生儿死亡率",
        "婴儿死亡率",
        "孕产妇死亡率",
        "老年人健康管理率",
        "人均预期寿命",
        "居民健康素养水平",
    ]
    assert _targets(draft, "新生儿死亡率") == {2026: ("numeric", "<=", 3.0)}
    assert _targets(draft, "婴儿死亡率") == {2026: ("numeric", "<=", 5.0)}
    assert _targets(draft, "孕产妇死亡率") == {2026: ("numeric", "<=", 12.0)}
    assert _targets(draft, "老年人健康管理率") == {2026: ("numeric", ">=", 70.0)}
    # a trend then its value (逐步提高，达到79岁): the value is the target
    assert _targets(draft, "人均预期寿命") == {2026: ("numeric", ">=", 79.0)}
    assert _targets(draft, "居民健康素养水平") == {2026: ("numeric", ">=", 28.0)}


def test_a_pdf_page_with_hanging_indents_and_no_area_heading():
    # first lines indented deeper than the lines they wrap into, blank lines between; the page shows no 一、 heading
    draft = _parse(
        "2024年第2期      某委员会办公室：某省健康行动2024年工作要点",
        "",
        "                  （三）组织开展健康科普进校园活动。（省教育厅负责）",
        "",
        "                  （四）以全国科普日为载体，结合卫生健康节日，持续",
        "",
        "              推进健康科普行动。开展健康科普作品征集。（省科协、省卫生健康委、共青团省委按",
        "",
        "              职责分工负责）",
        "                  （五）举办全省职工健身运动会。（省总工会、省体育",
        "",
        "              局按职责分工负责）",
    )
    assert draft["actions"] == []
    assert _tasks(draft) == [
        (None, "组织开展健康科普进校园活动。", ["省教育厅"], []),
        (
            None,
            "以全国科普日为载体，结合卫生健康节日，持续推进健康科普行动。开展健康科普作品征集。",
            ["省科协"],
            ["省卫生健康委", "共青团省委"],
        ),
        (None, "举办全省职工健身运动会。", ["省总工会"], ["省体育局"]),
    ]


def test_youth_league_centre_is_a_department():
    assert looks_like_department("共青团中央")
    assert looks_like_department("团中央")
    assert not looks_like_department("党中央精神")


def test_a_page_run_into_one_line_is_split_at_its_numbered_items():
    body = (
        "为深入落实健康行动，制定本要点，全文如下所述，请各地结合实际认真贯彻执行并及时报送工作进展情况。"
        " 一、全方位干预健康影响因素 （一）健康知识普及行动 1.开展健康素养监测。每年完成全省监测任务，按期报送监测结果，"
        "并向社会公布本年度的监测结果与分析报告。（省卫生健康委负责） 2.建设健康科普专家库。遴选各领域专家，"
        "组织专家开展健康科普巡讲活动。（省卫生健康委牵头，省科协、省教育厅按职责分工负责） 3.推进健康科普阵地。"
        "在地铁、公交和高速公路服务区设置健康科普宣传栏，并定期更新宣传内容，确保宣传覆盖全省主要交通线路，"
        "同时在各市主要客运站和机场候机楼设置健康科普电子屏，滚动播放健康知识短片。（省交通运输厅负责）"
    )
    assert len(body) > 300
    draft = _parse("某省健康行动2024年工作要点", body)
    assert [(a["number"], a["name"]) for a in draft["actions"]] == [(1, "健康知识普及行动")]
    assert [(t["content"][:8], t["lead_departments"], t["co_departments"]) for t in draft["tasks"]] == [
        ("开展健康素养监测", ["省卫生健康委"], []),
        ("建设健康科普专家", ["省卫生健康委"], ["省科协", "省教育厅"]),
        ("推进健康科普阵地", ["省交通运输厅"], []),
    ]


def test_a_remark_after_the_department_clause_inside_its_bracket():
    found = responsibility_from_text(
        "完善健康优先发展机制。（省委组织部、省财政厅、省卫生健康委按职责分工负责。以下责任单位均包括各市人民政府，不再列出）"
    )
    assert (found["lead"], found["co"]) == (["省委组织部"], ["省财政厅", "省卫生健康委"])


def test_a_work_plan_lead_in_measures_and_a_deadline_item_are_tasks():
    draft = _parse(
        "某省健康行动2021年工作计划",
        "第一部分：整体工作安排",
        "（一）重点举措",
        "1.建立健全工作机制。",
        "2.组织开展全省培训和座谈。",
        "第二部分：各专项行动重点任务",
        "一、合理膳食行动",
        "（一）工作目标",
        "1.建立省级营养指导专家库，遴选专家100名。（2021年9月底前完成）",
    )
    assert [(a["number"], a["name"]) for a in draft["actions"]] == [(1, "合理膳食行动")]
    assert [(t["action"], t["content"]) for t in draft["tasks"]] == [
        (1, "建立省级营养指导专家库，遴选专家100名。（2021年9月底前完成）"),
        (None, "建立健全工作机制。"),
        (None, "组织开展全省培训和座谈。"),
    ]
    assert draft["indicators"] == []


def test_an_annual_plan_states_values_without_a_year_inside_a_task():
    draft = _parse(
        "2024年某区健康行动工作要点",
        "一、重点任务",
        "（一）健康知识普及行动。",
        "1.深化健康教育。举办健康教育培训班，救护能力显著提升。全区居民健康素养水平提高到27%以上，"
        "救护员取证人数达到2%。（区卫生健康局牵头，区教育局按职责分工负责）",
    )
    assert _targets(draft, "居民健康素养水平") == {2024: ("numeric", ">=", 27.0)}  # 全区 is the place, not the name
    assert _targets(draft, "救护员取证人数") == {2024: ("numeric", ">=", 2.0)}
    assert len(draft["indicators"]) == 2  # 救护能力显著提升 is work, not an indicator


def test_a_mirror_copy_with_pinyin_glosses_and_doubled_commas():
    assert (
        normalize_line("居民健康素養(yǎng)水平,,孕產(chǎn)婦死亡率,、標識(logo)")
        == "居民健康素養水平，孕產婦死亡率、標識（logo）"
    )


def test_rates_with_a_trend_in_a_narrative_paragraph():
    draft = _parse(
        "某市健康行动实施方案",
        "一、总体目标",
        "到2030年，全民健康素养水平大幅提升，健康生活方式基本普及，人均预期寿命达到80岁，新生儿死亡率、"
        "婴儿死亡率明显下降，重大慢性病过早死亡率全面下降。",
    )
    names = sorted(i["name"] for i in draft["indicators"])
    # 健康生活方式基本普及 is an aim, not an indicator
    assert names == ["人均预期寿命", "全民健康素养水平", "婴儿死亡率", "新生儿死亡率", "重大慢性病过早死亡率"]
    assert _targets(draft, "全民健康素养水平") == {2030: ("directional", "increase", None)}
    assert _targets(draft, "新生儿死亡率") == {2030: ("directional", "decrease", None)}
    assert _targets(draft, "婴儿死亡率") == {2030: ("directional", "decrease", None)}
    assert _targets(draft, "重大慢性病过早死亡率") == {2030: ("directional", "decrease", None)}
    assert _targets(draft, "人均预期寿命") == {2030: ("numeric", ">=", 80.0)}


def test_the_means_before_an_indicator_is_not_its_name():
    draft = _parse(
        "某旗2023年全民健身行动实施方案",
        "一、行动目标",
        "通过全民健身行动使城乡居民体质达标率持续提高，经常参加体育锻炼人数比例达到40%。",
        "二、工作任务",
    )
    names = sorted(i["name"] for i in draft["indicators"])
    assert names == ["城乡居民体质达标率", "经常参加体育锻炼人数比例"]
    assert _targets(draft, "城乡居民体质达标率") == {2023: ("directional", "increase", None)}
