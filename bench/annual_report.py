"""Benchmark: the annual report for a city plan with 150 indicators and 10 counties (target under 5 s).

Prints our time (data read from stored results, 8 charts, all tables) and, as a baseline in the
same run, the time python-docx alone takes to write the report's tables with the same number of
cells and no charts. Runs on a throw-away SQLite database.
Run: .venv/bin/python bench/annual_report.py [--smoke: 10 indicators, 2 counties, a few seconds]
"""

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("HEALTHACTION_VAR_DIR", tempfile.mkdtemp(prefix="ha-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "healthaction.settings")

import django  # noqa: E402

django.setup()

import docx  # noqa: E402
from django.core.management import call_command  # noqa: E402

from healthaction.collection.models import IndicatorValue  # noqa: E402
from healthaction.evaluation.services import assess_plan, evaluate_plan  # noqa: E402
from healthaction.plans.interchange import import_plan  # noqa: E402
from healthaction.registry.models import OrgUnit  # noqa: E402
from healthaction.reports.annual import build_annual_report  # noqa: E402
from healthaction.reports.docx_style import to_bytes  # noqa: E402


def setup(indicators=150, counties=10, actions=17):
    call_command("migrate", verbosity=0)
    province = OrgUnit.objects.create(code="R0", name="报告省", level="province")
    city = OrgUnit.objects.create(code="R01", name="报告市", level="city", parent=province)
    units = [city] + [
        OrgUnit.objects.create(code=f"R01{k:02d}", name=f"第{k + 1}县", level="county", parent=city)
        for k in range(counties)
    ]
    rng = random.Random(3)
    plan = import_plan(
        {
            "format": "healthaction.plan",
            "version": 1,
            "plan": {
                "title": "报告基准方案",
                "horizon": {"start": 2020, "end": 2030},
                "org_unit": {"code": "R01", "name": "报告市", "level": "city"},
                "status": "published",
            },
            "actions": [{"number": a, "name": f"第{a}项专项行动"} for a in range(1, actions + 1)],
            "indicators": [
                {
                    "number": str(i),
                    "action": 1 + i % actions,
                    "name": f"基准指标{i}",
                    "unit": "%",
                    "nature": "binding" if i % 3 == 0 else "expected",
                    "direction": "increase",
                    "baseline": {"value": 40.0, "year": 2020, "raw": "40", "qualitative": ""},
                    "targets": [
                        {"year": 2022, "kind": "numeric", "comparator": ">=", "value": 45.0, "raw": "≥45"},
                        {"year": 2030, "kind": "numeric", "comparator": ">=", "value": 60.0, "raw": "≥60"},
                    ],
                }
                for i in range(1, indicators + 1)
            ],
            "tasks": [],
        }
    )
    IndicatorValue.objects.bulk_create(
        [
            IndicatorValue(
                indicator=ind,
                org_unit=unit,
                year=year,
                value=40 + rng.uniform(-1, 3) * (year - 2020),
                status="approved",
            )
            for ind in plan.indicators.all()
            for unit in units
            for year in range(2020, 2026)
        ]
    )
    evaluate_plan(plan)
    assess_plan(plan, 2025)
    return plan, indicators, counties


def baseline_tables(indicators: int, counties: int) -> bytes:
    document = docx.Document()
    for rows, cols in ((indicators, 8), (indicators, 8), (indicators, 2 + counties)):
        table = document.add_table(rows=1, cols=cols)
        for _ in range(rows):
            for cell in table.add_row().cells:
                cell.text = "12.34"
    return to_bytes(document)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--smoke", action="store_true", help="a tiny size in a few seconds (scripts/test runs it so)")
    args = parser.parse_args()
    plan, indicators, counties = setup(indicators=10, counties=2) if args.smoke else setup()
    if not args.smoke:
        build_annual_report(plan, 2025)  # warm up fonts and matplotlib
    t0 = time.perf_counter()
    data = build_annual_report(plan, 2025)
    t_ours = time.perf_counter() - t0
    t0 = time.perf_counter()
    baseline_tables(indicators, counties)
    t_base = time.perf_counter() - t0
    print(
        f"annual report (ours):          {t_ours:5.2f} s  ({indicators} indicators, {counties} counties, {len(data) / 1024:.0f} KiB)   (target < 5 s)"
    )
    print(f"python-docx tables only:       {t_base:5.2f} s")
    print(f"ratio ours / tables only:      {t_ours / t_base:5.2f}")
    print(f"annual-report: {t_ours:.2f} s for {indicators} indicators and {counties} counties (target < 5 s)")


if __name__ == "__main__":
    main()
