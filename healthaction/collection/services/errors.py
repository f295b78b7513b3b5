"""The refusals a collection service raises: a stale write, a missing version, a user not allowed, a fixed item."""

from __future__ import annotations


class Conflict(Exception):
    """Someone else saved this item since it was opened."""


class VersionMissing(Conflict):
    """A write to an existing value that does not say which version it read."""


class NotAllowed(Exception):
    """The user's role and area do not allow this."""


class Fixed(NotAllowed):
    """A submitted or approved value or report that this writer may not change now."""
