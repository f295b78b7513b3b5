"""Issue 24, finding 16 (part): the ranking's score sheet names statuses by their labels in the reader's language,
never by their codes (no_data, off_track, at_risk). The labels came with the ChoiceSets (28f99ef); this test holds
them there: it fails on a template that prints c.status as stored."""

import re

from healthaction.evaluation.models import AssessmentScore
from healthaction.registry.models import OrgUnit

CODES = re.compile(r"\b(no_data|off_track|at_risk|on_track|not_assessable)\b")


def test_the_ranking_shows_status_labels_not_codes_in_both_languages(demo, login):
    plan = demo["plan"]
    county = OrgUnit.objects.get(code="990121")
    AssessmentScore.objects.filter(plan=plan, year=2026).delete()
    AssessmentScore.objects.create(
        plan=plan,
        year=2026,
        org_unit=county,
        score=12.5,
        rank=1,
        contributions=[
            {"indicator_id": 1, "indicator": "居民健康素养水平", "status": "no_data", "weight": 1, "points": 0},
            {"indicator_id": 2, "indicator": "成人吸烟率", "status": "off_track", "weight": 1, "points": 0},
            {"indicator_id": 3, "indicator": "孕产妇死亡率", "status": "at_risk", "weight": 1, "points": 12.5},
        ],
    )
    office = login("office")
    zh = office.get(f"/plans/{plan.pk}/ranking/?year=2026").content.decode()
    sheet = zh[zh.index("<details>") : zh.index("</details>")]
    assert "居民健康素养水平：未报送" in sheet and "成人吸烟率：严重滞后" in sheet and "孕产妇死亡率：进度偏慢" in sheet
    assert not CODES.search(sheet)
    office.cookies["django_language"] = "en"
    en = office.get(f"/plans/{plan.pk}/ranking/?year=2026")
    html = en.content.decode()
    sheet = html[html.index("<details>") : html.index("</details>")]
    assert (
        "居民健康素养水平：No data" in sheet and "成人吸烟率：Off track" in sheet and "孕产妇死亡率：At risk" in sheet
    )
    assert not CODES.search(sheet)
