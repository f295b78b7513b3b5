"""Every reader refuses a hostile upload before it allocates (core/limits.py), with the reason in Chinese."""

import io
import zipfile

import pytest
from django.utils import translation

from healthaction.core import limits
from healthaction.core.tests import bombs


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


@pytest.fixture(scope="module")
def made():
    """The bombs, built once for the module (a few seconds each on a busy machine)."""
    return {
        "xfd": bombs.workbook_with_cell("XFD1048576"),
        "z1m": bombs.workbook_with_cell("Z1000000"),
        "zip": bombs.zip_bomb_workbook(),
        "lying": bombs.lying_workbook(),
        "docx": bombs.docx_bomb(),
        "pdf": bombs.pdf_bomb(),
    }


def _refused(check, *args) -> str:
    with pytest.raises(limits.LimitExceeded) as caught:
        check(*args)
    return str(caught.value)


def test_the_3_kb_workbook_with_a_cell_at_xfd1048576_is_refused_by_its_extent(made):
    assert len(made["xfd"]) < 6000
    assert _refused(limits.check_xlsx, made["xfd"], "审核.xlsx") == (
        "“审核.xlsx”的工作表“Sheet”用到单元格 XFD1048576（1048576 行 × 16384 列），超过读取上限"
        "（最多 101000 行、256 列、2000000 个单元格）。请删除数据以外的单元格后重新上传。"
    )
    assert "Z1000000（1000000 行 × 26 列）" in _refused(limits.check_xlsx, made["z1m"], "x.xlsx")


def test_a_sheet_that_hides_its_extent_is_measured_by_its_cells():
    """No <dimension>, and rows and cells without r="…": the count of rows and of cells in a row is the extent."""
    cells = "".join("<c><v>1</v></c>" for _ in range(300))
    sheet = f'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row>{cells}</row></sheetData></worksheet>'
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    # refused at the first cell past the limit (the 257th of the row), before the rest is read
    assert "工作表“xl/worksheets/sheet1.xml”用到单元格 IW1（1 行 × 257 列）" in _refused(
        limits.check_xlsx, buf.getvalue(), "x.xlsx"
    )


def test_a_merged_range_beyond_the_limit_is_refused():
    sheet = (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1"/>'
        '<sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData>'
        '<mergeCells count="1"><mergeCell ref="A1:IV100000"/></mergeCells></worksheet>'
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    assert "合并了区域 A1:IV100000" in _refused(limits.check_xlsx, buf.getvalue(), "x.xlsx")


def test_a_zip_bomb_and_a_member_larger_than_it_declares_are_refused(made):
    reason = _refused(limits.check_xlsx, made["zip"], "bomb.xlsx")
    assert reason.startswith("“bomb.xlsx”解压后有 50 MB（是文件大小的") and "疑似压缩炸弹" in reason
    assert _refused(limits.check_xlsx, made["lying"], "lie.xlsx") == (
        "“lie.xlsx”中的文件（xl/worksheets/sheet1.xml）解压后比它声明的大，疑似压缩炸弹，已拒绝。"
    )
    assert "疑似压缩炸弹" in _refused(limits.check_zip, made["docx"], "plan.docx")


def test_a_pdf_decompression_bomb_is_refused_before_a_reader_opens_it(made):
    assert _refused(limits.check_pdf, made["pdf"], "plan.pdf") == (
        "PDF“plan.pdf”含有解压后超过 128 MB 的压缩内容，疑似解压炸弹，已拒绝。"
    )


def test_a_real_workbook_passes():
    limits.check_xlsx(bombs.workbook_with_cell("M500"), "ok.xlsx")
