"""Scanned tables without ruling lines, rebuilt from the recognised boxes' geometry (issue 27): a Word table with no
borders printed by LibreOffice, rasterised at 150 dpi, turned 0.5° and speckled, saved as an image-only PDF and read
by the real OCR path; a prose page read the same way gains no table; boxes laid out by hand show the column cut."""

import io
import os
import time

import pytest

from healthaction.documents import parse_document
from healthaction.documents.model import Paragraph, Table
from healthaction.documents.normalize import normalize_line
from healthaction.documents.readers import ocr
from healthaction.documents.tests import builders

HEAD = ["序号", "指标", "基线值", "2025年目标", "2030年目标", "指标属性"]
ROWS = [
    ["1", "孕产妇死亡率（/10万）", "12.3", "≤12", "≤10", "约束性"],
    ["2", "5岁以下儿童死亡率（‰）", "8.6", "≤7.5", "≤6", "约束性"],
    ["3", "产前筛查率（%）", "61.1", "≥70", "≥80", "预期性"],
    ["4", "经常参加体育锻炼人数比例（%）", "33.9", "≥37", "≥40", "预期性"],
    ["5", "高血压患者规范管理率（%）", "50", "≥60", "≥70", "预期性"],
    ["6", "居民健康素养水平（%）", "14.18", "≥22", "≥30", "预期性"],
    ["7", "人均预期寿命（岁）", "76.7", "77.7", "79", "预期性"],
    ["8", "学生体质健康标准达标优良率（%）", "30", "≥50", "≥60", "预期性"],
]
AFTER = "各地要对照上述指标，结合实际制定本地实施方案，明确责任分工和时间进度，确保各项目标如期实现。"
PROSE = [
    "健康县行动实施方案",
    "为贯彻落实健康中国行动，提高全县居民健康水平，结合本县实际，制定本方案。",
    "一、总体要求",
    "坚持预防为主、防治结合，把健康融入所有政策，到2030年基本实现健康公平。",
    "二、重点任务",
    "1.实施健康知识普及行动。建立健康科普专家库，开展健康促进县建设。（县卫生健康局牵头，县教育局、县科协配合）",
    "2.实施合理膳食行动。推进食品营养标准体系建设。（县市场监管局牵头）",
    "县卫生健康局",
    "2023年3月1日",
]


def _scan(word: bytes, angle: float) -> bytes:
    """The Word document printed by LibreOffice, its first page at 150 dpi, turned and speckled, as an image PDF."""
    numpy = pytest.importorskip("numpy")
    pypdfium2 = pytest.importorskip("pypdfium2")
    from PIL import Image

    pdf = pypdfium2.PdfDocument(builders.convert(word, "docx", "pdf"))
    page = pdf[0].render(scale=150 / 72, grayscale=True).to_pil().convert("L")
    pdf.close()
    page = page.rotate(angle, resample=Image.BICUBIC, fillcolor=255)
    noise = numpy.random.default_rng(27).normal(0, 12, (page.height, page.width))
    page = Image.fromarray(numpy.clip(numpy.asarray(page, dtype=numpy.float64) + noise, 0, 255).astype(numpy.uint8))
    out = io.BytesIO()
    page.save(out, "PDF", resolution=150)
    return out.getvalue()


