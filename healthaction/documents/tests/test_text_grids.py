"""Text tables rebuilt as grids by the .txt reader, then read by the one grid interpretation.

The documents are written here, in the two text shapes of the seeds: one cell per line (a tab opens a
cell; wrapped cells, blank layout lines, a 领域 cell, a repeated header), and tab rows whose cells are
shifted (a lost leading empty cell, a split cell adding one). Figures are the national 健康中国行动
(2019—2030年) main indicators (baseline 2017: 居民健康素养水平 14.18%, 婴儿死亡率 6.8‰, 个人卫生支出占
卫生总费用的比重 28.8%; targets for 2022 and 2030). Every expected value below is worked by hand from
the text in this file.
"""

from healthaction.documents import parse_document
from healthaction.documents.readers.text import text_document
from healthaction.documents.tests.seeds import indicator, targets

T = "\t"

# One cell per line, as a PDF copy writes it (see the Naiman and Yunfu seeds).
CELL_LINES = [
    "健康示范市行动实施方案",  # 0
    "一、主要指标",  # 1
    T + "领域",  # 2   header: 6 cells
    T + "序号",  # 3
    T + "指标",  # 4
    T + "基期水平（2017年）",  # 5
    T + "2022年",  # 6
    "",  # 7
    "目标值",  # 8   the wrapped rest of the 2022年 header cell
    T + "2030年目标值",  # 9
    T + "指标性质",  # 10
    "",  # 11
    T + "健 康 知 识 普 及 行 动",  # 12  the 领域 cell, merged down in the source
    T + "结果性指标",  # 13  a group row
    "",  # 14
    T,  # 15  the empty 领域 position of row 1
    T,  # 16  a cell whose text follows on the next lines
    "",  # 17
    "1",  # 18
    T + "居民健康素养水平（%）",  # 19
    T + "14.18",  # 20
    T + "≥22",  # 21
    T + "≥30",  # 22
    T + "预期性",  # 23
    "",  # 24
    T,  # 25
    T + "说明：健康素养是指个人获得和理解基本健康信息和服务，",  # 26  a note row, wrapped
    "并运用其维护和促进自身健康的能力。",  # 27
    T + "政府工作指标",  # 28  a group row
    T + " 2",  # 29  a serial cell with a space before it
    T + "个人卫生支出占卫生总",  # 30
    "费用的比重（%）",  # 31  wrapped name cell
    T + "28.8",  # 32
    T + "27.5",  # 33
    T + "25",  # 34
    T + "约束性",  # 35
    "",  # 36
    T + "领域",  # 37  the header repeated after a page break
    T + "序号",  # 38
    T + "指标",  # 39
    T + "基期水平（2017年）",  # 40
    T + "2022年目标值",  # 41
    T + "2030年目标值",  # 42
    T + "指标性质",  # 43
    T + "3",  # 44
    T + "建立并完善健康科普专家库和资源库，构建健康科普知识发布和传播机制",  # 45
    T + "—",  # 46
    T + "实现",  # 47  one target cell merged over both years
    T + "约束性",  # 48
    T + "4",  # 49
    T + "婴儿死亡率（‰）",  # 50
    T + "≤7.5",  # 51  no baseline cell: the first value carries a comparator
    T + "≤5",  # 52
    T + "预期性",  # 53
    "",  # 54
    "",  # 55
    "二、主要任务",  # 56
    "（一）实施健康知识普及行动。",  # 57
]


def test_one_cell_per_line_table_becomes_a_grid_with_the_headers_width():
    [table] = text_document(CELL_LINES).tables
    assert table.source == "cells" and table.width == 7
    domain = "健 康 知 识 普 及 行 动"
    assert table.rows == [
        ["领域", "序号", "指标", "基期水平（2017年）", "2022年目标值", "2030年目标值", "指标性质"],
        ["结果性指标"] * 7,
        [domain, "1", "居民健康素养水平（%）", "14.18", "≥22", "≥30", "预期性"],
        ["说明：健康素养是指个人获得和理解基本健康信息和服务，并运用其维护和促进自身健康的能力。"] * 7,
        ["政府工作指标"] * 7,
        [domain, "2", "个人卫生支出占卫生总费用的比重（%）", "28.8", "27.5", "25", "约束性"],
        [
            domain,
            "3",
            "建立并完善健康科普专家库和资源库，构建健康科普知识发布和传播机制",
            "—",
            "实现",
            "实现",
            "约束性",
        ],
        [domain, "4", "婴儿死亡率（‰）", "", "≤7.5", "≤5", "预期性"],
    ]


