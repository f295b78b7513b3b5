"""Benchmark: roll-ups by level on the province demo (山西省, 3 cities, 12 counties, a plan in each area).

Prints the time to evaluate the province's plan, which reads and adds up the values reported in the 15 plans
below it, and, as a baseline in the same run, the time to evaluate a county's plan of the same size with nothing
below it; then the queries and time of the province's and a city's Lower areas page (3 and 4 lower areas: the
query count must be the same). Runs on a throw-away SQLite database.
Run: .venv/bin/python bench/rollup_levels.py [--smoke: 4 actions per plan]
"""

import argparse
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

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from healthaction.demo.province import TEST_ACTIONS, build_province  # noqa: E402
from healthaction.evaluation.services import evaluate_plan  # noqa: E402
from healthaction.web import queries  # noqa: E402


def timed(func, repeat=3):
    best = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    return best, result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--smoke", action="store_true", help="a tiny size in a few seconds (scripts/test runs it so)")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    demo = build_province(actions=TEST_ACTIONS if args.smoke else None)
    print(f"province demo built:            {time.perf_counter() - start:6.2f} s, {demo['values']} values")
    plans = demo["plans"]
    province, city, county = plans["140000"], plans["140500"], plans["140521"]
    t_province, rows = timed(lambda: evaluate_plan(province))
    t_county, county_rows = timed(lambda: evaluate_plan(county))
    print(f"evaluate the province (rolled): {t_province:6.3f} s, {rows} results")
    print(f"evaluate a county (baseline):   {t_county:6.3f} s, {county_rows} results")
    year = queries.latest_year(province)
    counts = {}
    for name, plan in (("province", province), ("city", city)):
        with CaptureQueriesContext(connection) as captured:
            t_page, data = timed(lambda plan=plan: queries.lower_areas(plan, year), repeat=1)
        counts[name] = len(captured)
        print(f"lower areas of the {name:<9} {t_page:6.3f} s, {len(data['rows'])} areas, {len(captured)} queries")
    print(
        f"rollup-levels: province evaluation {t_province:.2f} s vs {t_county:.2f} s for a county; lower areas "
        f"{counts['province']} queries for 3 cities, {counts['city']} for 4 counties (target: the same count)"
    )


if __name__ == "__main__":
    main()
