"""Match plan indicators to the national catalogue: normalised names, synonyms, units, then fuzzy matching.

rapidfuzz gives the similarity; a match at or above AUTO_THRESHOLD (with a compatible unit) applies at
once and is shown for confirmation; anything below waits for a person and counts nowhere until then.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz, process

AUTO_THRESHOLD = 0.92
PROPOSE_THRESHOLD = 0.6

_PREFIX = re.compile(r"^(?:全市|全县|全旗|全区|全省|全国|我市|我县|我旗|本市|各级)")
_NOISE = re.compile(r"[\s“”\"'（）()《》]")


def normalize(name: str) -> str:
    """Return a name for comparison: no spaces, quotes, brackets, place prefixes or trailing unit."""
    text = re.sub(r"（[^（）]{1,8}）$", "", name.strip())
    text = _PREFIX.sub("", text)
    return _NOISE.sub("", text)


@dataclass
class Candidate:
    code: str
    confidence: float
    method: str


class Matcher:
    def __init__(self, entries: list[dict]):
        """entries: dicts with code, name, unit, synonyms."""
        self.units = {e["code"]: e.get("unit", "") for e in entries}
        self.exact: dict[str, str] = {}
        self.choices: dict[str, str] = {}
        for e in entries:
            for name in [e["name"], *e.get("synonyms", [])]:
                key = normalize(name)
                self.exact.setdefault(key, e["code"])
                self.choices[key] = e["code"]

    def match(self, name: str, unit: str = "") -> Candidate | None:
        key = normalize(name)
        if key in self.exact:
            return Candidate(self.exact[key], 1.0, "exact")
        best = process.extractOne(key, list(self.choices), scorer=fuzz.WRatio)
        if best is None:
            return None
        text, score, _ = best
        code = self.choices[text]
        confidence = score / 100
        # a longer local name that contains the national one (城乡居民… ⊃ 居民…) is strong evidence
        short, long_ = sorted((text, key), key=len)
        if short and short in long_ and len(short) >= 6 and len(short) / len(long_) >= 0.75:
            confidence = max(confidence, 0.93)
        if unit and self.units.get(code) and unit != self.units[code]:
            confidence -= 0.15  # a different unit makes the same name doubtful
        if confidence < PROPOSE_THRESHOLD:
            return None
        return Candidate(code, round(min(confidence, 0.99), 3), "fuzzy")
