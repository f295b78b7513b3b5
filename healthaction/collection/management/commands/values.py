"""healthaction values import FILE.csv|.xlsx --plan ID [--user NAME] [--approve --approver NAME]

Loads an office's history of indicator values (columns: indicator, org unit code, year, value) through the
collection write path (collection.excel.import_rows, then collection.services.review.review to approve): the same
checks, revisions and due-item updates as any other upload, all rows or none. Years outside the plan's
horizon get a due item marked as not required, so history never counts as late or missing reporting.
Approved values are evaluated once, after the commit (one evaluation for the whole file).
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from healthaction.collection.excel import import_rows
from healthaction.collection.models import DueItem
from healthaction.collection.services.approvals import approving
from healthaction.collection.services.review import review
from healthaction.collection.services.versions import submission_for
from healthaction.core import limits
from healthaction.core.choices import DueKind, ValueStatus
from healthaction.core.xlsx import WorkbookUnreadable, read_sheets
from healthaction.plans.models import Plan
from healthaction.registry.models import OrgUnit

# header names accepted for each column, English or Chinese
COLUMNS = {
    "indicator": ("indicator", "指标", "指标名称", "指标编号"),
    "org_unit": ("org_unit", "org unit code", "org_unit_code", "单位代码", "行政区划代码"),
    "year": ("year", "年份", "年度"),
    "value": ("value", "数值", "值"),
}


class ImportFailed(Exception):
    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


def read_table(path: Path) -> list[list]:
    """Return the rows of the first sheet of an .xlsx, or of a UTF-8 .csv, header included."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        try:
            limits.check_size(path.stat().st_size, limits.ROWS_BYTES, path.name)
            text = path.read_text(encoding="utf-8-sig")
        except limits.LimitExceeded as exc:
            raise ImportFailed([str(exc)])
        except UnicodeDecodeError:
            raise ImportFailed([_("The file is not UTF-8 text; save the CSV as UTF-8.")])
        rows = list(csv.reader(io.StringIO(text)))
        if len(rows) > limits.ROWS + 1:
            raise ImportFailed([limits.message(limits.TOO_MANY_ROWS, n=limits.ROWS)])
        return rows
    if suffix == ".xlsx":
        try:  # the reader of every workbook, with the limits of core/limits.py
            sheets = read_sheets(path.read_bytes(), path.name, max_bytes=limits.ROWS_BYTES)
        except (limits.LimitExceeded, WorkbookUnreadable) as exc:  # too large, damaged or encrypted: say so
            raise ImportFailed([str(exc)])
        return next(iter(sheets.values()), [])
    raise ImportFailed([_("Give a .csv or .xlsx file.")])


def _header(row: list) -> dict[str, int]:
    names = [str(c or "").strip().lower() for c in row]
    found = {}
    for key, accepted in COLUMNS.items():
        for k, name in enumerate(names):
            if name in accepted:
                found[key] = k
                break
    missing = [key for key in COLUMNS if key not in found]
    if missing:
        raise ImportFailed(
            [
                _("Row 1: the header needs the columns indicator, org unit code, year and value (missing: %(m)s).")
                % {"m": ", ".join(missing)}
            ]
        )
    return found


def import_values(path: Path, plan: Plan, user, *, approver=None) -> dict:
    """Import the file's values for the plan; raise ImportFailed with row-numbered messages and write nothing."""
    rows = read_table(path)
    if not rows:
        raise ImportFailed([_("The file is empty.")])
    col = _header(rows[0])
    indicators = {}
    for pk, number, name in plan.indicators.values_list("pk", "number", "name"):
        indicators[name.strip()] = pk
        indicators.setdefault(str(number).strip(), pk)
    codes = {u.code: u for u in OrgUnit.objects.filter(path__startswith=plan.org_unit.path)}
    errors, parsed = [], []
    for line, row in enumerate(rows[1:], start=2):  # line numbers as a spreadsheet shows them
        cells = [row[k] if k < len(row) else None for k in range(max(col.values()) + 1)]
        if all(c in (None, "") for c in cells):
            continue
        text = {key: str(cells[k] if cells[k] is not None else "").strip() for key, k in col.items()}
        indicator_id = indicators.get(text["indicator"])
        unit = codes.get(text["org_unit"].removesuffix(".0"))
        year = re.fullmatch(r"(\d{4})(?:\.0)?", text["year"])
        if indicator_id is None:
            errors.append(_("Row %(r)s: the plan has no indicator “%(i)s”.") % {"r": line, "i": text["indicator"]})
        if unit is None:
            errors.append(
                _("Row %(r)s: no org unit with code “%(c)s” in the plan's area.") % {"r": line, "c": text["org_unit"]}
            )
        if year is None:
            errors.append(_("Row %(r)s: “%(y)s” is not a year such as 2023.") % {"r": line, "y": text["year"]})
        if indicator_id is None or unit is None or year is None:
            continue
        parsed.append(
            (
                line,
                {
                    "indicator_id": indicator_id,
                    "org_unit": unit.code,
                    "year": int(year.group(1)),
                    "value": text["value"],
                    "source": _("history imported from %(f)s") % {"f": path.name},
                },
            )
        )
    if errors:
        raise ImportFailed(errors)
    if not parsed:
        raise ImportFailed([_("The file has no value rows.")])
    lines = [line for line, _row in parsed]
    with transaction.atomic():
        _history_items(plan, [row for _line, row in parsed], codes)
        result = import_rows(user, [row for _line, row in parsed], plan=plan)
        if result.errors:
            # import_rows numbers the rows it was given from 1: put the file's own line numbers back
            raise ImportFailed(
                [
                    _renumber(e.message, e.row, lines[e.row - 1] if 0 < e.row <= len(lines) else e.row)
                    for e in result.errors
                ]
            )
        approved = 0
        if approver is not None:
            with approving():  # one evaluation of every series approved
                for _line, row in parsed:
                    item = (
                        DueItem.objects.filter(
                            kind=DueKind.INDICATOR_VALUE,
                            indicator_id=row["indicator_id"],
                            org_unit__code=row["org_unit"],
                            year=row["year"],
                            half=0,
                        )
                        .select_related("plan__org_unit", "org_unit", "indicator")
                        .first()
                    )
                    obj = submission_for(item)
                    if obj is not None and obj.status == ValueStatus.SUBMITTED:
                        review(
                            approver,
                            item,
                            approve=True,
                            comment=_("history imported from %(f)s") % {"f": path.name},
                            expected_version=obj.version,
                        )
                        approved += 1
    return {"rows": len(parsed), "saved": result.saved, "unchanged": result.unchanged, "approved": approved}


