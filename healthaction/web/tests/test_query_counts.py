"""Every page an office, a liaison or a leader opens makes a fixed number of queries, however big the data.

The province-scale data set is built at two sizes (conftest.py `province`: 2 or 3 cities, 4 or 9 counties,
6 or 12 indicators per plan, 2 or 3 years of values…); each page is loaded at both and must make exactly the number
of queries below at both. A page that loads a row's related objects one by one (N+1) makes more queries on the
bigger data set and fails here. The numbers are what the pages make today; a change that adds a query to a page
changes its number here, on purpose.

Fragment caches are cleared before each test (conftest.py), so these are the counts of a cold cache.
"""

import pytest
from django.contrib.auth import get_user_model

from healthaction.inspections.models import Finding, Round, Visit

pytestmark = pytest.mark.django_db


def _urls(p):
    """name → (login role, address) for the province-scale data set `p`."""
    plan, city_plan = p.plan, p.city_plan
    indicator = plan.indicators.order_by("position").first()
    rnd = Round.objects.filter(plan=plan).first()
    visit = Visit.objects.filter(round=rnd).order_by("pk").first()
    finding = Finding.objects.filter(visit__round=rnd).order_by("pk").first()
    return {
        "home": ("office", "/"),
        "dashboard": ("office", f"/plans/{plan.pk}/"),
        "dashboard (leader)": ("leader", f"/plans/{plan.pk}/"),
        "dashboard (liaison)": ("liaison", f"/plans/{plan.pk}/"),
        "comparison": ("office", f"/plans/{plan.pk}/compare/"),
        "comparison (city leader)": ("city_leader", f"/plans/{city_plan.pk}/compare/"),
        "comparison sorted": ("leader", f"/plans/{plan.pk}/compare/?sort=share"),
        "action": ("office", f"/plans/{plan.pk}/actions/1/"),
        "indicator": ("office", f"/indicators/{indicator.pk}/"),
        "indicator (liaison)": ("liaison", f"/indicators/{indicator.pk}/"),
        "task board": ("office", f"/plans/{plan.pk}/tasks/"),
        "task board (liaison)": ("liaison", f"/plans/{plan.pk}/tasks/"),
        "ranking": ("leader", f"/plans/{plan.pk}/ranking/"),
        "lower areas": ("office", f"/plans/{plan.pk}/lower/"),
        "lower areas (leader)": ("leader", f"/plans/{plan.pk}/lower/"),
        "area plans": ("office", f"/areas/{plan.org_unit.code}/"),
        "inbox (office)": ("office", f"/report/inbox/?plan={plan.pk}"),
        "inbox (liaison)": ("liaison", f"/report/inbox/?plan={plan.pk}"),
        "inbox (county)": ("county", f"/report/inbox/?plan={city_plan.pk}"),
        "inbox submitted": ("office", f"/report/inbox/?plan={plan.pk}&group=submitted"),
        "review queue": ("office", f"/report/review/?plan={plan.pk}"),
        "review queue (city)": ("city_office", f"/report/review/?plan={city_plan.pk}"),
        "completeness": ("office", f"/report/completeness/?plan={plan.pk}"),
        "completeness (leader)": ("leader", f"/report/completeness/?plan={plan.pk}"),
        "reports": ("office", "/reports/"),
        "reports (leader)": ("leader", "/reports/"),
        "people": ("office", f"/people/plans/{plan.pk}/"),
        "inspections": ("office", "/inspections/"),
        "inspections (leader)": ("leader", "/inspections/"),
        "inspections (liaison)": ("liaison", "/inspections/"),
        "findings": ("office", "/inspections/findings/"),
        "findings (county)": ("county", "/inspections/findings/"),
        "round": ("office", f"/inspections/rounds/{rnd.pk}/"),
        "visit": ("office", f"/inspections/visits/{visit.pk}/"),
        "finding": ("office", f"/inspections/findings/{finding.pk}/"),
    }


# the number of queries each page makes, the same at both sizes
QUERIES = {
    "home": 11,  # the link to the lower offices reads the cached memberships (scopes.may_invite_offices)
    "dashboard": 23,
    "dashboard (leader)": 23,
    "dashboard (liaison)": 23,
    "comparison": 14,
    "comparison (city leader)": 14,
    "comparison sorted": 14,
    "action": 19,
    "indicator": 16,
    "indicator (liaison)": 16,
    "task board": 17,
    "task board (liaison)": 17,
    "ranking": 12,
    "lower areas": 16,
    "lower areas (leader)": 16,
    "area plans": 18,
    "inbox (office)": 21,
    "inbox (liaison)": 21,
    "inbox (county)": 21,
    "inbox submitted": 20,
    "review queue": 19,
    "review queue (city)": 19,
    "completeness": 10,
    "completeness (leader)": 10,
    "reports": 11,
    "reports (leader)": 11,
    "people": 15,
    "inspections": 15,
    "inspections (leader)": 14,
    "inspections (liaison)": 14,
    "findings": 10,
    "findings (county)": 10,
    "round": 17,
    "visit": 18,
    "finding": 11,
}


@pytest.mark.parametrize("page", list(QUERIES))
def test_a_page_makes_the_same_queries_at_both_sizes(province, client, django_assert_num_queries, page):
    role, url = _urls(province)[page]
    client.force_login(get_user_model().objects.get(username=province.logins[role]))
    client.get("/healthz")  # the session exists before counting
    with django_assert_num_queries(QUERIES[page]):
        response = client.get(url)
    assert response.status_code == 200, (page, url, response.status_code)


# a second load of a cached page: its fragment comes from the cache, only what is around it is read
CACHED = {"dashboard": 8, "comparison": 8, "indicator": 8}


@pytest.mark.parametrize("page", list(CACHED))
def test_a_cached_page_makes_fewer_queries(province, client, django_assert_num_queries, page):
    role, url = _urls(province)[page]
    client.force_login(get_user_model().objects.get(username=province.logins[role]))
    client.get(url)
    with django_assert_num_queries(CACHED[page]):
        response = client.get(url)
    assert response.status_code == 200
    assert CACHED[page] < QUERIES[page]
