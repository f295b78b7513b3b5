"""Concurrent writers of one value, each thread with its own database connection (SQLite: a file database, copied
from the test database; PostgreSQL: the test database itself, data committed). Nothing is lost and nothing is a 500:
one writer wins, the others get a conflict, and the revisions' versions run 1..n without gaps or duplicates."""

import datetime as dt
import sqlite3
import threading

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import connection, connections

from healthaction.collection import services
from healthaction.collection.excel import import_rows
from healthaction.collection.models import DueItem, IndicatorValue, Revision
from healthaction.core.choices import DueKind, Level, PlanStatus, Role
from healthaction.plans.models import Action, Indicator, Plan
from healthaction.registry.models import Department, Membership, OrgUnit

pytestmark = [pytest.mark.flushes, pytest.mark.django_db(transaction=True)]


def _world():
    city = OrgUnit.objects.create(code="C90", name="并发市", level=Level.CITY)
    health = Department.objects.create(org_unit=city, name="并发市卫生健康委")
    plan = Plan.objects.create(
        org_unit=city, title="并发方案", horizon_start=2025, horizon_end=2026, status=PlanStatus.PUBLISHED
    )
    action = Action.objects.create(plan=plan, number=1, name="行动", lead_department=health)
    indicator = Indicator.objects.create(
        plan=plan, action=action, number="1", name="健康素养水平", unit="%", nature="expected"
    )
    item = DueItem.objects.create(
        plan=plan,
        kind=DueKind.INDICATOR_VALUE,
        indicator=indicator,
        department=health,
        org_unit=city,
        year=2025,
        due_date=dt.date(2026, 6, 5),
    )
    liaison = get_user_model().objects.create_user(username="race_liaison", password="x" * 12)
    Membership.objects.create(user=liaison, role=Role.DEPARTMENT_LIAISON, org_unit=city, department=health)
    return {"item": item.pk, "user": liaison.pk, "indicator": indicator.pk}


class Sessions:
    """Run callables at the same moment in threads, each on its own connection."""

    def __init__(self, tmp_path):
        self.file = None
        if connection.vendor == "sqlite":
            # threads must not share the in-memory test database: copy it to a file each thread opens by itself
            connection.ensure_connection()
            self.file = tmp_path / "race.sqlite3"
            target = sqlite3.connect(self.file)
            connection.connection.backup(target)
            target.close()

    def _bind(self):
        if self.file is not None:
            settings = {**connections["default"].settings_dict, "NAME": str(self.file)}
            connections["default"] = type(connections["default"])(settings, "default")

    def run(self, *calls):
        barrier = threading.Barrier(len(calls))
        results = [None] * len(calls)

        def target(k, call):
            self._bind()
            try:
                barrier.wait()
                results[k] = call()
            except Exception as exc:  # the outcome to count: a conflict, or anything else (which fails the test)
                results[k] = exc
            finally:
                connections.close_all()

        threads = [threading.Thread(target=target, args=(k, c)) for k, c in enumerate(calls)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        return results

    def one(self, call):
        return self.run(call)[0]


def _save(world, value, version):
    def call():
        user, item = get_user_model().objects.get(pk=world["user"]), DueItem.objects.get(pk=world["item"])
        obj, check = services.save_submission(
            user, item, {"value": value, "source": f"会话{value}"}, submit=False, expected_version=version
        )
        assert check.ok, check.errors
        return obj.version

    return call


def _versions(world):
    def call():
        value = IndicatorValue.objects.get(indicator_id=world["indicator"])
        revisions = Revision.objects.filter(
            content_type=ContentType.objects.get_for_model(IndicatorValue), object_id=value.pk
        ).order_by("pk")
        return value.version, value.value, [(r.version, r.data["value"]) for r in revisions]

    return call


def test_ten_sessions_saving_the_same_value_at_once_give_one_success_and_nine_conflicts(tmp_path):
    world = _world()
    sessions = Sessions(tmp_path)
    first = sessions.run(*[_save(world, 20 + k, 0) for k in range(10)])  # ten first saves of a never-saved value
    assert sorted(type(r).__name__ for r in first) == ["Conflict"] * 9 + ["int"], first
    assert [r for r in first if isinstance(r, int)] == [1]
    second = sessions.run(*[_save(world, 40 + k, 1) for k in range(10)])  # ten saves from version 1
    assert sorted(type(r).__name__ for r in second) == ["Conflict"] * 9 + ["int"], second
    version, value, revisions = sessions.one(_versions(world))
    winners = [20 + k for k, r in enumerate(first) if isinstance(r, int)] + [
        40 + k for k, r in enumerate(second) if isinstance(r, int)
    ]
    assert version == 2 and value == winners[1]
    assert revisions == [(1, winners[0]), (2, winners[1])]


def test_six_concurrent_bulk_imports_of_one_new_row_lose_nothing(tmp_path):
    world = _world()
    sessions = Sessions(tmp_path)

    def bulk(value):
        def call():
            result = import_rows(
                get_user_model().objects.get(pk=world["user"]),
                [
                    {
                        "indicator_id": world["indicator"],
                        "org_unit": "C90",
                        "year": 2025,
                        "value": value,
                        "source": "接口",
                    }
                ],
            )
            if result.errors:
                assert len(result.errors) == 1 and "等待委办审核" in result.errors[0].message, result.errors
                return "fixed"
            return result.saved

        return call

    results = sessions.run(*[bulk(30 + k) for k in range(6)])
    # one after the other: the first submits the value, which is then fixed until the office returns it (issue 24),
    # so the five others are refused with the reason; none is lost or half-written
    assert sorted(results, key=str) == [1] + ["fixed"] * 5, results
    version, value, revisions = sessions.one(_versions(world))
    assert [v for v, _ in revisions] == [1]
    assert version == 1 and value == revisions[0][1] and value in {30, 31, 32, 33, 34, 35}
