"""Benchmark: import 100,000 indicator values from one .xlsx (checks, all-or-nothing write, revisions).

Prints our time (read with python-calamine through core.xlsx.read_sheets, checked outside any transaction, written
in one), the time of a bare openpyxl read-only pass over the same file (the reader before) and of the reader alone,
and the ratio. Target: 100,000 values in at most 3 s. Runs on a throw-away SQLite database unless DATABASE_URL is set.
Run: .venv/bin/python bench/import_excel.py [--indicators 100 --units 100 --years 10] [--smoke: 200 values]
"""

import argparse
import io
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("HEALTHACTION_VAR_DIR", tempfile.mkdtemp(prefix="ha-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "healthaction.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from openpyxl import Workbook, load_workbook  # noqa: E402

from healthaction.collection import excel  # noqa: E402
from healthaction.collection.models import DueItem, IndicatorValue  # noqa: E402
from healthaction.collection.services import generate_due_items  # noqa: E402
from healthaction.core.xlsx import read_sheets  # noqa: E402
from healthaction.plans.interchange import import_plan  # noqa: E402
from healthaction.registry.models import Membership, OrgUnit  # noqa: E402


def setup(indicators: int, units: int, years: int):
    call_command("migrate", verbosity=0)
    province = OrgUnit.objects.create(code="B0", name="基准省", level="province")
    city = OrgUnit.objects.create(code="B01", name="基准市", level="city", parent=province)
    OrgUnit.objects.bulk_create(
        [
            OrgUnit(code=f"B01{k:03d}", name=f"基准县{k}", level="county", parent=city, path=f"{city.path}B01{k:03d}/")
            for k in range(units - 1)
        ]
    )
    plan = import_plan(
        {
            "format": "healthaction.plan",
            "version": 1,
            "plan": {
                "title": "基准方案",
                "horizon": {"start": 2031 - years, "end": 2030},
                "org_unit": {"code": "B01", "name": "基准市", "level": "city"},
                "status": "published",
            },
            "actions": [{"number": 1, "name": "基准行动"}],
            "indicators": [
                {
                    "number": str(i),
                    "action": 1,
                    "name": f"指标{i}",
                    "unit": "%",
                    "nature": "expected",
                    "targets": [{"year": 2030, "kind": "numeric", "comparator": ">=", "value": 60.0, "raw": "≥60"}],
                }
                for i in range(1, indicators + 1)
            ],
            "tasks": [],
        }
    )
    generate_due_items(plan)
    user = get_user_model().objects.create_user("bench", password="x" * 12)
    Membership.objects.create(user=user, role="office_admin", org_unit=city)
    return plan, user


def filled_workbook(plan) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(excel.VALUE_SHEET)
    ws.append(excel.VALUE_HEADERS)
    for k, (pk, number, year) in enumerate(
        DueItem.objects.filter(plan=plan, kind="indicator_value")
        .order_by("pk")
        .values_list("pk", "indicator__number", "year")
        .iterator()
    ):
        ws.append(
            [
                pk,
                number,
                f"指标{number}",
                "%",
                "2030年≥60",
                "",
                year,
                "",
                40 + (k % 40) / 2,
                None,
                None,
                None,
                "统计年报",
                None,
                "",
            ]
        )
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def bare_pass(data: bytes) -> int:
    wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    rows = sum(1 for _ in wb[excel.VALUE_SHEET].iter_rows(values_only=True))
    wb.close()
    return rows


def cpu_seconds() -> float:
    """User and system CPU seconds of this process so far: on a shared machine the wall time grows with the others'
    load, the CPU time much less."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--indicators", type=int, default=100)
    parser.add_argument("--units", type=int, default=100)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--smoke", action="store_true", help="a tiny size in a few seconds (scripts/test runs it so)")
    args = parser.parse_args()
    if args.smoke:
        args.indicators, args.units, args.years = 10, 10, 2
    t0 = time.perf_counter()
    plan, user = setup(args.indicators, args.units, args.years)
    data = filled_workbook(plan)
    print(
        f"setup: {DueItem.objects.count():,} due items, workbook {len(data) / 1048576:.1f} MB, {time.perf_counter() - t0:.1f} s"
    )

    t0, c0 = time.perf_counter(), cpu_seconds()
    rows = bare_pass(data)
    t_bare, c_bare = time.perf_counter() - t0, cpu_seconds() - c0

    t0 = time.perf_counter()
    sheets = read_sheets(data, "bench.xlsx", [excel.VALUE_SHEET])
    t_reader = time.perf_counter() - t0
    assert len(sheets[excel.VALUE_SHEET]) == rows

    t0, c0 = time.perf_counter(), cpu_seconds()
    result = excel.import_workbook(user, data)
    t_ours, c_ours = time.perf_counter() - t0, cpu_seconds() - c0
    assert not result.errors, result.errors[:3]
    stored = IndicatorValue.objects.count()
    print(f"import (ours):              {t_ours:6.1f} s  ({result.saved:,} values saved, {stored:,} in the database)")
    print(f"openpyxl read-only pass:    {t_bare:6.1f} s  ({rows - 1:,} rows)")
    print(f"python-calamine read:       {t_reader:6.1f} s  (core.xlsx.read_sheets, the reader of every upload)")
    print(f"ratio ours / bare read:     {t_ours / t_bare:6.2f}")
    print(
        f"CPU: import {c_ours:.1f} s, openpyxl pass {c_bare:.1f} s, ratio {c_ours / max(c_bare, 1e-3):.2f}"
        f" (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)"
    )

    t0 = time.perf_counter()
    again = excel.import_workbook(user, data)
    print(
        f"same file again:            {time.perf_counter() - t0:6.1f} s  ({again.saved} saved, {again.unchanged:,} unchanged)"
    )
    print(f"import-excel: {t_ours:.2f} s for {result.saved:,} values (target ≤ 3 s for 100,000 values)")


if __name__ == "__main__":
    main()
