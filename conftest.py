"""Shared test fixtures: the demo data set and personas."""

import pytest


@pytest.fixture
def demo(db):
    """Return the demo summary (plan, counts, logins) built in the test database."""
    from healthaction.demo.build import build_demo

    return build_demo()
