"""The national catalogue: seed plans map to shared entries; the comparison shows targets as written; doubt waits for a person."""

import copy
import io

import pytest

from healthaction.catalogue.matching import Matcher, normalize
from healthaction.catalogue.models import CatalogueIndicator, IndicatorMatch, MatchStatus
from healthaction.catalogue.services import comparison, decide, load_catalogue, match_plan
from healthaction.documents.tests.seeds import SEEDS
from healthaction.plans.interchange import import_plan
from healthaction.plans.models import Plan

SHARED = [
    "居民健康素养水平",
    "经常参加体育锻炼人数比例",
    "婴儿死亡率",
    "5岁以下儿童死亡率",
    "孕产妇死亡率",
    "产前筛查率",
    "新生儿遗传代谢性疾病筛查率",
    "糖尿病患者规范管理率",
    "高血压患者规范管理率",
    "心脑血管疾病死亡率",
    "居民心理健康素养水平",
    "总体癌症5年生存率",
    "全面无烟法规保护的人口比例",
    "70岁及以下人群慢性呼吸系统疾病死亡率",
    "二级以上综合性医院设老年医学科比例",
    "符合要求的中小学体育与健康课程开课率",
]


@pytest.fixture
def seeds(db, seed):
    if not SEEDS.is_dir():
        pytest.skip("seed documents missing")
    load_catalogue()
    plans = {}
    for number in (0, 1, 3, 4):
        plan = import_plan(copy.deepcopy(seed(number)))
        match_plan(plan)
        plans[number] = plan
    return plans


def test_the_catalogue_ships_with_provenance(db):
    assert load_catalogue() == 129  # the 124 rows of the national table and 5 national-level rows (national.json)
    literacy = CatalogueIndicator.objects.get(name="居民健康素养水平")
    assert (literacy.national_2022, literacy.national_2030, literacy.unit) == ("≥22", "≥30", "%")
    assert "国家" in literacy.provenance and "seeds" in literacy.provenance


def test_indicators_shared_by_seed_plans_map_to_one_entry(seeds):
    for name in SHARED:
        entries = set(
            IndicatorMatch.objects.filter(
                indicator__plan__in=seeds.values(), indicator__name=name, status__in=["matched", "confirmed"]
            ).values_list("catalogue__name", flat=True)
        )
        assert len(entries) == 1, (name, entries)
        plans = (
            IndicatorMatch.objects.filter(indicator__plan__in=seeds.values(), indicator__name=name, status="matched")
            .values("indicator__plan")
            .distinct()
            .count()
        )
        assert plans >= 2, name
    # different wordings of one indicator meet too
    fitness = CatalogueIndicator.objects.get(code="HCA-006")
    assert {m.indicator.plan_id for m in IndicatorMatch.objects.filter(catalogue=fitness, status="matched")} >= {
        seeds[0].pk,
        seeds[4].pk,
    }


def test_the_comparison_shows_health_literacy_targets_as_written(seeds):
    literacy = CatalogueIndicator.objects.get(name="居民健康素养水平")
    all_rows = comparison(literacy)
    rows = {r["plan"].pk: r for r in all_rows if r["indicator"].name == "居民健康素养水平"}

    def written(plan, year):
        t = rows[plan.pk]["targets"][year]
        return (t.comparator, t.value)

    assert written(seeds[0], 2022) == (">=", 20.0) and written(seeds[0], 2030) == (">=", 30.0)  # Shuozhou
    assert written(seeds[1], 2022) == (">=", 22.0) and written(seeds[1], 2030) == (">=", 30.0)  # Tai'an
    assert written(seeds[4], 2022) == (">=", 25.0) and written(seeds[4], 2030) == (">=", 35.0)  # Yunfu
    naiman = next(r for r in all_rows if r["plan"].pk == seeds[3].pk and r["indicator"].action.number == 1)
    assert naiman["targets"][2023].raw_text == "≥28"  # Naiman's annual plan
    assert rows[seeds[4].pk]["targets"][2030].raw_text == "≥35"
    # Shuozhou's 2022 target (≥20) is weaker than the national ≥22; Tai'an's equals it
    assert rows[seeds[0].pk]["weaker_than_national"] == [2022]
    assert rows[seeds[1].pk]["weaker_than_national"] == []


