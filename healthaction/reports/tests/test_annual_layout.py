"""The annual report laid out as a finished document: rendered to PDF and to page images, no page more than half
empty except where a section ends, every chart's drawing inside its frame, every table and chart captioned."""

import io
import re
from pathlib import Path

import docx
import pytest

from healthaction.reports import charts
from healthaction.reports.annual import build_annual_report
from healthaction.reports.pdf import docx_to_pdf
from healthaction.reports.tests.rendering import blank_share, page_images, page_texts, tools_missing

ARTIFACTS = Path(__file__).resolve().parents[3] / "artifacts"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _fonts_missing():
    try:
        charts.cjk_font()
    except charts.FontMissing as exc:
        return str(exc)
    return None


needs_font = pytest.mark.skipif(_fonts_missing() is not None, reason=f"no CJK font for the charts: {_fonts_missing()}")


def _starts_after_page_break(document) -> list[str]:
    """Texts of the paragraphs that a page break puts at the top of a page: each starts a new section."""
    starts, broken = [], False
    for p in document.paragraphs:
        if broken and p.text.strip():
            starts.append(p.text.strip())
            broken = False
        if p._p.find(f".//{W}br[@{W}type='page']") is not None:
            broken = True
    return starts


@pytest.mark.skipif(tools_missing() is not None, reason=tools_missing() or "")
@needs_font
def test_no_page_is_more_than_half_empty_except_where_a_section_ends(demo, tmp_path):
    data = build_annual_report(demo["plan"], 2025)
    document = docx.Document(io.BytesIO(data))
    section_starts = [re.sub(r"\s+", "", s) for s in _starts_after_page_break(document)]
    assert section_starts[:2] == ["一、总体情况", "附件1全部指标监测结果"]
    pdf = tmp_path / "annual.pdf"
    pdf.write_bytes(docx_to_pdf(data))
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "annual-report-2025.pdf").write_bytes(pdf.read_bytes())
    pages, texts = page_images(pdf, tmp_path / "pages"), page_texts(pdf)
    assert len(pages) == len(texts) > 10
    half_empty = []
    for number, (png, _text) in enumerate(zip(pages, texts), start=1):
        following = re.sub(r"\s+", "", texts[number]) if number < len(texts) else ""
        ends_section = number == len(pages) or any(following.startswith(start) for start in section_starts)
        if not ends_section and blank_share(png) > 0.5:
            half_empty.append((number, round(blank_share(png), 2)))
    assert half_empty == []
    assert blank_share(pages[1]) < 0.25  # page 2 (the overview and its first chart) used to be mostly blank


def test_blank_share_measures_the_empty_tail_of_a_page(tmp_path):
    """The measure itself, on pages drawn by hand: ink down to 30 % of the body leaves 70 % blank."""
    from PIL import Image, ImageDraw

    from healthaction.reports.tests.rendering import A4_BODY_CM, DPI

    width, height = round(21.0 / 2.54 * DPI), round(29.7 / 2.54 * DPI)
    top, bottom = int(A4_BODY_CM[0] * DPI / 2.54), height - int(A4_BODY_CM[1] * DPI / 2.54)
    body = bottom - top
    image = Image.new("L", (width, height), 255)
    ImageDraw.Draw(image).rectangle([50, top + 2, 200, top + int(body * 0.3)], fill=0)
    ImageDraw.Draw(image).text(
        (width // 2, height - 20), "- 3 -", fill=0
    )  # the page number in the footer is not content
    image.save(tmp_path / "page-1.png")
    assert blank_share(tmp_path / "page-1.png") == pytest.approx(0.7, abs=0.01)


@needs_font
def test_chart_legends_and_labels_stay_inside_their_frames():
    rows = [
        (f"{k}.{name}", {"achieved": k % 3, "on_track": 2, "off_track": 1, "regressing": k % 2, "no_data": 1})
        for k, name in enumerate(
            [
                "健康知识普及行动",
                "合理膳食行动",
                "全民健身行动",
                "控烟行动",
                "心理健康促进行动",
                "健康环境促进行动",
                "妇幼健康促进行动",
                "中小学健康促进行动",
                "职业健康保护行动",
                "老年健康促进行动",
                "心脑血管疾病防治行动",
                "癌症防治行动",
                "慢性呼吸系统疾病防治行动",
                "糖尿病防治行动",
                "传染病及地方病防控行动",
                "中医药促进健康行动",
                "智慧健康行动",
            ],
            start=1,
        )
    ]
    figures = {
        "status bars": charts.status_bars_figure(rows),
        # the target at the last year and at the top of the range is where the label used to spill over the frame
        "trend": charts.trend_figure(
            "经常参加体育锻炼人数比例",
            "%",
            [2020, 2021, 2022, 2023, 2024, 2025],
            [37.6, 37.5, 37.3, 37.1, 37.0, 36.8],
            36.2,
            [(2022, 37.0), (2030, 40.0)],
            (2030, 35.9),
        ),
        "single value": charts.trend_figure("居民健康素养水平", "%", [2025], [21.5], None, [(2030, 30.0)], None),
        "county scores": charts.county_scores_figure(
            ["青川区", "河东区", "临江县", "白石县", "云溪县", "望山县"], [100.0, 92.5, 88.1, 75.0, 60.2, 41.0]
        ),
    }
    for name, fig in figures.items():
        assert charts.overflow(fig) == 0.0, name
    legend = figures["status bars"].legends[0]
    assert [t.get_text() for t in legend.get_texts()] == ["已实现", "进度正常", "严重滞后", "退步", "未报送"]


@needs_font
def test_a_single_value_is_drawn_as_a_marker():
    fig = charts.trend_figure("居民健康素养水平", "%", [2025], [21.5], None, [], None)
    line = fig.axes[0].get_lines()[0]
    assert list(line.get_xdata()) == [2025] and list(line.get_ydata()) == [21.5] and line.get_marker() == "o"


@needs_font
def test_every_table_and_chart_is_captioned_and_numbered_in_order(demo):
    document = docx.Document(io.BytesIO(build_annual_report(demo["plan"], 2025)))
    captions = [p.text for p in document.paragraphs if p.style.name == "Caption"]
    for table in document.tables:  # the chart grid holds its captions in its cells
        for cell in table._cells:
            captions += [p.text for p in cell.paragraphs if p.style.name == "Caption"]
    figures = sorted(int(m.group(1)) for c in captions if (m := re.match(r"图(\d+)  ", c)))
    tables = [int(m.group(1)) for c in captions if (m := re.match(r"表(\d+)  ", c))]
    assert figures == list(range(1, 9))  # status bars, six trends, county scores
    data_tables = [t for t in document.tables if t.style is not None and t.style.name == "Table Grid"]
    assert tables == list(range(1, len(data_tables) + 1))
    assert "图1  各专项行动指标进展情况" in captions and "图2  居民健康素养水平（%）" in captions
    headings = [p for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert all(p.style.paragraph_format.keep_with_next for p in headings)
