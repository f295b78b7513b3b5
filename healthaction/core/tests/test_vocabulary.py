from healthaction.core import choices
from healthaction.documents import vocab


def test_the_parser_vocabulary_matches_the_model_choices():
    assert {vocab.GROUP_OUTCOME, vocab.GROUP_ADVOCACY, vocab.GROUP_GOVERNMENT} == set(choices.IndicatorGroup.values) - {
        ""
    }
    assert {vocab.NATURE_BINDING, vocab.NATURE_EXPECTED, vocab.NATURE_ADVOCACY} == set(choices.Nature.values) - {""}
    assert {vocab.DIR_INCREASE, vocab.DIR_DECREASE, vocab.DIR_MAINTAIN} == set(choices.Direction.values) - {""}
    assert {vocab.KIND_NUMERIC, vocab.KIND_RELATIVE, vocab.KIND_DIRECTIONAL, vocab.KIND_QUALITATIVE} == set(
        choices.TargetKind.values
    )
    assert {vocab.CMP_GE, vocab.CMP_LE, vocab.CMP_LT, vocab.CMP_GT, vocab.CMP_EQ, vocab.CMP_RANGE} == set(
        choices.Comparator.values
    ) - {""}


def test_the_parser_package_does_not_import_django():
    import subprocess
    import sys

    code = (
        "import sys, healthaction.documents.targets, healthaction.documents.normalize; print('django' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
