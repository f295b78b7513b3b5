"""Tables saved as plain text one cell per line without tabs (readers/cell_lines.py), written here by hand as
Word's "save as text" writes them: a blank line for an empty or merged-down cell, a cell merged across once."""

from healthaction.documents import parse_document
from healthaction.documents.readers.text import text_document
from healthaction.documents.tests.seeds import indicator, targets

SAVED_AS_TEXT = """健康示例县行动实施方案
一、主要指标
序号
指标名称
基线（2019年）
目标值
性质



2022年
2030年

（一）健康知识普及行动
1
居民健康素养水平（%）
19.2
≥22
≥30
约束性
2
建立并完善健康科普专家库和资源库
—
实现
约束性
（二）妇幼健康促进行动
3
婴儿死亡率（‰）
5.6
≤7.5
≤5
约束性
二、重点任务
序号
重点任务
牵头单位
配合单位
1
举办健康科普讲座不少于20场
县卫生健康局
县科协
2
开展健康素养监测


三、保障措施
加强组织领导。
"""


def test_the_grid_is_rebuilt_with_the_two_row_header_in_one_row():
    document = text_document(SAVED_AS_TEXT.split("\n"))
    indicators, tasks = document.tables
    assert indicators.rows[0] == ["序号", "指标名称", "基线（2019年）", "2022年目标值", "2030年目标值", "性质"]
    assert indicators.rows[1] == ["（一）健康知识普及行动"] * 6 and indicators.full_width(1)
    assert indicators.rows[2] == ["1", "居民健康素养水平（%）", "19.2", "≥22", "≥30", "约束性"]
    # 实现 was one cell merged over both years
    assert indicators.rows[3] == ["2", "建立并完善健康科普专家库和资源库", "—", "实现", "实现", "约束性"]
    assert indicators.row_lines[2] == 14  # the line of its serial number (0-based)
    # the blank lead cell of row 2 was merged down from row 1; its co cell is empty
    assert tasks.rows[2] == ["2", "开展健康素养监测", "县卫生健康局", ""]


def test_the_plan_read_from_it_field_by_field():
    draft = parse_document(SAVED_AS_TEXT.encode(), "plan.txt")
    literacy = indicator(draft, "居民健康素养水平")
    assert literacy["baseline"]["value"] == 19.2 and literacy["baseline"]["year"] == 2019
    assert targets(literacy) == {2022: ("numeric", ">=", 22.0), 2030: ("numeric", ">=", 30.0)}
    assert literacy["nature"] == "binding" and literacy["unit"] == "%"
    library = indicator(draft, "建立并完善健康科普专家库和资源库")
    assert [t["kind"] for t in library["targets"]] == ["qualitative", "qualitative"]
    infant = indicator(draft, "婴儿死亡率")
    assert targets(infant) == {2022: ("numeric", "<=", 7.5), 2030: ("numeric", "<=", 5.0)}
    assert [a["name"] for a in draft["actions"]][:2] == ["健康知识普及行动", "妇幼健康促进行动"]
    talks, survey = draft["tasks"][:2]
    assert talks["content"] == "举办健康科普讲座不少于20场"
    assert talks["lead_departments"] == ["县卫生健康局"] and talks["co_departments"] == ["县科协"]
    assert survey["lead_departments"] == ["县卫生健康局"] and survey["co_departments"] == []
    # the table's lines are not read again as prose
    assert len([i for i in draft["indicators"] if i["name"] == "居民健康素养水平"]) == 1
