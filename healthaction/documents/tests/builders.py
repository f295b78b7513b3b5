"""Test documents built inside the tests: Word files with real merged cells, PDFs made from them by
LibreOffice, plain-text copies and scanned pages. Content: public facts of the national Healthy China
Action (健康中国行动 2019–2030) main indicator table and typical local-plan shapes."""

import io
import shutil
import subprocess
import tempfile
from pathlib import Path

import docx
import pytest
from docx.enum.section import WD_ORIENT
from docx.shared import Mm

NATIONAL_INTRO = [
    "健康示范市推进委员会文件",
    "示健委发〔2020〕5号",
    "关于印发健康示范市行动实施方案的通知",
    "一、主要指标",
]

# Table A: 领域 merged down, a two-row header (目标值 over 2022年 and 2030年), unit column,
# baseline year in the header and, for two rows, inside the cell.
TABLE_A_HEAD = [["领域", "序号", "指标", "单位", "基线（2017年）", "目标值", "目标值", "属性"],
                ["领域", "序号", "指标", "单位", "基线（2017年）", "2022年", "2030年", "属性"]]
TABLE_A_ROWS = [
    ["健康水平", "1", "人均预期寿命", "岁", "76.7", "77.7", "79.0", "预期性"],
    ["健康水平", "2", "婴儿死亡率", "‰", "6.8", "≤7.5", "≤5", "预期性"],
    ["健康水平", "3", "5岁以下儿童死亡率", "‰", "9.1", "≤9.5", "≤6", "预期性"],
    ["健康水平", "4", "孕产妇死亡率", "1/10万", "19.6", "≤18", "≤12", "预期性"],
    ["健康生活", "5", "居民健康素养水平", "%", "14.18", "≥22", "≥30", "预期性"],
    ["健康生活", "6", "经常参加体育锻炼人数比例", "%", "33.9（2014年）", "≥37", "≥40", "预期性"],
    ["健康生活", "7", "15岁以上人群吸烟率", "%", "26.6（2015年）", "<24.5", "<20", "预期性"],
    ["健康服务", "8", "重大慢性病过早死亡率", "%", "18.5（2015年）", "≤15.9", "≤13.0", "预期性"],
]
# Table B: action rows inside the table, a target merged over both years, a note row.
TABLE_B_HEAD = ["序号", "指标名称", "基期水平", "2022年目标值", "2030年目标值", "指标性质"]
TABLE_B_ROWS = [
    ["（一）健康知识普及行动"],
    ["9", "建立并完善健康科普专家库和资源库", "—", "实现", None, "约束性"],
    ["10", "医务人员掌握与岗位相适应的健康科普知识比例", "—", "≥70%", "≥80%", "约束性"],
    ["（五）心理健康促进行动"],
    ["11", "居民心理健康素养水平", "12%", "20%", "30%", "预期性"],
    ["注：基期水平除注明年份者外为2017年数据。"],
]
AFTER_TABLE = "注：“—”表示基期无统计数据。"
NATIONAL_OUTRO = [
    "二、重点任务",
    "（一）健康知识普及行动。",
    "1. 建立健全健康科普专家库。（市卫生健康委牵头，市科协、市教育局按职责分工负责）",
    "（二）合理膳食行动。",
    "1. 开展减盐减油减糖宣传。（市卫生健康委、市市场监管局负责）",
    "（三）全民健身行动。",
    "1. 建设社区健身设施。（市体育局牵头，市住房城乡建设局配合）",
    "（四）控烟行动。",
    "1. 推进无烟机关建设。（市卫生健康委牵头，市直机关工委配合）",
    "（五）心理健康促进行动。",
    "1. 加强心理健康服务体系建设。（市卫生健康委、市民政局负责）",
]


