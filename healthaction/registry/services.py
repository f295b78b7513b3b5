"""Areas from the official division codes: create an area with its ancestors and lower units (issue 23)."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from healthaction.core.choices import Role
from healthaction.registry import divisions
from healthaction.registry.models import Membership, OrgUnit


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


@transaction.atomic
def first_office(code: str, username: str, password: str):
    """Set up a fresh install: the area with this code (its ancestors and lower units) and its office's first account.

    Refused when any account exists already (two first runs at once: the second finds the first's account)."""
    User = get_user_model()
    if User.objects.exists():
        raise AreaError(_("This installation is already set up; sign in."))
    result = add_area(code)
    user = User.objects.create_user(username=username, password=password)
    Membership.objects.create(user=user, role=Role.OFFICE_ADMIN, org_unit=result.unit)
    return user, result
