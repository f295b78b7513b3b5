"""The one formatter of values and targets: every expected string below is written by hand."""

import pytest

from healthaction.core import formatting
from healthaction.core.choices import Comparator
from healthaction.core.units import KNOWN_UNITS

VALUES = [
    # value, unit, Chinese, English
    (12, "%", "12%", "12%"),
    (3.5, "‰", "3.5‰", "3.5‰"),
    (12, "1/10万", "12/10万", "12 per 100,000"),
    (14.5, "1/10万", "14.5/10万", "14.5 per 100,000"),
    (78.3, "岁", "78.3岁", "78.3 years"),
    (1200, "人", "1200人", "1200 people"),
    (2.5, "平方米", "2.5平方米", "2.5 m²"),
    (40, "", "40", "40"),
]


@pytest.mark.parametrize(("value", "unit", "zh", "en"), VALUES)
def test_a_value_is_written_with_its_unit_and_the_right_separator(value, unit, zh, en):
    assert formatting.value_text(value, unit, "zh-hans") == zh
    assert formatting.value_text(value, unit, "en") == en


TARGETS = [
    # comparator, value, upper, unit, Chinese, English
    (">=", 90, None, "%", "≥90%", "≥90%"),
    ("<=", 14.5, None, "1/10万", "≤14.5/10万", "≤14.5 per 100,000"),
    ("<", 12, None, "‰", "<12‰", "<12‰"),
    (">", 77.7, None, "岁", ">77.7岁", ">77.7 years"),
    ("=", 300, None, "人", "=300人", "=300 people"),
    ("range", 7, 8, "小时", "7～8小时", "7–8 hours"),
    ("", 2.5, None, "平方米", "2.5平方米", "2.5 m²"),
]


@pytest.mark.parametrize(("comparator", "value", "upper", "unit", "zh", "en"), TARGETS)
def test_a_target_is_written_with_its_comparator_and_unit(comparator, value, upper, unit, zh, en):
    assert formatting.target_text(comparator, value, upper, unit, "zh-hans") == zh
    assert formatting.target_text(comparator, value, upper, unit, "en") == en


def test_numbers_lose_trailing_zeros_and_keep_at_most_four_decimals():
    assert [formatting.number(v) for v in (12.0, 14.50, 1 / 3, -0.00001, 1234567.0)] == [
        "12",
        "14.5",
        "0.3333",
        "0",
        "1234567",
    ]
    assert formatting.number(2 / 3, places=2) == "0.67"
    assert formatting.value_text(None, "%") == "" and formatting.target_text(">=", None) == ""


def test_every_known_unit_has_an_english_name():
    assert set(formatting.UNIT_EN) == set(KNOWN_UNITS)


def test_the_comparator_vocabulary_reads_its_symbols_from_the_formatter():
    assert dict(Comparator.choices)[Comparator.GE] == "≥" and Comparator.symbol(Comparator.LE) == "≤"
    assert Comparator.symbol(Comparator.RANGE) == "" and Comparator.values == [">=", "<=", "<", ">", "=", "range", ""]


def test_one_english_word_with_two_meanings_has_two_chinese_words():
    """已报送 is where a value is; 报送 is what a liaison did (pgettext keeps the two apart for translators)."""
    from django.utils.translation import override

    from healthaction.core.choices import RevisionAction, ValueStatus

    with override("zh-hans"):
        assert (str(ValueStatus.SUBMITTED.label), str(RevisionAction.SUBMIT.label)) == ("已报送", "报送")
        assert (str(ValueStatus.APPROVED.label), str(RevisionAction.APPROVE.label)) == ("已审核", "审核通过")
    with override("en"):
        assert str(ValueStatus.SUBMITTED.label) == str(RevisionAction.SUBMIT.label) == "Submitted"
