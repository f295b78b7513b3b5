"""The rules added after the blind round (builders_blind): each checked on a hand-written line with the value read
from the line by hand."""

from healthaction.documents.departments import clean_name, responsibility_from_text
from healthaction.documents.normalize import normalize_line
from healthaction.documents.pipeline import join_soft_wraps
from healthaction.documents.prose import find_actions, targets_in_paragraph
from healthaction.documents.readers.pdf import _next_item
from healthaction.documents.readers.text import text_document
from healthaction.documents.targets import parse_target


def test_a_full_width_tilde_stays_a_range_mark_and_about_is_equal():
    assert normalize_line("7～8小时") == "7～8小时"
    target = parse_target(normalize_line("7～8小时"))
    assert (target["comparator"], target["value"], target["upper_value"]) == ("range", 7.0, 8.0)
    target = parse_target(normalize_line("7~8"))
    assert (target["comparator"], target["value"], target["upper_value"]) == ("range", 7.0, 8.0)
    target = parse_target("30%左右")
    assert (target["comparator"], target["value"]) == ("=", 30.0)


def test_led_by_clauses_inside_and_closing_a_task():
    inside = responsibility_from_text(
        "建设全民健身场地设施。由市体育局牵头，市住房城乡建设局、市自然资源和规划局配合，到2025年实现全覆盖。"
    )
    assert inside["lead"] == ["市体育局"]
    assert inside["co"] == ["市住房城乡建设局", "市自然资源和规划局"]
    closing = responsibility_from_text("完善出生缺陷综合防治体系。由市卫生健康委牵头，市财政局配合。")
    assert (closing["lead"], closing["co"]) == (["市卫生健康委"], ["市财政局"])


def test_a_name_keeps_its_own_bracket():
    assert clean_name("各镇（街道）") == "各镇（街道）"
    assert clean_name("（市教育局") == "市教育局"
    assert clean_name("市体育局）") == "市体育局"


def test_one_indicator_sentence_with_its_state_year_and_nature_remark():
    text = normalize_line("农村自来水普及率：2020年为85%，到2025年达到90%，到2030年实现全覆盖。（约束性）")
    found = targets_in_paragraph(text, 0, [2025, 2030])
    assert [item.name for item in found] == ["农村自来水普及率", "农村自来水普及率"]
    assert found[0].baseline["value"] == 85.0 and found[0].baseline["year"] == 2020
    assert (found[0].targets[0]["year"], found[0].targets[0]["comparator"], found[0].targets[0]["value"]) == (
        2025,
        ">=",
        90.0,
    )
    assert (found[1].targets[0]["year"], found[1].targets[0]["kind"]) == (2030, "qualitative")
    assert {item.nature for item in found} == {"binding"}


def test_a_pdf_line_opening_the_next_item_number_is_not_joined():
    assert _next_item(
        "4．完善全民健身公共服务体系。责任单位：县文化旅游体育局、县自然资源局", "5．推动学校体育场馆开放"
    )
    assert _next_item("（1）加强健康教育", "（2）推进控烟")
    assert not _next_item("4．完善全民健身公共服务体系，新建", "6．推动学校体育场馆开放")
    assert not _next_item("完善全民健身公共服务体系", "5．推动")


def test_a_web_copy_broken_inside_paragraphs_is_joined_on_the_first_line():
    original = [
        "　　一、主要目标",
        "　　1．婴儿死亡率：到2025年控制",
        "在5‰以下。",
        "　　2．孕产妇死亡率：到2025年控制在14/10万以下。",
        "3．经常参加体育锻炼人数比例达到38%。",
    ]
    lines = [normalize_line(line) for line in original]
    join_soft_wraps(original, lines, set(range(len(lines))))
    assert lines[1].strip() == normalize_line("1．婴儿死亡率：到2025年控制在5‰以下。")
    assert lines[2] == ""
    assert lines[4] == normalize_line(original[4])  # a numbered line after a closed sentence opens its own item


def test_a_gap_in_the_action_numbering_is_filled_by_a_heading_that_is_not_an_action():
    lines = [
        "（一）实施健康知识普及行动。建立科普网络。（县卫生健康局牵头）",
        "（二）实施农村饮水安全巩固提升工程。（县水利局牵头）",
        "（三）实施控烟行动。建设无烟机关。（县卫生健康局牵头）",
    ]
    actions = find_actions(lines)
    assert [(a.number, a.line) for a in actions] == [(1, 0), (2, 1), (3, 2)]


def test_a_saved_as_text_table_with_its_domain_column_first():
    lines = [
        "领域",
        "序号",
        "指标",
        "基期水平",
        "2025年目标值",
        "指标性质",
        "结果性指标",
        "1",
        "婴儿死亡率（‰）",
        "4.9",
    ]
    lines += ["≤6", "预期性", "", "2", "孕产妇死亡率（1/10万）", "12.1", "≤12", "预期性"]
    table = text_document(lines).tables[0]
    assert table.rows[0] == ["领域", "序号", "指标", "基期水平", "2025年目标值", "指标性质"]
    assert table.rows[1] == ["结果性指标", "1", "婴儿死亡率（‰）", "4.9", "≤6", "预期性"]
    assert table.rows[2][1:] == ["2", "孕产妇死亡率（1/10万）", "12.1", "≤12", "预期性"]


def test_a_saved_as_text_task_table_row_with_its_first_cells_merged_down():
    lines = ["序号", "工作任务", "具体措施", "牵头单位", "责任单位", "完成时限"]
    lines += ["1", "全民健身", "新建健身路径20条", "区体育局", "区住建局", "10月底"]
    lines += ["", "", "举办全民健身运动会", "", "区教育局、区总工会", "9月底"]
    lines += ["2", "控烟", "开展无烟机关复评", "区直机关工委", "区卫生健康委", "12月底"]
    table = text_document(lines).tables[0]
    assert table.rows[2] == ["1", "全民健身", "举办全民健身运动会", "区体育局", "区教育局、区总工会", "9月底"]
    assert table.rows[3][:2] == ["2", "控烟"]
