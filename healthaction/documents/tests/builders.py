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
TABLE_A_HEAD = [
    ["领域", "序号", "指标", "单位", "基线（2017年）", "目标值", "目标值", "属性"],
    ["领域", "序号", "指标", "单位", "基线（2017年）", "2022年", "2030年", "属性"],
]
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
            if text is None:  # merged with the cell on its left (and further left while None)
                first = c - 1
                while row[first] is None:
                    first -= 1
                merged = table.cell(r, first).merge(table.cell(r, c))
                merged.text = row[first]
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
        subprocess.run(
            [
                exe,
                f"-env:UserInstallation=file://{tmp}/profile",
                "--headless",
                "--convert-to",
                target,
                "--outdir",
                tmp,
                str(src),
            ],
            capture_output=True,
            timeout=180,
            check=True,
        )
        return (Path(tmp) / f"in.{target.split(':')[0]}").read_bytes()


def cjk_font() -> str:
    from matplotlib import font_manager

    fonts = [
        f
        for f in font_manager.findSystemFonts()
        if any(k in f.lower() for k in ("notosanscjk", "notoserifcjk", "wqy", "droidsansfallback"))
    ]
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


# ---- unseen-style documents (each with a hand transcription in fixtures/) ------------------------------


def county_docx() -> bytes:
    """A county plan: 类别 merged down, 现状值（2020年）, 目标值 over 2025年 and 2030年, a unit column, group rows,
    a 说明 row, a 注 paragraph after the table; a second table with three target years; tasks in prose."""

    def build(document):
        for text in [
            "青山县人民政府办公室文件",
            "青政办发〔2021〕12号",
            "青山县人民政府办公室关于印发健康青山行动实施方案的通知",
            "一、主要目标",
        ]:
            document.add_paragraph(text)
        head = [
            ["类别", "序号", "考核指标", "单位", "现状值（2020年）", "目标值", "目标值", "指标属性"],
            ["类别", "序号", "考核指标", "单位", "现状值（2020年）", "2025年", "2030年", "指标属性"],
        ]
        rows = [
            ["结果性指标"],
            ["健康水平", "1", "人均预期寿命", "岁", "78.2", "79", "80", "预期性"],
            ["健康水平", "2", "婴儿死亡率", "‰", "4.1", "≤4.5", "≤4", "约束性"],
            ["健康水平", "3", "孕产妇死亡率", "1/10万", "12.5", "≤12", "≤10", "约束性"],
            ["说明：孕产妇死亡率按三年平均值计算。"],
            ["健康生活", "4", "居民健康素养水平", "%", "21.3", "≥25", "≥32", "预期性"],
            ["健康生活", "5", "15岁以上人群吸烟率", "%", "24.1", "<23", "<20", "预期性"],
            ["政府工作指标"],
            ["健康服务", "6", "每千常住人口执业（助理）医师数", "人", "2.6", "3.0", "3.3", "预期性"],
            ["健康服务", "7", "农村自来水普及率", "%", "88", "≥90", None, "约束性"],
        ]
        add_table(document, head, rows)
        document.add_paragraph("注：现状值为2020年统计数据。")
        document.add_paragraph("二、年度推进指标")
        three = [["序号", "指标名称", "基期值", "2023年预期值", "目标值（2025年）", "目标值（2030年）", "属性"]]
        add_table(
            document,
            three,
            [
                ["1", "国民体质测定标准合格以上的人数比例", "90.1%", "≥91%", "≥92%", "≥93%", "预期性"],
                ["2", "城乡居民达到《国民体质测定标准》合格以上的人数比例", "—", "≥90.5%", "≥91%", "≥92.2%", "预期性"],
                ["3", "儿童青少年总体近视率", "52.7%", "力争每年降低0.5个百分点以上", None, None, "约束性"],
            ],
        )
        for text in [
            "三、重点任务",
            "（一）健康知识普及行动",
            "1. 建立县级健康科普专家库。（县卫生健康局牵头，县融媒体中心、县科协配合）",
            "2. 开展健康素养监测。（县卫生健康局负责）",
            "（二）控烟行动",
            "1. 全面推进无烟党政机关建设。（县委办公室、县卫生健康局牵头，县直各单位配合）",
            "2. 加强烟草广告监管。（县市场监管局负责）",
        ]:
            document.add_paragraph(text)

    return docx_bytes(build)


OPINION_TEXT = """青岭市人民政府关于实施健康青岭行动的意见
青政发〔2020〕9号
各区县人民政府，市政府各部门：
为贯彻落实健康中国战略，现就实施健康青岭行动提出如下意见。
一、总体目标
到2022年，覆盖经济社会各相关领域的健康促进政策体系基本建立，全市居民健康素养水平不低于22%，经常参加体育锻炼人数比例达到37%及以上。到2030年，人均预期寿命提高到80岁。
二、主要任务
（一）实施妇幼健康促进行动。到2022年和2030年，婴儿死亡率分别控制在7.5‰及以下和5‰及以下，孕产妇死亡率分别下降到18/10万及以下和12/10万及以下。加强出生缺陷综合防治，提高产前筛查覆盖面。（市卫生健康委牵头，市妇联、市医保局配合）
（二）实施控烟行动。到2022年和2030年，15岁以上人群吸烟率分别低于24.5%和20%。全面推进无烟党政机关建设，加大控烟执法力度。（市卫生健康委牵头，市市场监管局、市教育局配合）
（三）实施心脑血管疾病防治行动。到2022年和2030年，心脑血管疾病死亡率分别下降到209.7/10万及以下和190.7/10万及以下。推广体重、腰围、血压、血糖、血脂自我监测。（市卫生健康委负责）
（四）实施癌症防治行动。到2022年和2030年，总体癌症5年生存率分别不低于43.3%和46.6%。开展重点癌症早诊早治。（市卫生健康委牵头，市医保局、市民政局配合）
三、保障措施
加强组织领导，各地各部门要把实施健康青岭行动作为重要工作抓紧抓实。
"""


