"""A parsed plan exported to .xlsx, corrected in Excel (here: openpyxl), imported back, all or nothing."""

import io
import zipfile

import openpyxl
import pytest

from healthaction.plans.excel import WorkbookRefused, export_workbook, import_workbook
from healthaction.plans.interchange import export_plan
from healthaction.plans.tests.drafts import make_draft
from healthaction.registry.models import DepartmentAlias

SHEETS = ["说明", "计划", "专项行动", "指标", "目标", "任务", "部门"]


@pytest.fixture
def draft(demo):
    return make_draft()


def _book(plan):
    return openpyxl.load_workbook(io.BytesIO(export_workbook(plan)))


def _save(wb) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _row(ws, item_id) -> int:
    """Return the row number of the item whose ID column holds item_id."""
    return next(cell.row for cell in ws["A"] if cell.value == item_id)


def _col(ws, header) -> int:
    return next(cell.column for cell in ws[1] if cell.value == header)


def _set(ws, item_id, header, value):
    ws.cell(row=_row(ws, item_id), column=_col(ws, header), value=value)


def _lead(task):
    return [td.department.name for td in task.task_departments.filter(role="lead").order_by("position")]


def _co(task):
    return [td.department.name for td in task.task_departments.filter(role="co").order_by("position")]


def test_the_workbook_has_its_sheets_ids_and_drop_downs(draft):
    wb = _book(draft)
    assert wb.sheetnames == SHEETS
    indicators = wb["指标"]
    assert [c.value for c in indicators[1]][:6] == ["ID", "序号", "名称", "单位", "性质", "分组"]
    obesity = draft.indicators.get(number="2")
    assert indicators.cell(row=_row(indicators, obesity.pk), column=3).value == "成人肥胖增长率"
    lists = {dv.formula1 for dv in indicators.data_validations.dataValidation}
    assert '"约束性,预期性,倡导性"' in lists
    targets = {dv.formula1 for dv in wb["目标"].data_validations.dataValidation}
    assert '"≥,≤,<,>,=,区间"' in targets and '"数值型,相对基期,趋势型,定性"' in targets


def test_three_corrected_cells_are_stored_exactly(draft):
    obesity = draft.indicators.get(number="2")
    t2030 = draft.indicators.get(number="1").targets.get(year=2030)
    task = draft.tasks.get(number="1.1")
    wb = _book(draft)
    _set(wb["指标"], obesity.pk, "性质", "预期性")
    _set(wb["目标"], t2030.pk, "值", 32)
    _set(wb["任务"], task.pk, "牵头部门", "市委宣传部")
    data = _save(wb)

    counts = import_workbook(draft, data)
    assert counts == {"计划": 0, "专项行动": 0, "指标": 1, "目标": 1, "任务": 1, "部门": 0}
    obesity.refresh_from_db()
    t2030.refresh_from_db()
    assert (obesity.nature, obesity.name, obesity.unit) == ("expected", "成人肥胖增长率", "")
    assert (t2030.comparator, t2030.value, t2030.raw_text) == (">=", 32.0, "≥32")
    assert (_lead(task), _co(task)) == (["市委宣传部"], ["市教育局"])
    assert draft.parse_warnings.get(ref="indicator:2").resolved and draft.parse_warnings.get(ref="task:1.1").resolved

    # the same file again: every row now equals what is stored, nothing changes
    before = export_plan(draft)
    assert sum(import_workbook(draft, data).values()) == 0
    assert export_plan(draft) == before


def test_an_unchanged_workbook_changes_nothing(draft):
    before = export_plan(draft)
    assert sum(import_workbook(draft, export_workbook(draft)).values()) == 0
    assert export_plan(draft) == before
    assert draft.parse_warnings.filter(resolved=False).count() == 4