def add_table(document, head_rows: list[list[str]], rows: list[list], merge_down_first=False, header_merges=True):
    width = len(head_rows[0])
    table = document.add_table(rows=len(head_rows) + len(rows), cols=width)
    table.style = "Table Grid"
    for r, row in enumerate(head_rows):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    if len(head_rows) == 2 and header_merges:
        for c in range(width):
            if head_rows[0][c] == head_rows[1][c]:
                table.cell(0, c).merge(table.cell(1, c))
                table.cell(0, c).text = head_rows[0][c]
        spans = [c for c in range(width) if head_rows[0][c] != head_rows[1][c]]
        if spans:
            merged = table.cell(0, spans[0]).merge(table.cell(0, spans[-1]))
            merged.text = head_rows[0][spans[0]]
    base = len(head_rows)
    for k, row in enumerate(rows):
        r = base + k
        if len(row) == 1:  # a full-width row (action, group, note)
            merged = table.cell(r, 0).merge(table.cell(r, width - 1))
            merged.text = row[0]
            continue
        for c, text in enumerate(row):
            if text is not None:
                table.cell(r, c).text = text
        for c, text in enumerate(row):
            if text is None:  # merged with the cell on its left
                merged = table.cell(r, c - 1).merge(table.cell(r, c))
                merged.text = row[c - 1]
    if merge_down_first:
        start = base
        for k in range(1, len(rows) + 1):
            r = base + k
            if k == len(rows) or rows[k][0] != rows[k - 1][0]:
                if r - 1 > start:
                    merged = table.cell(start, 0).merge(table.cell(r - 1, 0))
                    merged.text = rows[k - 1][0]
                start = r
    return table


def docx_bytes(build) -> bytes:
    document = docx.Document()
    build(document)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def national_docx(landscape: bool = False) -> bytes:
    def build(document):
        if landscape:
            section = document.sections[0]
            section.orientation = WD_ORIENT.LANDSCAPE
            section.page_width, section.page_height = Mm(297), Mm(210)
        for text in NATIONAL_INTRO:
            document.add_paragraph(text)
        add_table(document, TABLE_A_HEAD, TABLE_A_ROWS, merge_down_first=True)
        document.add_paragraph("")
        add_table(document, [TABLE_B_HEAD], TABLE_B_ROWS)
        document.add_paragraph(AFTER_TABLE)
        for text in NATIONAL_OUTRO:
            document.add_paragraph(text)

    return docx_bytes(build)


def national_text() -> bytes:
    """The same plan as a text file: tab-separated rows, merged cells written once as a text copy shows them."""
    lines = list(NATIONAL_INTRO)
    lines.append("\t".join(TABLE_A_HEAD[0][:5] + ["2022年目标值", "2030年目标值", "属性"]))
    lines += ["\t".join(r) for r in TABLE_A_ROWS]
    lines.append("")
    lines.append("\t".join(TABLE_B_HEAD))
    for row in TABLE_B_ROWS:
        lines.append(row[0] if len(row) == 1 else "\t".join(t or "" for t in row))
    lines.append(AFTER_TABLE)
    lines += NATIONAL_OUTRO
    return "\n".join(lines).encode("utf-8")


def soffice() -> str:
    path = shutil.which("soffice") or shutil.which("libreoffice")
    if not path:
        pytest.skip("LibreOffice (soffice) is not installed: PDF and .doc test documents cannot be made")
    return path


def convert(data: bytes, source_ext: str, target: str) -> bytes:
    """Convert a document with LibreOffice (pdf, doc …); the test is skipped when LibreOffice is absent."""
    exe = soffice()
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / f"in.{source_ext}"
        src.write_bytes(data)
        subprocess.run([exe, f"-env:UserInstallation=file://{tmp}/profile", "--headless", "--convert-to", target,
                        "--outdir", tmp, str(src)], capture_output=True, timeout=180, check=True)
        return (Path(tmp) / f"in.{target.split(':')[0]}").read_bytes()


def cjk_font() -> str:
    from matplotlib import font_manager

    fonts = [f for f in font_manager.findSystemFonts() if any(k in f.lower() for k in ("notosanscjk", "notoserifcjk", "wqy", "droidsansfallback"))]
    if not fonts:
        pytest.skip("no CJK font installed (fonts-noto-cjk): a scanned page cannot be drawn")
    return sorted(fonts, key=lambda f: ("Sans" not in f, "Regular" not in f, f))[0]


def scanned_pdf(lines: list, font_path: str, size: int = 30) -> bytes:
    """Draw text lines (a list of str, or of cell lists for a ruled table row) on an A4 page image; wrap it in a PDF."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("L", (1240, 1754), 255)  # A4 at 150 dpi
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(font_path, size)
    y = 120
    for line in lines:
        if isinstance(line, list):
            x = 90
            widths = [70, 470, 140, 140, 140, 140][: len(line)]
            for text, w in zip(line, widths):
                draw.rectangle([x, y - 8, x + w, y + size + 12], outline=0, width=2)
                draw.text((x + 8, y), text, font=font, fill=0)
                x += w
        else:
            draw.text((90, y), line, font=font, fill=0)
        y += size + 20
    buf = io.BytesIO()
    image.convert("RGB").save(buf, "PDF", resolution=150)
    return buf.getvalue()
