"""Accuracy of OCR on drawn pages, before and after the speed settings (ocr.BASELINE and ocr.SETTINGS).

Draws four pages (the benchmark's plan page, the test suite's scanned page, a page of task prose with targets,
an indicator table with ‰ and ≤) in a CJK sans and serif font at 22, 26 and 30 px on a 150 dpi A4 page (10.5,
12.5 and 14.5 pt), reads each page with both settings and counts the characters that differ from the text drawn
(after the parser's normalisation, spaces ignored), and the table cells found. Also prints the CPU seconds.
Run: .venv/bin/python bench/ocr_accuracy.py [sizes, e.g. 22,30] [--smoke: one font, one size, one page]
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ocr_pages import _errors, _text, page_lines  # noqa: E402

from healthaction.documents.normalize import normalize_line  # noqa: E402
from healthaction.documents.readers import ocr  # noqa: E402

PROSE = [
    "三、重点任务",
    "（三）合理膳食行动",
    "1.开展减盐、减油、减糖宣传，到2030年人均每日食盐摄入量不高于5克。",
    "（市卫生健康委牵头，市教育局、市市场监管局配合）",
    "2.实施学生营养改善计划，5岁以下儿童生长迟缓率控制在7%以下。",
    "（四）控烟行动",
    "1.全面推进无烟党政机关建设，15岁以上人群吸烟率低于20%。",
    "（市卫生健康委、市委宣传部负责）",
    "2.到2022年和2030年，婴儿死亡率分别控制在7.5‰及以下和5‰及以下。",
    "（五）心理健康促进行动",
    "1.建立精神卫生综合管理机制，心理健康素养水平提升到30%。",
    "（市卫生健康委牵头，市民政局、市公安局、市残联配合）",
    "四、保障措施",
    "各县区要将健康城市建设纳入重要议事日程。",
]
TABLE = [
    "附件1  主要指标",
    ["序号", "指标", "基线", "2022年", "2030年", "属性"],
    ["1", "婴儿死亡率（‰）", "6.8", "≤7.5", "≤5", "约束性"],
    ["2", "5岁以下儿童死亡率（‰）", "9.1", "≤9.5", "≤6", "约束性"],
    ["3", "成人肥胖增长率（%）", "—", "持续减缓", "", "预期性"],
    ["4", "人均每日食盐摄入量（g）", "10.5", "", "≤5", "倡导性"],
    ["5", "重大慢性病过早死亡率（%）", "18.5", "≤15.9", "≤13.0", "预期性"],
    ["6", "学生体质达标优良率（%）", "31.8", "≥50", "≥60", "约束性"],
    ["7", "职业健康检查覆盖率（%）", "", "≥90", "", "预期性"],
    ["8", "老年期痴呆患病率（%）", "5.56", "增速下降", "", "预期性"],
    "注：“—”为无数据。",
]
FONTS = ("NotoSansCJK-Regular", "NotoSerifCJK-Regular")


def drawn(lines) -> str:
    rows = ("|".join(c for c in x if c) if isinstance(x, list) else x for x in lines)
    return "\n".join(normalize_line(row).replace(" ", "") for row in rows)


def main(runs: dict | None = None) -> None:
    """`runs`: settings to compare by name (default: before and after)."""
    import pypdfium2
    from matplotlib import font_manager

    from healthaction.documents.tests.builders import SCANNED_PAGE, scanned_pdf

    parser = argparse.ArgumentParser()
    parser.add_argument("sizes", nargs="?", default="22,26,30", help="font sizes in px, e.g. 22,30")
    parser.add_argument("--smoke", action="store_true", help="one font, one size, one page (scripts/test runs it so)")
    args = parser.parse_args()
    fonts = {Path(f).stem: f for f in font_manager.findSystemFonts() if Path(f).stem in FONTS}
    if not fonts:
        if args.smoke:
            print(
                "ocr-accuracy: skipped, no Noto CJK font installed (fonts-noto-cjk) to draw pages (target: fewer errors than before tuning)"
            )
            return
        sys.exit("no Noto CJK font installed (fonts-noto-cjk): cannot draw scanned pages")
    sizes = [int(x) for x in args.sizes.split(",")]
    pages = {"plan": page_lines(), "test": SCANNED_PAGE, "prose": PROSE, "table": TABLE}
    if args.smoke:
        fonts = dict(sorted(fonts.items())[:1])
        sizes, pages = [30], {"test": SCANNED_PAGE}
    runs = runs or {"before (ocr.BASELINE)": ocr.BASELINE, "after (ocr.SETTINGS)": ocr.SETTINGS}
    totals = {name: [0, 0, 0.0] for name in runs}  # differing characters, cells, CPU seconds
    characters = 0
    for font_name, font in sorted(fonts.items()):
        for size in sizes:
            for page_name, lines in pages.items():
                pdf = pypdfium2.PdfDocument(scanned_pdf(lines, font, size))
                want = drawn(lines).replace("|", "")
                characters += len(want)
                report = []
                for name, settings in runs.items():
                    started = time.process_time()
                    text = _text(ocr.page_blocks(ocr.rasterise(pdf[0], settings), 1, settings))
                    totals[name][2] += time.process_time() - started
                    errors = _errors(want, text.replace("|", ""))
                    count = sum(max(len(a), len(b)) for a, b in errors)
                    totals[name][0] += count
                    totals[name][1] += text.count("|")
                    report.append(f"{count:3} ({', '.join(f'{a}→{b}' for a, b in errors)})")
                print(
                    f"{'serif' if 'Serif' in font_name else 'sans':5} {size}px {page_name:6}" + "  |  ".join(report),
                    flush=True,
                )
    print(f"\n{len(fonts) * len(sizes) * len(pages)} pages, {characters} characters drawn")
    for name, (count, cells, cpu) in totals.items():
        print(
            f"{name:<24} {count:4} characters differ ({count / characters:.2%}), {cells} cell breaks, {cpu:6.1f} s CPU"
        )
    b_count, a_count = totals[next(iter(totals))][0], totals[list(totals)[-1]][0]
    print(
        f"ocr-accuracy: {a_count} of {characters} characters read wrongly, {b_count} before tuning"
        " (target: no more than before tuning)"
    )


if __name__ == "__main__":
    main()
