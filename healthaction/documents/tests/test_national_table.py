"""The national main indicator table (健康中国行动 2019–2030) as Word with real merged cells, as a PDF made
from it by LibreOffice and as a text copy: each field read one by one, and the three give the same plan."""

import pytest

from healthaction.documents import parse_document
from healthaction.documents.tests.builders import convert, national_docx, national_text


def _by_name(draft):
    return {i["name"]: i for i in draft["indicators"]}


def _fields(ind):
    baseline = (ind["baseline"]["value"], ind["baseline"]["year"]) if ind["baseline"] else None
    return (
        ind["name"],
        ind["unit"],
        baseline,
        [(t["year"], t["comparator"], t["value"]) for t in ind["targets"]],
        ind["nature"],
        ind["action"],
    )


def _plan_key(draft):
    return (
        [(a["number"], a["name"]) for a in draft["actions"]],
        [_fields(i) for i in draft["indicators"]],
        [(t["action"], t["content"], t["lead_departments"], t["co_departments"]) for t in draft["tasks"]],
    )


@pytest.fixture(scope="module")
def word():
    return parse_document(national_docx(), "national.docx")


def test_a_two_row_header_with_a_unit_column_and_the_baseline_year_in_the_header(word):
    inds = _by_name(word)
    assert _fields(inds["居民健康素养水平"]) == (
        "居民健康素养水平",
        "%",
        (14.18, 2017),
        [(2022, ">=", 22.0), (2030, ">=", 30.0)],
        "expected",
        None,
    )
    assert _fields(inds["婴儿死亡率"]) == (
        "婴儿死亡率",
        "‰",
        (6.8, 2017),
        [(2022, "<=", 7.5), (2030, "<=", 5.0)],
        "expected",
        None,
    )
    assert _fields(inds["孕产妇死亡率"]) == (
        "孕产妇死亡率",
        "1/10万",
        (19.6, 2017),
        [(2022, "<=", 18.0), (2030, "<=", 12.0)],
        "expected",
        None,
    )
    assert _fields(inds["5岁以下儿童死亡率"]) == (
        "5岁以下儿童死亡率",
        "‰",
        (9.1, 2017),
        [(2022, "<=", 9.5), (2030, "<=", 6.0)],
        "expected",
        None,
    )


def test_bare_numbers_take_the_direction_of_the_indicator(word):
    life = _by_name(word)["人均预期寿命"]
    assert _fields(life) == (
        "人均预期寿命",
        "岁",
        (76.7, 2017),
        [(2022, ">=", 77.7), (2030, ">=", 79.0)],
        "expected",
        None,
    )


def test_a_year_written_in_the_baseline_cell_wins_over_the_header(word):
    inds = _by_name(word)
    assert _fields(inds["15岁以上人群吸烟率"]) == (
        "15岁以上人群吸烟率",
        "%",
        (26.6, 2015),
        [(2022, "<", 24.5), (2030, "<", 20.0)],
        "expected",
        None,
    )
    assert inds["经常参加体育锻炼人数比例"]["baseline"]["year"] == 2014
    assert inds["重大慢性病过早死亡率"]["baseline"] == {"value": 18.5, "qualitative": "", "raw": "18.5", "year": 2015}


def test_action_rows_inside_a_table_switch_the_action_without_ending_the_table(word):
    inds = _by_name(word)
    assert inds["建立并完善健康科普专家库和资源库"]["action"] == 1
    assert inds["医务人员掌握与岗位相适应的健康科普知识比例"]["action"] == 1
    mental = inds["居民心理健康素养水平"]
    # the baseline column has no year; the table's note says the data are of 2017
    assert _fields(mental) == (
        "居民心理健康素养水平",
        "%",
        (12.0, 2017),
        [(2022, ">=", 20.0), (2030, ">=", 30.0)],
        "expected",
        5,
    )
    assert [(a["number"], a["name"]) for a in word["actions"]][4] == (5, "心理健康促进行动")


def test_a_target_merged_over_both_years_applies_to_each(word):
    expert = _by_name(word)["建立并完善健康科普专家库和资源库"]
    assert [(t["year"], t["kind"], t["raw"]) for t in expert["targets"]] == [
        (2022, "qualitative", "实现"),
        (2030, "qualitative", "实现"),
    ]
    assert expert["nature"] == "binding" and expert["baseline"] is None
    assert "合并单元格" in expert["targets"][1]["reason"]


def test_every_item_has_a_confidence_and_a_reason(word):
    for ind in word["indicators"]:
        assert 0 < ind["confidence"] <= 1 and ind["reason"].startswith("表格第")
        assert all(t["reason"] for t in ind["targets"])
    literacy = _by_name(word)["居民健康素养水平"]
    assert literacy["targets"][0]["reason"] == "表格第7行，列头“目标值2022年”"
    for task in word["tasks"]:
        assert task["department_confidence"] >= 0.9 and "括号" in task["department_reason"]
    assert all(a["confidence"] and a["reason"] for a in word["actions"])


def test_tasks_under_the_prose_headings(word):
    tasks = {t["number"]: t for t in word["tasks"]}
    assert tasks["1.1"]["lead_departments"] == ["市卫生健康委"] and tasks["1.1"]["co_departments"] == [
        "市科协",
        "市教育局",
    ]
    assert tasks["3.1"]["lead_departments"] == ["市体育局"] and tasks["3.1"]["co_departments"] == ["市住房城乡建设局"]


def test_the_text_copy_gives_the_same_plan(word):
    assert _plan_key(parse_document(national_text(), "national.txt")) == _plan_key(word)


@pytest.mark.parametrize("landscape", [False, True], ids=["portrait", "landscape"])
def test_the_pdf_made_from_the_word_file_gives_the_same_plan(word, landscape):
    pdf = convert(national_docx(landscape=landscape), "docx", "pdf")
    assert _plan_key(parse_document(pdf, "national.pdf")) == _plan_key(word)
