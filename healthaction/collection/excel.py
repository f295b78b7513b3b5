"""Excel round trip: a template pre-filled with what a department or county owes, and its upload.

The template has locked headers and key columns, drop-downs for choices, units and
targets shown beside each row. An upload is all-or-nothing: every row is checked
first; one bad row means nothing is written, and the user gets the list of errors and
a copy of the workbook with a comment on each bad cell. Uploading the same file
twice changes nothing (unchanged rows are skipped, no new version is made).
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import Count, Max, Prefetch, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.worksheet.datavalidation import DataValidation

from healthaction.collection import services, validation
from healthaction.collection.models import DueItem, Evidence, IndicatorValue, Revision, TaskReport
from healthaction.core import limits
from healthaction.core.choices import DueKind, RevisionAction, TargetKind, TaskProgress, ValueStatus
from healthaction.core.xlsx import WorkbookUnreadable, read_sheets, safe_cell, unescape_cell, workbook_bytes
from healthaction.plans.models import Indicator, Plan, Target, Task
from healthaction.registry import scopes

VALUE_SHEET = "指标数据"
TASK_SHEET = "任务进展"
VALUE_HEADERS = [
    "编号",
    "指标序号",
    "指标名称",
    "单位",
    "目标",
    "地区",
    "年份",
    "截止日期",
    "数值",
    "分子",
    "分母",
    "定性结果",
    "数据来源",
    "备注",
    "状态",
]
TASK_HEADERS = ["编号", "专项行动", "任务", "责任单位", "期间", "截止日期", "进展状态", "进展情况", "状态"]
VALUE_EDITABLE = range(9, 15)  # columns I..N (1-based)
TASK_EDITABLE = range(7, 9)
# fixed Chinese words in the workbook, whatever the page language (the template is a Chinese form)
PROGRESS_LABELS = {
    "未开始": TaskProgress.NOT_STARTED,
    "推进中": TaskProgress.IN_PROGRESS,
    "已完成": TaskProgress.DONE,
    "滞后": TaskProgress.DELAYED,
}
PROGRESS_WORDS = {v: k for k, v in PROGRESS_LABELS.items()}
MAX_UPLOAD_BYTES = limits.WORKBOOK_BYTES
HEADER_FILL = PatternFill("solid", fgColor="DDE7F0")
LOCKED_FILL = PatternFill("solid", fgColor="F3F3F3")


def open_periods(today: dt.date | None = None) -> Q:
    """Due items whose period has begun: a year's value from that year on, a half-year's progress from its first day.
    Later periods (to the plan's end, 2030) are not asked for yet, so the template leaves them out."""
    year, half = services.current_period(today)
    return Q(kind=DueKind.INDICATOR_VALUE, year__lte=year) | Q(
        Q(year__lt=year) | Q(year=year, half__lte=half), kind=DueKind.TASK_PROGRESS
    )


def template_items(user, plan, department=None, org_unit=None, years=None, history: bool = False, today=None):
    """The rows of a template: what the user owes in the periods open now, from the reporting start on; with history,
    every period, earlier and later ones too."""
    items = DueItem.objects.filter(plan=plan, obsolete=False).filter(scopes.due_item_filter(user))
    if not history:
        items = items.filter(history=False).filter(open_periods(today))
    if department is not None:
        items = items.filter(department=department)
    if org_unit is not None:
        items = items.filter(org_unit__path__startswith=org_unit.path, department__isnull=True)
    if years:
        items = items.filter(year__in=years)
    return (
        items.select_related("indicator__action", "task__action", "department", "org_unit")
        .prefetch_related(Prefetch("indicator__targets", queryset=Target.objects.order_by("year")))
        .order_by("kind", "indicator__position", "task__position", "org_unit__path", "year", "half")
    )


def build_template(items, write_only: bool = False) -> bytes:
    """Return an .xlsx with one row per due item: the indicator values sheet and the task progress sheet."""
    items = list(items)
    values = {
        (v.indicator_id, v.org_unit_id, v.year): v
        for v in IndicatorValue.objects.filter(
            indicator_id__in={i.indicator_id for i in items if i.indicator_id},
            org_unit_id__in={i.org_unit_id for i in items},
        )
    }
    reports = {
        (r.task_id, r.department_id, r.org_unit_id, r.year, r.half): r
        for r in TaskReport.objects.filter(task_id__in={i.task_id for i in items if i.task_id})
    }
    wb = Workbook()
    ws = wb.active
    ws.title = VALUE_SHEET
    tasks_ws = wb.create_sheet(TASK_SHEET)
    write_header(ws, VALUE_HEADERS, [8, 8, 36, 8, 22, 10, 7, 11, 10, 10, 10, 10, 16, 16, 8])
    write_header(tasks_ws, TASK_HEADERS, [8, 16, 44, 16, 12, 11, 10, 48, 8])
    value_row = task_row = 1
    for item in items:
        if item.kind == DueKind.INDICATOR_VALUE:
            ind = item.indicator
            v = values.get((item.indicator_id, item.org_unit_id, item.year))
            row = [
                item.pk,
                ind.number,
                ind.name,
                ind.unit,
                ind.targets_text(),
                item.org_unit.name,
                item.year,
                item.due_date.isoformat(),
                v.value if v else None,
                v.numerator if v else None,
                v.denominator if v else None,
                v.qualitative if v else None,
                v.source if v else None,
                v.note if v else None,
                (v.get_status_display() if v else ""),
            ]
            value_row += 1
            _row(ws, value_row, row, VALUE_EDITABLE)
        else:
            r = reports.get((item.task_id, item.department_id, item.org_unit_id, item.year, item.half))
            row = [
                item.pk,
                item.task.action.name if item.task.action else "",
                item.task.content[:500],
                str(item.department or item.org_unit),
                item.period_label,
                item.due_date.isoformat(),
                PROGRESS_WORDS.get(r.progress) if r else None,
                r.text if r else None,
                (r.get_status_display() if r else ""),
            ]
            task_row += 1
            _row(tasks_ws, task_row, row, TASK_EDITABLE)
    if value_row > 1:
        number = DataValidation(
            type="decimal", allow_blank=True, error=_("Enter a number."), errorTitle=_("Not a number")
        )
        number.add(f"I2:K{value_row}")
        qualitative = DataValidation(
            type="list", formula1='"' + ",".join(services.QUALITATIVE_CHOICES) + '"', allow_blank=True
        )
        qualitative.add(f"L2:L{value_row}")
        ws.add_data_validation(number)
        ws.add_data_validation(qualitative)
    if task_row > 1:
        progress = DataValidation(type="list", formula1='"' + ",".join(PROGRESS_LABELS) + '"', allow_blank=True)
        progress.add(f"G2:G{task_row}")
        tasks_ws.add_data_validation(progress)
    for sheet in (ws, tasks_ws):
        sheet.freeze_panes = "B2"
        sheet.protection.sheet = True
        sheet.protection.formatRows = False
        sheet.protection.formatColumns = False
        sheet.auto_filter.ref = sheet.dimensions
    return workbook_bytes(wb)


def write_header(ws, headers, widths):
    """Write a bold, frozen header row with the given column widths (shared by every workbook we write)."""
    for col, (title, width) in enumerate(zip(headers, widths), start=1):
        cell = ws.cell(row=1, column=col, value=title)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.protection = Protection(locked=True)
        ws.column_dimensions[cell.column_letter].width = width


def _row(ws, r, values, editable):
    for col, value in enumerate(values, start=1):
        cell = ws.cell(row=r, column=col, value=safe_cell(value))
        if col in editable:
            cell.protection = Protection(locked=False)
        else:
            cell.fill = LOCKED_FILL
        if col in (3, 5, 8) and isinstance(value, str) and len(value) > 30:
            cell.alignment = Alignment(wrap_text=False)


# ---- upload --------------------------------------------------------------------------------------


@dataclass
class RowError:
    sheet: str
    row: int
    column: int | None
    message: str


@dataclass
class ImportResult:
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    saved: int = 0
    unchanged: int = 0
    annotated: bytes | None = None  # the uploaded workbook with a comment on each bad cell


def cell_number(raw, sheet, r, c, errors):
    """Return a cell as a float (None when empty); a bad number appends a RowError to `errors`."""
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool):
        errors.append(RowError(sheet, r, c, _not_a_number(raw, r)))
        return None
    try:
        if isinstance(raw, (int, float)):
            return float(raw)
        return float(str(raw).strip().rstrip("%").replace(",", ""))
    except (ValueError, OverflowError):
        errors.append(RowError(sheet, r, c, _not_a_number(raw, r)))
        return None


