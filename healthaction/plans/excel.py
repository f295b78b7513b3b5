"""A parsed plan as an .xlsx workbook and back, for offices that prefer to correct it in Excel.

`export_workbook(plan)` writes the sheets 说明 / 计划 / 专项行动 / 指标 / 目标 / 任务 / 部门, each row carrying the
stable id of what it shows; `import_workbook(plan, data)` reads the corrected file and applies every changed row
through the same service functions as the review page (plans/services.py). The import is all or nothing: every
refused row is reported with its sheet, row and column, and then nothing is written. Rows equal to what is stored
are skipped, so importing an unchanged file changes nothing. Writing uses openpyxl (drop-downs, widths); reading
uses python-calamine, several times faster on large sheets and never evaluating formulas.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from healthaction.core import limits
from healthaction.core.choices import (
    Comparator,
    Direction,
    IndicatorGroup,
    Nature,
    TargetKind,
)
from healthaction.core.xlsx import WorkbookUnreadable, read_sheets, safe_row, unescape_cell, workbook_bytes
from healthaction.plans import services
from healthaction.plans.models import Plan, Target
from healthaction.registry.models import resolve_department

MAX_WORKBOOK_BYTES = limits.WORKBOOK_BYTES
MAX_ROWS = 20000
YES = "是"


class WorkbookRefused(ValueError):
    """The workbook was not applied; `errors` lists every problem with its sheet, row and column."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass
class Column:
    header: str
    key: str  # the service's form field, or "" for a column shown only for information
    width: int = 12
    choices: dict[str, str] = field(default_factory=dict)  # stored code -> text written in the cell


def _labels(choices) -> dict[str, str]:
    with translation.override("zh-hans"):
        return {str(value): str(label) for value, label in choices.choices if value}


def _comparators() -> dict[str, str]:
    labels = _labels(Comparator)
    return {value: (Comparator.symbol(value) or labels[value]) for value in labels}


def _sheets() -> dict[str, list[Column]]:
    nature, group, direction, kind = _labels(Nature), _labels(IndicatorGroup), _labels(Direction), _labels(TargetKind)
    trend = {k: services.TREND_TEXT[k] for k in ("increase", "decrease", "maintain")}
    info = [Column("置信度", "", 8), Column("解析依据", "", 40)]
    return {
        "专项行动": [
            Column("ID", "id", 8),
            Column("序号", "", 6),
            Column("名称", "name", 30),
            Column("牵头部门", "lead_department", 20),
            *info,
        ],
        "指标": [
            Column("ID", "id", 8),
            Column("序号", "number", 6),
            Column("名称", "name", 40),
            Column("单位", "unit", 8),
            Column("性质", "nature", 10, nature),
            Column("分组", "group", 22, group),
            Column("方向", "direction", 12, direction),
            Column("专项行动序号", "action", 8),
            Column("基线值", "baseline_value", 10),
            Column("基线年份", "baseline_year", 10),
            Column("删除", "delete", 6),
            *info,
        ],
        "目标": [
            Column("ID", "id", 8),
            Column("指标序号", "indicator", 8),
            Column("年份", "year", 8),
            Column("类型", "kind", 12, kind),
            Column("比较", "comparator", 8, _comparators()),
            Column("值", "value", 10),
            Column("上限值", "upper_value", 10),
            Column("基准年", "base_year", 10),
            Column("变化量", "change", 10),
            Column("变化单位", "change_unit", 10),
            Column("趋势", "trend", 10, trend),
            Column("定性目标", "qualitative", 20),
            Column("删除", "delete", 6),
            Column("原文", "", 24),
            *info,
        ],
        "任务": [
            Column("ID", "id", 8),
            Column("序号", "number", 8),
            Column("专项行动序号", "action", 8),
            Column("任务内容", "content", 60),
            Column("牵头部门", "lead_departments", 24),
            Column("配合部门", "co_departments", 30),
            Column("完成时限", "deadline", 14),
            Column("删除", "delete", 6),
            *info,
            Column("部门置信度", "", 8),
            Column("部门依据", "", 30),
        ],
        "部门": [
            Column("ID", "id", 8),
            Column("名称", "", 24),
            Column("别名", "", 30),
            Column("并入（填写保留的部门名称）", "keep", 24),
        ],
    }


