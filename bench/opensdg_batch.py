"""Benchmark: the Open SDG batch function against sdg-build's own ProgressMeasure, per series, in one run.

The peer's module is read from a local sdg-build checkout at the commit named below (not shipped with
healthaction) and run on a sample of series through its public entry point, measure_indicator_progress();
it needs pandas (`pip install pandas`). Without the checkout or pandas the peer is skipped and said so.
Also timed: our per-series function (opensdg.measure, pure Python). All three must agree on every category.

Run: .venv/bin/python bench/opensdg_batch.py [--series 200000 --sample 2000 --sdg-build PATH_TO_GIT_DIR]
[--smoke: 2,000 series, 100 in the sample, the peer skipped]
"""

import argparse
import importlib.util
import math
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from healthaction.evaluation.opensdg import measure, measure_batch  # noqa: E402

PEER_COMMIT = "6d3d128af8826a62c4ed26626663c961f0a94b3c"  # sdg-build, 2023-06-08, "Methodology changes"
DEFAULT_CHECKOUT = "/work/.mirror/open-sdg+sdg-build/repo"


def generate(n: int, seed: int = 11):
    """Return (long data, config) for n series of 2–12 years with the edges: NaN, zeros, negatives, duplicate years."""
    rng = np.random.default_rng(seed)
    lengths = rng.integers(2, 13, n)
    series = np.repeat(np.arange(n, dtype=np.int32), lengths)
    start = np.repeat(rng.integers(2012, 2019, n), lengths)
    offset = np.concatenate([np.arange(k) for k in lengths])
    year = (start + offset).astype(np.int32)
    duplicate = rng.random(year.size) < 0.02
    year[duplicate & (offset > 0)] -= 1  # a repeated year now and then
    level = np.repeat(rng.uniform(1, 90, n), lengths)
    value = level * (1 + np.repeat(rng.normal(0.01, 0.03, n), lengths)) ** offset + rng.normal(0, 0.5, year.size)
    value[rng.random(year.size) < 0.03] = np.nan
    value[rng.random(year.size) < 0.01] = 0.0
    value[rng.random(year.size) < 0.01] *= -1
    data = pl.DataFrame({"series": series, "year": year, "value": value})
    with_target = rng.random(n) < 0.7
    target = np.where(with_target, np.round(rng.uniform(0, 100, n), 1), np.nan)
    target[rng.random(n) < 0.02] = 0.0
    config = pl.DataFrame(
        {
            "series": np.arange(n, dtype=np.int32),
            "direction": np.where(rng.random(n) < 0.5, "positive", "negative"),
            "target": target,
        }
    ).with_columns(pl.col("target").fill_nan(None))
    return data, config