def _not_a_number(raw, r: int) -> str:
    """The message names its row, as every row error does (a sheet of key and value pairs has none)."""
    if r:
        return _("Row %(r)s: “%(v)s” is not a number.") % {"r": r, "v": raw}
    return _("“%(v)s” is not a number.") % {"v": raw}


def cell_text(raw) -> str:
    """Return a cell as stripped text (empty for an empty cell)."""
    return "" if raw is None else str(raw).strip()


def _item_id(raw) -> int | None:
    """The 编号 of a row: a due item id, or None for anything else (text, a fraction, beyond 64 bits)."""
    if isinstance(raw, bool) or not isinstance(raw, (int, float)):
        return None
    if isinstance(raw, float) and not raw.is_integer():
        return None
    value = int(raw)
    return value if 0 < value < 2**63 else None


def import_workbook(user, data: bytes, filename: str = "upload.xlsx", progress=None) -> ImportResult:
    """Check every row, then write all or nothing; return what happened. `progress(percent, message)`, when given,
    hears of each stage (the upload job's progress bar)."""
    progress = progress or (lambda percent, message="": None)
    result = ImportResult()
    try:
        sheets = read_sheets(data, filename, [VALUE_SHEET, TASK_SHEET], max_bytes=MAX_UPLOAD_BYTES)
    except WorkbookUnreadable as exc:
        result.errors.append(RowError("", 0, None, str(exc)))
        return result
    if not sheets:
        result.errors.append(
            RowError(
                "",
                0,
                None,
                _("The workbook has neither a “%(a)s” nor a “%(b)s” sheet: download the template again.")
                % {"a": VALUE_SHEET, "b": TASK_SHEET},
            )
        )
        return result
    value_rows, task_rows = sheets.get(VALUE_SHEET, []), sheets.get(TASK_SHEET, [])
    progress(30, _("Checking %(n)s rows…") % {"n": max(0, len(value_rows) - 1) + max(0, len(task_rows) - 1)})
    # No progress inside the write: it would not be seen before the commit and would hold the job's row meanwhile.
    _check_then_write(user, value_rows, task_rows, result)
    if result.errors:
        progress(90, _("Marking the problems in your file…"))
        result.annotated = _annotate(data, result.errors)
    return result


