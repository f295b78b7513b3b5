"""Helpers for tests that read the seed plan documents in ../shared/seeds."""

import os
from pathlib import Path


def _seeds_dir() -> Path:
    # the checkout may be /work/main or a worktree one level deeper (/work/wt/NAME): look upwards
    if os.environ.get("HEALTHACTION_SEEDS"):
        return Path(os.environ["HEALTHACTION_SEEDS"])
    here = Path(__file__).resolve().parents[3]
    for parent in [here, *here.parents][:4]:
        candidate = parent.parent / "shared" / "seeds"
        if candidate.is_dir():
            return candidate
    return here.parent / "shared" / "seeds"


SEEDS = _seeds_dir()


def indicator(draft: dict, name: str) -> dict:
    matches = [i for i in draft["indicators"] if i["name"] == name]
    assert matches, f"no indicator named {name}: {[i['name'] for i in draft['indicators']]}"
    return matches[0]


def targets(ind: dict) -> dict:
    """Return {year: (kind, comparator, value)} for compact assertions."""
    return {t["year"]: (t["kind"], t["comparator"], t["value"]) for t in ind["targets"]}