def _renumber(message: str, given: int, line: int) -> str:
    return re.sub(rf"(?<!\d){given}(?!\d)", str(line), message, count=1)


def _history_items(plan: Plan, rows: list[dict], codes: dict[str, OrgUnit]) -> None:
    """Give rows outside the plan's due items an item to be written through, marked as not required by the plan."""
    wanted = {(r["indicator_id"], codes[r["org_unit"]].pk, r["year"]) for r in rows}
    have = set(
        DueItem.objects.filter(
            plan=plan, kind=DueKind.INDICATOR_VALUE, indicator_id__in={w[0] for w in wanted}, half=0
        ).values_list("indicator_id", "org_unit_id", "year")
    )
    lead = dict(plan.indicators.values_list("pk", "action__lead_department_id"))
    DueItem.objects.bulk_create(
        [
            DueItem(
                plan=plan,
                kind=DueKind.INDICATOR_VALUE,
                indicator_id=ind,
                org_unit_id=unit,
                year=year,
                half=0,
                obsolete=True,
                department_id=lead.get(ind) if unit == plan.org_unit_id else None,
                due_date=f"{year + 1}-03-31",
            )
            for ind, unit, year in sorted(wanted - have)
        ]
    )


class Command(BaseCommand):
    group = "Plans and data"
    help = (
        "Import indicator values from a .csv or .xlsx file (indicator, org unit code, year, value); all rows or none."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["import"])
        parser.add_argument("file")
        parser.add_argument("--plan", type=int, required=True)
        parser.add_argument(
            "--approve", action="store_true", help="approve the imported values (they are evaluated once)"
        )
        parser.add_argument("--user", help="user recorded as the importer (default: the only superuser)")
        parser.add_argument(
            "--approver",
            help="with --approve: the user who approves (never the importer: values need a second pair of eyes)",
        )

    def handle(self, *args, **options):
        with translation.override(settings.LANGUAGE_CODE):
            plan = Plan.objects.filter(pk=options["plan"]).select_related("org_unit").first()
            if plan is None:
                raise CommandError(_("No plan with id %(id)s.") % {"id": options["plan"]})
            user = self._user(options["user"])
            approver = None
            if options["approve"]:
                if not options["approver"]:
                    raise CommandError(_("Name the approving user with --approver (someone other than the importer)."))
                approver = self._user(options["approver"])
                if approver.pk == user.pk:
                    raise CommandError(_("Name the approving user with --approver (someone other than the importer)."))
            path = Path(options["file"])
            if not path.is_file():
                raise CommandError(_("No file %(f)s.") % {"f": path})
            try:
                counts = import_values(path, plan, user, approver=approver)
            except ImportFailed as failed:
                raise CommandError(_("Nothing was imported:") + "\n" + "\n".join(failed.errors))
            self.stdout.write(
                _("%(rows)s rows: %(saved)s saved, %(unchanged)s unchanged, %(approved)s approved.") % counts
            )

    def _user(self, name: str | None):
        users = get_user_model().objects
        if name:
            user = users.filter(username=name).first()
            if user is None:
                raise CommandError(_("No user %(u)s.") % {"u": name})
            return user
        supers = list(users.filter(is_superuser=True)[:2])
        if len(supers) != 1:
            raise CommandError(_("Name the importing user with --user."))
        return supers[0]
