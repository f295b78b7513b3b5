"""Query and form parameters read defensively: a malformed one is a clear 400, never a 500 from the database."""

from django.core.exceptions import BadRequest
from django.utils.translation import gettext as _

MAX_ID_DIGITS = 18  # below 2**63: the largest id any of our databases stores


def int_param(params, name: str, *, digits: int = MAX_ID_DIGITS) -> int | None:
    """Return the integer in `params[name]` (a QueryDict), None when absent; raise BadRequest when it is not a plain number."""
    raw = params.get(name)
    if raw in (None, ""):
        return None
    if not (raw.isascii() and raw.isdigit() and len(raw) <= digits):
        raise BadRequest(_("“%(name)s” must be a number.") % {"name": name})
    return int(raw)


def year_param(params, name: str = "year") -> int | None:
    """A four-digit year, or None when absent."""
    raw = params.get(name)
    if raw in (None, ""):
        return None
    if not (raw.isascii() and raw.isdigit() and len(raw) == 4):
        raise BadRequest(_("“%(name)s” must be a year such as 2024.") % {"name": name})
    return int(raw)
