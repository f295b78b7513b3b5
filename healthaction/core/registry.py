"""Fixed stores that higher apps fill from their AppConfig.ready(), so lower layers never import them.

Imports follow the flow core → registry → plans → collection → evaluation → inspections/catalogue →
reports/web/api → demo. When a lower app needs something a higher app provides (the inbox lists overdue
rectifications, the assessment scores supervision), the lower app reads a store here and the higher app
registers into it. The stores are fixed: asking for one that does not exist, or replacing one, is an error,
so a misspelt name fails at start rather than silently doing nothing.
"""

from collections.abc import Callable


class Registry(dict):
    """A dict of named stores whose keys are fixed at creation."""

    def __getitem__(self, key):
        try:
            return super().__getitem__(key)
        except KeyError:
            raise KeyError(f"No registry store named {key!r}; the stores are {', '.join(sorted(self))}") from None

    def __setitem__(self, key, value):
        raise TypeError("Registry stores are fixed; fill one with registry[name][key] = ...")

    def __delitem__(self, key):
        raise TypeError("Registry stores cannot be removed")


registry = Registry(
    {
        # name → callable(user, today, group) returning what the inbox shows beside the group; each goes under its name
        # in the page context
        "inbox_sources": {},
        # name → callable(plan, year) returning ({org_unit_id: share}, {department_id: share}), shares 0…1,
        # for an assessment component whose weight the plan's AssessmentScheme sets (<name>_weight)
        "assessment_components": {},
        # name → callable(plan_ids) returning {indicator_id: national catalogue key} for the plans' indicators whose
        # match applies; the chain of plans links a lower plan's indicator to the upper one's through it
        "indicator_catalogue": {},
    }
)


def register(store: str, name: str) -> Callable:
    """Decorator: put the decorated callable into `store` under `name` (a second registration is an error)."""

    def decorate(func: Callable) -> Callable:
        entries = registry[store]
        if name in entries and entries[name] is not func:
            raise ValueError(f"{store} already has {name!r}")
        entries[name] = func
        return func

    return decorate
