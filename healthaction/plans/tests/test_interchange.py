import copy
import json

import pytest
from django.core.management import call_command

from healthaction.plans.interchange import PlanFormatError, export_plan, import_plan, validate_plan_data
from healthaction.plans.models import Indicator, Plan, Target


def test_export_then_import_reproduces_the_demo_plan_exactly(demo):
    first = export_plan(demo["plan"])
    copy_plan = import_plan(copy.deepcopy(first))
    second = export_plan(copy_plan)
    assert copy_plan.pk != demo["plan"].pk
    assert second == first
    from healthaction.demo.content import ACTIONS

    assert (
        len(second["indicators"]) == sum(len(rows) for _n, _name, _lead, rows in ACTIONS) == 103
    )  # as many as the demo's action tables list
    assert {t["kind"] for i in second["indicators"] for t in i["targets"]} == {
        "numeric",
        "relative",
        "directional",
        "qualitative",
    }


def test_every_field_survives_the_round_trip(db):
    data = {
        "format": "healthaction.plan",
        "version": 1,
        "plan": {
            "title": "关于推进健康测试行动的实施方案",
            "issuer": "测试市人民政府",
            "doc_number": "测政发〔2020〕51号",
            "issue_date": "2020-12-06",
            "horizon": {"start": 2019, "end": 2030},
            "org_unit": {"code": "880100", "name": "测试市", "level": "city"},
            "status": "draft",
            "is_public": False,
            "source": {"file": "plan.txt", "sha256": "ab" * 32},
        },
        "departments": [
            {"name": "市卫生健康委", "aliases": ["市卫健委", "市卫生健康委员会"]},
            {"name": "市教育局", "aliases": []},
        ],
        "reporting_cycles": [
            {
                "key": "task-progress",
                "name": "半年报",
                "kind": "task_progress",
                "frequency": "semiannual",
                "due_dates": ["06-15", "12-15"],
                "source_text": "每年6月15日、12月15日前",
            }
        ],
        "actions": [
            {
                "number": 1,
                "name": "健康知识普及行动",
                "lead_department": "市卫生健康委",
                "source": {"lines": [30, 31], "text": "（一）健康知识普及行动。"},
            }
        ],
        "indicators": [
            {
                "number": "1",
                "action": 1,
                "name": "居民健康素养水平",
                "unit": "%",
                "group": "outcome",
                "nature": "binding",
                "direction": "increase",
                "definition": "健康素养是指…",
                "calculation": "具备健康素养的人数/监测总人数×100%",
                "numerator": "具备健康素养的人数",
                "denominator": "监测总人数",
                "baseline": {"value": 24.81, "qualitative": "", "year": 2020, "raw": "24.81"},
                "targets": [
                    {
                        "year": 2022,
                        "kind": "numeric",
                        "comparator": ">=",
                        "value": 25.0,
                        "upper_value": None,
                        "base_year": None,
                        "change": None,
                        "change_unit": "",
                        "trend": "",
                        "qualitative": "",
                        "raw": "≥25",
                    },
                    {
                        "year": 2030,
                        "kind": "relative",
                        "comparator": "",
                        "value": None,
                        "upper_value": None,
                        "base_year": 2019,
                        "change": 10.0,
                        "change_unit": "%",
                        "trend": "increase",
                        "qualitative": "",
                        "raw": "在2019年基础上提高10%",
                    },
                ],
                "source": {"lines": [40, 46], "text": "居民健康素养水平（%）"},
            },
            {
                "number": "2",
                "action": None,
                "name": "成人每日平均睡眠时间",
                "unit": "小时",
                "group": "advocacy",
                "nature": "advocacy",
                "direction": "maintain",
                "definition": "",
                "calculation": "",
                "numerator": "",
                "denominator": "",
                "baseline": None,
                "targets": [
                    {
                        "year": 2030,
                        "kind": "numeric",
                        "comparator": "range",
                        "value": 7.0,
                        "upper_value": 8.0,
                        "base_year": None,
                        "change": None,
                        "change_unit": "",
                        "trend": "",
                        "qualitative": "",
                        "raw": "7～8小时",
                    }
                ],
                "source": {"lines": None, "text": ""},
            },
        ],
        "tasks": [
            {
                "number": "1.1",
                "action": 1,
                "content": "建立并完善市级健康科普专家库",
                "measures": "充实专家库",
                "deliverables": "专家名单",
                "lead_departments": ["市卫健委"],
                "co_departments": ["市教育局", "市卫生健康委员会"],
                "all_lower_units": True,
                "reporting_cycle": "task-progress",
                "source": {"lines": [50, 52], "text": "（市卫健委牵头，市教育局按职责分工负责）"},
            }
        ],
        "roster": [
            {
                "role": "组长",
                "person": "李某",
                "post": "副市长",
                "source": {"lines": [90, 90], "text": "组  长：李某（副市长）"},
            }
        ],
        "warnings": [{"line": 77, "message": "row with too few cells", "text": "\t3\t", "resolved": False}],
    }
    plan = import_plan(copy.deepcopy(data))
    exported = export_plan(plan)
    # aliases resolve to the canonical department, and the task keeps lead and co roles
    assert exported["tasks"][0]["lead_departments"] == ["市卫生健康委"]
    assert exported["tasks"][0]["co_departments"] == ["市教育局", "市卫生健康委"]
    assert exported["departments"] == [
        {"name": "市卫生健康委", "aliases": ["市卫健委", "市卫生健康委员会"]},
        {"name": "市教育局", "aliases": []},
    ]
    assert exported["indicators"] == data["indicators"]
    assert exported["plan"] == data["plan"]
    assert exported["roster"] == data["roster"] and exported["warnings"] == data["warnings"]
    assert export_plan(import_plan(copy.deepcopy(exported))) == exported


def test_the_cli_exports_and_imports_the_same_plan(demo, tmp_path, capsys):
    out = tmp_path / "plan.json"
    call_command("plan", "export", str(demo["plan"].pk), "-o", str(out))
    call_command("plan", "import", str(out))
    newest = Plan.objects.order_by("-pk").first()
    assert newest.pk != demo["plan"].pk
    assert export_plan(newest) == json.loads(out.read_text(encoding="utf-8"))


def test_schema_violations_name_the_field(db):
    before = (Plan.objects.count(), Indicator.objects.count(), Target.objects.count())
    with pytest.raises(PlanFormatError) as exc:
        validate_plan_data(
            {
                "format": "healthaction.plan",
                "version": 1,
                "plan": {"title": ""},
                "actions": [],
                "indicators": [],
                "tasks": [],
            }
        )
    assert any(e.startswith("plan/title") for e in exc.value.errors)
    assert any("horizon" in e for e in exc.value.errors)
    assert (Plan.objects.count(), Indicator.objects.count(), Target.objects.count()) == before


def test_a_comparison_with_an_average_read_from_a_document_is_stored_as_its_phrase(db):
    from healthaction.documents import parse_document

    text = "测试市健康行动方案（2023—2027年）\n二、总体目标\n到2025年，全市人均预期寿命高于全省平均水平，居民健康素养水平达到30%。"
    draft = parse_document(text.encode("utf-8"), "plan.txt")
    validate_plan_data(draft)  # reference and relation are part of the format
    plan = import_plan(draft)
    target = Target.objects.get(indicator__plan=plan, indicator__name="人均预期寿命")
    # the register keeps the comparison as written: judged from the word an office reports, not from a number
    assert (target.year, target.kind, target.qualitative, target.comparator, target.value) == (
        2025,
        "qualitative",
        "高于全省平均水平",
        "",
        None,
    )