def import_rows(user, rows: list[dict], plan=None) -> ImportResult:
    """Import value rows given as dicts (the API's JSON or CSV) with the same checks and all-or-nothing rule.

    A row names its indicator (indicator_id, or plan + indicator number), its org unit (org_unit code or id)
    and year, and carries value, numerator, denominator, qualitative, source, note.
    """
    result = ImportResult()
    keyed = []
    for n, row in enumerate(rows, start=1):
        year = _year(row.get("year"))
        if year is None:
            result.errors.append(
                RowError("rows", n, None, _("Row %(r)s: “year” must be a year such as 2023.") % {"r": n})
            )
            continue
        indicator_id = row.get("indicator_id") or row.get("indicator")
        if isinstance(indicator_id, bool) or not (
            isinstance(indicator_id, (int, str))
            and str(indicator_id).isascii()
            and str(indicator_id).isdigit()
            and len(str(indicator_id)) <= 18
        ):
            indicator_id = None if indicator_id in (None, "") else "?"
        if not indicator_id and plan is not None and row.get("indicator_number"):
            indicator_id = (
                plan.indicators.filter(number=str(row["indicator_number"])).values_list("pk", flat=True).first()
            )
        unit = str(row.get("org_unit") or row.get("org_unit_code") or "")
        keyed.append((n, indicator_id, unit, year, row))
    items = {}
    query = (
        DueItem.objects.filter(
            kind=DueKind.INDICATOR_VALUE,
            indicator_id__in=[k[1] for k in keyed if str(k[1]).isdigit()],
            year__in={k[3] for k in keyed},
        )
        .filter(scopes.due_item_filter(user))
        .select_related("org_unit")
    )
    for item in query:
        items[(item.indicator_id, item.org_unit.code, item.year)] = item
        items.setdefault((item.indicator_id, str(item.org_unit_id), item.year), item)
    sheet_rows = []
    for n, indicator_id, unit, year, row in keyed:
        item = items.get((int(indicator_id), unit, year)) if str(indicator_id).isdigit() else None
        if item is None:
            result.errors.append(
                RowError(
                    "rows",
                    n,
                    None,
                    _("Row %(r)s: no item you may report for indicator %(i)s, org unit %(u)s, %(y)s.")
                    % {"r": n, "i": indicator_id, "u": unit, "y": year},
                )
            )
            sheet_rows.append((None,) * len(VALUE_HEADERS))
            continue
        sheet_rows.append(
            (
                item.pk,
                None,
                None,
                None,
                None,
                None,
                year,
                None,
                row.get("value"),
                row.get("numerator"),
                row.get("denominator"),
                row.get("qualitative"),
                row.get("source"),
                row.get("note"),
                None,
            )
        )
    if result.errors:
        return result
    _check_then_write(user, sheet_rows, [], result, value_label="rows", first_row=1, header=False)
    return result


