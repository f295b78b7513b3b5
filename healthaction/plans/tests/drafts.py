"""A small parsed plan written out by hand, as the parser would emit it, for review and Excel tests.

Confidences, reasons and warnings that refer to items are part of it, so expected values in tests are worked
from this text, not from the parser.
"""

import copy

from healthaction.plans.interchange import import_plan
from healthaction.registry.models import OrgUnit

SOURCE = "\n".join(
    [
        "青川市人民政府关于印发健康青川行动实施方案的通知",  # 1
        "青政发〔2021〕9号",  # 2
        "（一）健康知识普及行动",  # 3
        "居民健康素养水平（%）\t19.2\t≥22\t≥30\t约束性",  # 4
        "成人肥胖增长率\t持续减缓",  # 5
        "1.建立健康科普专家库。（市卫健委牵头，市教育局配合）",  # 6
        "（二）合理膳食行动",  # 7
        "人均每日食盐摄入量（g/日）\t≤5",  # 8
        "2.开展减盐行动。（市疾控中心、市疾病预防控制中心负责）",  # 9
        "到2030年，全民营养知识知晓率明显提高。",  # 10
    ]
)

DRAFT = {
    "format": "healthaction.plan",
    "version": 1,
    "plan": {
        "title": "健康青川行动实施方案（草稿）",
        "issuer": "",
        "doc_number": "青政发〔2021〕9号",
        "issue_date": None,
        "horizon": {"start": 2021, "end": 2030},
        "org_unit": {"code": None, "name": "青川市", "level": "city"},
        "status": "draft",
    },
    "actions": [
        {
            "number": 1,
            "name": "健康知识普及行动",
            "lead_department": "市教育局",
            "confidence": 0.5,
            "reason": "牵头部门取自第一项任务",
            "source": {"lines": [3, 3], "text": "（一）健康知识普及行动"},
        },
        {
            "number": 2,
            "name": "合理膳食行动",
            "lead_department": "市疾控中心",
            "source": {"lines": [7, 7], "text": "（二）合理膳食行动"},
        },
    ],
    "indicators": [
        {
            "number": "1",
            "action": 1,
            "name": "居民健康素养水平",
            "unit": "%",
            "nature": "binding",
            "group": "outcome",
            "baseline": {"value": 19.2, "qualitative": "", "year": None, "raw": "19.2"},
            "targets": [
                {"year": 2022, "kind": "numeric", "comparator": ">=", "value": 22.0, "raw": "≥22", "confidence": 0.9},
                {"year": 2030, "kind": "numeric", "comparator": ">=", "value": 30.0, "raw": "≥30"},
            ],
            "confidence": 0.9,
            "reason": "主要指标表第4行",
            "source": {"lines": [4, 4], "text": "居民健康素养水平（%）"},
        },
        {
            "number": "2",
            "action": None,
            "name": "成人肥胖增长率",
            "unit": "",
            "nature": "",
            "targets": [{"year": 2030, "kind": "directional", "trend": "decrease", "raw": "持续减缓"}],
            "confidence": 0.4,
            "reason": "表格行缺少性质列",
            "source": {"lines": [5, 5], "text": "成人肥胖增长率\t持续减缓"},
        },
        {
            "number": "3",
            "action": 2,
            "name": "人均每日食盐摄入量",
            "unit": "g/日",
            "nature": "expected",
            "targets": [{"year": 2030, "kind": "numeric", "comparator": "<=", "value": 5.0, "raw": "≤5"}],
            "source": {"lines": [8, 8], "text": "人均每日食盐摄入量（g/日）\t≤5"},
        },
    ],
    "tasks": [
        {
            "number": "1.1",
            "action": 1,
            "content": "建立健康科普专家库",
            "lead_departments": ["市卫健委"],
            "co_departments": ["市教育局"],
            "confidence": 0.8,
            "reason": "编号段落",
            "department_confidence": 0.3,
            "department_reason": "括号里的部门顺序不确定",
            "deadline": "2022年底",
            "source": {"lines": [6, 6], "text": "1.建立健康科普专家库。（市卫健委牵头，市教育局配合）"},
        },
        {
            "number": "2.1",
            "action": 2,
            "content": "开展减盐行动",
            "lead_departments": ["市疾控中心"],
            "co_departments": ["市疾病预防控制中心"],
            "confidence": 0.95,
            "source": {"lines": [9, 9], "text": "2.开展减盐行动。（市疾控中心、市疾病预防控制中心负责）"},
        },
    ],
    "warnings": [
        {
            "line": 5,
            "message": "指标行缺少性质和单位",
            "text": "成人肥胖增长率\t持续减缓",
            "kind": "low_confidence",
            "ref": "indicator:2",
        },
        {
            "line": 6,
            "message": "牵头部门不确定",
            "text": "（市卫健委牵头，市教育局配合）",
            "kind": "low_confidence",
            "ref": "task:1.1",
        },
        {"line": 3, "message": "专项行动的牵头部门是推断的", "kind": "low_confidence", "ref": "action:1"},
        {
            "line": 10,
            "message": "像是目标但未能放入任何指标",
            "text": "到2030年，全民营养知识知晓率明显提高。",
            "kind": "unplaced",
        },
    ],
}


def make_draft():
    """Return the draft imported into the demo city 青川市 by its office, with its source text."""
    plan = import_plan(copy.deepcopy(DRAFT), area=OrgUnit.objects.get(code="990100"), create_units=False)
    plan.document_text = SOURCE
    plan.save(update_fields=["document_text"])
    return plan