def test_rows_are_added_deleted_and_departments_merged(draft):
    salt = draft.indicators.get(number="3")
    reduce_salt = draft.tasks.get(number="2.1")
    literacy_task = draft.tasks.get(number="1.1")
    short = draft.org_unit.departments.get(name="市疾控中心")
    wb = _book(draft)
    targets = wb["目标"]
    targets.append([None, "3", 2025, "数值型", "≤", 5.5])
    _set(wb["任务"], reduce_salt.pk, "删除", "是")
    _set(wb["部门"], short.pk, "并入（填写保留的部门名称）", "市疾病预防控制中心")
    _set(wb["任务"], literacy_task.pk, "配合部门", "市教育局、市疾控中心")
    counts = import_workbook(draft, _save(wb))
    assert (counts["目标"], counts["任务"], counts["部门"]) == (1, 2, 1)
    assert [(t.year, t.comparator, t.value) for t in salt.targets.order_by("year")] == [
        (2025, "<=", 5.5),
        (2030, "<=", 5.0),
    ]
    assert not draft.tasks.filter(pk=reduce_salt.pk).exists()
    # the merged short name now resolves to the kept department
    assert _co(literacy_task) == ["市教育局", "市疾病预防控制中心"]
    assert (
        DepartmentAlias.objects.get(org_unit=draft.org_unit, alias="市疾控中心").department.name == "市疾病预防控制中心"
    )
    assert draft.actions.get(number=2).lead_department.name == "市疾病预防控制中心"


def test_deleting_an_indicator_takes_its_target_rows_with_it(draft):
    literacy = draft.indicators.get(number="1")
    wb = _book(draft)
    _set(wb["指标"], literacy.pk, "删除", "是")
    counts = import_workbook(draft, _save(wb))
    assert (counts["指标"], counts["目标"]) == (1, 0)
    assert list(draft.indicators.values_list("number", flat=True)) == ["2", "3"]
    assert draft.parse_warnings.filter(resolved=False).count() == 4  # the warnings refer to other items


def test_a_refused_workbook_changes_nothing_and_names_sheet_row_and_column(draft):
    obesity = draft.indicators.get(number="2")
    literacy = draft.indicators.get(number="1")
    t2022 = literacy.targets.get(year=2022)
    wb = _book(draft)
    _set(wb["指标"], literacy.pk, "名称", "居民健康素养水平（已改）")  # a valid change, not stored because others fail
    _set(wb["指标"], obesity.pk, "性质", "很重要")
    _set(wb["目标"], t2022.pk, "年份", 2040)
    wb["任务"].append([999999, "9.9", 1, "不存在的任务"])
    before = export_plan(draft)
    with pytest.raises(WorkbookRefused) as exc:
        import_workbook(draft, _save(wb))
    errors = exc.value.errors
    assert export_plan(draft) == before
    assert len(errors) == 3
    # rows worked by hand: indicators are listed by position (1, 2, 3 → rows 2, 3, 4); targets 2022 then 2030 of
    # indicator 1 → rows 2, 3; the appended task comes after the two tasks → row 4
    assert errors[0].startswith("工作表“指标”第3行“性质”列：") and "很重要" in errors[0]
    assert errors[1].startswith("工作表“目标”第2行“年份”列：") and "2021–2030" in errors[1]
    assert errors[2].startswith("工作表“任务”第4行“ID”列：") and "999999" in errors[2]


def test_text_that_looks_like_a_formula_is_written_as_text_and_comes_back_unchanged(draft):
    literacy = draft.indicators.get(number="1")
    literacy.name = '=HYPERLINK("http://example.invalid","点此")'
    literacy.save()
    task = draft.tasks.get(number="1.1")
    task.content = "@SUM(A1:A2)"
    task.deadline = "-1+1"
    task.save()
    data = export_workbook(draft)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        xml = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/sheet"))
    assert "<f>" not in xml and "<f " not in xml
    wb = openpyxl.load_workbook(io.BytesIO(data))
    cell = wb["指标"].cell(row=_row(wb["指标"], literacy.pk), column=3)
    assert (cell.value, cell.data_type) == ('\'=HYPERLINK("http://example.invalid","点此")', "s")  # shown as text
    assert sum(import_workbook(draft, data).values()) == 0
    literacy.refresh_from_db()
    assert literacy.name == '=HYPERLINK("http://example.invalid","点此")'


def test_a_file_that_is_not_a_workbook_is_refused_in_chinese(draft):
    with pytest.raises(WorkbookRefused) as exc:
        import_workbook(draft, b"not a zip")
    assert exc.value.errors == ["文件不是 .xlsx 工作簿（或已损坏）。"]