def opinion_text_nfkc() -> bytes:
    """The 意见 as a web copy normalised with NFKC (ASCII commas, colons, brackets)."""
    import unicodedata

    return unicodedata.normalize("NFKC", OPINION_TEXT).encode("utf-8")


def task_notice_docx() -> bytes:
    """A notice with a task table: action groups as merged rows, lead and deadline cells merged down."""

    def build(document):
        for text in [
            "健康绿洲行动推进委员会办公室",
            "关于印发2024年健康绿洲行动重点任务分工的通知",
            "各有关单位：",
            "现将2024年重点任务分工印发给你们，请认真抓好落实。",
            "附件：2024年重点任务分工表",
        ]:
            document.add_paragraph(text)
        head = [["序号", "重点任务", "牵头单位", "配合单位", "完成时限"]]
        rows = [
            ["一、健康知识普及行动"],
            ["1", "举办健康科普讲座不少于20场", "市卫生健康委", "市科协", "2024年12月底"],
            ["2", "开展健康素养监测", "市卫生健康委", "", "2024年12月底"],
            ["二、全民健身行动"],
            ["3", "新建社区健身路径50处", "市体育局", "市住房城乡建设局、各县（市、区）人民政府", "2024年10月底"],
            ["4", "举办全民健身运动会", "市体育局", "市教育局、市总工会", "2024年10月底"],
            ["5", "开展国民体质监测", "市体育局", "", "长期坚持"],
            ["三、控烟行动"],
            ["6", "创建无烟党政机关", "市委办公室", "市直机关工委、市卫生健康委", "2024年6月底"],
        ]
        table = add_table(document, head, rows)
        # lead and deadline cells merged down (rows 2–3 and 5–7 of the table: tasks 1–2 and 3–5)
        for col, spans in ((2, [(2, 3), (5, 7)]), (4, [(2, 3), (5, 6)])):
            for top, bottom in spans:
                text = table.cell(top, col).text
                merged = table.cell(top, col).merge(table.cell(bottom, col))
                merged.text = text

    return docx_bytes(build)


def action_column_docx() -> bytes:
    """A task table with an action column merged down and no group rows."""

    def build(document):
        document.add_paragraph("健康河谷行动2024年工作要点")
        head = [["专项行动", "序号", "工作任务", "责任单位", "配合单位"]]
        rows = [
            ["合理膳食行动", "1", "开展减盐减油减糖宣传周活动", "市卫生健康委", "市市场监管局"],
            ["合理膳食行动", "2", "建设营养健康食堂10家", "市卫生健康委", "市教育局"],
            ["心理健康促进行动", "3", "开通心理援助热线", "市卫生健康委", "市公安局"],
            ["心理健康促进行动", "4", "开展学生心理健康筛查", "市教育局", "市卫生健康委"],
        ]
        add_table(document, head, rows, merge_down_first=True)

    return docx_bytes(build)


def two_up_docx() -> bytes:
    """Two tables side by side in one Word table (序号 指标 目标值 | 序号 指标 目标值), as leaflets print them."""

    def build(document):
        document.add_paragraph("健康示例区2025年主要指标")
        head = [["序号", "指标", "2025年目标值", "序号", "指标", "2025年目标值"]]
        rows = [
            ["1", "居民健康素养水平", "≥30%", "3", "婴儿死亡率", "≤4‰"],
            ["2", "经常参加体育锻炼人数比例", "≥40%", "4", "孕产妇死亡率", "≤10/10万"],
        ]
        add_table(document, head, rows)

    return docx_bytes(build)


def pdf_bomb(unpacked_mb: int = 1500) -> bytes:
    """A one-page PDF whose content stream is a Flate bomb: about 1.5 MB that inflates to `unpacked_mb` MB."""
    import zlib

    packer = zlib.compressobj(9)
    chunk = b"0" * (1 << 20)
    body = b"".join(packer.compress(chunk) for _ in range(unpacked_mb)) + packer.flush()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(body) + body + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, obj in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


SCANNED_PAGE = [
    "健康示范县行动实施方案",
    "一、主要指标",
    ["序号", "指标", "基线", "2025年", "2030年", "属性"],
    ["1", "居民健康素养水平（%）", "14.18", "≥25", "≥30", "预期性"],
    ["2", "人均预期寿命（岁）", "76.7", "78", "79", "预期性"],
    ["3", "孕产妇死亡率（1/10万）", "19.6", "≤15", "≤12", "约束性"],
    "二、重点任务",
    "（一）健康知识普及行动",
    "1.建立健康科普专家库。（县卫生健康局牵头，县科协配合）",
]
