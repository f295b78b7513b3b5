"""Every parse the tests produce is valid interchange JSON (plan.schema.json), confidence and reason included."""

import json
from pathlib import Path

import jsonschema
import pytest

from healthaction.documents import parse_document
from healthaction.documents.tests import builders

SCHEMA = json.loads((Path(__file__).resolve().parents[2] / "plans" / "plan.schema.json").read_text(encoding="utf-8"))
DOCUMENTS = [
    (builders.national_docx, "national.docx"),
    (builders.national_text, "national.txt"),
    (builders.county_docx, "county.docx"),
    (builders.opinion_text_nfkc, "opinion.txt"),
    (builders.task_notice_docx, "notice.docx"),
    (builders.action_column_docx, "tasks.docx"),
    (builders.two_up_docx, "two-up.docx"),
]


@pytest.mark.parametrize(("build", "name"), DOCUMENTS, ids=[d[1] for d in DOCUMENTS])
def test_built_documents_parse_to_valid_interchange_json(build, name):
    draft = parse_document(build(), name)
    jsonschema.Draft202012Validator(SCHEMA).validate(draft)
    assert all(
        "confidence" in item and "reason" in item for item in draft["indicators"] + draft["tasks"] + draft["actions"]
    )
    assert all("department_confidence" in task for task in draft["tasks"])
    assert all(
        w["kind"] in ("unplaced", "no_tasks", "low_confidence", "missing_annex", "unknown_area", "other")
        for w in draft["warnings"]
    )


@pytest.mark.parametrize("number", [0, 1, 2, 3, 4])
def test_seed_parses_are_valid_interchange_json(seed, number):
    jsonschema.Draft202012Validator(SCHEMA).validate(seed(number))


def test_two_up_tables_are_read_left_half_then_right_half():
    draft = parse_document(builders.two_up_docx(), "two-up.docx")
    assert [(i["number"], i["name"]) for i in draft["indicators"]] == [
        ("1", "居民健康素养水平"),
        ("2", "经常参加体育锻炼人数比例"),
        ("3", "婴儿死亡率"),
        ("4", "孕产妇死亡率"),
    ]
    assert [(t["year"], t["comparator"], t["value"]) for t in draft["indicators"][3]["targets"]] == [(2025, "<=", 10.0)]
    assert draft["indicators"][3]["unit"] == "1/10万"


def test_an_unnumbered_paragraph_closed_by_departments_is_a_task():
    text = "\n".join(
        [
            "关于印发健康示例市行动方案的通知",
            "（一）健康知识普及行动",
            "1. 建立健康科普专家库。（市卫生健康委牵头，市科协配合）",
            "（二）合理膳食行动",
            "一是推进减盐行动，二是推进减油行动。（市卫生健康委、市市场监管局负责）",
        ]
    )
    draft = parse_document(text.encode("utf-8"), "plan.txt")
    task = next(t for t in draft["tasks"] if t["action"] == 2)
    assert task["content"] == "一是推进减盐行动，二是推进减油行动。"
    assert task["lead_departments"] == ["市卫生健康委"] and task["co_departments"] == ["市市场监管局"]


def test_an_action_with_numbered_work_in_its_text_but_no_task_read_is_warned():
    text = "\n".join(
        [
            "关于印发健康示例市行动方案的通知",
            "（一）健康知识普及行动",
            "1. 建立健康科普专家库。（市卫生健康委牵头，市科协配合）",
            "（二）合理膳食行动",
            "主要指标：",
            "1. 推进减盐行动，到2025年人均每日食盐摄入量不高于5克。",
        ]
    )
    draft = parse_document(text.encode("utf-8"), "plan.txt")
    assert not [t for t in draft["tasks"] if t["action"] == 2]
    warning = next(w for w in draft["warnings"] if w["kind"] == "no_tasks")
    assert warning["ref"] == "action:2" and warning["line"] == 6
