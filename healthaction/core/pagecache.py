"""Versions of cached page fragments: a fragment's cache key names the state of the data it shows, so a change
makes a new key and the old entry is never read again (it expires on its own).

Two parts make a plan's version: the time its results were last computed (stored in the database, so every process
sees it at once: an approval recomputes the results, see evaluation/signals.py) and a counter of its reporting
activity kept in the cache, moved on by every submission, approval, return or evaluation (web/signals.py). With a
shared cache (Redis, CACHE_URL) every process sees the counter move at once; with the per-process default cache a
process sees only its own changes, so fragments there live PAGE_CACHE_SECONDS at most.
"""

from django.conf import settings
from django.core.cache import cache


def _key(plan_id: int) -> str:
    return f"plan-activity:{plan_id}"


def activity(plan_id: int) -> int:
    """The plan's activity counter (0 until something happened since the cache started)."""
    return cache.get(_key(plan_id), 0)


def touch(plan_id: int) -> None:
    """Move the plan's activity counter on: fragments cached before show their plan's old state and are not read."""
    try:
        cache.incr(_key(plan_id))
    except ValueError:  # not in the cache yet (or evicted)
        cache.set(_key(plan_id), 1, None)


def seconds() -> int:
    """How long a page fragment is kept (settings.PAGE_CACHE_SECONDS)."""
    return settings.PAGE_CACHE_SECONDS
