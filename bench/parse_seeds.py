"""Benchmark: parse the five seed plans (target under 1 second in total) and a Word document with a 40-row
indicator table (target under 1 second).

Prints the best of several passes for our parser and, as a baseline measured in
the same run, a pass that only decodes the files and splits them into
normalised lines (the least any parser must do). Run: .venv/bin/python bench/parse_seeds.py
[--smoke: one pass each; without the seed files only the Word table]
"""

import argparse
import os
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
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--smoke", action="store_true", help="one pass each, in a few seconds (scripts/test runs it so)"
    )
    args = parser.parse_args()
    runs = 1 if args.smoke else 5
    files = sorted(SEEDS.glob("*.txt"))
    if not files and not args.smoke:
        sys.exit(f"no seeds in {SEEDS}")
    data = [(f.name, f.read_bytes()) for f in files]

    def ours():
        for name, raw in data:
            parse_document(raw, name)

    def baseline():
        for name, raw in data:
            [normalize_line(line) for line in read_document(raw, name).lines]

    ours()  # warm caches (regex compilation, converters)
    t_ours, t_base = (best_of(ours, runs), best_of(baseline, runs)) if data else (0.0, 0.0)
    table_doc = forty_row_docx()

    def table_ours():
        parse_document(table_doc, "forty.docx")

    def table_base():
        read_document(table_doc, "forty.docx")

    table_ours()
    t_table, t_table_base = best_of(table_ours, runs), best_of(table_base, runs)
    size = sum(len(raw) for _, raw in data)
    if data:
        print(f"seeds: {len(data)} files, {size / 1024:.0f} KiB")
        print(f"parse all seeds (ours):            {t_ours * 1000:8.1f} ms   (target < 1000 ms)")
        print(f"decode + normalise only (baseline): {t_base * 1000:8.1f} ms")
        print(f"ratio ours / baseline:              {t_ours / t_base:8.1f}")
        print(f"throughput:                         {size / 1024 / t_ours:8.0f} KiB/s")
    else:
        print(f"seeds: none in {SEEDS}, the seed part skipped (smoke mode)")
    print(f"40-row table .docx (ours):          {t_table * 1000:8.1f} ms   (target < 1000 ms)")
    print(f"40-row table .docx read only:       {t_table_base * 1000:8.1f} ms   (baseline: python-docx and the grid)")
    print(f"ratio ours / baseline:              {t_table / t_table_base:8.1f}")
    print(f"load average (shared machine):      {os.getloadavg()[0]:8.1f}")
    seeds = f"{t_ours * 1000:.0f} ms for the {len(data)} seeds" if data else "seeds skipped (none found)"
    print(f"parse-seeds: {seeds}, {t_table * 1000:.0f} ms for the 40-row table (target < 1000 ms each)")


def forty_row_docx() -> bytes:
    """A plan with a two-row-header indicator table of 40 rows (目标值 over 2025年 and 2030年, a unit column)."""
    import io

    import docx

    document = docx.Document()
    document.add_paragraph("关于印发健康示例县行动实施方案的通知")
    table = document.add_table(rows=42, cols=7)
    head = ["序号", "指标", "单位", "现状值（2020年）", "目标值", "目标值", "指标性质"]
    for c, text in enumerate(head):
        table.cell(0, c).text = text
        table.cell(1, c).text = text
    table.cell(1, 4).text, table.cell(1, 5).text = "2025年", "2030年"
    for c in (0, 1, 2, 3, 6):
        table.cell(0, c).merge(table.cell(1, c)).text = head[c]
    table.cell(0, 4).merge(table.cell(0, 5)).text = "目标值"
    for r in range(40):
        row = [
            str(r + 1),
            f"示例指标{r + 1}比例",
            "%",
            f"{50 + r * 0.5:.1f}",
            f"≥{60 + r * 0.5:.1f}",
            f"≥{70 + r * 0.5:.1f}",
            "预期性" if r % 2 else "约束性",
        ]
        for c, text in enumerate(row):
            table.cell(r + 2, c).text = text
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


if __name__ == "__main__":
    main()