def _check_then_write(user, value_rows, task_rows, result: ImportResult, **options) -> None:
    """Check every row outside any transaction, then write them all in a short one, or nothing.

    The lock is taken late: a long upload is read and checked while everyone else goes on saving (on SQLite a write
    transaction holds the whole database), and the transaction only writes. What the check read is pinned by
    `_state` (values, task reports and evidence of the items, taken before the check read them); under the locks
    the state is read again, and when someone wrote in between, the rows are checked again inside the transaction,
    the due items locked, as before: concurrent uploads of the same values queue up instead of both inserting (a
    500) or both updating from the same version (a lost update).
    """
    state: dict = {}
    work = _collect(user, value_rows, task_rows, result, state=state, lock=False, **options)
    if result.errors:
        return
    with transaction.atomic():
        if _lock_items(user, state["ids"]) != state["items"] or _state(**state["keys"]) != state["seen"]:
            again = ImportResult()
            work = _collect(user, value_rows, task_rows, again, **options)
            result.errors, result.warnings, result.unchanged = again.errors, again.warnings, again.unchanged
            if result.errors:
                return
        _write(user, work, result)


def _lock_items(user, ids: list[int]) -> frozenset[int]:
    """Lock the due items in id order (every writer does the same); return those the user may still report.

    On SQLite the transaction already holds the database's write lock (IMMEDIATE), so nothing is read."""
    if not connection.features.has_select_for_update:
        return frozenset()
    found = []
    for start in range(0, len(ids), 20000):  # keep IN lists within every backend's parameter limit
        found += (
            DueItem.objects.select_for_update(of=("self",))
            .filter(scopes.due_item_filter(user), pk__in=ids[start : start + 20000])
            .order_by("pk")
            .values_list("pk", flat=True)
        )
    return frozenset(found)


def _state(indicators, units, tasks) -> tuple:
    """What a check of these items depends on besides the file: their values, task reports and evidence, as counts
    and version sums (every write of a value or a report raises its version; evidence only grows in id)."""
    values = (
        IndicatorValue.objects.filter(indicator_id__in=indicators, org_unit_id__in=units).aggregate(
            n=Count("pk"), v=Sum("version")
        )
        if indicators
        else {}
    )
    reports = TaskReport.objects.filter(task_id__in=tasks).aggregate(n=Count("pk"), v=Sum("version")) if tasks else {}
    evidence = (
        Evidence.objects.filter(value__indicator_id__in=indicators).aggregate(n=Count("pk"), m=Max("pk"))
        if indicators
        else {}
    )
    return tuple(sorted(values.items())), tuple(sorted(reports.items())), tuple(sorted(evidence.items()))


def _year(raw) -> int | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    text = str(raw).strip() if raw is not None else ""
    if not (text.isascii() and text.isdigit() and len(text) == 4):
        return None
    return int(text)


def _check_header(rows, expected, sheet, result) -> bool:
    if not rows:
        return False
    header = [cell_text(c) for c in rows[0][: len(expected)]]
    if header != expected:
        result.errors.append(
            RowError(
                sheet, 1, None, _("The header row of “%(s)s” was changed; download the template again.") % {"s": sheet}
            )
        )
        return False
    return True


class _Light:
    """A due item read as plain values: what the checks and the writer need, without model objects per row."""

    __slots__ = (
        "pk",
        "kind",
        "indicator_id",
        "task_id",
        "department_id",
        "org_unit_id",
        "year",
        "half",
        "plan",
        "org_unit",
        "indicator",
        "task",
    )

    def __init__(
        self, pk, kind, indicator_id, task_id, department_id, org_unit_id, year, half, plan, org_unit, ind, task
    ):
        self.pk, self.kind, self.indicator_id, self.task_id, self.department_id = (
            pk,
            kind,
            indicator_id,
            task_id,
            department_id,
        )
        self.org_unit_id, self.year, self.half, self.plan, self.org_unit = org_unit_id, year, half, plan, org_unit
        self.indicator, self.task = ind, task


class _Unit:
    __slots__ = ("pk", "path", "code")

    def __init__(self, pk, path, code):
        self.pk, self.path, self.code = pk, path, code


def _light_items(user, ids: list[int], *, lock: bool = True) -> dict[int, _Light]:
    fields = (
        "pk",
        "kind",
        "indicator_id",
        "task_id",
        "department_id",
        "org_unit_id",
        "year",
        "half",
        "plan_id",
        "org_unit__path",
        "org_unit__code",
    )
    rows = []
    for start in range(0, len(ids), 20000):  # keep IN lists within every backend's parameter limit
        query = DueItem.objects.filter(pk__in=ids[start : start + 20000]).filter(scopes.due_item_filter(user))
        if lock:  # locked in id order (every writer does the same) until the transaction ends
            query = query.select_for_update(of=("self",)).order_by("pk")
        rows += query.values_list(*fields)
    plans = {p.pk: p for p in Plan.objects.filter(pk__in={r[8] for r in rows}).select_related("org_unit")}
    indicators = {i.pk: i for i in Indicator.objects.filter(pk__in={r[2] for r in rows if r[2]})}
    tasks = {t.pk: t for t in Task.objects.filter(pk__in={r[3] for r in rows if r[3]})}
    units: dict[int, _Unit] = {}
    items = {}
    for pk, kind, ind, task, dept, unit, year, half, plan, path, code in rows:
        org_unit = units.get(unit) or units.setdefault(unit, _Unit(unit, path, code))
        items[pk] = _Light(
            pk, kind, ind, task, dept, unit, year, half, plans[plan], org_unit, indicators.get(ind), tasks.get(task)
        )
    return items