def test_one_cell_per_line_grid_merges_and_lines():
    table = text_document(CELL_LINES).tables[0]
    # the 领域 cell is one cell merged down over the data rows (2, 5, 6, 7)
    assert [table.origin[r][0] for r in (2, 5, 6, 7)] == [(2, 0)] * 4
    assert table.merged_down(6, 0) and not table.merged_down(6, 1)
    # row 6: the one target cell 实现 spans both target years; row 7: no baseline, its targets in their columns
    assert table.merged_across(6, 4, 5) and not table.merged_across(7, 4, 5)
    assert table.full_width(1) and table.full_width(3) and not table.full_width(2)
    # each row's first and last line (0-based): from the line that opens its first cell to its nature cell
    assert table.row_lines == [2, 13, 16, 26, 28, 29, 44, 49]
    assert table.row_ends == [10, 13, 23, 27, 28, 35, 48, 53]


def test_one_cell_per_line_indicators_field_by_field():
    draft = parse_document("\n".join(CELL_LINES).encode("utf-8"), "plan.txt")
    assert [i["name"] for i in draft["indicators"]] == [
        "居民健康素养水平",
        "个人卫生支出占卫生总费用的比重",
        "建立并完善健康科普专家库和资源库，构建健康科普知识发布和传播机制",
        "婴儿死亡率",
    ]
    literacy = indicator(draft, "居民健康素养水平")
    assert literacy["unit"] == "%" and literacy["nature"] == "expected" and literacy["group"] == "outcome"
    assert literacy["baseline"] == {"value": 14.18, "qualitative": "", "raw": "14.18", "year": 2017}
    assert targets(literacy) == {2022: ("numeric", ">=", 22.0), 2030: ("numeric", ">=", 30.0)}
    assert literacy["definition"] == "健康素养是指个人获得和理解基本健康信息和服务，并运用其维护和促进自身健康的能力。"
    assert literacy["source"]["lines"] == [17, 24]  # 1-based: the 序号 cell's tab line to 预期性

    spending = indicator(draft, "个人卫生支出占卫生总费用的比重")
    assert literacy["number"] == "1.1" and literacy["action"] == 1
    assert spending["number"] == "1.2" and spending["nature"] == "binding" and spending["group"] == "government"
    assert spending["baseline"]["value"] == 28.8 and spending["baseline"]["year"] == 2017
    # bare figures below a baseline of 28.8: a falling indicator, so each is a ceiling
    assert targets(spending) == {2022: ("numeric", "<=", 27.5), 2030: ("numeric", "<=", 25.0)}

    experts = indicator(draft, "建立并完善健康科普专家库和资源库，构建健康科普知识发布和传播机制")
    assert experts["nature"] == "binding" and experts["baseline"] is None
    assert [(t["year"], t["kind"], t["raw"]) for t in experts["targets"]] == [
        (2022, "qualitative", "实现"),
        (2030, "qualitative", "实现"),
    ]

    infant = indicator(draft, "婴儿死亡率")
    assert infant["unit"] == "‰" and infant["baseline"] is None and infant["nature"] == "expected"
    assert targets(infant) == {2022: ("numeric", "<=", 7.5), 2030: ("numeric", "<=", 5.0)}
    # the repeated header and the group rows are not read as indicators, and nothing is left unplaced
    assert not [w for w in draft["warnings"] if w["kind"] == "unplaced"]


