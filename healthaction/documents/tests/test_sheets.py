"""Workbooks (.xlsx, .xls, .ods) read through the same grid interpretation as Word tables, merged cells included.

The table is the county plan's indicator table of builders.county_docx, pasted into a sheet as an office would:
类别/序号/… merged over the two header rows, 目标值 merged across 2025年 and 2030年, full-width group and 说明 rows,
农村自来水普及率's ≥90 merged across both target years. The expected values are read off that table.
"""

import io

import pytest
from openpyxl import Workbook

from healthaction.documents import DocumentError, parse_document
from healthaction.documents.readers import read_document
from healthaction.documents.tests import builders

HEAD = [
    ["类别", "序号", "考核指标", "单位", "现状值（2020年）", "目标值", "目标值", "指标属性"],
    ["类别", "序号", "考核指标", "单位", "现状值（2020年）", "2025年", "2030年", "指标属性"],
]
ROWS = [
    ["结果性指标"],
    ["健康水平", "1", "人均预期寿命", "岁", 78.2, 79, 80, "预期性"],
    ["健康水平", "2", "婴儿死亡率", "‰", 4.1, "≤4.5", "≤4", "约束性"],
    ["健康水平", "3", "孕产妇死亡率", "1/10万", 12.5, "≤12", "≤10", "约束性"],
    ["说明：孕产妇死亡率按三年平均值计算。"],
    ["健康生活", "4", "居民健康素养水平", "%", 21.3, "≥25", "≥32", "预期性"],
    ["健康生活", "5", "15岁以上人群吸烟率", "%", 24.1, "<23", "<20", "预期性"],
    ["政府工作指标"],
    ["健康服务", "6", "每千常住人口执业（助理）医师数", "人", 2.6, 3.0, 3.3, "预期性"],
    ["健康服务", "7", "农村自来水普及率", "%", 88, "≥90", None, "约束性"],
]
# (name, baseline value, {year: (comparator, value)}, nature), read off the table above; a bare number in a target
# column is a floor (≥), as the hand transcription of the same table in Word records it (fixtures/unseen_county.json)
EXPECTED = {
    "人均预期寿命": (78.2, {2025: (">=", 79.0), 2030: (">=", 80.0)}, "expected"),
    "婴儿死亡率": (4.1, {2025: ("<=", 4.5), 2030: ("<=", 4.0)}, "binding"),
    "孕产妇死亡率": (12.5, {2025: ("<=", 12.0), 2030: ("<=", 10.0)}, "binding"),
    "居民健康素养水平": (21.3, {2025: (">=", 25.0), 2030: (">=", 32.0)}, "expected"),
    "15岁以上人群吸烟率": (24.1, {2025: ("<", 23.0), 2030: ("<", 20.0)}, "expected"),
    "每千常住人口执业（助理）医师数": (2.6, {2025: (">=", 3.0), 2030: (">=", 3.3)}, "expected"),
    "农村自来水普及率": (88.0, {2025: (">=", 90.0), 2030: (">=", 90.0)}, "binding"),
}


def county_xlsx() -> bytes:
    """The table in a workbook, with the merges a person makes in Excel."""
    wb = Workbook()
    ws = wb.active
    ws.title = "主要指标"
    ws.append(["青山县健康行动主要指标"])
    ws.merge_cells("A1:H1")
    for row in HEAD:
        ws.append(row)
    for c in (1, 2, 3, 4, 5, 8):  # the columns whose two header cells say the same: merged down
        ws.merge_cells(start_row=2, start_column=c, end_row=3, end_column=c)
    ws.merge_cells("F2:G2")
    for k, row in enumerate(ROWS, start=4):
        if len(row) == 1:
            ws.append(row)
            ws.merge_cells(start_row=k, start_column=1, end_row=k, end_column=8)
        else:
            ws.append(row)
            if None in row:
                c = row.index(None) + 1
                ws.merge_cells(start_row=k, start_column=c - 1, end_row=k, end_column=c)
    # 类别 merged down over each group's rows, as in the document
    ws.merge_cells("A5:A7")
    ws.merge_cells("A9:A10")
    ws.merge_cells("A12:A13")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _indicators(draft: dict) -> dict:
    out = {}
    for ind in draft["indicators"]:
        targets = {t["year"]: (t["comparator"] or "=", t["value"]) for t in ind["targets"]}
        out[ind["name"]] = ((ind.get("baseline") or {}).get("value"), targets, ind.get("nature"))
    return out