VALUE_FIELDS = (
    "id",
    "indicator_id",
    "org_unit_id",
    "year",
    *IndicatorValue.DATA_FIELDS,
    "status",
    "version",
    "submitted_by_id",
)


def _collect(
    user,
    value_rows,
    task_rows,
    result: ImportResult,
    *,
    value_label: str = VALUE_SHEET,
    first_row: int = 2,
    header: bool = True,
    lock: bool = True,
    state: dict | None = None,
):
    """Check every row; return the work to write. Rows from our own workbooks (header=True) have their texts unescaped
    (core.xlsx.safe_cell); rows from the API are taken as sent. `lock`: lock the due items (inside the write's
    transaction); `state`, when given, receives what the check depends on (see _check_then_write)."""
    ids = []
    for rows in (value_rows, task_rows):
        for row in rows:
            if row and _item_id(row[0]) is not None:
                ids.append(_item_id(row[0]))
    context = _Context.load(user, ids, lock=lock, state=state)
    claims = _Claims(user, context.items, result)
    work = []
    if value_rows and (not header or _check_header(value_rows, VALUE_HEADERS, VALUE_SHEET, result)):
        rows = enumerate(value_rows[1:] if header else value_rows, start=first_row)
        cell = unescape_cell if header else (lambda v: v)
        work += _collect_values(user, rows, context, claims, result, value_label, cell)
    if task_rows and _check_header(task_rows, TASK_HEADERS, TASK_SHEET, result):
        work += _collect_tasks(user, enumerate(task_rows[1:], start=2), context, claims, result)
    return work


class _Context:
    """What the checks of an upload read besides the file, each in one query: the due items (as _Light), their
    indicators' stored values and series, which values have evidence, the task reports."""

    @classmethod
    def load(cls, user, ids: list[int], *, lock: bool, state: dict | None) -> _Context:
        self = cls()
        self.items = items = _light_items(user, ids, lock=lock)
        indicators = {i.indicator_id for i in items.values() if i.indicator_id}
        qualitative = set(
            Target.objects.filter(indicator_id__in=indicators, kind=TargetKind.QUALITATIVE).values_list(
                "indicator_id", flat=True
            )
        )
        units = {i.org_unit_id for i in items.values()}
        task_ids = {i.task_id for i in items.values() if i.task_id}
        if state is not None:  # taken before the reads below: a write after it shows when the state is read again
            ids = sorted(set(ids))
            state["ids"] = ids
            state["items"] = frozenset(items) if connection.features.has_select_for_update else frozenset()
            state["keys"] = {"indicators": indicators, "units": units, "tasks": task_ids}
            state["seen"] = _state(indicators, units, task_ids)
        self.current_values = {}
        if indicators:
            for row in IndicatorValue.objects.filter(indicator_id__in=indicators, org_unit_id__in=units).values_list(
                *VALUE_FIELDS
            ):
                record = dict(zip(VALUE_FIELDS, row))
                self.current_values[(record["indicator_id"], record["org_unit_id"], record["year"])] = record
        self.with_evidence = (
            set(Evidence.objects.filter(value__indicator_id__in=indicators).values_list("value_id", flat=True))
            if indicators
            else set()
        )
        self.history: dict[tuple[int, int], list[tuple[int, float]]] = {}
        for v in self.current_values.values():
            if v["value"] is not None:
                self.history.setdefault((v["indicator_id"], v["org_unit_id"]), []).append((v["year"], v["value"]))
        for series in self.history.values():
            series.sort()
        self.views = {
            pk: _IndicatorView(ind, pk in qualitative)
            for pk, ind in {i.indicator_id: i.indicator for i in items.values() if i.indicator_id}.items()
        }
        self.reports = {
            (r.task_id, r.department_id, r.org_unit_id, r.year, r.half): r
            for r in TaskReport.objects.filter(task_id__in=task_ids)
        }
        return self


