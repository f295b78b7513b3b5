"""The national catalogue file: the 124 rows of the national table, the assessment framework, and numbers that agree."""

import json
import re

import pytest

from healthaction.catalogue.models import CatalogueIndicator
from healthaction.catalogue.services import DATA, load_catalogue
from healthaction.core.choices import Direction
from healthaction.core.units import KNOWN_UNITS

ROWS = json.loads(DATA.read_text(encoding="utf-8"))["indicators"]
TABLE = [r for r in ROWS if r["number"] is not None]
COMPARATORS = {"≥": ">=", "≤": "<=", ">": ">", "<": "<", "": "="}
NUMERIC = re.compile(r"^(≥|≤|>|<)?(\d+(?:\.\d+)?)$")

# Rows read cell by cell against the public copy of the table (xueqiu.com/2509790890/237646642, the same text as
# law.foodmate.net/show-197355.html): number, name, unit, baseline, 2022, 2030, nature.
#  1 居民健康素养水平(%) | 14.18 | ≥22 | ≥30 | 预期性
#  2 个人定期记录身心健康状况 | 倡导性
#  3 个人了解掌握基本中医药健康知识 | 倡导性
#  4 居民掌握基本的急救知识和技能 | 倡导性
#  6 建立并完善健康科普专家库和资源库,构建健康科普知识发布和传播机制 | — | 实现 | 约束性
#  7 建立医疗机构和医务人员开展健康教育和健康促进的绩效考核机制 | — | 实现 | 约束性
#  8 中医医院设置治未病科室比例(%) | — | 90 | 100 | 预期性
#  9 成人肥胖增长率(%) | 2002—2012年平均每年增长约5.3% | 持续减缓 | 预期性
# and targets read in public reports of the national text:
# 11 孕妇贫血率: 2022、2030年分别小于14%和10% (国家卫健委解读, jiangsulong.com 2019-07-18)
# 33 全面无烟法规保护的人口比例: 2030年达到80%及以上 (新华社 2019-07-22)
# 50 居民环境与健康素养水平: 2022年15%及以上, 2030年25%及以上 (国家卫健委 2019-07-24 解读)
# 104 总体癌症5年生存率: 2022、2030年分别不低于43.3%和46.6%
CHECKED = [
    (1, "居民健康素养水平", "%", "14.18", "≥22", "≥30", "expected"),
    (2, "个人定期记录身心健康状况", "", "", "", "", "advocacy"),
    (3, "个人了解掌握基本中医药健康知识", "", "", "", "", "advocacy"),
    (4, "居民掌握基本的急救知识和技能", "", "", "", "", "advocacy"),
    (6, "建立并完善健康科普专家库和资源库，构建健康科普知识发布和传播机制", "", "", "实现", "实现", "binding"),
    (7, "建立医疗机构和医务人员开展健康教育和健康促进的绩效考核机制", "", "", "实现", "实现", "binding"),
    (8, "中医医院设置治未病科室比例", "%", "", "90", "100", "expected"),
    (9, "成人肥胖增长率", "%", "2002—2012年平均每年增长约5.3%", "持续减缓", "持续减缓", "expected"),
]
TARGETS = [
    (11, "孕妇贫血率", "<14", "<10"),
    (33, "全面无烟法规保护的人口比例", "≥30", "≥80"),
    (50, "居民环境与健康素养水平", "≥15", "≥25"),
    (104, "总体癌症5年生存率", "≥43.3", "≥46.6"),
]


def by_number(number):
    return next(r for r in TABLE if r["number"] == number)


def test_the_file_holds_the_124_rows_of_the_national_table_once_each():
    assert sorted(r["number"] for r in TABLE) == list(range(1, 125))
    assert len({r["code"] for r in ROWS}) == len(ROWS) == 129
    assert len({r["action"] for r in TABLE}) == 15
    assert {r["group"] for r in TABLE} == {"outcome", "advocacy", "government"}
    # the codes of the 62 rows written before stay where other data points at them
    assert by_number(1)["code"] == "HCA-007" and by_number(122)["code"] == "HCA-056"


@pytest.mark.parametrize("number,name,unit,baseline,t2022,t2030,nature", CHECKED)
def test_rows_checked_against_the_public_table(number, name, unit, baseline, t2022, t2030, nature):
    row = by_number(number)
    assert (row["name"], row["unit"], row["baseline"], row["nature"]) == (name, unit, baseline, nature)
    assert (row["national_2022"], row["national_2030"]) == (t2022, t2030)
    assert "已与公开转载的主要指标表核对" in row["provenance"]


@pytest.mark.parametrize("number,name,t2022,t2030", TARGETS)
def test_targets_checked_against_public_reports(number, name, t2022, t2030):
    row = by_number(number)
    assert (row["name"], row["national_2022"], row["national_2030"]) == (name, t2022, t2030)
    assert "部分核对" in row["provenance"]


def test_every_row_not_checked_says_so():
    for row in ROWS:
        checked = "已与公开转载的主要指标表核对" in row["provenance"] or "部分核对" in row["provenance"]
        assert checked or "未能核对" in row["provenance"], row["code"]
    assert sum("已与公开转载的主要指标表核对" in r["provenance"] for r in ROWS) == 9


def test_the_assessment_framework_is_marked():
    marked = [r for r in ROWS if r["assessment"]]
    # 26 framework indicators; its item 25 (中医非药物疗法的比例) covers two table rows, 101 and 102
    items = {re.search(r"考核指标框架第(\d+)项", r["provenance"]).group(1) for r in marked}
    assert len(items) == 26 and len(marked) == 27
    assert {r["number"] for r in marked if "第25项" in r["provenance"]} == {101, 102}
    outside = {r["name"] for r in marked if r["number"] is None}
    assert outside == {
        "人均预期寿命",
        "重大慢性病过早死亡率",
        "每千常住人口执业（助理）医师数",
        "个人卫生支出占卫生总费用的比重",
    }
    assert all("不在主要指标表的124行内" in r["provenance"] for r in marked if r["number"] is None)


def test_numeric_targets_agree_with_their_rules_and_have_a_direction():
    for row in ROWS:
        expected = {}
        for year in ("2022", "2030"):
            m = NUMERIC.match(row[f"national_{year}"])
            if m:
                expected[year] = {"comparator": COMPARATORS[m.group(1) or ""], "value": float(m.group(2))}
        assert row["national_rules"] == expected, row["code"]
        if expected:
            assert row["direction"] in (Direction.INCREASE, Direction.DECREASE), row["code"]
        assert row["unit"] in KNOWN_UNITS or row["unit"] == "", row["code"]
        assert row["nature"] in ("binding", "expected", "advocacy"), row["code"]
        assert row["provenance"].startswith("《健康中国行动") or "不在主要指标表" in row["provenance"], row["code"]


def test_a_floor_and_a_ceiling_read_as_rules(db):
    load_catalogue()
    anaemia = CatalogueIndicator.objects.get(name="孕妇贫血率")
    assert (anaemia.national_rule(2022), anaemia.national_rule(2030), anaemia.direction) == (
        ("<", 14.0),
        ("<", 10.0),
        "decrease",
    )
    tcm = CatalogueIndicator.objects.get(name="中医医院设置治未病科室比例")
    assert (tcm.national_rule(2022), tcm.national_rule(2030), tcm.direction) == (("=", 90.0), ("=", 100.0), "increase")
