"""MEASUREMENT, not a threshold: the reader's accuracy on real texts against blind hand transcriptions.

Every set1 text and every seed (when its text is on this machine) must parse and score; the scores are printed
(run with -s to see the table) and nothing is asserted about them yet: the coordinator sets the thresholds.
The transcriptions were made from the texts alone, without reading the reader (see tests/real/set1/SOURCES.md).
"""

import json

import pytest

from healthaction.documents.tests.real_texts import REAL, SEED_FILES, cases, score_case, table

CASES = cases()


def test_the_real_sets_are_there():
    # at least 15 public texts, each with its transcription and its source line, and a transcription of each of the five seeds
    sources = (REAL / "set1" / "SOURCES.md").read_text(encoding="utf-8")
    set1 = [case for case in CASES if case.name.startswith("set1/")]
    assert len(set1) >= 15
    for case in set1:
        assert case.text.is_file(), case.name
        assert f"| {case.text.stem} |" in sources, case.name
    assert {case.name.removeprefix("seeds/") for case in CASES if case.name.startswith("seeds/")} == set(SEED_FILES)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_each_text_parses_and_scores(case):
    if case.text is None:
        pytest.skip("seed text not on this machine (set HEALTHACTION_SEEDS_DIR)")
    transcription = json.loads(case.transcription.read_text(encoding="utf-8"))
    result = score_case(case)
    # every check of the transcription was made: one per indicator name, baseline, target and nature,
    # one per task and one per named department
    expected_checks = sum(
        1 + ("baseline" in i) + len(i.get("targets", {})) + ("nature" in i) for i in transcription["indicators"]
    ) + sum(1 + len(t.get("lead", [])) + len(t.get("co", [])) for t in transcription["tasks"])
    assert result.indicator_checks + result.task_checks == expected_checks
    print(
        f"\n{case.name}: {result.indicator_passed}/{result.indicator_checks} indicator checks, "
        f"{result.task_passed}/{result.task_checks} task checks"
    )


def test_print_the_table():
    results = [(case.name, score_case(case)) for case in CASES if case.text is not None]
    print("\n" + table(results))
    assert len(results) >= 15
