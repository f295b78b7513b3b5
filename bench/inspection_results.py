"""Benchmark: a county-wide healthy-cell round imported from its results workbook.

N healthy-cell units × the 12-item healthy-community checklist (default 1,000 units, 12,000 scores) are
exported, filled in and imported back (checks, permissions, all-or-nothing write), then the units meeting
the norm are computed. The baseline in the same run: a bare openpyxl read-only pass over the same file plus
one bulk insert of the same number of score rows. Runs on a throw-away SQLite database unless DATABASE_URL
is set. Run: .venv/bin/python bench/inspection_results.py [--units 1000] [--smoke: 20 units]
"""

import argparse
import datetime as dt
import io
import os
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
from django.db import transaction  # noqa: E402
from openpyxl import load_workbook  # noqa: E402

from healthaction.inspections import excel  # noqa: E402
from healthaction.inspections import services as S  # noqa: E402
from healthaction.inspections.models import Score  # noqa: E402
from healthaction.plans.interchange import import_plan  # noqa: E402
from healthaction.registry.models import Membership, OrgUnit  # noqa: E402


def setup(units: int):
    call_command("migrate", verbosity=0)
    province = OrgUnit.objects.create(code="B0", name="基准省", level="province")
    city = OrgUnit.objects.create(code="B01", name="基准市", level="city", parent=province)
    county = OrgUnit.objects.create(code="B01001", name="基准县", level="county", parent=city)
    town = OrgUnit.objects.create(code="B01001001", name="基准镇", level="town", parent=county)
    OrgUnit.objects.bulk_create(
        [
            OrgUnit(
                code=f"B01001001{k:05d}",
                name=f"健康单位{k}",
                level="cell",
                parent=town,
                path=f"{town.path}B01001001{k:05d}/",
            )
            for k in range(units)
        ]
    )
    plan = import_plan(
        {
            "format": "healthaction.plan",
            "version": 1,
            "plan": {
                "title": "基准方案",
                "horizon": {"start": 2021, "end": 2030},
                "org_unit": {"code": "B01", "name": "基准市", "level": "city"},
                "status": "published",
            },
            "actions": [{"number": 1, "name": "基准行动"}],
            "indicators": [],
            "tasks": [],
        }
    )
    user = get_user_model().objects.create_user("bench", password="x" * 12)
    Membership.objects.create(user=user, role="office_admin", org_unit=city)
    checklist = S.healthy_community_checklist()
    cells = OrgUnit.objects.filter(level="cell").order_by("code")
    rnd = S.plan_round(
        plan, checklist, 2026, "基准评估", dt.date(2026, 10, 1), dt.date(2026, 10, 31), [user], org_units=cells
    )
    return rnd, user


def filled(rnd) -> bytes:
    wb = load_workbook(io.BytesIO(excel.export_results(rnd)))
    for k, row in enumerate(wb[excel.SCORE_SHEET].iter_rows(min_row=2)):
        full = row[4].value
        row[5].value = full - 2 if k % 7 == 0 else full
        row[6].value = "资料不全" if k % 7 == 0 else None
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--smoke", action="store_true", help="a tiny size in a few seconds (scripts/test runs it so)")
    args = parser.parse_args()
    if args.smoke:
        args.units = 20
    rnd, user = setup(args.units)
    data = filled(rnd)
    scores = args.units * rnd.checklist.items.count()

    start = time.perf_counter()
    recorded = excel.import_results(user, rnd, data, "bench.xlsx")
    ours = time.perf_counter() - start
    assert recorded == scores == Score.objects.filter(visit__round=rnd).count(), (recorded, scores)
    start = time.perf_counter()
    results = S.healthy_cell_results(rnd)
    results_time = time.perf_counter() - start

    start = time.perf_counter()
    wb = load_workbook(io.BytesIO(data), read_only=True)
    rows = list(wb[excel.SCORE_SHEET].iter_rows(min_row=2, values_only=True))
    wb.close()
    visits = dict(rnd.visits.values_list("org_unit__code", "pk"))
    items = dict(rnd.checklist.items.values_list("number", "pk"))
    with transaction.atomic():
        Score.objects.filter(visit__round=rnd).delete()
        Score.objects.bulk_create(
            [Score(visit_id=visits[r[0]], item_id=items[r[2]], points=r[5], note=r[6] or "") for r in rows],
            batch_size=2000,
        )
        transaction.set_rollback(True)
    baseline = time.perf_counter() - start

    print(f"units: {args.units}, scores: {scores}, workbook: {len(data) / 1e6:.1f} MB")
    print(f"import (healthaction): {ours:.2f} s ({scores / ours:,.0f} scores/s)")
    print(f"baseline (openpyxl read + one bulk insert): {baseline:.2f} s")
    print(f"ratio: {ours / baseline:.2f}")
    print(
        f"units meeting the norm: {sum(r['meets'] for r in results['rows'])} of {len(results['rows'])}, computed in {results_time:.2f} s"
    )
    print(
        f"inspection-results: {ours:.2f} s for {scores:,} scores, {ours / baseline:.2f} × the baseline"
        " (target: under 3 × an openpyxl read plus one bulk insert)"
    )


if __name__ == "__main__":
    main()
