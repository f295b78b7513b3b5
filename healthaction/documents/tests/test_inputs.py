"""Every input format reduces to the same text stream; bad input is a clear error."""

import io
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import pytest

from healthaction.documents import DocumentError, parse_document
from healthaction.documents.readers import read_document

PLAN_TEXT = """健康示例行动推进委员会文件

示例健推发〔2022〕3号

关于推进健康示例行动的实施方案

（一）健康知识普及行动。

行动目标：

到2022年和2030年，全市居民健康素养水平分别不低于22%和30%。

1. 建立完善健康科普专家库。（市卫健委牵头，市教育局、各县（市、区）人民政府按职责分工负责）

（二）合理膳食行动。

1. 推进减盐减油减糖。（市卫生健康委员会、市市场监管局负责）
"""


def _check_plan(draft: dict) -> None:
    assert draft["plan"]["doc_number"] == "示例健推发〔2022〕3号"
    assert [a["name"] for a in draft["actions"]] == ["健康知识普及行动", "合理膳食行动"]
    literacy = draft["indicators"][0]
    assert literacy["name"] == "居民健康素养水平"
    assert [(t["year"], t["comparator"], t["value"]) for t in literacy["targets"]] == [
        (2022, ">=", 22.0),
        (2030, ">=", 30.0),
    ]
    first, second = draft["tasks"]
    # 市卫健委 and 市卫生健康委员会 are one department under two names; the fuller name is shown
    assert (
        first["lead_departments"] == ["市卫生健康委员会"]
        and first["co_departments"] == ["市教育局"]
        and first["all_lower_units"]
    )
    assert second["lead_departments"] == ["市卫生健康委员会"]
    assert {"name": "市卫生健康委员会", "aliases": ["市卫健委"]} in draft["departments"]


@pytest.mark.parametrize(
    "encode",
    [
        lambda t: t.encode("utf-8"),
        lambda t: b"\xef\xbb\xbf" + t.encode("utf-8"),
        lambda t: t.encode("gb18030"),
        lambda t: t.encode("gbk"),
        lambda t: t.replace("\n", "\r\n").encode("utf-8"),
    ],
    ids=["utf-8", "utf-8-bom", "gb18030", "gbk", "crlf"],
)
def test_text_encodings_give_the_same_plan(encode):
    _check_plan(parse_document(encode(PLAN_TEXT), "plan.txt"))


def test_traditional_characters_and_ascii_punctuation_are_normalised():
    from opencc import OpenCC

    traditional = OpenCC("s2t").convert(PLAN_TEXT).replace("（", "(").replace("）", ")").replace("，", ",")
    draft = parse_document(traditional.encode("utf-8"), "plan.txt")
    assert [a["name"] for a in draft["actions"]] == ["健康知识普及行动", "合理膳食行动"]
    assert draft["tasks"][0]["co_departments"] == ["市教育局"]


def _docx_bytes(paragraphs: list[str], table: list[list[str]] | None = None, merge_last=False) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        t = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                t.cell(r, c).text = value
        if merge_last:
            merged = t.cell(len(table) - 1, 3).merge(t.cell(len(table) - 1, 4))
            merged.text = "保持省内先进水平"
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def test_docx_paragraphs_and_real_tables():
    data = _docx_bytes(
        [line for line in PLAN_TEXT.split("\n") if line.strip()] + ["二、主要指标"],
        [
            ["序号", "名称", "2020年基期水平", "2022年目标值", "2030年目标值", "指标性质"],
            ["1", "居民健康素养水平（%）", "24.81", "≥25", "≥35", "预期性"],
            ["2", "孕产妇死亡率（1/10 万）", "10.11", "15", "12", "预期性"],
            ["3", "人均预期寿命（岁）", "80.62", "", "", "预期性"],
        ],
        merge_last=True,
    )
    draft = parse_document(data, "plan.docx")
    assert draft["plan"]["doc_number"] == "示例健推发〔2022〕3号"
    table = {
        i["name"]: i
        for i in draft["indicators"]
        if i["number"] in ("1", "2", "3") or i["number"].endswith((".1", ".2", ".3"))
    }
    maternal = table["孕产妇死亡率"]
    assert maternal["unit"] == "1/10万" and [(t["comparator"], t["value"]) for t in maternal["targets"]] == [
        ("<=", 15.0),
        ("<=", 12.0),
    ]
    life = table["人均预期寿命"]
    assert [(t["year"], t["trend"]) for t in life["targets"]] == [(2022, "maintain"), (2030, "maintain")]


