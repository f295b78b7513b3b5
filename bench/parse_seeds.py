"""Benchmark: parse the five seed plans; target under 1 second in total on one core.

Prints the best of several passes for our parser and, as a baseline measured in
the same run, a pass that only decodes the files and splits them into
normalised lines (the least any parser must do). Run: .venv/bin/python bench/parse_seeds.py
"""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from healthaction.documents import parse_document  # noqa: E402
from healthaction.documents.normalize import normalize_line  # noqa: E402
from healthaction.documents.readers import read_document  # noqa: E402

from healthaction.documents.tests.seeds import SEEDS  # noqa: E402


def best_of(fn, runs: int = 5) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    files = sorted(SEEDS.glob("*.txt"))
    if not files:
        sys.exit(f"no seeds in {SEEDS}")
    data = [(f.name, f.read_bytes()) for f in files]

    def ours():
        for name, raw in data:
            parse_document(raw, name)

    def baseline():
        for name, raw in data:
            [normalize_line(line) for line in read_document(raw, name).lines]

    ours()  # warm caches (regex compilation, converters)
    t_ours, t_base = best_of(ours), best_of(baseline)
    size = sum(len(raw) for _, raw in data)
    print(f"seeds: {len(data)} files, {size / 1024:.0f} KiB")
    print(f"parse all seeds (ours):            {t_ours * 1000:8.1f} ms   (target < 1000 ms)")
    print(f"decode + normalise only (baseline): {t_base * 1000:8.1f} ms")
    print(f"ratio ours / baseline:              {t_ours / t_base:8.1f}")
    print(f"throughput:                         {size / 1024 / t_ours:8.0f} KiB/s")


if __name__ == "__main__":
    main()