class _Claims:
    """Which due item each row reports, each item once per file, and whether the user may report it."""

    def __init__(self, user, items: dict[int, _Light], result: ImportResult):
        self.user, self.items, self.result = user, items, result
        self.seen: dict[int, int] = {}  # due item → the first row that reports it
        # scopes.can_report reads the item's plan, department and area only: asked once per such triple, not per row
        self.allowed: dict[tuple, bool] = {}

    def claim(self, sheet: str, r: int, item_id, kind: str):
        """The due item row r reports, or None with the row's error recorded: not an item this user may report,
        reported twice in the file, or not the user's to report."""
        item = self.items.get(_item_id(item_id))
        if item is None or item.kind != kind:
            message = _("Row %(r)s is not an item you may report (编号 %(id)s).") % {"r": r, "id": item_id}
        elif item.pk in self.seen:
            first = self.seen[item.pk]
            message = (
                _("Row %(r)s reports the same value as row %(first)s; keep one of them.")
                if kind == DueKind.INDICATOR_VALUE
                else _("Row %(r)s reports the same period as row %(first)s; keep one of them.")
            ) % {"r": r, "first": first}
        else:
            self.seen[item.pk] = r
            key = (item.plan.pk, item.department_id, item.org_unit_id)
            if key not in self.allowed:
                self.allowed[key] = scopes.can_report(self.user, item)
            if self.allowed[key]:
                return item
            message = _("You may not report for row %(r)s.") % {"r": r}
        self.result.errors.append(RowError(sheet, r, 1, message))
        return None


_VALUE_COLUMNS = {"value": 9, "numerator": 10, "denominator": 11, "qualitative": 12, "evidence": 13}


def _collect_values(user, rows, context: _Context, claims: _Claims, result: ImportResult, label: str, cell) -> list:
    """Check the value rows: numbers, texts, the value's rules against its series, the workflow's write rule."""
    work = []
    for r, row in rows:
        row = tuple(row) + (None,) * (len(VALUE_HEADERS) - len(row))
        if all(c in (None, "") for c in row[8:14]):
            continue
        item = claims.claim(label, r, row[0], DueKind.INDICATOR_VALUE)
        if item is None:
            continue
        errors: list[RowError] = []
        data = {
            "value": cell_number(row[8], label, r, 9, errors),
            "numerator": cell_number(row[9], label, r, 10, errors),
            "denominator": cell_number(row[10], label, r, 11, errors),
            "qualitative": validation.normalise_text(cell(row[11]), "qualitative"),
            "source": validation.normalise_text(cell(row[12]), "source"),
            "note": validation.normalise_text(cell(row[13]), "note"),
        }
        result.errors += errors
        if errors:
            continue
        existing = context.current_values.get((item.indicator_id, item.org_unit_id, item.year))
        earlier = [v for y, v in context.history.get((item.indicator_id, item.org_unit_id), ()) if y < item.year]
        check = services.check_value(
            context.views[item.indicator_id],
            data,
            previous=earlier[-1] if earlier else None,
            has_evidence=bool(existing and existing["id"] in context.with_evidence),
            submitting=True,
        )
        rule = _rule(
            user,
            item,
            existing and existing["status"],
            existing and existing["submitted_by_id"],
            existing is not None and _same_value(existing, data),
            label,
            r,
            9,
            result,
        )
        if rule is None:
            continue
        if rule == services.UNCHANGED:  # as stored (and accepted then): nothing to check or write
            result.unchanged += 1
            continue
        for name, messages in check.errors.items():
            column = _VALUE_COLUMNS.get(name, 9)
            result.errors += [RowError(label, r, column, _("Row %(r)s: %(m)s") % {"r": r, "m": m}) for m in messages]
        if check.ok:
            result.warnings += [
                _("%(sheet)s row %(r)s: %(m)s") % {"sheet": label, "r": r, "m": w} for w in check.warnings
            ]
            work.append(("value", item, existing, data, check.outlier, rule == services.CORRECTION))
    return work


def _collect_tasks(user, rows, context: _Context, claims: _Claims, result: ImportResult) -> list:
    """Check the task progress rows: a progress word from the list, the report's rules, the write rule."""
    work = []
    for r, row in rows:
        row = tuple(row) + (None,) * (len(TASK_HEADERS) - len(row))
        if all(c in (None, "") for c in row[6:8]):
            continue
        item = claims.claim(TASK_SHEET, r, row[0], DueKind.TASK_PROGRESS)
        if item is None:
            continue
        progress = PROGRESS_LABELS.get(cell_text(row[6]))
        if progress is None:
            result.errors.append(
                RowError(TASK_SHEET, r, 7, _("Row %(r)s: choose a progress status from the list.") % {"r": r})
            )
            continue
        data = {"progress": progress, "text": "" if row[7] is None else unescape_cell(row[7])}
        check = services.check_report(data, submitting=True)
        existing = context.reports.get((item.task_id, item.department_id, item.org_unit_id, item.year, item.half))
        rule = _rule(
            user,
            item,
            existing and existing.status,
            existing and existing.submitted_by_id,
            existing is not None and services.same_content(existing, data),
            TASK_SHEET,
            r,
            8,
            result,
        )
        if rule is None:
            continue
        if rule == services.UNCHANGED:
            result.unchanged += 1
            continue
        if not check.ok:
            result.errors += [
                RowError(TASK_SHEET, r, 8, _("Row %(r)s: %(m)s") % {"r": r, "m": m})
                for ms in check.errors.values()
                for m in ms
            ]
            continue
        work.append(("task", item, existing, data, False, rule == services.CORRECTION))
    return work