def test_pdf_with_a_text_layer(tmp_path):
    pytest.importorskip("matplotlib")
    from matplotlib import font_manager

    fonts = [f for f in font_manager.findSystemFonts() if any(k in f.lower() for k in ("wqy", "noto", "cjk", "droid"))]
    if not fonts:
        pytest.skip("no CJK font installed (scripts/test installs fonts-wqy-microhei when it can)")
    pdf = _pdf_bytes(
        tmp_path,
        [
            "示例健推发〔2022〕3号",
            "（一）健康知识普及行动。",
            "行动目标：",
            "到2022年和2030年，全市居民健康素养水平分别不低于22%和30%。",
        ],
        fonts[0],
    )
    draft = parse_document(pdf, "plan.pdf")
    assert draft["actions"][0]["name"] == "健康知识普及行动"
    assert [(t["year"], t["value"]) for t in draft["indicators"][0]["targets"]] == [(2022, 22.0), (2030, 30.0)]


def _pdf_bytes(tmp_path: Path, lines: list[str], font: str | None) -> bytes:
    code = f"""
import matplotlib
matplotlib.use("Agg")
matplotlib.rcParams["pdf.fonttype"] = 42
import matplotlib.pyplot as plt
from matplotlib import font_manager
fig = plt.figure(figsize=(8.27, 11.69))
prop = font_manager.FontProperties(fname={font!r}) if {font!r} else None
for k, line in enumerate({lines!r}):
    fig.text(0.1, 0.9 - k * 0.05, line, fontproperties=prop, fontsize=12)
fig.savefig({str(tmp_path / "out.pdf")!r})
"""
    subprocess.run([sys.executable, "-c", code], check=True)
    return (tmp_path / "out.pdf").read_bytes()


def test_a_pdf_without_a_text_layer_is_refused(tmp_path):
    code = f"""
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
fig = plt.figure()
fig.figimage(np.random.default_rng(1).random((200, 200)))
fig.savefig({str(tmp_path / "scan.pdf")!r})
"""
    subprocess.run([sys.executable, "-c", code], check=True)
    with pytest.raises(DocumentError, match="没有文字层"):
        parse_document((tmp_path / "scan.pdf").read_bytes(), "scan.pdf")


def _zip_bomb() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"<w:document>" + b" " * (300 * 1024 * 1024) + b"</w:document>")
    return buf.getvalue()


BAD_INPUTS = [
    (b"", "plan.txt", "是空的"),
    (b"   \n\n  ", "plan.txt", "没有文字内容"),
    (bytes(range(256)) * 50, "plan.txt", "二进制"),
    (b"\x00\x01\x02" * 1000, "plan.txt", "二进制"),
    (PLAN_TEXT.encode("utf-8"), "plan.pptx", "不支持的文件类型"),
    (PLAN_TEXT.encode("utf-8"), "plan.xls", "无法读取电子表格"),
    (PLAN_TEXT.encode("utf-8"), "plan.docx", "不是完整的 Word 文档"),
    (b"not a pdf at all", "plan.pdf", "不是 PDF"),
]


@pytest.mark.parametrize(("data", "name", "message"), BAD_INPUTS, ids=[b[2] + b[1] for b in BAD_INPUTS])
def test_bad_input_is_a_clear_error(data, name, message):
    with pytest.raises(DocumentError, match=message):
        parse_document(data, name)


def test_a_truncated_docx_is_refused():
    data = _docx_bytes(["（一）健康知识普及行动。"])
    with pytest.raises(DocumentError, match="损坏或被截断"):
        parse_document(data[: len(data) // 2], "plan.docx")


def test_a_zip_bomb_disguised_as_docx_is_refused_quickly():
    bomb = _zip_bomb()
    assert len(bomb) < 2 * 1024 * 1024
    with pytest.raises(DocumentError, match="疑似压缩炸弹"):  # core/limits.py's wording
        parse_document(bomb, "plan.docx")


def test_a_50_mb_text_is_refused():
    with pytest.raises(DocumentError, match="超过 20 MB"):
        read_document(b"a" * (50 * 1024 * 1024), "big.txt")


def test_the_cli_exits_2_with_one_line_on_bad_input(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "big.txt").write_bytes(b"x" * (50 * 1024 * 1024))
    for name in ("empty.txt", "big.txt", "missing.pdf"):
        result = subprocess.run(
            [sys.executable, "-m", "healthaction.cli", "parse", str(tmp_path / name), "--json"],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 2, result.stderr
        assert "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
        assert result.stdout == ""


def test_the_cli_prints_json_for_several_files(tmp_path):
    import json

    (tmp_path / "a.txt").write_text(PLAN_TEXT, encoding="utf-8")
    (tmp_path / "b.txt").write_text(PLAN_TEXT, encoding="gb18030")
    result = subprocess.run(
        [sys.executable, "-m", "healthaction.cli", "parse", str(tmp_path / "a.txt"), str(tmp_path / "b.txt"), "--json"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    drafts = json.loads(result.stdout)
    assert isinstance(drafts, list) and len(drafts) == 2
    assert drafts[0]["indicators"] == drafts[1]["indicators"]
    summary = subprocess.run(
        [sys.executable, "-m", "healthaction.cli", "parse", str(tmp_path / "a.txt"), "--summary"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "total: 2 actions, 1 indicators, 2 tasks" in summary.stdout
