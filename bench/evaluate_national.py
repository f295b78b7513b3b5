"""Benchmark: evaluate a synthetic national data set (default 40,000 org units × 125 indicators × 10 years = 50 M values).

Targets: at most 10 s on 2 cores and 8 GB peak memory, target verdicts included (every indicator ×
unit × target year whose year is over: 2022 here, 2030 not yet). Prints, from the same run,
the time of a single polars pass that only compares each value with its final target
(join + comparison, no trajectories, trends, forecasts or statuses), and the ratio; and, on a sample of whole
indicators, the status and verdict counts of the previous implementation (evaluation/engine.py as of PREVIOUS, read
from git) next to ours: they must be the same.
Run: .venv/bin/python bench/evaluate_national.py [--units 40000 --indicators 125 --years 10]
[--smoke: 200 units × 10 indicators × 10 years]
"""

import argparse
import importlib.util
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
__import__("healthaction")  # before polars: it sets polars' allocator up as the site runs it

import numpy as np  # noqa: E402
import polars as pl  # noqa: E402

from healthaction.evaluation.engine import evaluate_in_chunks, verdicts  # noqa: E402

PREVIOUS = "f62646280532e57a6479abe3ed7d0d5080a3c72b"  # engine.py before the issue-25 speed work (2026-11-25)


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


def previous_engine():
    """evaluation/engine.py as of PREVIOUS, read from this checkout's git history; (None, reason) without it."""
    try:
        source = subprocess.run(
            ["git", "-C", str(ROOT), "show", f"{PREVIOUS}:healthaction/evaluation/engine.py"],
            check=True,
            capture_output=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None, f"no git history with {PREVIOUS[:7]} in {ROOT}"
    path = Path(tempfile.mkdtemp()) / "engine_previous.py"
    path.write_bytes(source)
    spec = importlib.util.spec_from_file_location("engine_previous", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module, ""


def counts(evaluate, judge, values, indicators, targets) -> tuple[dict, dict]:
    statuses: dict[str, int] = {}
    judged: dict[str, int] = {}
    for chunk in evaluate(values, indicators, targets, assume_sorted=True):
        for status, count in chunk.group_by("status").len().iter_rows():
            statuses[status] = statuses.get(status, 0) + count
        for verdict, count in judge(chunk, targets, closed_year=2025).group_by("verdict").len().iter_rows():
            judged[verdict] = judged.get(verdict, 0) + count
    return statuses, judged


def cpu_seconds() -> float:
    """User and system CPU seconds of this process so far (all its threads): on a shared machine the wall time
    grows with the others' load, the CPU time much less."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


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

    t0, c0 = time.perf_counter(), cpu_seconds()
    met = baseline_pass(values, targets)
    t_base, c_base = time.perf_counter() - t0, cpu_seconds() - c0

    t0 = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_SELF)
    statuses, judged = counts(evaluate_in_chunks, verdicts, values, indicators, targets)
    t_eval = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (after.ru_utime - before.ru_utime, after.ru_stime - before.ru_stime)
    rows = sum(statuses.values())
    peak_gb = after.ru_maxrss / 1024 / 1024

    print(f"evaluation (ours):          {t_eval:7.1f} s for {rows:,} rows   (target ≤ 10 s)")
    print(f"  CPU:                      {cpu[0]:7.1f} s user, {cpu[1]:.1f} s system on {os.cpu_count()} cores")
    print(f"single compare pass (polars): {t_base:5.1f} s ({met:,} values meet their 2030 target)")
    print(f"  CPU:                      {c_base:7.1f} s")
    print(f"ratio ours / single pass:   {t_eval / t_base:7.1f} (CPU {sum(cpu) / max(c_base, 1e-3):.1f})")
    print(f"peak memory (RSS):          {peak_gb:7.2f} GB   (target < 8 GB)")
    print("statuses:", ", ".join(f"{k} {v:,}" for k, v in sorted(statuses.items())))
    print("target verdicts:", ", ".join(f"{k} {v:,}" for k, v in sorted(judged.items())))
    previous, reason = previous_engine()
    if previous is None:
        print(f"previous implementation: not compared, {reason}")
    else:
        sample = values.filter(pl.col("indicator_id") <= min(3, args.indicators))
        ours = counts(evaluate_in_chunks, verdicts, sample, indicators, targets)
        theirs = counts(previous.evaluate_in_chunks, previous.verdicts, sample, indicators, targets)
        same = ours == theirs
        print(
            f"previous implementation ({PREVIOUS[:7]}) on {sample.height:,} values of the first indicators:"
            f" {'the same status and verdict counts' if same else f'DIFFERENT: ours {ours}, previous {theirs}'}"
        )
        if not same:
            sys.exit(1)
    print(f"load average (shared machine): {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(
        f"evaluate-national: {t_eval:.1f} s and {peak_gb:.2f} GB for {rows:,} values, {t_eval / t_base:.1f} × one"
        " compare pass (target ≤ 10 s and ≤ 8 GB for 50 M values on 2 cores)"
    )


if __name__ == "__main__":
    main()
