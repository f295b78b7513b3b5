"""On SQLite, a save that still meets a locked database says so in the user's language and keeps the input."""

import datetime as dt
import threading

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction

from healthaction.collection import services
from healthaction.collection.models import DueItem, IndicatorValue, RobotWebhook
from healthaction.collection.tests.smallplan import small_plan
from healthaction.core.choices import Role
from healthaction.registry.models import Department, Membership


@pytest.mark.flushes
def test_a_save_against_a_locked_database_answers_busy_and_keeps_what_was_typed(transactional_db, client):
    if connection.vendor != "sqlite":
        pytest.skip("the lock under test is SQLite's (PostgreSQL locks rows, not the database)")
    plan = small_plan()
    services.publish_plan(plan, start=dt.date(2025, 7, 1))
    item = DueItem.objects.get(plan=plan, indicator__number="1", year=2026)
    liaison = get_user_model().objects.create_user("cd-health", password="x" * 12)
    Membership.objects.create(
        user=liaison,
        role=Role.DEPARTMENT_LIAISON,
        org_unit=plan.org_unit,
        department=Department.objects.get(name="市卫健局"),
    )
    client.force_login(liaison)
    ready, release = threading.Event(), threading.Event()

    def writer():
        # another person's long write transaction holds the database's write lock
        from django.db import connections

        # (a table the page does not read: the test database is SQLite's shared-cache memory database, where
        # a writer also blocks readers of its tables, unlike the WAL file of a real installation)
        with transaction.atomic():
            RobotWebhook.objects.create(kind="wecom", url="https://qyapi.weixin.qq.com/x", org_unit=plan.org_unit)
            ready.set()
            release.wait(60)
        connections.close_all()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert ready.wait(30)
        response = client.post(
            f"/report/items/{item.pk}/", {"action": "submit", "value": "33.5", "source": "2026年监测", "version": "0"}
        )
    finally:
        release.set()
        thread.join(60)
    html = response.content.decode()
    assert response.status_code == 503
    assert "数据库正忙" in html
    assert 'value="33.5"' in html and "2026年监测" in html
    assert not IndicatorValue.objects.filter(indicator=item.indicator, year=2026).exists()
