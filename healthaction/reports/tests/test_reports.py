"""Reports opened and checked as real files: the annual report, the circular, the Excel export, the PDF."""

import datetime as dt
import io
import subprocess
from pathlib import Path

import docx
import openpyxl
import pytest
from django.core.management import call_command

from healthaction.evaluation.models import AssessmentScore, EvaluationResult
from healthaction.plans.models import Indicator
from healthaction.reports.annual import build_annual_report
from healthaction.reports.circular import build_circular
from healthaction.reports.export import build_export
from healthaction.reports.pdf import docx_to_pdf

ARTIFACTS = Path(__file__).resolve().parents[3] / "artifacts"


@pytest.fixture
def annual(demo):
    return docx.Document(io.BytesIO(build_annual_report(demo["plan"], 2025)))


def _row(document, first_cells: tuple[str, ...]):
    for table in document.tables:
        for row in table.rows:
            cells = [c.text for c in row.cells]
            if tuple(cells[: len(first_cells)]) == first_cells:
                return cells
    return None


@pytest.mark.requires_cjk_font
def test_the_health_literacy_row_shows_baseline_targets_value_and_status(annual, demo):
    literacy = Indicator.objects.get(plan=demo["plan"], name="居民健康素养水平")
    result = EvaluationResult.objects.get(indicator=literacy, org_unit=demo["plan"].org_unit, year=2025)
    cells = _row(annual, ("1.1", "居民健康素养水平"))
    assert cells is not None
    assert cells[2] == "%"
    assert cells[3] == "21.3（2020）"
    assert cells[4] == "2022年≥22；2030年≥30"
    assert cells[5] == f"{result.value:g}"
    assert cells[6] == result.get_status_display()
    assert cells[7] == result.explanation


@pytest.mark.requires_cjk_font
def test_one_section_per_action(annual, demo):
    sections = [p.text for p in annual.paragraphs if p.style.name == "Heading 2"]
    actions = list(demo["plan"].actions.order_by("number"))
    assert len(sections) == len(actions)
    assert sections[0] == "（一）健康知识普及行动" and sections[16] == "（十七）智慧健康行动"
    headings = [p.text for p in annual.paragraphs if p.style.name == "Heading 1"]
    assert headings[:4] == ["一、总体情况", "二、各专项行动进展", "三、县（市、区）比较", "四、约束性指标考核排名"]
    assert annual.paragraphs[4].text == demo["plan"].title and annual.paragraphs[5].text == "2025年度监测评估报告"


@pytest.mark.requires_cjk_font
def test_the_ranking_table_matches_the_evaluation(annual, demo):
    scores = AssessmentScore.objects.filter(plan=demo["plan"], year=2025, org_unit__isnull=False).order_by(
        "rank", "org_unit__code"
    )
    table = next(t for t in annual.tables if [c.text for c in t.rows[0].cells][:3] == ["排名", "县（市、区）", "得分"])
    rows = [[c.text for c in r.cells][:3] for r in table.rows[1:]]
    assert sorted(rows) == sorted([[str(s.rank), s.org_unit.name, f"{s.score:.2f}"] for s in scores])
    assert len(rows) == 6


def _give(scores, points_of) -> None:
    """Set each score to points_of(score), as an inspector would have typed it."""
    for score in scores.select_related("item"):
        score.points = points_of(score)
        score.save(update_fields=["points"])


@pytest.mark.requires_cjk_font
def test_the_supervision_and_healthy_cell_section_matches_the_rounds(demo):
    from healthaction.inspections.models import Finding, Round, Score, Visit

    supervision = Round.objects.get(plan=demo["plan"], year=2025, checklist__kind="supervision")
    linjiang = Visit.objects.get(round=supervision, org_unit__code="990121")
    first = linjiang.scores.order_by("pk").first()
    _give(linjiang.scores.all(), lambda score: 7.5 if score.pk == first.pk else 0)  # 临江县 totals 7.5 points
    cells = Round.objects.get(plan=demo["plan"], year=2025, checklist__kind="healthy_cell")
    # only 临江县's six communities (three towns, two each) get full marks: 6 of the 36 communities meet the norm
    _give(
        Score.objects.filter(visit__round=cells),
        lambda score: score.item.points if score.visit.org_unit.parent.parent.code == "990121" else 0,
    )
    # the round's findings set by hand: three at 临江县 (one verified), two at the next visit (one verified)
    Finding.objects.filter(visit__round=supervision).delete()
    other = supervision.visits.exclude(pk=linjiang.pk).order_by("pk").first()
    item = supervision.checklist.items.order_by("pk").first()
    for visit, status in [
        (linjiang, "verified"),
        (linjiang, "open"),
        (linjiang, "open"),
        (other, "verified"),
        (other, "submitted"),
    ]:
        Finding.objects.create(
            visit=visit,
            item=item,
            text="台账资料不完整",
            org_unit=visit.org_unit,
            department=visit.department,
            deadline=dt.date(2025, 10, 31),
            status=status,
        )
    annual = docx.Document(io.BytesIO(build_annual_report(demo["plan"], 2025)))

    headings = [p.text for p in annual.paragraphs if p.style.name == "Heading 1"]
    assert headings[4] == "五、专项督导与健康细胞建设"
    text = "\n".join(p.text for p in annual.paragraphs)
    # demo/inspections.py: six counties and two departments visited, the last visit not signed off
    assert "共检查8个对象，已签认7个；发现问题5项，已整改验收2项" in text
    assert _row(annual, ("临江县", "7.5", "3")) is not None
    assert "评估36个单位，达标6个，达标比例16.7%" in text
    assert _row(annual, ("临江县", "6")) is not None


