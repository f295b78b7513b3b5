"""Checklists and inspection results as .xlsx, both ways.

A checklist workbook has an “说明” sheet (key, title, kind, pass mark) and a
“条目” sheet (one row per item). Importing it makes a new version of the key,
so rounds that used an older version keep their results. A results workbook
has a “汇总” sheet (one row per visit: total, meets the norm) and a “得分明细”
sheet (one row per visit and item) that can be filled in and imported back.
Imports are all-or-nothing and name the sheet, row and column of every error.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook

from healthaction.collection.excel import MAX_UPLOAD_BYTES, cell_number, cell_text, write_header
from healthaction.core import limits
from healthaction.core.xlsx import WorkbookUnreadable, read_sheets, safe_cell, unescape_cell, workbook_bytes
from healthaction.inspections import services
from healthaction.inspections.models import Checklist, ChecklistItem, Round

INFO_SHEET, ITEM_SHEET = "说明", "条目"
SUMMARY_SHEET, SCORE_SHEET = "汇总", "得分明细"
ITEM_HEADERS = ["编号", "要求", "分值", "需佐证", "关联指标序号", "关联任务序号"]
SCORE_HEADERS = ["对象编码", "被检查对象", "条目编号", "条目要求", "满分", "得分", "扣分说明"]
KIND_WORDS = {"年度专项督导": Checklist.SUPERVISION, "健康细胞评估": Checklist.HEALTHY_CELL}
YES = {"是", "yes", "y", "true", "1", "√"}


class WorkbookError(Exception):
    """The workbook was refused; `errors` lists (sheet, row, column, message)."""

    def __init__(self, errors: list[tuple[str, int, str, str]]):
        super().__init__("; ".join(format_error(e) for e in errors))
        self.errors = errors


def format_error(error: tuple[str, int, str, str]) -> str:
    sheet, row, column, message = error
    where = (
        _("sheet “%(s)s”, row %(r)s") % {"s": sheet, "r": row}
        if row
        else (_("sheet “%(s)s”") % {"s": sheet} if sheet else "")
    )
    if column:
        where += _(", column “%(c)s”") % {"c": column}
    return f"{where}：{message}" if where else message


def _save(wb: Workbook) -> bytes:
    return workbook_bytes(wb)


# ---- checklists ------------------------------------------------------------------------------------


def export_checklist(checklist: Checklist) -> bytes:
    wb = Workbook()
    info = wb.active
    info.title = INFO_SHEET
    kind_word = next(w for w, k in KIND_WORDS.items() if k == checklist.kind)
    for r, (label, value) in enumerate(
        [
            ("标识", checklist.key),
            ("版本", checklist.version),
            ("名称", checklist.title),
            ("类别", kind_word),
            ("达标分", checklist.pass_mark),
        ],
        start=1,
    ):
        info.cell(row=r, column=1, value=label)
        info.cell(row=r, column=2, value=safe_cell(value))
    info.column_dimensions["A"].width, info.column_dimensions["B"].width = 10, 50
    ws = wb.create_sheet(ITEM_SHEET)
    write_header(ws, ITEM_HEADERS, [8, 70, 8, 8, 14, 14])
    for r, item in enumerate(checklist.items.select_related("indicator", "task"), start=2):
        values = [
            item.number,
            item.text,
            item.points,
            "是" if item.evidence_required else "否",
            item.indicator.number if item.indicator else None,
            item.task.number if item.task else None,
        ]
        for c, value in enumerate(values, start=1):
            ws.cell(row=r, column=c, value=safe_cell(value))
    return _save(wb)


def _read(data: bytes, filename: str, names) -> dict[str, list[tuple]]:
    """The sheets of an upload; a file beyond a limit of core/limits.py raises LimitExceeded, so that the results
    job fails with the reason (as every upload job does)."""
    try:
        return read_sheets(data, filename, names, max_bytes=MAX_UPLOAD_BYTES)
    except WorkbookUnreadable as exc:
        raise WorkbookError([("", 0, "", str(exc))]) from exc


def _checklist_sheets(data: bytes, filename: str) -> tuple[dict, list]:
    """Return the info sheet as {label: value} and the item rows; raise WorkbookError when a sheet is missing."""
    try:
        sheets = _read(data, filename, (INFO_SHEET, ITEM_SHEET))
    except limits.LimitExceeded as exc:  # read in the request: shown on the page like any other problem
        raise WorkbookError([("", 0, "", str(exc))]) from exc
    missing = [s for s in (INFO_SHEET, ITEM_SHEET) if s not in sheets]
    if missing:
        raise WorkbookError(
            [
                (
                    "",
                    0,
                    "",
                    _("The workbook has no “%(s)s” sheet: export a checklist to see the layout.")
                    % {"s": "、".join(missing)},
                )
            ]
        )
    info = {cell_text(r[0]): (r + (None,))[1] for r in sheets[INFO_SHEET] if r and r[0]}
    rows = [r[: len(ITEM_HEADERS)] for r in sheets[ITEM_SHEET]]
    return info, rows


def _checklist_info(info: dict, errors: list) -> tuple[str, str | None, float | None]:
    """Return the title, kind and pass mark of the info sheet, adding a problem to `errors` for each one missing."""
    title = cell_text(unescape_cell(info.get("名称")))
    if not title:
        errors.append((INFO_SHEET, 0, "名称", _("Give the checklist a title.")))
    kind = KIND_WORDS.get(cell_text(info.get("类别")))
    if kind is None:
        errors.append((INFO_SHEET, 0, "类别", _("The kind must be one of: %(k)s.") % {"k": "、".join(KIND_WORDS)}))
    number_errors: list = []
    pass_mark = cell_number(info.get("达标分"), INFO_SHEET, 0, 0, number_errors)
    if number_errors or pass_mark is None or pass_mark < 0:
        errors.append((INFO_SHEET, 0, "达标分", _("The pass mark must be a number of points.")))
    return title, kind, pass_mark


def _checklist_link(value, known: dict, r: int, column: str, message: str, errors: list):
    """Return the plan's indicator or task numbered `value` (None when blank); a number the plan lacks is a problem."""
    number = cell_text(value)
    if not number:
        return None
    found = known.get(number)
    if found is None:
        errors.append((ITEM_SHEET, r, column, message % {"n": number}))
    return found


