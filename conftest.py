"""Shared test fixtures: the demo data set and personas."""

import pytest


@pytest.fixture
def demo(db):
    """Return the demo summary (plan, counts, logins) built in the test database."""
    from healthaction.demo.build import build_demo

    return build_demo()


@pytest.fixture(scope="session")
def seed():
    """Return a function that parses a seed document by its number (0–4), cached for the session."""
    from healthaction.documents import parse_document
    from healthaction.documents.tests.seeds import SEEDS

    if not SEEDS.is_dir():
        pytest.skip(f"the seed documents are not at {SEEDS}")
    cache: dict[int, dict] = {}

    def parse(number: int) -> dict:
        if number not in cache:
            path = next(SEEDS.glob(f"{number:03d}_*.txt"))
            cache[number] = parse_document(path.read_bytes(), path.name)
        return cache[number]

    return parse