@pytest.mark.requires_cjk_font
def test_the_report_is_formal(annual):
    header = next(t for t in annual.tables if t.style is not None and t.style.name == "Table Grid").rows[0]._tr
    assert header.find(".//{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tblHeader") is not None
    footer = annual.sections[0].footer._element.xml
    assert "PAGE" in footer
    # status bars, six trends (KEY_TRENDS; the demo has more binding indicators with numeric targets), county scores
    assert sum(1 for s in annual.inline_shapes) == 8


def test_the_circular_names_overdue_and_lagging(demo):
    document = docx.Document(io.BytesIO(build_circular(demo["plan"], 2025)))
    text = "\n".join(p.text for p in document.paragraphs)
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == [
        "一、报送总体情况",
        "二、通报的单位",
        "三、督导问题整改情况",
        "四、有关单位具体情况",
        "五、工作要求",
    ]
    lagging = EvaluationResult.objects.filter(
        plan=demo["plan"], year=2025, status__in=["off_track", "regressing"], indicator__nature="binding"
    ).exclude(org_unit=demo["plan"].org_unit)
    county = lagging.first().org_unit.name
    named = next(line for line in text.splitlines() if line.startswith("（二）约束性指标进度严重滞后或退步的单位："))
    assert f"{county}（{lagging.filter(org_unit__name=county).count()}项）" in named


def test_the_excel_export_has_one_sheet_per_action_with_filters(demo):
    wb = openpyxl.load_workbook(io.BytesIO(build_export(demo["plan"])))
    assert len(wb.sheetnames) == demo["plan"].actions.count() + 2  # and the circular's two annexes
    assert wb.sheetnames[-2:] == ["附表1 逾期未报事项", "附表2 逾期未整改问题"]
    ws = wb[wb.sheetnames[0]]
    assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1")
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    literacy = [r for r in rows if r[1] == "居民健康素养水平" and r[4] == "青川市" and r[5] == 2025][0]
    result = EvaluationResult.objects.get(indicator__name="居民健康素养水平", org_unit__code="990100", year=2025)
    assert literacy[10] == result.get_status_display() and literacy[11] == result.explanation
    assert (
        sum(len(list(wb[n].iter_rows(min_row=2))) for n in wb.sheetnames[:-2])
        == EvaluationResult.objects.filter(plan=demo["plan"]).count()
    )


@pytest.mark.requires_cjk_font
def test_the_cli_and_the_download_page(demo, tmp_path, login):
    out = tmp_path / "annual.docx"
    call_command("report", "annual", "--plan", str(demo["plan"].pk), "--year", "2025", "-o", str(out))
    assert docx.Document(str(out)).paragraphs[5].text == "2025年度监测评估报告"
    office = login("office")
    assert "2025" in office.get("/reports/").content.decode()
    response = office.get(f"/reports/{demo['plan'].pk}/excel/")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    assert login("liaison").get(f"/reports/{demo['plan'].pk}/annual/?year=2025").status_code == 404


@pytest.mark.requires_cjk_font
@pytest.mark.requires_soffice
def test_the_pdf_renders_chinese_headings(demo):
    pdf = docx_to_pdf(build_annual_report(demo["plan"], 2025))
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "annual-report.pdf").write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-l", "3", str(ARTIFACTS / "annual-report.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "年度监测评估报告" in text and "一、总体情况" in text
    fonts = subprocess.run(
        ["pdffonts", str(ARTIFACTS / "annual-report.pdf")], capture_output=True, text=True, check=True
    ).stdout
    assert any(name in fonts for name in ("CJK", "WenQuanYi", "Droid", "Noto Sans SC", "Noto Serif SC")), (
        fonts
    )  # glyphs come from a CJK font, not boxes
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "80",
            "-f",
            "2",
            "-l",
            "2",
            str(ARTIFACTS / "annual-report.pdf"),
            str(ARTIFACTS / "annual-report-page"),
        ],
        check=True,
    )
    page = next(ARTIFACTS.glob("annual-report-page*.png"))
    assert page.stat().st_size > 10_000


def test_without_libreoffice_the_pdf_link_answers_with_a_page_that_says_why(demo, login, monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")  # as on a server where LibreOffice is not installed
    response = login("office").get(f"/reports/{demo['plan'].pk}/annual-pdf/?year=2025")
    assert response.status_code == 503 and response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "暂时无法生成报告" in page and "服务器未安装 LibreOffice" in page and 'href="/reports/"' in page