def _checklist_item(r: int, row: tuple, seen: set, indicators: dict, tasks: dict, errors: list) -> dict:
    """Return item row `r` as ChecklistItem fields (without its position), adding its problems to `errors`."""
    number, text = cell_text(row[0]), cell_text(unescape_cell(row[1]))
    if not number:
        errors.append((ITEM_SHEET, r, "编号", _("Give the item a number.")))
    elif number in seen:
        errors.append((ITEM_SHEET, r, "编号", _("Item number %(n)s appears twice.") % {"n": number}))
    seen.add(number)
    if not text:
        errors.append((ITEM_SHEET, r, "要求", _("Write the requirement.")))
    bad: list = []
    points = cell_number(row[2], ITEM_SHEET, r, 3, bad)
    if bad or points is None or points <= 0:
        errors.append((ITEM_SHEET, r, "分值", _("Points must be a number above 0.")))
    indicator = _checklist_link(
        row[4], indicators, r, "关联指标序号", _("The plan has no indicator numbered “%(n)s”."), errors
    )
    task = _checklist_link(row[5], tasks, r, "关联任务序号", _("The plan has no task numbered “%(n)s”."), errors)
    return {
        "number": number,
        "text": text,
        "points": points,
        "evidence_required": cell_text(row[3]).lower() in YES,
        "indicator": indicator,
        "task": task,
    }


