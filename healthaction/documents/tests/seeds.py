"""Helpers for tests that read the seed plan documents in ../shared/seeds."""

from pathlib import Path

SEEDS = Path(__file__).resolve().parents[3].parent / "shared" / "seeds"


def indicator(draft: dict, name: str) -> dict:
    matches = [i for i in draft["indicators"] if i["name"] == name]
    assert matches, f"no indicator named {name}: {[i['name'] for i in draft['indicators']]}"
    return matches[0]


def targets(ind: dict) -> dict:
    """Return {year: (kind, comparator, value)} for compact assertions."""
    return {t["year"]: (t["kind"], t["comparator"], t["value"]) for t in ind["targets"]}