# Tab rows of a task decomposition table, shifted the way the Tai'an seed's copy is.
HEADER = T.join(["序号", "基本内容", "具体任务", "推进措施", "工作计划", "工作推进", "牵头部门", "责任部门"])
DUE = "每年6月15日前上报工作进展"
TASK_LINES = [
    "健康示范市行动工作任务分解表",  # 0
    "",  # 1
    HEADER,  # 2
    # 3: an action in the serial cell, a target sentence in 基本内容, every cell in place
    T.join(
        [
            "1. 开展健康知识普及行动。",
            "到2022年，全市居民健康素养水平不低于22%。",
            "建立健康科普专家库",
            "组建市级专家库",
            "年内建成",
            DUE,
            "市卫生健康委",
            "市卫生健康委、市科协",
        ]
    ),
    # 4: in place; 具体任务 empty (merged down from row 3 in the source)
    T.join(["", "", "", "遴选推介健康科普读物", "每年推介一批", DUE, "市委宣传部", "市委宣传部、各县市区"]),
    # 5: a leading empty cell lost: the schedule sits one column left of its place
    T.join(["", "", "推进医疗机构开展健康教育", "纳入绩效考核", DUE, "市卫生健康委", "市卫生健康委、各县市区"]),
    "",  # 6: a page break
    HEADER,  # 7: the header repeated
    # 8: a split 工作计划 cell adds one cell: the schedule sits one column right of its place
    T.join(["", "", "办好健康科普栏目", "开设电视栏目", "每周播出", "开设广播栏目", DUE, "市广播电视台", ""]),
    # 9: the rest of a split cell, alone on its line
    T.join(["", "", "", "每月更新网站专栏", "", "", "", ""]),
    # 10: a second action; no schedule, the departments at the end of a short row
    T.join(["2. 实施合理膳食行动。", "", "开展营养健康宣传", "举办合理膳食讲座", "", "", "", "市卫生健康委、市教育局"]),
]


def test_shifted_task_rows_are_put_back_in_their_columns():
    [table] = text_document(TASK_LINES).tables
    assert table.source == "tabs" and table.width == 8
    assert table.rows[0] == HEADER.split(T)
    assert table.rows[3] == [
        "",
        "",
        "",
        "推进医疗机构开展健康教育",
        "纳入绩效考核",
        DUE,
        "市卫生健康委",
        "市卫生健康委、各县市区",
    ]
    assert table.rows[4] == HEADER.split(T)
    assert table.rows[5] == [
        "",
        "",
        "办好健康科普栏目",
        "开设电视栏目",
        "每周播出开设广播栏目",
        DUE,
        "市广播电视台",
        "",
    ]
    assert table.rows[6] == ["", "", "", "每月更新网站专栏", "", "", "", ""]
    assert table.rows[7] == [
        "2. 实施合理膳食行动。",
        "",
        "开展营养健康宣传",
        "举办合理膳食讲座",
        "",
        "",
        "",
        "市卫生健康委、市教育局",
    ]
    assert table.row_lines == [2, 3, 4, 5, 7, 8, 9, 10]


def test_shifted_task_table_tasks_field_by_field():
    draft = parse_document("\n".join(TASK_LINES).encode("utf-8"), "tasks.txt")
    assert [(a["number"], a["name"]) for a in draft["actions"]] == [(1, "健康知识普及行动"), (2, "合理膳食行动")]
    got = [
        (t["number"], t["content"], t["measures"], t["deliverables"], t["lead_departments"], t["co_departments"])
        for t in draft["tasks"]
    ]
    assert got == [
        ("1.1", "建立健康科普专家库", "组建市级专家库", "年内建成", ["市卫生健康委"], ["市科协"]),
        ("1.2", "建立健康科普专家库", "遴选推介健康科普读物", "每年推介一批", ["市委宣传部"], []),
        ("1.3", "建立健康科普专家库", "推进医疗机构开展健康教育", "纳入绩效考核", ["市卫生健康委"], []),
        ("1.4", "办好健康科普栏目", "开设电视栏目", "每周播出开设广播栏目", ["市广播电视台"], []),
        ("2.1", "开展营养健康宣传", "举办合理膳食讲座", "", ["市卫生健康委"], ["市教育局"]),
    ]
    assert [t["all_lower_units"] for t in draft["tasks"]] == [False, True, True, False, False]
    # the split cell's rest is not a task: a warning names it
    fragment = [w for w in draft["warnings"] if w["line"] == 10]
    assert [(w["kind"], w["message"]) for w in fragment] == [("unplaced", "任务表中无法归类的整行文字")]
    # the target sentence in 基本内容 becomes an indicator of action 1
    literacy = indicator(draft, "居民健康素养水平")  # the sentence names it with 全市 before it
    assert literacy["action"] == 1 and targets(literacy) == {2022: ("numeric", ">=", 22.0)}