PLAN_FIELDS = [
    ("标题", "title"),
    ("发文单位", "issuer"),
    ("文号", "doc_number"),
    ("印发日期", "issue_date"),
    ("起始年", "horizon_start"),
    ("截止年", "horizon_end"),
]

INSTRUCTIONS = [
    "本工作簿由健康行动管理系统导出，用于在 Excel 中核对、修改解析得到的计划草案，改好后在“审核”页面导入。",
    "每一行的 ID 列是系统中的编号，用来在导入时对应到原记录，请勿修改；新增一行时 ID 留空。",
    "要删除一个指标、目标或任务，在该行“删除”列填写“是”。",
    "“性质”“分组”“方向”“类型”“比较”“趋势”列请从下拉列表中选择。",
    "目标表按“指标序号”对应指标；区间目标在“比较”列选“区间”，并填写“值”和“上限值”。",
    "任务的牵头部门、配合部门可填写多个，用顿号（、）分隔；同一部门的两个名称请在“部门”表的“并入”列填写保留的名称。",
    "“置信度”“解析依据”“原文”列仅供参考，修改不会被导入。置信度越低，越需要核对。",
    "导入时只要有一处错误，整个文件都不会写入，并逐条列出出错的工作表、行和列。",
]


def _num(value):
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def _rows(plan: Plan) -> dict[str, list[dict]]:
    """Return each sheet's rows as dicts keyed by column key (the values the services receive, as cells show them)."""
    sheets = _sheets()
    label = {name: {c.key: c.choices for c in cols if c.choices} for name, cols in sheets.items()}
    actions = list(plan.actions.select_related("lead_department").order_by("number"))
    rows: dict[str, list[dict]] = {name: [] for name in sheets}
    for a in actions:
        rows["专项行动"].append(
            {
                "id": a.pk,
                "": None,
                "序号": a.number,
                "name": a.name,
                "lead_department": a.lead_department.name if a.lead_department else "",
                "置信度": a.confidence,
                "解析依据": a.reason,
            }
        )
    indicators = list(
        plan.indicators.select_related("action", "baseline").prefetch_related("targets").order_by("position")
    )
    for ind in indicators:
        baseline = getattr(ind, "baseline", None)
        rows["指标"].append(
            {
                "id": ind.pk,
                "number": ind.number,
                "name": ind.name,
                "unit": ind.unit,
                "nature": label["指标"]["nature"].get(ind.nature, ""),
                "group": label["指标"]["group"].get(ind.group, ""),
                "direction": label["指标"]["direction"].get(ind.direction, ""),
                "action": ind.action.number if ind.action else None,
                "baseline_value": _num(baseline.value) if baseline else None,
                "baseline_year": baseline.year if baseline else None,
                "delete": "",
                "置信度": ind.confidence,
                "解析依据": ind.reason,
            }
        )
        for t in ind.targets.all():
            rows["目标"].append(
                {
                    "id": t.pk,
                    "indicator": ind.number,
                    "year": t.year,
                    "kind": label["目标"]["kind"].get(t.kind, ""),
                    "comparator": label["目标"]["comparator"].get(t.comparator, ""),
                    "value": _num(t.value),
                    "upper_value": _num(t.upper_value),
                    "base_year": t.base_year,
                    "change": _num(t.change),
                    "change_unit": t.change_unit,
                    "trend": label["目标"]["trend"].get(t.trend, ""),
                    "qualitative": t.qualitative,
                    "delete": "",
                    "原文": t.raw_text,
                    "置信度": t.confidence,
                    "解析依据": t.reason,
                }
            )
    tasks = plan.tasks.select_related("action").prefetch_related("task_departments__department").order_by("position")
    for task in tasks:
        rows["任务"].append(
            {
                "id": task.pk,
                "number": task.number,
                "action": task.action.number if task.action else None,
                "content": task.content,
                "lead_departments": "、".join(d.name for d in task.lead_departments()),
                "co_departments": "、".join(d.name for d in task.co_departments()),
                "deadline": task.deadline,
                "delete": "",
                "置信度": task.confidence,
                "解析依据": task.reason,
                "部门置信度": task.department_confidence,
                "部门依据": task.department_reason,
            }
        )
    for dept in plan.org_unit.departments.prefetch_related("aliases").order_by("name"):
        rows["部门"].append(
            {
                "id": dept.pk,
                "名称": dept.name,
                "别名": "、".join(sorted(a.alias for a in dept.aliases.all())),
                "keep": "",
            }
        )
    return rows


