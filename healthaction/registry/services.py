"""Areas from the official division codes: create an area with its ancestors and lower units (issue 23)."""

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils.crypto import constant_time_compare
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


SETUP_CODE_FILE = "setup_code"


def setup_code() -> str:
    """The one-time code the first-run page asks for, kept in the var folder beside the secret key and printed by
    `healthaction serve` while nothing is set up: whoever reaches a new server first cannot claim it without it."""
    path = settings.VAR_DIR / SETUP_CODE_FILE
    if not path.exists():
        path.write_text(secrets.token_hex(4).upper(), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


def setup_code_matches(given: str) -> bool:
    return constant_time_compare((given or "").strip().upper(), setup_code())


@transaction.atomic
def first_office(code: str, username: str, password: str):
    """Set up a fresh install: the area with this code (its ancestors and lower units) and its office's first account.

    Refused when any account exists already. Two first runs at once queue on a lock (PostgreSQL: an advisory lock
    for the transaction; SQLite's write transactions are exclusive already), so the second finds the first's account."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [0x48A5E7])
    User = get_user_model()
    if User.objects.exists():
        raise AreaError(_("This installation is already set up; sign in."))
    result = add_area(code)
    user = User.objects.create_user(username=username, password=password)
    Membership.objects.create(user=user, role=Role.OFFICE_ADMIN, org_unit=result.unit)
    (settings.VAR_DIR / SETUP_CODE_FILE).unlink(missing_ok=True)
    return user, result
