"""Benchmark: evaluate a synthetic national data set (default 40,000 org units × 125 indicators × 10 years = 50 M values).

Targets: under 30 s on 2 cores and under 8 GB peak memory, target verdicts included (every indicator ×
unit × target year whose year is over: 2022 here, 2030 not yet). Prints, from the same run,
the time of a single polars pass that only compares each value with its final target
(join + comparison, no trajectories, trends, forecasts or statuses), and the ratio.
Run: .venv/bin/python bench/evaluate_national.py [--units 40000 --indicators 125 --years 10]
[--smoke: 200 units × 10 indicators × 10 years]
"""

import argparse
import resource
import sys
import time
from pathlib import Path

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from healthaction.evaluation.engine import evaluate_in_chunks, verdicts  # noqa: E402


def generate(units: int, indicators: int, years: int, seed: int = 7):
    """Return (values, indicators, targets) shaped like a national data set, values sorted by indicator."""
    rng = np.random.default_rng(seed)
    first_year = 2020
    n = units * indicators * years
    ind = np.repeat(np.arange(1, indicators + 1, dtype=np.int32), units * years)
    unit = np.tile(np.repeat(np.arange(1, units + 1, dtype=np.int32), years), indicators)
    year = np.tile(np.arange(first_year, first_year + years, dtype=np.int16), units * indicators)
    base = np.repeat(rng.uniform(20, 80, units * indicators), years)
    slope = np.repeat(rng.normal(0.8, 1.2, units * indicators), years)
    value = base + slope * (year - first_year) + rng.normal(0, 0.8, n)
    value[rng.random(n) < 0.03] = np.nan  # 3 % not reported
    values = pl.DataFrame({"indicator_id": ind, "org_unit_id": unit, "year": year, "value": value}).with_columns(
        pl.col("value").fill_nan(None)
    )

    kinds = ["numeric"] * 7 + ["relative", "directional", "numeric"]
    rows_t, rows_i = [], []
    for i in range(1, indicators + 1):
        kind = kinds[i % len(kinds)]
        decrease = i % 4 == 0
        rows_i.append(
            {
                "indicator_id": i,
                "direction": "decrease" if decrease else "increase",
                "nature": "binding" if i % 3 == 0 else "expected",
                "baseline_value": None,
                "baseline_year": None,
            }
        )
        for ty, tv in ((2022, 55.0), (2030, 70.0)):
            target = {
                "indicator_id": i,
                "year": ty,
                "kind": kind,
                "comparator": "",
                "value": None,
                "upper_value": None,
                "base_year": None,
                "change": None,
                "change_unit": "",
                "trend": "",
                "qualitative": "",
                "raw": "",
            }
            if kind == "numeric":
                target.update(comparator="<=" if decrease else ">=", value=(100 - tv) if decrease else tv)
            elif kind == "relative":
                target.update(
                    base_year=first_year, change=10.0 if ty == 2022 else 25.0, change_unit="%", trend="increase"
                )
            else:
                target.update(trend="decrease" if decrease else "increase", raw="持续下降" if decrease else "逐步提高")
            rows_t.append(target)
    return values, pl.DataFrame(rows_i), pl.DataFrame(rows_t, infer_schema_length=None)


def baseline_pass(values: pl.DataFrame, targets: pl.DataFrame) -> int:
    final = targets.filter(pl.col("year") == 2030).select(
        pl.col("indicator_id").cast(pl.Int32), pl.col("comparator"), pl.col("value").alias("t")
    )
    met = (
        values.lazy()
        .join(final.lazy(), on="indicator_id")
        .select(
            pl.when(pl.col("comparator") == "<=")
            .then(pl.col("value") <= pl.col("t"))
            .otherwise(pl.col("value") >= pl.col("t"))
            .sum()
        )
    )
    return int(met.collect().item())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=40_000)
    parser.add_argument("--indicators", type=int, default=125)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--smoke", action="store_true", help="a tiny size in a few seconds (scripts/test runs it so)")
    args = parser.parse_args()
    if args.smoke:
        args.units, args.indicators = 200, 10

    t0 = time.perf_counter()
    values, indicators, targets = generate(args.units, args.indicators, args.years)
    t_gen = time.perf_counter() - t0
    print(
        f"generated {values.height:,} values ({args.units:,} units × {args.indicators} indicators × {args.years} years) in {t_gen:.1f} s"
    )

    t0 = time.perf_counter()
    met = baseline_pass(values, targets)
    t_base = time.perf_counter() - t0

    t0 = time.perf_counter()
    counts: dict[str, int] = {}
    judged: dict[str, int] = {}
    rows = 0
    for chunk in evaluate_in_chunks(values, indicators, targets, assume_sorted=True):
        rows += chunk.height
        for status, count in chunk.group_by("status").len().iter_rows():
            counts[status] = counts.get(status, 0) + count
        for verdict, count in verdicts(chunk, targets, closed_year=2025).group_by("verdict").len().iter_rows():
            judged[verdict] = judged.get(verdict, 0) + count
    t_eval = time.perf_counter() - t0
    peak_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024

    print(f"evaluation (ours):          {t_eval:7.1f} s for {rows:,} rows   (target < 30 s)")
    print(f"single compare pass (polars): {t_base:5.1f} s ({met:,} values meet their 2030 target)")
    print(f"ratio ours / single pass:   {t_eval / t_base:7.1f}")
    print(f"peak memory (RSS):          {peak_gb:7.2f} GB   (target < 8 GB)")
    print("statuses:", ", ".join(f"{k} {v:,}" for k, v in sorted(counts.items())))
    print("target verdicts:", ", ".join(f"{k} {v:,}" for k, v in sorted(judged.items())))
    print(
        f"evaluate-national: {t_eval:.1f} s and {peak_gb:.2f} GB for {rows:,} values, {t_eval / t_base:.1f} × one"
        " compare pass (target ≤ 10 s and ≤ 8 GB for 50 M values)"
    )


if __name__ == "__main__":
    main()
