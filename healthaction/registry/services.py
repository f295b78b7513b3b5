"""Areas from the official division codes: create an area with its ancestors and lower units (issue 23)."""

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from healthaction.registry import divisions
from healthaction.registry.models import OrgUnit


class AreaError(ValueError):
    """An area cannot be set up; the message is for the user."""


@dataclass
class AreaResult:
    unit: OrgUnit
    created: int
    existing: int


def add_area(code: str) -> AreaResult:
    """Create the area with this official code, its ancestors and every unit below it (towns when the data has them).

    Idempotent: units already there (by code) are kept as they are, so running it twice changes nothing."""
    division = divisions.get(code)
    if division is None:
        raise AreaError(_("No administrative division has the code “%(code)s”.") % {"code": code})
    chain = [*divisions.ancestors(division.code), division, *divisions.descendants(division.code)]
    with transaction.atomic():
        units = {u.code: u for u in OrgUnit.objects.filter(code__in=[d.code for d in chain])}
        existing = len(units)
        # one generation at a time, so that every unit's parent has its key when the unit is written
        pending = [d for d in chain if d.code not in units]
        created = 0
        while pending:
            ready = [d for d in pending if not d.parent or d.parent in units]
            batch = []
            for d in ready:
                parent = units.get(d.parent) if d.parent else None
                path = f"{parent.path if parent else '/'}{d.code}/"
                batch.append(OrgUnit(code=d.code, name=d.name, level=d.level, parent=parent, path=path))
            for unit in OrgUnit.objects.bulk_create(batch):
                units[unit.code] = unit
            created += len(batch)
            done = {d.code for d in ready}
            pending = [d for d in pending if d.code not in done]
        unit = units[division.code]
    if unit.pk is None:  # a backend that does not return keys from bulk_create
        unit = OrgUnit.objects.get(code=division.code)
    return AreaResult(unit=unit, created=created, existing=existing)