def import_checklist(data: bytes, filename: str, plan=None) -> Checklist:
    """Read a checklist workbook into a new version of its key (or a new key); raise WorkbookError listing every problem."""
    info, rows = _checklist_sheets(data, filename)
    errors: list[tuple[str, int, str, str]] = []
    title, kind, pass_mark = _checklist_info(info, errors)
    if not rows or [cell_text(h) for h in rows[0][:3]] != ITEM_HEADERS[:3]:
        errors.append(
            (ITEM_SHEET, 1, "", _("The first row must be the headers: %(h)s.") % {"h": "、".join(ITEM_HEADERS)})
        )
        raise WorkbookError(errors)
    indicators = {i.number: i for i in plan.indicators.all()} if plan else {}
    tasks = {t.number: t for t in plan.tasks.all()} if plan else {}
    items, seen = [], set()
    for r, row in enumerate(rows[1:], start=2):
        row = tuple(row) + (None,) * (len(ITEM_HEADERS) - len(row))
        if all(v in (None, "") for v in row):
            continue
        items.append({**_checklist_item(r, row, seen, indicators, tasks, errors), "position": len(items)})
    if not items:
        errors.append((ITEM_SHEET, 2, "", _("The checklist has no items.")))
    if errors:
        raise WorkbookError(errors)
    key = cell_text(info.get("标识")) or f"{kind}-{title}"[:60]
    with transaction.atomic():
        checklist = Checklist.objects.create(
            key=key[:60],
            version=services._next_version(key[:60]),
            kind=kind,
            title=title[:200],
            plan=plan,
            pass_mark=pass_mark,
        )
        ChecklistItem.objects.bulk_create([ChecklistItem(checklist=checklist, **i) for i in items])
    return checklist


# ---- results -----------------------------------------------------------------------------------------


def _subject(visit) -> tuple[str, str]:
    if visit.org_unit_id:
        return visit.org_unit.code, visit.org_unit.name
    return f"D{visit.department_id}", visit.department.name


def export_results(rnd: Round) -> bytes:
    """The round's totals (one row per visit) and every item's score, ready to be filled in and imported back."""
    items = list(rnd.checklist.items.all())
    visits = list(
        rnd.visits.select_related("org_unit__parent__parent", "department")
        .prefetch_related("scores")
        .order_by("org_unit__path", "department__name")
    )
    wb = Workbook()
    ws = wb.active
    ws.title = SUMMARY_SHEET
    headers = [
        "对象编码",
        "被检查对象",
        "所属乡镇（街道）",
        "所属县（市、区）",
        "检查日期",
        "得分",
        "满分",
        "是否达标",
        "状态",
    ]
    write_header(ws, headers, [12, 24, 16, 16, 11, 8, 8, 9, 9])
    full = rnd.checklist.max_points()
    for r, visit in enumerate(visits, start=2):
        code, name = _subject(visit)
        town = visit.org_unit.parent if visit.org_unit_id and visit.org_unit.level in ("village", "cell") else None
        county = town.parent if town else None
        total = services.visit_total(visit)
        values = [
            code,
            name,
            town.name if town else "",
            county.name if county else "",
            visit.visited_on,
            total,
            full,
            "是" if total >= rnd.checklist.pass_mark else "否",
            "已签认" if visit.signed_off_at else ("检查中" if visit.scores.all() else "未检查"),
        ]
        for c, value in enumerate(values, start=1):
            ws.cell(row=r, column=c, value=safe_cell(value))
    detail = wb.create_sheet(SCORE_SHEET)
    write_header(detail, SCORE_HEADERS, [12, 24, 8, 60, 8, 8, 30])
    r = 2
    for visit in visits:
        code, name = _subject(visit)
        scores = {s.item_id: s for s in visit.scores.all()}
        for item in items:
            score = scores.get(item.pk)
            for c, value in enumerate(
                [
                    code,
                    name,
                    item.number,
                    item.text,
                    item.points,
                    score.points if score else None,
                    score.note if score else "",
                ],
                start=1,
            ):
                detail.cell(row=r, column=c, value=safe_cell(value))
            r += 1
    return _save(wb)


