"""Identifiers shared with the Django models (healthaction.core.choices), kept here
as plain strings so this package never imports Django. A test checks they agree."""

GROUP_OUTCOME = "outcome"
GROUP_ADVOCACY = "advocacy"
GROUP_GOVERNMENT = "government"

NATURE_BINDING = "binding"
NATURE_EXPECTED = "expected"
NATURE_ADVOCACY = "advocacy"

DIR_INCREASE = "increase"
DIR_DECREASE = "decrease"
DIR_MAINTAIN = "maintain"

KIND_NUMERIC = "numeric"
KIND_RELATIVE = "relative"
KIND_DIRECTIONAL = "directional"
KIND_QUALITATIVE = "qualitative"

CMP_GE = ">="
CMP_LE = "<="
CMP_LT = "<"
CMP_GT = ">"
CMP_EQ = "="
CMP_RANGE = "range"

NATURE_WORDS = {"约束性": NATURE_BINDING, "预期性": NATURE_EXPECTED, "倡导性": NATURE_ADVOCACY}
GROUP_WORDS = {"结果性": GROUP_OUTCOME, "倡导性": GROUP_ADVOCACY, "政府工作": GROUP_GOVERNMENT}