# A task table written one cell per line: a lone tab is an empty cell, action rows stand between the rows.
TASK_CELL_LINES = [
    "健康示范县行动重点任务分工",  # 0
    T + "序号",  # 1
    T + "重点任务",  # 2
    T + "牵头单位",  # 3
    T + "配合单位",  # 4
    T + "完成时限",  # 5
    "",  # 6
    T + "（一）健康知识普及行动",  # 7
    T + "1",  # 8
    T + "建立健康科普专家库",  # 9
    T + "县卫生健康局",  # 10
    T + "县科协、",  # 11
    "县科技局",  # 12  the wrapped rest of the 配合单位 cell
    T + "2025年底",  # 13
    "",  # 14
    T + "2",  # 15
    T + "开展健康科普进社区活动",  # 16
    T + "县卫生健康局",  # 17
    T,  # 18  no 配合单位
    T + "长期",  # 19
    "",  # 20
    T + "（二）合理膳食行动",  # 21
    T + "3",  # 22
    T + "开展减盐减油减糖宣传",  # 23
    T + "县卫生健康局",  # 24
    T + "县市场监管局",  # 25
    T + "2025年底",  # 26
    "",  # 27
    "三、保障措施",  # 28
]


def test_one_cell_per_line_task_table_rows_start_at_serial_numbers():
    [table] = text_document(TASK_CELL_LINES).tables
    assert table.width == 5
    assert table.rows == [
        ["序号", "重点任务", "牵头单位", "配合单位", "完成时限"],
        ["（一）健康知识普及行动"] * 5,
        ["1", "建立健康科普专家库", "县卫生健康局", "县科协、县科技局", "2025年底"],
        ["2", "开展健康科普进社区活动", "县卫生健康局", "", "长期"],
        ["（二）合理膳食行动"] * 5,
        ["3", "开展减盐减油减糖宣传", "县卫生健康局", "县市场监管局", "2025年底"],
    ]
    assert table.row_lines == [1, 7, 8, 15, 21, 22] and table.row_ends == [5, 7, 13, 19, 21, 26]
    draft = parse_document("\n".join(TASK_CELL_LINES).encode("utf-8"), "tasks.txt")
    assert [(a["number"], a["name"]) for a in draft["actions"]] == [(1, "健康知识普及行动"), (2, "合理膳食行动")]
    assert [
        (t["number"], t["content"], t["lead_departments"], t["co_departments"], t["deadline"]) for t in draft["tasks"]
    ] == [
        ("1.1", "建立健康科普专家库", ["县卫生健康局"], ["县科协", "县科技局"], "2025年底"),
        ("1.2", "开展健康科普进社区活动", ["县卫生健康局"], [], "长期"),
        ("2.1", "开展减盐减油减糖宣传", ["县卫生健康局"], ["县市场监管局"], "2025年底"),
    ]
    assert draft["warnings"] == []


def test_page_furniture_between_rows_is_layout_not_a_cell():
    # a PDF copy leaves the page number and 续表 between rows: inserted after 约束性 (line 35) and before
    # the repeated header (line 37)
    lines = CELL_LINES[:36] + ["- 2 -", "", "续表"] + CELL_LINES[36:]
    [table] = text_document(lines).tables
    assert len(table.rows) == 8
    assert table.rows[5][1:] == ["2", "个人卫生支出占卫生总费用的比重（%）", "28.8", "27.5", "25", "约束性"]
    assert table.rows[6][1:5] == ["3", "建立并完善健康科普专家库和资源库，构建健康科普知识发布和传播机制", "—", "实现"]
    # in a tab run: a page number alone on its line at the page break
    tasks = TASK_LINES[:7] + ["- 2 -"] + TASK_LINES[7:]
    [table] = text_document(tasks).tables
    assert len(table.rows) == 8 and table.rows[4] == HEADER.split(T)
    assert table.row_lines == [2, 3, 4, 5, 8, 9, 10, 11]