def import_results(user, rnd: Round, data: bytes, filename: str) -> int:
    """Record the scores of a filled-in “得分明细” sheet (visits not yet signed off); all or nothing. Return the number recorded."""
    sheets = _read(data, filename, (SCORE_SHEET,))
    if SCORE_SHEET not in sheets:
        raise WorkbookError(
            [
                (
                    "",
                    0,
                    "",
                    _("The workbook has no “%(s)s” sheet: export the round's results to see the layout.")
                    % {"s": SCORE_SHEET},
                )
            ]
        )
    rows = [r[: len(SCORE_HEADERS)] for r in sheets[SCORE_SHEET]]
    if not rows or [cell_text(h) for h in rows[0][:3]] != SCORE_HEADERS[:3]:
        raise WorkbookError(
            [(SCORE_SHEET, 1, "", _("The first row must be the headers: %(h)s.") % {"h": "、".join(SCORE_HEADERS)})]
        )
    visits = {_subject(v)[0]: v for v in rnd.visits.select_related("org_unit", "department").prefetch_related("scores")}
    items = {i.number: i for i in rnd.checklist.items.all()}
    errors: list[tuple[str, int, str, str]] = []
    entries: dict[int, dict[int, dict]] = {}
    rows_of: dict[tuple[int, int], int] = {}
    for r, row in enumerate(rows[1:], start=2):
        row = tuple(row) + (None,) * (len(SCORE_HEADERS) - len(row))
        code, number = cell_text(row[0]), cell_text(row[2])
        if not code and not number:
            continue
        visit, item = visits.get(code), items.get(number)
        if visit is None:
            errors.append((SCORE_SHEET, r, "对象编码", _("“%(c)s” is not visited in this round.") % {"c": code}))
            continue
        if item is None:
            errors.append(
                (SCORE_SHEET, r, "条目编号", _("The checklist has no item numbered “%(n)s”.") % {"n": number})
            )
            continue
        bad: list = []
        points = cell_number(row[5], SCORE_SHEET, r, 6, bad)
        if bad:
            errors.append((SCORE_SHEET, r, "得分", _("“%(v)s” is not a number.") % {"v": row[5]}))
            continue
        if points is not None:
            entries.setdefault(visit.pk, {})[item.pk] = {"points": points, "note": cell_text(unescape_cell(row[6]))}
            rows_of[(visit.pk, item.pk)] = r
    by_pk = {v.pk: v for v in visits.values()}
    numbers = {i.pk: i.number for i in items.values()}
    if not errors:
        open_entries = {}
        for visit_pk, visit_entries in entries.items():
            visit = by_pk[visit_pk]
            if visit.signed_off_at:
                held = {s.item_id: s.points for s in visit.scores.all()}
                if all(held.get(k) == e["points"] for k, e in visit_entries.items()):
                    continue  # the exported scores of a closed visit, unchanged
                errors.append(
                    (
                        SCORE_SHEET,
                        0,
                        "",
                        _("%(s)s is signed off; its scores can no longer change.") % {"s": _subject(visit)[1]},
                    )
                )
                continue
            open_entries[visit_pk] = visit_entries
        if not errors:
            try:
                problems = services.record_scores(user, rnd, open_entries)
            except services.InspectionError as exc:
                raise WorkbookError([("", 0, "", str(exc))]) from exc
            for (visit_pk, item_pk), message in problems.items():
                errors.append(
                    (
                        SCORE_SHEET,
                        rows_of.get((visit_pk, item_pk), 0),
                        "得分",
                        f"{_subject(by_pk[visit_pk])[1]} {numbers[item_pk]}：{message}",
                    )
                )
    if errors:
        raise WorkbookError(errors)
    return sum(len(e) for pk, e in entries.items() if not by_pk[pk].signed_off_at)