def _rule(user, item, status, submitted_by_id, unchanged: bool, sheet: str, r: int, column: int, result):
    """The workflow's write rule for one row (services.write_rule); a fixed row becomes the row's error (None)."""
    try:
        return services.write_rule(user, item, status or None, submitted_by_id, unchanged=unchanged)
    except services.Fixed as exc:
        result.errors.append(RowError(sheet, r, column, _("Row %(r)s: %(m)s") % {"r": r, "m": exc}))
        return None


class _IndicatorView:
    """What check_value needs of an indicator, without a query per row."""

    def __init__(self, indicator, qualitative: bool):
        self._indicator = indicator
        self._qualitative = qualitative
        self.unit, self.nature, self.numerator = indicator.unit, indicator.nature, indicator.numerator

    @property
    def targets(self):
        return self

    def all(self):
        return [type("T", (), {"kind": "qualitative"})()] if self._qualitative else []


def _same_value(existing: dict, data: dict) -> bool:
    return all(existing[k] == data[k] for k in IndicatorValue.DATA_FIELDS)


def _insert_many(model, columns: list[str], rows: list[tuple]) -> None:
    """Insert rows with one prepared statement (executemany): the ORM's per-field preparation dominates at 100,000 rows."""
    if not rows:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    marks = ", ".join(["%s"] * len(columns))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 5000):
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows[start : start + 5000])


_KEY_COLUMNS = ("indicator_id", "org_unit_id", "year")
_STATE_COLUMNS = (
    "outlier",
    "status",
    "version",
    "submitted_by_id",
    "submitted_at",
    "approved_by_id",
    "approved_at",
    "review_comment",
    "updated_by_id",
    "updated_at",
)


@transaction.atomic
def _write(user, work, result: ImportResult) -> None:
    """Write every checked row: new values inserted, changed ones updated, one revision each, due items marked."""
    now = timezone.now()
    stamp = connection.ops.adapt_datetimefield_value(now)
    rows = _Rows(user, now, stamp)
    for kind, item, existing, data, outlier, correction in work:
        if kind == "value":
            rows.value(item, existing, data, outlier, correction)
        else:
            rows.report(item, existing, data, correction)
    _insert_many(IndicatorValue, rows.value_columns, rows.inserts)
    if rows.updates:
        table = connection.ops.quote_name(IndicatorValue._meta.db_table)
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {table} SET value = %s, numerator = %s, denominator = %s, qualitative = %s, source = %s, note = %s, outlier = %s, "
                "status = %s, version = %s, submitted_by_id = %s, submitted_at = %s, updated_by_id = %s, updated_at = %s WHERE id = %s",
                rows.updates,
            )
    TaskReport.objects.bulk_create(rows.reports_new, batch_size=2000)
    TaskReport.objects.bulk_update(
        rows.reports_old,
        ["progress", "text", "version", "status", "submitted_by", "submitted_at", "updated_by", "updated_at"],
        batch_size=2000,
    )
    new_ids = _new_value_ids(user, now, rows.inserts)
    _insert_many(
        Revision,
        ["content_type_id", "object_id", "version", "action", "data", "comment", "user_id", "created_at"],
        _revisions(user, stamp, rows.touched, new_ids),
    )
    _mark_submitted([item.pk for item, *_ in rows.touched], stamp)
    result.saved = len(rows.touched)


