"""core.xlsx.read_sheets, the one reader of uploaded workbooks: cells as openpyxl gave them, refusals in Chinese."""

import datetime as dt
import io
import zipfile

import pytest
from django.utils import translation
from openpyxl import Workbook

from healthaction.core import limits
from healthaction.core.xlsx import WorkbookUnreadable, read_sheets


def _workbook() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "指标数据"
    ws.append(["编号", "数值", "来源", "日期", "是否"])
    ws.append([17, 50.5, "统计年报", dt.date(2025, 3, 1), True])
    ws.append([18, 2023, "'=1+1", None, False])
    ws.append([])
    ws.append([None, None, "  末行  "])
    wb.create_sheet("说明").append(["填写说明"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_cells_read_as_openpyxl_read_them():
    sheets = read_sheets(_workbook(), "filled.xlsx", ["指标数据", "任务进展"])
    assert list(sheets) == ["指标数据"]  # a sheet the workbook lacks is simply absent
    assert sheets["指标数据"] == [
        ("编号", "数值", "来源", "日期", "是否"),
        # whole numbers as int (17, not 17.0), a date as a datetime at midnight, booleans kept
        (17, 50.5, "统计年报", dt.datetime(2025, 3, 1), True),
        (18, 2023, "'=1+1", None, False),  # the escape of a formula-like text is the caller's to undo
        (None, None, None, None, None),  # an empty row keeps its place: row numbers stay Excel's
        (None, None, "  末行  ", None, None),
    ]


def test_every_sheet_in_order_when_none_is_named():
    assert list(read_sheets(_workbook(), "filled.xlsx")) == ["指标数据", "说明"]
    assert read_sheets(_workbook(), "filled.xlsx")["说明"] == [("填写说明",)]


def _refusal(data: bytes, error=WorkbookUnreadable, **limits_) -> str:
    with translation.override("zh-hans"), pytest.raises(error) as exc:
        read_sheets(data, "上传.xlsx", **limits_)
    return str(exc.value)


def test_refusals_say_why_in_chinese():
    assert _refusal(b"not a zip at all") == "文件不是 .xlsx 工作簿（或已损坏）。"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")  # a zip, but a Word document
    assert _refusal(buf.getvalue()) == "文件不是 .xlsx 工作簿（或已损坏）。"


def test_the_limits_are_checked_before_anything_is_unpacked():
    # core/limits.py's checks and messages, in the reader's one place: the size first, then the zip package
    too_large = _refusal(b"x" * (1024 * 1024 + 1), limits.LimitExceeded, max_bytes=1024 * 1024)
    assert too_large == "“上传.xlsx”有 1 MB，超过 1 MB 的上限。"
    unpacks = _refusal(_workbook(), limits.LimitExceeded, max_unpacked=1000)
    assert unpacks.startswith("“上传.xlsx”解压后有 0 MB") and unpacks.endswith("疑似压缩炸弹，已拒绝。")
