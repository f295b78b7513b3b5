"""Field rules shared by every door that writes reported data (page form, API, bulk JSON/CSV, Excel, healthy cells).

One module so that the same text is refused or accepted whichever way it arrives. A refused write stores
nothing: callers check first and write only when there is no problem. `scrub` is the forgiving twin used by
the data migration that cleans what older versions let in.
"""

from __future__ import annotations

import math
import re

from django.utils.translation import gettext as _

from healthaction.core import text

# Limits in characters. The model's max_length where it has one; free text gets a generous bound so that a
# 10 MB note cannot be posted (and backed up, and rendered) by any reporting user.
LIMITS = {
    "qualitative": 100,
    "source": 300,
    "note": 4000,
    "text": 10000,  # a task progress report
    "comment": 2000,  # a reviewer's comment
    "name": 200,  # a file name as uploaded
}
MULTILINE = {"note", "text", "comment"}
# C0 controls except tab/LF/CR, DEL, C1 controls, lone surrogates; bidi embeddings, overrides and isolates, which
# can make a file name or a figure read differently from what is stored (Trojan Source).
_CONTROL, _SURROGATE, _BIDI = text.CONTROL, text.SURROGATE, text.BIDI  # the project's one rule (core/text.py)
_BAD_MULTILINE = re.compile(f"[{_CONTROL}{_SURROGATE}{_BIDI}]")
_BAD_LINE = re.compile(f"[\t\n\r{_CONTROL}{_SURROGATE}{_BIDI}]")
MAX_MAGNITUDE = 1e15  # larger figures are typing errors in this domain and overflow some report formats


_describe = text.describe


def text_problem(value: str, field: str) -> str | None:
    """Return why a text may not be stored in `field`, or None when it may."""
    if not isinstance(value, str):
        return _("Enter text.")
    limit = LIMITS.get(field)
    if limit is not None and len(value) > limit:
        return _("At most %(n)s characters (this has %(m)s).") % {"n": limit, "m": len(value)}
    bad = (_BAD_MULTILINE if field in MULTILINE else _BAD_LINE).search(value)
    if bad:
        return _("The text contains a control character (%(c)s) that cannot be stored; retype it.") % {
            "c": _describe(bad.group())
        }
    return None


def normalise_text(value, field: str) -> str:
    """The form the text is stored in: stripped, CRLF as LF. Non-strings (e.g. a number in a CSV cell) become text."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    if field in MULTILINE:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.strip()


def number_problem(value) -> str | None:
    """Return why a number may not be stored (not finite, absurdly large), or None."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return _("Enter a number.")
    if not math.isfinite(value):
        return _("Enter a finite number (not NaN or infinity).")
    if abs(value) > MAX_MAGNITUDE:
        return _("The number is too large.")
    return None


def scrub(value: str, field: str) -> str:
    """Return `value` with what `text_problem` refuses removed and cut to the limit (for cleaning stored data)."""
    if not isinstance(value, str):
        return value
    text = (_BAD_MULTILINE if field in MULTILINE else _BAD_LINE).sub(" " if field not in MULTILINE else "", value)
    limit = LIMITS.get(field)
    return text[:limit] if limit else text


def scrub_json(data):
    """Scrub every string inside a JSON value (a revision's snapshot), keeping multi-line layout."""
    if isinstance(data, str):
        return _BAD_MULTILINE.sub("", data)
    if isinstance(data, list):
        return [scrub_json(v) for v in data]
    if isinstance(data, dict):
        return {scrub_json(k): scrub_json(v) for k, v in data.items()}
    if isinstance(data, float) and not math.isfinite(data):
        return None
    return data