def test_an_uncertain_match_waits_for_a_person(seeds, django_user_model):
    proposed = (
        IndicatorMatch.objects.filter(status=MatchStatus.PROPOSED).select_related("catalogue", "indicator").first()
    )
    assert proposed is not None and proposed.confidence < 0.92 and not proposed.applies
    rows = comparison(proposed.catalogue)
    assert proposed.indicator_id not in {r["indicator"].pk for r in rows}
    office = django_user_model.objects.create_user("cat-office", password="x" * 12)
    decide(proposed, office, proposed.catalogue)
    assert proposed.indicator_id in {r["indicator"].pk for r in comparison(proposed.catalogue)}
    # rematching never overrides a person's decision
    match_plan(proposed.indicator.plan)
    proposed.refresh_from_db()
    assert proposed.status == MatchStatus.CONFIRMED and proposed.decided_by == office


def test_a_county_target_below_its_city_is_flagged(demo):
    load_catalogue()
    county_plan = import_plan(
        {
            "format": "healthaction.plan",
            "version": 1,
            "plan": {
                "title": "临江县健康行动方案",
                "horizon": {"start": 2020, "end": 2030},
                "org_unit": {"code": "990121", "name": "临江县", "level": "county"},
                "status": "published",
            },
            "actions": [{"number": 1, "name": "健康知识普及行动"}],
            "indicators": [
                {
                    "number": "1",
                    "action": 1,
                    "name": "居民健康素养水平",
                    "unit": "%",
                    "nature": "expected",
                    "targets": [
                        {"year": 2022, "kind": "numeric", "comparator": ">=", "value": 21.0, "raw": "≥21"},
                        {"year": 2030, "kind": "numeric", "comparator": ">=", "value": 30.0, "raw": "≥30"},
                    ],
                }
            ],
            "tasks": [],
        }
    )
    match_plan(county_plan)
    rows = {r["plan"].pk: r for r in comparison(CatalogueIndicator.objects.get(name="居民健康素养水平"))}
    county = rows[county_plan.pk]
    assert [(y, p.pk) for y, p in county["weaker_than_above"]] == [(2022, demo["plan"].pk)]
    assert county["weaker_than_national"] == [2022]
    assert rows[demo["plan"].pk]["weaker_than_above"] == []


@pytest.mark.parametrize(
    ("name", "unit", "code", "certain"),
    [
        ("居民健康素养水平（%）", "%", "HCA-007", True),
        ("全市居民健康素养水平", "%", "HCA-007", True),
        ("国家学生体质健康标准达标优良率", "%", "HCA-032", True),
        ("学生体质健康标准达标优良率", "%", "HCA-032", True),
        ("高血压规范管理率", "%", "HCA-046", False),  # close, but a person decides
        ("居民环境与健康素养水平", "%", "HCA-026", True),
    ],
)
def test_matcher_cases(db, name, unit, code, certain):
    load_catalogue()
    m = Matcher(list(CatalogueIndicator.objects.values("code", "name", "unit", "synonyms")))
    candidate = m.match(name, unit)
    assert candidate.code == code
    assert (candidate.confidence >= 0.92) == certain
    assert normalize("全市居民健康素养水平（%）") == "居民健康素养水平"


def test_pages_and_export(login, demo):
    load_catalogue()
    client = login("leader")
    assert "HCA-007" in client.get("/catalogue/").content.decode()
    html = client.get("/catalogue/HCA-007/").content.decode()
    assert "健康青川行动实施方案" in html and "2022年≥22" in html
    response = client.get("/catalogue/export/")
    import io

    import openpyxl

    ws = openpyxl.load_workbook(io.BytesIO(response.getvalue())).active
    rows = [r for r in ws.iter_rows(min_row=2, values_only=True) if r[0] == "HCA-007"]
    assert rows and rows[0][8] == "≥22" and rows[0][9] == "≥30"
    assert login("liaison").get(f"/catalogue/plans/{demo['plan'].pk}/").status_code == 403
    office = login("office")
    page = office.get(f"/catalogue/plans/{demo['plan'].pk}/").content.decode()
    assert "居民健康素养水平" in page


def test_a_plan_imported_on_the_command_line_is_matched_to_the_catalogue(demo, tmp_path):
    # plans sends plan_imported; catalogue (a higher layer) answers it, so plans never imports catalogue
    import re

    from django.core.management import call_command

    load_catalogue()
    out = tmp_path / "plan.json"
    call_command("plan", "export", str(demo["plan"].pk), "-o", str(out))
    printed = io.StringIO()
    call_command("plan", "import", str(out), stdout=printed)
    newest = Plan.objects.order_by("-pk").first()
    literacy = IndicatorMatch.objects.get(indicator__plan=newest, indicator__name="居民健康素养水平")
    assert (literacy.catalogue.name, literacy.status) == ("居民健康素养水平", "matched")
    assert re.search(r"; catalogue: \d+ matched, \d+ to confirm\)$", printed.getvalue().strip())
