"""The dashboard and the comparison are served from the cache, and an approval shows on them at once."""

import re

import pytest
from django.contrib.auth import get_user_model

from healthaction.collection import services
from healthaction.collection.models import DueItem, IndicatorValue
from healthaction.demo import province_scale
from healthaction.evaluation.models import EvaluationResult

pytestmark = pytest.mark.django_db


def _achieved(html: str) -> int:
    return int(re.search(r'<div class="big" id="achieved-count">(\d+)</div>', html).group(1))


def _row(html: str, unit: str) -> str:
    return re.search(rf'<th scope="row">{unit}</th>(.*?)</tr>', html, re.S).group(1)


def test_an_approved_value_shows_on_the_cached_dashboard_and_comparison(
    province, client, django_capture_on_commit_callbacks
):
    office = get_user_model().objects.get(username=province.logins["office"])
    client.force_login(office)
    plan, year = province.plan, province_scale.LAST_YEAR
    first = plan.indicators.get(position=0)  # its last year's values all wait for review (province_scale.py)
    city = province.cities[0]
    dashboard, compare = f"/plans/{plan.pk}/", f"/plans/{plan.pk}/compare/"
    achieved = _achieved(client.get(dashboard).content.decode())
    city_cells = _row(client.get(compare).content.decode(), city.name).count(">已实现</span>")

    # the stored results change behind the cache's back (no signal): the cached pages do not show it
    hidden = (
        EvaluationResult.objects.filter(plan=plan, year=year, org_unit=plan.org_unit)
        .exclude(status="achieved")
        .exclude(indicator=first)
        .first()
    )
    EvaluationResult.objects.filter(pk=hidden.pk).update(status="achieved")
    assert _achieved(client.get(dashboard).content.decode()) == achieved

    # the province's and the city's values of the first indicator, submitted, are approved: 60 meets its 2030 target
    # (≥52: baseline 40 + 12), so each of the two results goes from "no data" (nothing approved for the year) to achieved
    for unit in (plan.org_unit, city):
        assert EvaluationResult.objects.get(indicator=first, org_unit=unit, year=year).status == "no_data"
        IndicatorValue.objects.filter(indicator=first, org_unit=unit, year=year).update(value=60.0)
        item = DueItem.objects.get(plan=plan, kind="indicator_value", indicator=first, org_unit=unit, year=year)
        with django_capture_on_commit_callbacks(execute=True):
            seen = IndicatorValue.objects.get(indicator=first, org_unit=unit, year=year).version
            services.review(office, item, approve=True, expected_version=seen)  # the version the office looked at

    # the dashboard is computed afresh: the approved value and the hidden change
    assert _achieved(client.get(dashboard).content.decode()) == achieved + 2
    assert _row(client.get(compare).content.decode(), city.name).count(">已实现</span>") == city_cells + 1