def _cell_key(col: Column) -> str:
    return col.key or col.header


def export_workbook(plan: Plan) -> bytes:
    """Return the plan as an .xlsx file (bytes)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "说明"
    ws.column_dimensions["A"].width = 110
    ws.append(safe_row([f"{plan.title}（{plan.org_unit.name}）"]))
    ws["A1"].font = Font(bold=True)
    for line in INSTRUCTIONS:
        ws.append([line])

    meta = wb.create_sheet("计划")
    meta.append(["字段", "值"])
    values = {
        "title": plan.title,
        "issuer": plan.issuer,
        "doc_number": plan.doc_number,
        "issue_date": plan.issue_date.isoformat() if plan.issue_date else "",
        "horizon_start": plan.horizon_start,
        "horizon_end": plan.horizon_end,
    }
    for header, key in PLAN_FIELDS:
        meta.append(safe_row([header, values[key]]))
    meta.append(safe_row(["行政区域（仅供参考）", plan.org_unit.name]))
    meta.column_dimensions["A"].width, meta.column_dimensions["B"].width = 22, 60
    _style(meta, 2)

    rows = _rows(plan)
    for name, columns in _sheets().items():
        ws = wb.create_sheet(name)
        ws.append([c.header for c in columns])
        for row in rows[name]:
            ws.append(safe_row([row.get(_cell_key(c)) for c in columns]))
        for i, col in enumerate(columns, start=1):
            letter = ws.cell(row=1, column=i).column_letter
            ws.column_dimensions[letter].width = col.width
            if col.choices or col.key == "delete":
                options = list(col.choices.values()) if col.choices else [YES]
                dv = DataValidation(
                    type="list",
                    formula1='"' + ",".join(options) + '"',
                    allow_blank=True,
                    error=_("Choose a value from the list."),
                    showErrorMessage=True,
                )
                ws.add_data_validation(dv)
                dv.add(f"{letter}2:{letter}{max(len(rows[name]) + 200, 500)}")
        _style(ws, len(columns))
    return workbook_bytes(wb)


def _style(ws, ncols: int) -> None:
    for cell in ws[1][:ncols]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE7F0")
    ws.freeze_panes = "A2"


# ---------------------------------------------------------------------------------------------- reading


def _text(value) -> str:
    """Return a cell's value as the text a form receives: 2022.0 → "2022", a date → 2020-12-06, empty → ""."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(unescape_cell(value)).strip()  # text we wrote as formula-safe (core/xlsx.py) comes back as it was


def _read(data: bytes, name: str = "") -> dict[str, list[tuple]]:
    wanted = ["计划", *_sheets()]
    try:
        # a file beyond a limit of core/limits.py raises limits.LimitExceeded: the job fails with its reason
        sheets = read_sheets(data, name or _("the review workbook"), wanted, max_bytes=MAX_WORKBOOK_BYTES)
    except WorkbookUnreadable as exc:
        raise WorkbookRefused([str(exc)]) from exc
    missing = [n for n in wanted if n not in sheets]
    if missing:
        raise WorkbookRefused(
            [
                _("The workbook lacks the sheet(s) %(names)s; export a fresh one from the review page.")
                % {"names": "、".join(f"“{n}”" for n in missing)}
            ]
        )
    if any(len(rows) > MAX_ROWS for rows in sheets.values()):
        raise WorkbookRefused([_("A sheet has more than %(n)s rows.") % {"n": MAX_ROWS}])
    return sheets


