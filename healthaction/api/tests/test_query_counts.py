"""Every list of the API makes a fixed number of queries, however big the data (see web/tests/test_query_counts.py).

Each list is read at both sizes of the province-scale data set (conftest.py `province`), first page, by the
province office with a token; the count must be the one below at both sizes.
"""

import pytest
from django.contrib.auth import get_user_model

from healthaction.api.tokens import issue

pytestmark = pytest.mark.django_db

# list address → queries, the same at both sizes
QUERIES = {
    "/api/plans/": 5,
    "/api/org-units/": 5,
    "/api/departments/": 6,
    "/api/indicators/": 6,
    "/api/targets/": 5,
    "/api/due-items/": 5,
    "/api/values/": 5,
    "/api/task-reports/": 5,
    "/api/results/": 5,
    "/api/verdicts/": 5,
    "/api/inspection-rounds/": 5,
    "/api/visits/": 6,
    "/api/findings/": 6,
    "/api/stage-summaries/?plan={plan}": 10,
}


@pytest.mark.parametrize("address", list(QUERIES))
def test_an_api_list_makes_the_same_queries_at_both_sizes(province, client, django_assert_num_queries, address):
    _token, key = issue(get_user_model().objects.get(username=province.logins["office"]))
    url = address.format(plan=province.plan.pk)
    with django_assert_num_queries(QUERIES[address]):
        response = client.get(url, HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200, (url, response.status_code)
    body = response.json()
    assert body["count"] > 0 if isinstance(body, dict) and "count" in body else body
