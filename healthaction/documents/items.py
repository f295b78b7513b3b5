"""The items of a plan draft built in one place: a task, whether read from a task table (grid.py) or from the
text (pipeline.py), has the same fields in the same order (the interchange format's task, docs/plan-format.md)."""


def new_task(
    number: str,
    action: int | None,
    content: str,
    leads: list[str],
    cos: list[str],
    all_lower: bool,
    source: dict,
    measures: str = "",
    deliverables: str = "",
) -> dict:
    """A task of the draft; `confidence`, `reason` and the department confidence are added by its reader."""
    return {
        "number": number,
        "action": action,
        "content": content,
        "measures": measures,
        "deliverables": deliverables,
        "lead_departments": leads,
        "co_departments": cos,
        "all_lower_units": all_lower,
        "reporting_cycle": None,
        "source": source,
    }
