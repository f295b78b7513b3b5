"""Character-level normalisation of policy text.

The parser works on a normalised copy of each line (one normalised line per
source line, so line numbers stay true); items keep the exact source text.
"""

import re
from functools import lru_cache

# Full-width ASCII variants (digits, Latin letters, % . + - / : ; < = >) become ASCII;
# brackets and commas become the Chinese forms the grammar expects.
_TABLE = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
for ch in "（），：；！？～":  # ～ stays the range mark (7～8小时); the half-width ~ becomes it below
    _TABLE.pop(ord(ch), None)
_TABLE.update(
    {
        ord("("): "（",
        ord(")"): "）",
        ord("≧"): "≥",
        ord("≦"): "≤",
        ord("〜"): "～",
        ord("~"): "～",
        ord("\u3000"): " ",
        ord("\xa0"): " ",
        ord("\u200b"): None,
        ord("\ufeff"): None,
        ord("："): "：",
        ord("﹪"): "%",
        ord("％"): "%",
        ord("．"): ".",
        ord("－"): "-",
        ord("–"): "-",
        ord("―"): "—",
        ord("─"): "—",
        ord("㎡"): "m²",
    }
)
_COMPARATOR_FIX = re.compile(r">=|=>|<=|=<")
_COMPARATOR_MAP = {">=": "≥", "=>": "≥", "<=": "≤", "=<": "≤"}
_COLON = re.compile(r"(?<=[\u4e00-\u9fff]):")
_COMMA = re.compile(r"(?<=[\u4e00-\u9fff\d%]),(?=\s*[\u4e00-\u9fff\d])")
# a mirror site's pinyin gloss after a character: 孕產(chǎn)婦, 素養(yǎng) (a tone mark tells it from a word in brackets)
_PINYIN = re.compile(
    r"(?<=[\u4e00-\u9fff])（(?=[^（）]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ])[a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü ]{1,12}）"
)
# commas doubled by such a mirror (,, or ,、)
_STRAY_COMMA = re.compile(r"[,，][,，、]+|、[,，]+")
_SEMI = re.compile(r"(?<=[\u4e00-\u9fff]);")
# C0/C1 controls and bidi embeddings, overrides and isolates: never part of a plan's text (core/text.py refuses them)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

# A sample of characters that only occur in Traditional Chinese text.
_TRADITIONAL_HINTS = set(
    "學歲裡後產鬥幹個衛會動實標現國療體與發區縣鄉鎮關於務這們為時對進過機當從開長業變說頭問題來學經應書無點員數計劃報監導預級醫藥環鐘齡廳東陽測評"
)


def normalize_line(line: str) -> str:
    """Return the line with punctuation variants unified and control characters removed."""
    text = _CONTROL.sub("", line).translate(_TABLE)
    text = _COMPARATOR_FIX.sub(lambda m: _COMPARATOR_MAP[m.group()], text)
    text = text.replace("%o", "‰")  # OCR reads the per-mille sign as % and a small o
    text = _COLON.sub("：", text)
    text = _PINYIN.sub("", text)
    text = _STRAY_COMMA.sub(lambda m: "、" if "、" in m.group() else m.group()[0], text)
    text = _COMMA.sub("，", text)
    return _SEMI.sub("；", text)


_TRADITIONAL_CHAR = re.compile("[" + "".join(sorted(_TRADITIONAL_HINTS)) + "]")  # one C-level scan, not a Python loop
_SPACES = re.compile(r"\s+")


def has_traditional(line: str) -> bool:
    return _TRADITIONAL_CHAR.search(line) is not None


def looks_traditional(text: str) -> bool:
    """Return True when Traditional-only characters make up a noticeable share of the text."""
    count = len(_TRADITIONAL_CHAR.findall(text))
    return count >= 5 and count * 200 > len(text)


@lru_cache(maxsize=1)
def _converter():
    # opencc-python-reimplemented: pure Python, no native build, same dictionaries as OpenCC.
    from opencc import OpenCC

    return OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Return the text converted from Traditional to Simplified characters."""
    return _converter().convert(text)


def compact(text: str) -> str:
    """Return the text without any whitespace (PDF and Word text often has spaces inside words)."""
    return _SPACES.sub("", text)
