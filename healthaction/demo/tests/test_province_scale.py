"""The province-scale data set: the sizes asked for, one password hash, due items as the publishing path makes them."""

import pytest
from django.contrib.auth import get_user_model

from healthaction.collection.models import DueItem, IndicatorValue
from healthaction.collection.services import generate_due_items, sync_due_items
from healthaction.demo import province_scale
from healthaction.registry.models import Membership, OrgUnit

pytestmark = pytest.mark.django_db


def test_the_sizes_of_the_set(province):
    s = province.scale
    small = s == province_scale.SMALL
    # SMALL: 1 province, 2 cities, 4 counties; MEDIUM: 1, 3, 9
    assert OrgUnit.objects.filter(path__startswith="/PS/").count() == (7 if small else 13)
    assert len(province.plans) == (3 if small else 4)  # the province's plan and one per city
    assert [p.indicators.count() for p in province.plans] == [6 if small else 12] * len(province.plans)
    # office, leader and inspector of the province, an office and a leader per city, the liaisons
    accounts = get_user_model().objects.filter(username__startswith="ps_")
    assert accounts.count() == (3 + 4 + 12 if small else 3 + 6 + 30)
    reporters = Membership.objects.filter(
        user__username__startswith="ps_", role__in=["department_liaison", "area_office"]
    )
    assert reporters.count() == (12 if small else 30)
    # every value of the year before the last is there: indicators × (plan's unit + units below), over the plans;
    # SMALL: 6 × (1 + 2) for the province, 6 × (1 + 2) for each of 2 cities; MEDIUM: 12 × (1 + 3), 12 × (1 + 3) × 3
    values = IndicatorValue.objects.filter(indicator__plan__in=province.plans, year=province_scale.LAST_YEAR - 1)
    assert values.count() == (54 if small else 192)
    assert values.exclude(status="approved").count() == 0


def test_every_account_shares_one_hash_and_signs_in(province):
    hashes = set(get_user_model().objects.filter(username__startswith="ps_").values_list("password", flat=True))
    assert len(hashes) == 1
    assert get_user_model().objects.get(username="ps_l0001").check_password(province_scale.PASSWORD)


def test_due_items_are_those_the_publishing_path_makes(province):
    for plan in province.plans:
        before = list(DueItem.objects.filter(plan=plan).order_by("pk").values_list("pk", "status", "received_at"))
        assert before
        assert generate_due_items(plan) == {"created": 0, "updated": 0, "retired": 0, "deleted": 0}
        sync_due_items(plan)
        after = list(DueItem.objects.filter(plan=plan).order_by("pk").values_list("pk", "status", "received_at"))
        assert after == before
    # the review queue of every plan has values and reports waiting
    waiting = DueItem.objects.filter(plan=province.plan, status="submitted")
    assert waiting.filter(kind="indicator_value").exists() and waiting.filter(kind="task_progress").exists()