class _Sheet:
    """One sheet's rows as dicts keyed by column key, with the row number Excel shows."""

    def __init__(self, name: str, columns: list[Column], grid: list[list], errors: list[str]):
        self.name, self.columns, self.errors = name, columns, errors
        header = [_text(v) for v in (grid[0] if grid else [])]
        self.index = {}
        for col in columns:
            if col.header in header:
                self.index[_cell_key(col)] = header.index(col.header)
            elif col.key:
                self.error(1, col.header, _("the column is missing; export a fresh workbook."))
        self.rows = []
        for number, cells in enumerate(grid[1:], start=2):
            row = {key: (cells[i] if i < len(cells) else None) for key, i in self.index.items()}
            if any(_text(v) for k, v in row.items() if columns_key_editable(columns, k)):
                self.rows.append((number, row))

    def header(self, key: str) -> str:
        return next((c.header for c in self.columns if c.key == key), "")

    def error(self, row: int, column: str, message: str) -> None:
        if column:
            self.errors.append(
                _("Sheet “%(sheet)s”, row %(row)s, column “%(column)s”: %(message)s")
                % {"sheet": self.name, "row": row, "column": column, "message": message}
            )
        else:
            self.errors.append(
                _("Sheet “%(sheet)s”, row %(row)s: %(message)s") % {"sheet": self.name, "row": row, "message": message}
            )

    def refused(self, row: int, exc: Exception) -> None:
        if isinstance(exc, services.EditRefused):
            for key, message in exc.messages():
                self.error(row, self.header(_alias(key)), message)
        else:
            for message in getattr(exc, "messages", [str(exc)]):
                self.error(row, "", message)


def columns_key_editable(columns: list[Column], key: str) -> bool:
    return any(c.key == key for c in columns)


def _alias(key: str) -> str:
    """Return the sheet column a service's form field is shown in."""
    return {"lead_names": "lead_departments", "co_names": "co_departments", "merge": "id"}.get(key, key)


def _code(col: Column, value: str) -> str:
    """Return the stored code for a drop-down cell: the written label, the code itself, or the English label."""
    if not value:
        return ""
    for code, label in col.choices.items():
        if value in (code, label):
            return code
    return value  # left as typed: the service refuses it with the list of valid choices


def _form_data(sheet: _Sheet, row: dict) -> dict:
    data = {}
    for col in sheet.columns:
        if col.key and col.key in row:
            text = _text(row[col.key])
            data[col.key] = _code(col, text) if col.choices else text
    return data


def _changed(sheet: _Sheet, data: dict, current: dict) -> bool:
    for col in sheet.columns:
        if not col.key or col.key in ("id", "delete") or col.key not in data:
            continue
        now = _text(current.get(col.key))
        if col.choices:
            now = _code(col, now)
        if data[col.key] != now:
            return True
    return False


def _apply(sheet: _Sheet, number: int, fn, *args) -> bool:
    """Run one service call in a savepoint; record its refusal against the row and return False."""
    try:
        with transaction.atomic():
            fn(*args)
        return True
    except (services.EditRefused, ValidationError) as exc:
        sheet.refused(number, exc)
        return False


def _by_id(sheet: _Sheet, number: int, row: dict, objects: dict):
    """Return the stored object a row's ID names, None for a new row, or False (error recorded) for a foreign id."""
    raw = _text(row.get("id"))
    if not raw:
        return None
    if not raw.isdigit() or int(raw) not in objects:
        sheet.error(
            number, "ID", _("ID %(id)s is not an item of this plan; leave ID empty for a new row.") % {"id": raw}
        )
        return False
    return objects[int(raw)]


