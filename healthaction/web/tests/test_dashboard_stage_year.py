"""Issue 24, finding 11 on the dashboard: its stage summary took the newest target year judged whatever year the page
showed, so a dashboard of one year stood beside another year's stage targets. The summary is the latest target year
judged that is not after the year shown. Verdicts are set by hand: by 2022 one of two targets achieved and one
missed; by 2025 both unreported. Fails on main at 4b68eec (before one completeness figure)."""

from django.contrib.auth import get_user_model

from healthaction.core.choices import PlanStatus
from healthaction.evaluation.choices import Verdict
from healthaction.evaluation.models import TargetVerdict
from healthaction.plans.models import Action, Indicator, Plan
from healthaction.registry.models import OrgUnit

V2022 = "2022年阶段性目标：2项中已实现1项，未实现1项，未报送0项"
V2025 = "2025年阶段性目标：2项中已实现0项，未实现0项，未报送2项"


def _text(html: str) -> str:
    start = html.index('<p id="stage-summary-text">') + len('<p id="stage-summary-text">')
    return html[start : html.index("</p>", start)]


def test_the_dashboards_stage_summary_is_the_latest_target_year_not_after_the_year_shown(client, db):
    city = OrgUnit.objects.create(code="T200", name="阶段市", level="city")
    plan = Plan.objects.create(
        org_unit=city, title="阶段健康行动", horizon_start=2020, horizon_end=2030, status=PlanStatus.PUBLISHED
    )
    action = Action.objects.create(plan=plan, number=1, name="健康知识普及")
    first, second = (
        Indicator.objects.create(plan=plan, number=str(k), name=name, unit="%", action=action, position=k)
        for k, name in ((1, "健康素养水平"), (2, "经常参加体育锻炼人数比例"))
    )
    for indicator, by_2022 in ((first, Verdict.ACHIEVED), (second, Verdict.MISSED)):
        TargetVerdict.objects.create(plan=plan, indicator=indicator, org_unit=city, target_year=2022, verdict=by_2022)
        TargetVerdict.objects.create(
            plan=plan, indicator=indicator, org_unit=city, target_year=2025, verdict=Verdict.NOT_REPORTED
        )
    client.force_login(get_user_model().objects.create_superuser("stageadmin", password="x" * 16))
    assert _text(client.get(f"/plans/{plan.pk}/?year=2023").content.decode()) == V2022
    assert _text(client.get(f"/plans/{plan.pk}/?year=2022").content.decode()) == V2022
    assert _text(client.get(f"/plans/{plan.pk}/?year=2026").content.decode()) == V2025
