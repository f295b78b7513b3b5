"""The checks of a reported value or task report: errors block the write, warnings go to the reviewer.

Every door (page, API, bulk JSON/CSV, Excel, healthy-cell share) runs these before it writes anything."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from healthaction.collection import validation
from healthaction.core.choices import TargetKind, TaskProgress

QUALITATIVE_CHOICES = ["实现", "基本实现", "推进中", "未实现"]


OUTLIER_FACTOR = 0.5  # a value more than 50 % away from the previous year's is flagged for the reviewer


RANGES = {"%": (0.0, 100.0), "‰": (0.0, 1000.0)}


@dataclass
class Check:
    errors: dict[str, list[str]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    outlier: bool = False

    def error(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)

    @property
    def ok(self) -> bool:
        return not self.errors


def qualitative_indicator(indicator) -> bool:
    return any(t.kind == TargetKind.QUALITATIVE for t in indicator.targets.all())


def _text_fields(data: dict, fields: tuple[str, ...], check: Check) -> None:
    """Normalise the texts in `data` in place and record what the shared rules refuse."""
    for name in fields:
        data[name] = validation.normalise_text(data.get(name), name)
        problem = validation.text_problem(data[name], name)
        if problem:
            check.error(name, problem)


def check_value(
    indicator, data: dict, *, previous: float | None = None, has_evidence: bool = False, submitting: bool = False
) -> Check:
    """Return the problems of a reported value: errors block (a draft too), warnings go to the reviewer.

    Every door (page, API, bulk JSON/CSV, Excel, healthy-cell share) calls this before it writes anything; texts in
    `data` are normalised in place (stripped, CRLF as LF) so that what is checked is what is stored.
    """
    check = Check()
    _text_fields(data, ("qualitative", "source", "note"), check)
    for name in ("value", "numerator", "denominator"):
        problem = validation.number_problem(data.get(name))
        if problem:
            check.error(name, problem)
    if not check.ok:
        return check
    value, numerator, denominator = data.get("value"), data.get("numerator"), data.get("denominator")
    qualitative = data.get("qualitative") or ""
    if qualitative_indicator(indicator):
        if submitting and not qualitative:
            check.error("qualitative", _("Choose whether the target was met."))
        if qualitative and qualitative not in QUALITATIVE_CHOICES:
            check.error(
                "qualitative",
                _("“%(v)s” is not one of: %(choices)s.")
                % {"v": qualitative, "choices": "、".join(QUALITATIVE_CHOICES)},
            )
    else:
        if numerator is not None and numerator < 0:
            check.error("numerator", _("A count cannot be negative."))
        if numerator is not None and denominator is not None:
            if denominator <= 0:
                check.error("denominator", _("The denominator must be greater than 0."))
            elif numerator > denominator and indicator.unit in RANGES:
                check.error(
                    "numerator",
                    _("The numerator (%(n)s) must not exceed the denominator (%(d)s).")
                    % {"n": f"{numerator:g}", "d": f"{denominator:g}"},
                )
            elif value is None and numerator >= 0:
                factor = {"%": 100, "‰": 1000, "1/10万": 100000}.get(indicator.unit, 1)
                value = numerator / denominator * factor
                data["value"] = value
        elif denominator is not None and denominator <= 0:
            check.error("denominator", _("The denominator must be greater than 0."))
        if (numerator is None) != (denominator is None) and indicator.numerator:
            check.error(
                "denominator" if denominator is None else "numerator", _("Give both the numerator and the denominator.")
            )
        if submitting and value is None and numerator is None and denominator is None:
            check.error("value", _("Enter a number."))
        if value is not None:
            low, high = RANGES.get(indicator.unit, (0.0, None))
            if value < low or (high is not None and value > high):
                check.error(
                    "value",
                    _("%(v)s%(u)s is outside the possible range %(lo)s–%(hi)s%(u)s.")
                    % {
                        "v": f"{value:g}",
                        "u": indicator.unit,
                        "lo": f"{low:g}",
                        "hi": f"{high:g}" if high is not None else "∞",
                    },
                )
            if previous not in (None, 0) and abs(value - previous) / abs(previous) > OUTLIER_FACTOR:
                check.outlier = True
                check.warnings.append(
                    _("%(v)s differs from last year's %(p)s by more than half; the reviewer will check it.")
                    % {"v": f"{value:g}", "p": f"{previous:g}"}
                )
    if submitting and indicator.nature == "binding" and not has_evidence and not (data.get("source") or "").strip():
        check.error("evidence", _("A binding indicator needs evidence: attach a file or name the source of the data."))
    return check


def check_report(data: dict, *, submitting: bool = False) -> Check:
    """Return the problems of a task progress report (the same text rules as values)."""
    check = Check()
    _text_fields(data, ("text",), check)
    progress = data.get("progress") or TaskProgress.IN_PROGRESS
    if progress not in TaskProgress.values:
        check.error("progress", _("Choose a progress status from the list."))
    data["progress"] = progress
    if submitting and check.ok and not data["text"]:
        check.error("text", _("Describe the progress made."))
    return check
