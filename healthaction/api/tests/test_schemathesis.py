"""A bounded schemathesis run against our OpenAPI schema: valid requests accepted, invalid ones refused, and every
answer documented (status code, content type, body)."""

import time

import pytest
import schemathesis
from django.contrib.auth import get_user_model
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import ignored_auth

from healthaction.api.tokens import issue
from healthaction.wsgi import application

EXAMPLES = 4  # of each kind (fitting the schema, breaking it) per operation


@pytest.fixture
def keep_connection():
    """Calls go straight to the WSGI application, whose request signals would close the test's
    database connection (and its transaction); the Django test client disconnects them the same way."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_the_api_keeps_to_its_schema_under_generated_requests(demo, keep_connection):
    """Every operation, with requests that fit the schema (they must be accepted: 2xx, or 401/403/404/409 for who
    asks and what exists) and requests that break it (they must be refused: 4xx), checked by all of schemathesis'
    response checks: no server error, documented status codes, content types and response bodies.

    Bounded: EXAMPLES requests of each kind per operation, derandomized (the same requests on every run, so CI
    cannot turn red by chance), about 30 s on a quiet machine."""
    _token, key = issue(get_user_model().objects.get(username="liaison"))
    headers = {"Authorization": f"Token {key}"}
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
    failures, calls, started = [], 0, time.monotonic()
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            cases = []

            @settings(
                derandomize=True,
                max_examples=EXAMPLES,
                deadline=None,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            @given(case=operation.as_strategy(generation_mode=mode))
            def collect(case):
                cases.append(case)  # noqa: B023  (run at once, below, before the loop moves on)

            try:
                collect()
            except Unsatisfiable:  # nothing in this operation can break the schema (no parameters, no body)
                assert mode == GenerationMode.NEGATIVE, operation.label
                continue
            for case in cases:
                response = case.call(headers=headers)
                calls += 1
                try:
                    # the token we send is valid: "ignored_auth" would misread it as generated, invalid auth
                    case.validate_response(response, excluded_checks=[ignored_auth], headers=headers)
                except BaseException as exc:  # noqa: BLE001  a FailureGroup: collect them all, fail once
                    failures.append(
                        (case.method, case.formatted_path, mode.value, _first_failure(exc), str(case.body)[:300])
                        + (response.status_code, response.text[:300])
                    )
    elapsed = time.monotonic() - started
    assert calls >= 200, calls
    assert failures == []
    print(f"schemathesis: {calls} requests in {elapsed:.0f} s")


def _first_failure(exc: BaseException) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip().startswith("- ")]
    return lines[0] if lines else str(exc).splitlines()[0][:200]