class _WorkbookImport:
    """One import's steps, sheet by sheet in the order the rows depend on each other, counting the changed rows."""

    def __init__(self, plan: Plan, sheets: dict[str, _Sheet], current: dict[str, list[dict]], errors: list[str]):
        self.plan, self.sheets, self.current, self.errors = plan, sheets, current, errors
        self.counts = dict.fromkeys(["计划", *sheets], 0)
        self.action_pk: dict[int, int] = {}

    def plan_meta(self, grid: list[tuple]) -> None:
        """计划: field / value pairs, applied when they differ from the stored plan."""
        plan = self.plan
        meta_rows = {_text(r[0]) if r else "": (n, r[1] if len(r) > 1 else None) for n, r in enumerate(grid, start=1)}
        meta = {}
        meta_sheet = _Sheet("计划", [], [], self.errors)
        for header, key in PLAN_FIELDS:
            if header not in meta_rows:
                meta_sheet.error(1, header, _("the row is missing; export a fresh workbook."))
                continue
            meta[key] = _text(meta_rows[header][1])
        if self.errors:
            return
        stored = {
            "title": plan.title,
            "issuer": plan.issuer,
            "doc_number": plan.doc_number,
            "issue_date": plan.issue_date.isoformat() if plan.issue_date else "",
            "horizon_start": str(plan.horizon_start),
            "horizon_end": str(plan.horizon_end),
        }
        if meta == stored:
            return
        try:
            with transaction.atomic():
                services.update_plan_meta(plan, meta)
            self.counts["计划"] += 1
        except services.EditRefused as exc:
            for key, message in exc.messages():
                header = next((h for h, k in PLAN_FIELDS if k == key), "")
                meta_sheet.error(
                    meta_rows.get(header, (1,))[0],
                    "值" if header else "",
                    (f"{header}：" if header else "") + message,
                )
        except ValidationError as exc:
            meta_sheet.refused(1, exc)

    def departments(self) -> None:
        """部门: merges first, so the department names of tasks below resolve to the kept department."""
        depts = {d.pk: d for d in self.plan.org_unit.departments.all()}
        sheet = self.sheets["部门"]
        for number, row in sheet.rows:
            dept = _by_id(sheet, number, row, depts)
            keep_name = _text(row.get("keep"))
            if dept is None:
                sheet.error(number, "ID", _("New departments are added by naming them on a task or action."))
            elif dept and keep_name:
                keep = resolve_department(self.plan.org_unit, keep_name)
                if keep is None:
                    sheet.error(
                        number,
                        sheet.header("keep"),
                        _("There is no department named “%(name)s”.") % {"name": keep_name},
                    )
                elif _apply(sheet, number, services.merge_departments, self.plan, {"merge": dept.pk, "keep": keep.pk}):
                    self.counts["部门"] += 1

    def actions(self) -> None:
        """专项行动: changed only, never added; then the action numbers that indicator and task rows name."""
        sheet, stored = self.sheets["专项行动"], {r["id"]: r for r in self.current["专项行动"]}
        actions = {a.pk: a for a in self.plan.actions.all()}
        for number, row in sheet.rows:
            action = _by_id(sheet, number, row, actions)
            if action is None:
                sheet.error(
                    number, "ID", _("Actions cannot be added from the workbook; add the action to the plan document.")
                )
                continue
            data = _form_data(sheet, row)
            if (
                action
                and _changed(sheet, data, stored[action.pk])
                and _apply(sheet, number, services.update_action, self.plan, action, data)
            ):
                self.counts["专项行动"] += 1
        self.action_pk = {a.number: a.pk for a in actions.values()}

    def action_ref(self, sheet: _Sheet, number: int, data: dict) -> bool:
        """Put the id of the action a row names by number into `data`; False (error recorded) for an unknown one."""
        text = data.get("action", "")
        if text and (not text.isdigit() or int(text) not in self.action_pk):
            sheet.error(number, sheet.header("action"), _("The plan has no action numbered %(n)s.") % {"n": text})
            return False
        data["action"] = str(self.action_pk[int(text)]) if text else ""
        return True

    def changed_rows(self, name: str, objects: dict, delete, skip=None):
        """Yield (sheet, row number, object or None, data) for the rows of a sheet that add or change something.

        Rows marked for deletion are deleted here, unchanged rows are passed over, and a row whose id is not
        the plan's is reported on the sheet.
        """
        sheet, stored = self.sheets[name], {r["id"]: r for r in self.current[name]}
        for number, row in sheet.rows:
            if skip is not None and skip(row):
                continue
            obj = _by_id(sheet, number, row, objects)
            if obj is False:
                continue
            data = _form_data(sheet, row)
            if data.get("delete") == YES:
                if obj and _apply(sheet, number, delete, self.plan, obj):
                    self.counts[name] += 1
                continue
            if obj and not _changed(sheet, data, stored[obj.pk]):
                continue
            yield sheet, number, obj, data

    def indicators(self) -> None:
        """指标: rows added, changed or deleted, their action named by number."""
        indicators = {i.pk: i for i in self.plan.indicators.all()}
        for sheet, number, ind, data in self.changed_rows("指标", indicators, services.delete_indicator):
            if self.action_ref(sheet, number, data) and _apply(
                sheet, number, services.save_indicator, self.plan, ind, data
            ):
                self.counts["指标"] += 1

    def targets(self, targets_before: set[int]) -> None:
        """目标 (indicators by number, after the indicator rows have been applied).

        `targets_before` holds the targets as they were before any indicator row was applied: rows of a target
        whose indicator was deleted are skipped.
        """
        by_number = {i.number: i for i in self.plan.indicators.all()}
        targets = {t.pk: t for t in Target.objects.filter(indicator__plan=self.plan).select_related("indicator")}

        def of_deleted_indicator(row) -> bool:
            raw_id = _text(row.get("id"))
            return raw_id.isdigit() and int(raw_id) in targets_before and int(raw_id) not in targets

        for sheet, number, target, data in self.changed_rows(
            "目标", targets, services.delete_target, of_deleted_indicator
        ):
            ind = by_number.get(data.get("indicator", ""))
            if ind is None:
                sheet.error(
                    number,
                    sheet.header("indicator"),
                    _("The plan has no indicator numbered %(n)s.") % {"n": data.get("indicator", "")},
                )
                continue
            if target and target.indicator_id != ind.pk:
                sheet.error(
                    number,
                    sheet.header("indicator"),
                    _("A target cannot move to another indicator; delete it and add a new row."),
                )
                continue
            if _apply(sheet, number, services.save_target, self.plan, ind, target, data):
                self.counts["目标"] += 1

    def tasks(self) -> None:
        """任务: rows added, changed or deleted, their action named by number."""
        tasks = {t.pk: t for t in self.plan.tasks.all()}
        for sheet, number, task, data in self.changed_rows("任务", tasks, services.delete_task):
            if self.action_ref(sheet, number, data) and _apply(
                sheet, number, services.save_task, self.plan, task, data
            ):
                self.counts["任务"] += 1


@transaction.atomic
def import_workbook(plan: Plan, data: bytes) -> dict[str, int]:
    """Apply a corrected workbook to a draft plan and return how many rows changed per sheet, or raise WorkbookRefused."""
    grids = _read(data)
    errors: list[str] = []
    columns = _sheets()
    current = _rows(plan)
    sheets = {name: _Sheet(name, cols, grids[name], errors) for name, cols in columns.items()}
    if errors:
        raise WorkbookRefused(errors)
    run = _WorkbookImport(plan, sheets, current, errors)
    run.plan_meta(grids["计划"])
    run.departments()
    run.actions()
    # targets as they were before any indicator row is applied: rows of an indicator deleted below are skipped
    targets_before = set(Target.objects.filter(indicator__plan=plan).values_list("pk", flat=True))
    run.indicators()
    run.targets(targets_before)
    run.tasks()
    if errors:
        raise WorkbookRefused(errors)
    return run.counts