class _Rows:
    """The rows one upload writes, built as plain tuples in the order of their statements."""

    def __init__(self, user, now, stamp):
        self.user, self.now, self.stamp = user, now, stamp
        self.value_columns = [*_KEY_COLUMNS, *IndicatorValue.DATA_FIELDS, *_STATE_COLUMNS]  # the inserts' order
        self.inserts, self.updates, self.reports_new, self.reports_old, self.touched = [], [], [], [], []

    def value(self, item, existing, data, outlier, correction) -> None:
        user_pk, stamp = self.user.pk, self.stamp
        if existing is None:
            self.inserts.append(
                (
                    item.indicator_id,
                    item.org_unit_id,
                    item.year,
                    *(data[name] for name in IndicatorValue.DATA_FIELDS),
                    outlier,
                    ValueStatus.SUBMITTED,
                    1,
                    user_pk,
                    stamp,
                    None,
                    None,
                    "",
                    user_pk,
                    stamp,
                )
            )
            self.touched.append((item, (item.indicator_id, item.org_unit_id, item.year), 1, data, outlier, correction))
            return
        version = existing["version"] + 1
        self.updates.append(
            (
                *(data[name] for name in IndicatorValue.DATA_FIELDS),
                outlier,
                ValueStatus.SUBMITTED,
                version,
                user_pk,
                stamp,
                user_pk,
                stamp,
                existing["id"],
            )
        )
        self.touched.append((item, existing["id"], version, data, outlier, correction))

    def report(self, item, existing, data, correction) -> None:
        obj = existing or TaskReport(
            task_id=item.task_id,
            department_id=item.department_id,
            org_unit_id=item.org_unit_id,
            year=item.year,
            half=item.half,
        )
        obj.progress, obj.text = data["progress"], data["text"]
        if existing:
            obj.version += 1
        obj.status, obj.submitted_by, obj.submitted_at = ValueStatus.SUBMITTED, self.user, self.now
        obj.updated_by, obj.updated_at = self.user, self.now
        (self.reports_old if existing else self.reports_new).append(obj)
        self.touched.append((item, obj, obj.version, data, False, correction))


def _new_value_ids(user, now, inserts: list[tuple]) -> dict[tuple, int]:
    """indicator, org unit, year → the id of each value just inserted (read back by this write's stamp)."""
    if not inserts:
        return {}
    keys = {(row[0], row[1], row[2]) for row in inserts}
    new_ids = {}
    for pk, ind, unit, year in IndicatorValue.objects.filter(updated_at=now, updated_by=user, version=1).values_list(
        "pk", "indicator_id", "org_unit_id", "year"
    ):
        if (ind, unit, year) in keys:
            new_ids[(ind, unit, year)] = pk
    return new_ids


def _revisions(user, stamp, touched: list[tuple], new_ids: dict[tuple, int]) -> list[tuple]:
    """One revision row per value or report written: imported, or a correction of a returned one."""
    as_json = connection.ops.adapt_json_value  # looked up once: `connection` is a proxy, each access costs
    value_type = ContentType.objects.get_for_model(IndicatorValue).pk
    report_type = ContentType.objects.get_for_model(TaskReport).pk
    revisions = []
    for _item, ref, version, data, outlier, correction in touched:
        action = RevisionAction.CORRECT if correction else RevisionAction.IMPORT
        if isinstance(ref, TaskReport):
            payload = {"progress": data["progress"], "text": data["text"], "status": ValueStatus.SUBMITTED}
            revisions.append((report_type, ref.pk, version, action, as_json(payload, None), "", user.pk, stamp))
            continue
        pk = new_ids[ref] if isinstance(ref, tuple) else ref
        payload = {**data, "status": ValueStatus.SUBMITTED, "outlier": outlier}
        revisions.append((value_type, pk, version, action, as_json(payload, None), "", user.pk, stamp))
    return revisions


def _mark_submitted(ids: list[int], stamp) -> None:
    """Mark the due items submitted (received when first): two set-based updates per batch, no ORM per id."""
    table = connection.ops.quote_name(DueItem._meta.db_table)
    with connection.cursor() as cursor:
        for start in range(0, len(ids), 5000):
            batch = ids[start : start + 5000]
            marks = ", ".join(["%s"] * len(batch))  # whole numbers straight from the database
            cursor.execute(f"UPDATE {table} SET status = %s WHERE id IN ({marks})", [ValueStatus.SUBMITTED, *batch])
            cursor.execute(
                f"UPDATE {table} SET received_at = %s WHERE received_at IS NULL AND id IN ({marks})", [stamp, *batch]
            )


def _annotate(data: bytes, errors: list[RowError]) -> bytes | None:
    """Return the uploaded workbook with each error as a comment on its cell (and a red fill)."""
    try:
        wb = load_workbook(io.BytesIO(data))
    except Exception:
        return None
    red = PatternFill("solid", fgColor="F8CBAD")
    for error in errors:
        if error.sheet not in wb.sheetnames or error.row < 1:
            continue
        cell = wb[error.sheet].cell(row=error.row, column=error.column or 1)
        text = error.message if cell.comment is None else cell.comment.text + "\n" + error.message
        cell.comment = Comment(text, "healthaction")
        cell.fill = red
    return workbook_bytes(wb)