def load_peer(git_dir: str):
    """Import sdg/ProgressMeasure.py of the peer commit from a local git checkout, or return (None, reason)."""
    try:
        import pandas  # noqa: F401
    except ImportError:
        return None, "pandas is not installed"
    try:
        source = subprocess.run(
            ["git", "--git-dir", git_dir, "show", f"{PEER_COMMIT}:sdg/ProgressMeasure.py"],
            check=True,
            capture_output=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None, f"no sdg-build checkout with {PEER_COMMIT[:7]} at {git_dir}"
    folder = Path(tempfile.mkdtemp())
    (folder / "peer_progress_measure.py").write_bytes(source)
    spec = importlib.util.spec_from_file_location("peer_progress_measure", folder / "peer_progress_measure.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module, ""


class _Indicator:
    """What measure_indicator_progress() reads from an sdg-build Indicator: its data and its metadata."""

    def __init__(self, data, meta):
        self.data, self.meta = data, meta


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--series", type=int, default=200_000)
    parser.add_argument("--sample", type=int, default=2_000)
    parser.add_argument("--sdg-build", default=DEFAULT_CHECKOUT)
    parser.add_argument("--smoke", action="store_true", help="a tiny size in a few seconds (scripts/test runs it so)")
    args = parser.parse_args()
    if args.smoke:
        args.series, args.sample = 2_000, 100

    data, config = generate(args.series)
    print(f"{args.series:,} series, {data.height:,} values (NaN, zeros, negatives and repeated years included)")

    measure_batch(data.head(1000), config.head(100))  # warm-up: polars compiles its plan once
    t0 = time.perf_counter()
    batch = measure_batch(data, config)
    t_batch = time.perf_counter() - t0
    per_batch = t_batch / args.series

    sample_ids = list(range(0, args.series, max(1, args.series // args.sample)))[: args.sample]
    groups = data.filter(pl.col("series").is_in(sample_ids)).partition_by("series", as_dict=True, maintain_order=True)
    settings = {r["series"]: r for r in config.filter(pl.col("series").is_in(sample_ids)).iter_rows(named=True)}
    sample = [
        (sid, groups[(sid,)]["year"].to_list(), groups[(sid,)]["value"].to_list(), settings[sid]) for sid in sample_ids
    ]

    t0 = time.perf_counter()
    ours = {}
    for sid, years, values, cfg in sample:
        m = measure(years, values, direction=cfg["direction"], target=cfg["target"])
        ours[sid] = m.category if m else None
    per_ours = (time.perf_counter() - t0) / len(sample)

    batch_cat = dict(zip(batch["series"].to_list(), batch["category"].to_list()))
    print(
        f"batch (polars):                 {t_batch:8.2f} s for {args.series:,} series = {per_batch * 1e6:9.2f} µs per series"
    )
    print(
        f"per series, ours (pure Python): {per_ours * 1e6:9.2f} µs per series ({len(sample):,} series)  ratio {per_ours / per_batch:7.1f}×"
    )
    mismatch = sum(1 for sid, *_ in sample if ours[sid] != batch_cat[sid])
    print(f"categories: batch vs per-series disagree on {mismatch} of {len(sample):,}")

    peer, reason = (
        (None, "smoke mode (the peer needs pandas and an sdg-build checkout)")
        if args.smoke
        else load_peer(args.sdg_build)
    )
    if peer is None:
        print(f"peer (sdg-build ProgressMeasure {PEER_COMMIT[:7]}): skipped, {reason}")
        print(
            f"opensdg-batch: {per_batch * 1e6:.2f} µs per series, {per_ours / per_batch:.1f}× faster than per series;"
            f" {mismatch} disagreements (target ≥ 100× sdg-build, not measured: {reason})"
        )
        return
    import pandas as pd

    frames = [
        (sid, pd.DataFrame({"Year": years, "Value": [math.nan if v is None else v for v in values]}), cfg)
        for sid, years, values, cfg in sample
    ]
    t0 = time.perf_counter()
    theirs = {}
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        for sid, frame, cfg in frames:
            options = {"direction": cfg["direction"], "target": cfg["target"]}
            theirs[sid] = peer.measure_indicator_progress(
                _Indicator(frame, {"auto_progress_calculation": True, "progress_calculation_options": [options]})
            )
    per_peer = (time.perf_counter() - t0) / len(sample)
    print(
        f"per series, sdg-build {PEER_COMMIT[:7]}:   {per_peer * 1e6:9.2f} µs per series ({len(sample):,} series)"
        f"  ratio {per_peer / per_batch:7.1f}×  (target ≥ 100×)"
    )
    peer_mismatch = sum(1 for sid, *_ in sample if theirs[sid] != batch_cat[sid])
    print(f"categories: batch vs sdg-build disagree on {peer_mismatch} of {len(sample):,}")
    print(
        f"opensdg-batch: {per_batch * 1e6:.2f} µs per series, {per_peer / per_batch:.1f}× faster than sdg-build;"
        f" {mismatch + peer_mismatch} disagreements (target ≥ 100×, 0 disagreements)"
    )


if __name__ == "__main__":
    main()