def test_an_xlsx_table_reads_its_rows_with_merged_cells():
    data = county_xlsx()
    model = read_document(data, "指标.xlsx").document
    table = model.tables[0]
    assert table.source == "sheet"
    assert [b.text for b in model.blocks[:2]] == ["主要指标", "青山县健康行动主要指标"]  # sheet name, title line
    assert table.rows[0][:3] == ["类别", "序号", "考核指标"] and table.rows[1][5:7] == ["2025年", "2030年"]
    assert table.rows[0][5] == table.rows[0][6] == "目标值" and table.merged_across(0, 5, 6)
    assert table.rows[4][:3] == ["健康水平", "2", "婴儿死亡率"] and table.merged_down(4, 0)
    assert table.rows[11][5:7] == ["≥90", "≥90"]  # merged across both target years
    assert table.rows[3][4] == "78.2" and table.rows[10][5] == "3"  # numbers as a person reads them
    assert _indicators(parse_document(data, "指标.xlsx")) == EXPECTED


def test_the_same_table_as_ods_and_xls_reads_the_same_rows():
    xlsx = county_xlsx()
    builders.soffice()
    for ext in ("ods", "xls"):
        try:
            data = builders.convert(xlsx, "xlsx", ext)
        except Exception as exc:  # LibreOffice without Calc cannot open a workbook
            pytest.skip(f"LibreOffice could not convert .xlsx to .{ext} (is libreoffice-calc installed?): {exc}")
        model = read_document(data, f"指标.{ext}").document
        assert model.tables[0].rows == read_document(xlsx, "指标.xlsx").document.tables[0].rows, ext
        assert model.tables[0].origin[11][5] == model.tables[0].origin[11][6], ext  # the merge survived
        assert _indicators(parse_document(data, f"指标.{ext}")) == EXPECTED, ext


def test_an_et_file_is_read_like_the_workbook_inside():
    """WPS's .et is an .xls or .xlsx inside; the reader goes by the content."""
    assert _indicators(parse_document(county_xlsx(), "指标.et")) == EXPECTED


def test_every_sheet_is_read():
    wb = Workbook()
    wb.active.title = "说明"
    wb.active.append(["本表由县卫生健康局填报。"])
    tasks = wb.create_sheet("任务分解表")
    tasks.append(["序号", "重点任务", "牵头单位", "配合单位", "完成时限"])
    tasks.append(["1", "建立县级健康科普专家库", "县卫生健康局", "县融媒体中心、县科协", "2023年底"])
    tasks.append(["2", "加强烟草广告监管", "县市场监管局", "", "长期坚持"])
    buf = io.BytesIO()
    wb.save(buf)
    model = read_document(buf.getvalue(), "分解.xlsx").document
    assert [b.text for b in model.blocks[:2]] == ["说明", "本表由县卫生健康局填报。"]  # a one-cell sheet is a line
    assert [t.rows[0][0] for t in model.tables] == ["序号"]
    draft = parse_document(buf.getvalue(), "分解.xlsx")
    tasks = {t["content"]: t for t in draft["tasks"]}
    assert set(tasks) == {"建立县级健康科普专家库", "加强烟草广告监管"}
    first = tasks["建立县级健康科普专家库"]
    assert first["lead_departments"] == ["县卫生健康局"] and first["co_departments"] == ["县融媒体中心", "县科协"]
    assert first["deadline"] == "2023年底"


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"not a workbook at all", "plan.xlsx", "无法读取电子表格“plan.xlsx”"),
        (b"PK\x03\x04broken", "plan.ods", "不是完整的电子表格"),
        (b"", "plan.xls", "是空的"),
    ],
)
def test_a_broken_workbook_is_refused_with_a_reason(data, name, message):
    with pytest.raises(DocumentError, match=message):
        parse_document(data, name)


def test_an_empty_workbook_is_refused():
    buf = io.BytesIO()
    Workbook().save(buf)
    with pytest.raises(DocumentError, match="电子表格“空.xlsx”没有内容"):
        parse_document(buf.getvalue(), "空.xlsx")