def _header_rules(table) -> None:
    """A rule above and below the header row only (a common layout for tables in plan documents)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    for cell in table.rows[0].cells:
        borders = OxmlElement("w:tcBorders")
        for side in ("top", "bottom"):
            rule = OxmlElement(f"w:{side}")
            rule.set(qn("w:val"), "single")
            rule.set(qn("w:sz"), "8")
            rule.set(qn("w:color"), "000000")
            borders.append(rule)
        cell._tc.get_or_add_tcPr().append(borders)


@pytest.fixture(scope="module", params=["no rules", "header rules"])
def borderless(request):
    pytest.importorskip("rapidocr_onnxruntime", reason="rapidocr-onnxruntime is not installed")
    import docx

    def build(document):
        document.add_paragraph("健康县行动主要指标")
        table = document.add_table(rows=1 + len(ROWS), cols=len(HEAD))  # the default style: no borders
        for r, row in enumerate([HEAD, *ROWS]):
            for c, text in enumerate(row):
                table.cell(r, c).text = text
        if request.param == "header rules":
            _header_rules(table)
        document.add_paragraph(AFTER)

    word = builders.docx_bytes(build)
    table = docx.Document(io.BytesIO(word)).tables[0]
    assert table.style.name == "Normal Table"  # no rules but those added above
    return _scan(word, 0.5)


def _norm(text: str) -> str:
    return "".join(normalize_line(text).split())


def _timed_page(data: bytes):
    ocr._engine()  # the model load is once per process, not per page
    cpu, wall = time.process_time(), time.perf_counter()
    document = ocr.ocr_document(data, "scan.pdf")
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    print(f"page: CPU {cpu:.2f} s, wall {wall:.2f} s, load average {os.getloadavg()[0]:.1f}")
    return document, cpu


def test_a_borderless_scanned_table_is_rebuilt_from_its_boxes(borderless):
    document, cpu = _timed_page(borderless)
    tables = document.tables
    assert len(tables) == 1 and tables[0].source == "ocr" and tables[0].width == 6
    got = tables[0].rows
    assert len(got) == 9  # the wrapped names (孕产妇死亡 / 率（/10 / 万）) stay in their row
    cells = [(t, g) for want, row in zip([HEAD, *ROWS], got) for t, g in zip(want, row)]
    matched = sum(_norm(t) == _norm(g) for t, g in cells)
    print(f"cells {matched}/{len(cells)} = {matched / len(cells):.2f}")
    assert matched / len(cells) >= 0.85
    assert [_norm(c) for c in got[0]] == HEAD
    assert [_norm(c) for c in got[4]][1:3] == ["经常参加体育锻炼人数比例（%）", "33.9"]
    # the prose around the table stays paragraphs, in order
    texts = [_norm(b.text) for b in document.blocks if isinstance(b, Paragraph) and b.text.strip()]
    assert texts[0] == "健康县行动主要指标"
    assert "".join(texts[1:]) == _norm(AFTER)
    assert cpu <= 3.0


def test_a_borderless_scanned_table_gives_the_plans_indicators(borderless):
    draft = parse_document(borderless, "scan.pdf")
    inds = {i["name"]: i for i in draft["indicators"]}
    assert len(draft["indicators"]) == 8  # one per row of the Word table
    literacy = inds["居民健康素养水平"]
    assert literacy["unit"] == "%" and literacy["baseline"]["value"] == 14.18
    assert [(t["year"], t["comparator"], t["value"]) for t in literacy["targets"]] == [
        (2025, ">=", 22.0),
        (2030, ">=", 30.0),
    ]
    assert literacy["nature"] == "expected"
    assert inds["产前筛查率"]["baseline"]["value"] == 61.1  # its ≥80 is read =80 in one of the scans
    exercise = inds["经常参加体育锻炼人数比例"]  # wrapped over three lines in its cell
    assert exercise["baseline"]["value"] == 33.9 and [t["value"] for t in exercise["targets"]] == [37.0, 40.0]
    children = inds["5岁以下儿童死亡率"]
    assert children["nature"] == "binding" and [(t["comparator"], t["value"]) for t in children["targets"]] == [
        ("<=", 7.5),
        ("<=", 6.0),
    ]


def test_a_scanned_prose_page_gains_no_table():
    pytest.importorskip("rapidocr_onnxruntime", reason="rapidocr-onnxruntime is not installed")
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    def build(document):
        for text in PROSE:
            paragraph = document.add_paragraph(text)
            if text in PROSE[-2:]:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT

    document, cpu = _timed_page(_scan(builders.docx_bytes(build), 0.5))
    assert not document.tables
    text = "".join(_norm(b.text) for b in document.blocks if isinstance(b, Paragraph))
    for phrase in [
        "一、总体要求",
        "二、重点任务",
        "（县卫生健康局牵头，县教育局、县科协配合）",
        "县卫生健康局2023年3月1日",
    ]:
        assert _norm(phrase) in text
    assert cpu <= 3.0


def _box(x0, y, text, x1=None):
    """A recognised box on a line at y (24 px high); 24 px a CJK character, 13 px an ASCII one, when x1 is not given."""
    width = sum(13 if c.isascii() else 24 for c in text)
    return (x0, y, x1 if x1 is not None else x0 + width, y + 24, text)


def test_a_box_glued_across_a_column_gap_is_cut_there():
    # columns: 序号 at 90, 指标 at 160 (its longest names end at 160 + 10 × 24 + 13 = 413), 基线 at 440, 目标 at 560
    boxes = [_box(90, 0, "序号"), _box(160, 0, "指标"), _box(440, 0, "基线"), _box(560, 0, "目标")]
    rows = [("1", "居民健康素养水平（%）", "14.18", "≥30"), ("2", "人均预期寿命（岁）", "76.7", "79")]
    for k, (serial, name, base, target) in enumerate(rows, start=1):
        y = 40 * k
        boxes += [_box(90, y, serial), _box(160, y, name), _box(440, y, base), _box(560, y, target)]
    # row 3: the recogniser glued the name (to 413) and the baseline (440 to 492) into one box over the gap; only
    # the cut after （%） leaves 10.55 characters' width before 414 and 2.2 after 440 at 24 px a character
    boxes += [_box(90, 120, "3"), _box(160, 120, "经常参加体育锻炼（%）33.9", x1=492), _box(560, 120, "≥40")]
    blocks = ocr.blocks_from_boxes(boxes, page=1)
    assert len(blocks) == 1 and isinstance(blocks[0], Table)
    assert blocks[0].rows == [
        ["序号", "指标", "基线", "目标"],
        ["1", "居民健康素养水平（%）", "14.18", "≥30"],
        ["2", "人均预期寿命（岁）", "76.7", "79"],
        ["3", "经常参加体育锻炼（%）", "33.9", "≥40"],
    ]


def test_a_header_glued_over_two_narrow_columns_is_cut_between_its_words():
    # 2025年目标2030年目标 (8 digits of 13 px, 6 CJK of 24 px: 440 to 688) over the columns at 440 and 520, whose
    # numbers are narrower than their header words: no cut fits by width, the one between 目标 and 2030 by words
    boxes = [_box(90, 0, "序号"), _box(160, 0, "指标"), _box(440, 0, "2025年目标2030年目标")]
    names = [
        "居民健康素养水平（%）",
        "人均预期寿命（岁）",
        "产前筛查率（%）",
        "婴儿死亡率（‰）",
        "孕产妇死亡率",
        "高血压治疗率",
    ]
    targets = [("≥22", "≥30"), ("77.7", "79"), ("≥70", "≥80"), ("≤7.5", "≤5"), ("≤12", "≤10"), ("≥60", "≥70")]
    for k, (name, (first, second)) in enumerate(zip(names, targets), start=1):
        y = 40 * k
        boxes += [_box(90, y, str(k)), _box(160, y, name), _box(440, y, first), _box(520, y, second)]
    blocks = ocr.blocks_from_boxes(boxes, page=1)
    assert len(blocks) == 1 and isinstance(blocks[0], Table)
    assert blocks[0].rows[0] == ["序号", "指标", "2025年目标", "2030年目标"]
    assert blocks[0].rows[3] == ["3", "产前筛查率（%）", "≥70", "≥80"]


def test_cells_set_vertically_centred_beside_a_wrapped_name_stay_in_its_row():
    # each name wraps over three lines 28 px apart; the other cells sit on its middle line; rows 100 px apart
    boxes = [_box(90, 0, "序号"), _box(160, 0, "指标"), _box(440, 0, "基线"), _box(560, 0, "目标")]
    rows = [
        ("1", ("经常参加体育", "锻炼人数比例", "（%）"), "33.9", "≥40"),
        ("2", ("高血压患者规", "范管理率", "（%）"), "50", "≥70"),
        ("3", ("学生体质健康", "标准达标优良", "率（%）"), "30", "≥60"),
    ]
    for k, (serial, name, base, target) in enumerate(rows):
        top = 50 + 100 * k
        boxes += [_box(160, top, name[0]), _box(160, top + 28, name[1]), _box(160, top + 56, name[2])]
        boxes += [_box(90, top + 28, serial), _box(440, top + 28, base), _box(560, top + 28, target)]
    blocks = ocr.blocks_from_boxes(boxes, page=1)
    assert len(blocks) == 1 and isinstance(blocks[0], Table)
    assert blocks[0].rows == [
        ["序号", "指标", "基线", "目标"],
        ["1", "经常参加体育锻炼人数比例（%）", "33.9", "≥40"],
        ["2", "高血压患者规范管理率（%）", "50", "≥70"],
        ["3", "学生体质健康标准达标优良率（%）", "30", "≥60"],
    ]


def test_a_task_table_set_line_under_line_keeps_its_wrapped_cells_in_their_rows():
    # no space between rows (28 px, a line's pitch): a line with a number under 序号 starts a row, one without
    # continues it, even when its task, lead and co-departments wrap together (line 2: three boxes)
    lines = [
        ("序号", "重点任务", "牵头单位", "配合单位"),
        ("1", "建立健康科普专家库，开展", "县委宣传部、县", "县教育局、县"),
        (None, "健康促进县建设。", "卫生健康局", "科协"),
        ("2", "推进食品营养标准体系建设", "县市场监管局", "县卫生健康局"),
        ("3", "实施控烟行动，建设无烟", "县卫生健康局", "县教育局、县"),
        (None, "党政机关。", None, "文明办"),
    ]
    boxes = []
    for k, line in enumerate(lines):
        for x, text in zip((90, 160, 520, 720), line):
            if text:
                boxes.append(_box(x, 28 * k, text))
    blocks = ocr.blocks_from_boxes(boxes, page=1)
    assert len(blocks) == 1 and isinstance(blocks[0], Table)
    assert blocks[0].rows == [
        ["序号", "重点任务", "牵头单位", "配合单位"],
        ["1", "建立健康科普专家库，开展健康促进县建设。", "县委宣传部、县卫生健康局", "县教育局、县科协"],
        ["2", "推进食品营养标准体系建设", "县市场监管局", "县卫生健康局"],
        ["3", "实施控烟行动，建设无烟党政机关。", "县卫生健康局", "县教育局、县文明办"],
    ]


def test_lines_of_two_or_three_boxes_that_do_not_align_stay_lines():
    boxes = [
        _box(100, 0, "联系人：张三"),
        _box(400, 0, "电话：1234567"),
        _box(700, 0, "传真：7654321"),
        _box(100, 60, "抄送：县委办公室，县人大办公室，县政协办公室。"),
        _box(100, 120, "县卫生健康局"),
        _box(500, 120, "2023年3月1日"),
    ]
    blocks = ocr.blocks_from_boxes(boxes, page=1)
    assert [b.text for b in blocks] == [
        "联系人：张三电话：1234567传真：7654321",
        "抄送：县委办公室，县人大办公室，县政协办公室。",
        "县卫生健康局2023年3月1日",
    ]
