"""Rules that make a text copy of a Word document read as the document does (issue 27, four copies): each checked
on a short hand-written copy whose expected parse was worked out by hand."""

from healthaction.documents import parse_document
from healthaction.documents.readers.text import text_document


def _parse(*lines: str) -> dict:
    return parse_document("\n".join(lines).encode("utf-8"), "plan.txt")


def test_an_empty_lead_cell_in_words_plain_text_is_the_lead_above():
    draft = _parse(
        "附件：重点任务分工表",
        "序号\t重点任务\t牵头单位\t配合单位",
        "一、全民健身行动\t\t\t",
        "1\t新建健身步道10公里\t县体育局\t县住建局",
        "2\t举办全民健身运动会\t\t县教育局、县总工会",
        "二、控烟行动\t\t\t",
        "3\t创建无烟机关\t\t县卫生健康局",
    )
    tasks = [(t["content"], t["lead_departments"], t["co_departments"]) for t in draft["tasks"]]
    assert tasks == [
        ("新建健身步道10公里", ["县体育局"], ["县住建局"]),
        ("举办全民健身运动会", ["县体育局"], ["县教育局", "县总工会"]),  # the lead cell was merged down
        # a new action: 县体育局 is not carried over the action row (its one named unit leads, as in any row without a
        # lead)
        ("创建无烟机关", ["县卫生健康局"], []),
    ]


def test_a_target_left_of_empty_year_cells_in_a_tab_copy_covers_them():
    draft = _parse(
        "一、主要指标",
        "序号\t指标\t基线\t2025年目标值\t2030年目标值\t属性",
        "1\t农村自来水普及率（%）\t88\t≥90\t\t约束性",
        "2\t人均预期寿命（岁）\t78\t79\t80\t预期性",
    )
    water = next(i for i in draft["indicators"] if i["name"] == "农村自来水普及率")
    assert [(t["year"], t["comparator"], t["value"]) for t in water["targets"]] == [
        (2025, ">=", 90.0),
        (2030, ">=", 90.0),
    ]


def test_a_title_over_the_same_header_starts_another_tab_table():
    document = text_document(
        [
            "（一）全民健身行动",
            "序号\t工作任务\t牵头单位",
            "1\t健身设施建设\t县体育局",
            "（二）控烟行动",
            "序号\t工作任务\t牵头单位",
            "1\t无烟环境建设\t县直机关工委",
        ]
    )
    tables = document.tables
    assert [t.rows for t in tables] == [
        [["序号", "工作任务", "牵头单位"], ["1", "健身设施建设", "县体育局"]],
        [["序号", "工作任务", "牵头单位"], ["1", "无烟环境建设", "县直机关工委"]],
    ]


def test_a_two_up_header_saved_one_cell_per_line():
    lines = ["主要指标", "序号", "指标", "2025年目标值", "序号", "指标", "2025年目标值"]
    lines += ["1", "居民健康素养水平", "≥30%", "3", "婴儿死亡率", "≤4‰", "2", "经常参加体育锻炼人数比例", "≥40%"]
    lines += ["4", "孕产妇死亡率", "≤10/10万"]
    draft = _parse(*lines)
    found = {i["name"]: [(t["year"], t["comparator"], t["value"]) for t in i["targets"]] for i in draft["indicators"]}
    assert found == {
        "居民健康素养水平": [(2025, ">=", 30.0)],
        "经常参加体育锻炼人数比例": [(2025, ">=", 40.0)],
        "婴儿死亡率": [(2025, "<=", 4.0)],
        "孕产妇死亡率": [(2025, "<=", 10.0)],
    }


def test_a_second_cell_per_line_table_opening_with_an_action_row_goes_on_at_its_serial():
    lines = ["序号", "指标名称", "基期水平", "2030年目标值", "指标性质", "（五）心理健康促进行动"]
    lines += ["11", "居民心理健康素养水平", "12%", "30%", "预期性"]
    draft = _parse(*lines)
    literacy = next(i for i in draft["indicators"] if i["name"] == "居民心理健康素养水平")
    assert literacy["baseline"]["value"] == 12.0
    assert [(t["year"], t["value"]) for t in literacy["targets"]] == [(2030, 30.0)]
