"""Reminders to WeCom and DingTalk group robots, against a stub robot on 127.0.0.1 (a thread in the test)."""

import base64
import datetime as dt
import hashlib
import hmac
import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.utils import translation

from healthaction.collection import services
from healthaction.collection.models import ReminderLog, RobotWebhook
from healthaction.collection.tests.smallplan import small_plan
from healthaction.core.choices import Role
from healthaction.registry.models import Department, Membership, OrgUnit

TODAY = dt.date(2026, 11, 25)


@pytest.fixture
def stub():
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append({"path": self.path, "json": json.loads(body), "type": self.headers["Content-Type"]})
            answer = (
                {"errcode": 310000, "errmsg": "sign not match"}
                if self.path.startswith("/fail")
                else {"errcode": 0, "errmsg": "ok"}
            )
            data = json.dumps(answer).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", received
    server.shutdown()
    server.server_close()


@pytest.fixture
def plan(db, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    plan = small_plan()
    services.publish_plan(plan, start=dt.date(2025, 7, 1))
    liaison = get_user_model().objects.create_user("cd-health", email="health@cd.invalid", password="x" * 12)
    Membership.objects.create(
        user=liaison,
        role=Role.DEPARTMENT_LIAISON,
        org_unit=plan.org_unit,
        department=Department.objects.get(name="市卫健局"),
    )
    return plan


def test_wecom_and_signed_dingtalk_robots_receive_the_overdue_items_once_a_day(plan, stub):
    base, received = stub
    wecom = RobotWebhook.objects.create(
        kind="wecom",
        url=f"{base}/cgi-bin/webhook/send?key=abc",
        department=Department.objects.get(name="市卫健局"),
        org_unit=plan.org_unit,
    )
    RobotWebhook.objects.create(
        kind="dingtalk",
        url=f"{base}/robot/send?access_token=t0k",
        secret="SECdemo",
        org_unit=OrgUnit.objects.get(name="东湖县"),
    )
    with translation.override("en"):
        services.send_reminders(today=TODAY, plan=plan)
    assert len(mail.outbox) == 1  # email still goes to the liaison
    by_path = {r["path"].split("?")[0]: r for r in received}
    assert by_path["/cgi-bin/webhook/send"]["json"] == {
        "msgtype": "markdown",
        "markdown": {
            "content": (
                "### 3 item(s) to report\n"
                "- 开展健康知识进万家活动 · 市卫健局 · 2025H2 （2025年下半年，截止 2025-12-15，Overdue）\n"
                "- 居民健康素养水平 · 市卫健局 · 2025 （2025年，截止 2026-06-05，Overdue）\n"
                "- 开展健康知识进万家活动 · 市卫健局 · 2026H1 （2026年上半年，截止 2026-06-15，Overdue）"
            )
        },
    }
    ding = by_path["/robot/send"]
    assert ding["json"] == {
        "msgtype": "markdown",
        "markdown": {
            "title": "2 item(s) to report",
            "text": (
                "### 2 item(s) to report\n"
                "- 各县推进健康学校建设 · 东湖县 · 2025H2 （2025年下半年，截止 2025-12-15，Overdue）\n"
                "- 各县推进健康学校建设 · 东湖县 · 2026H1 （2026年上半年，截止 2026-06-15，Overdue）"
            ),
        },
    }
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(ding["path"]).query)
    assert query["access_token"] == ["t0k"]
    expected = base64.b64encode(
        hmac.new(b"SECdemo", f"{query['timestamp'][0]}\nSECdemo".encode(), hashlib.sha256).digest()
    ).decode()
    assert query["sign"] == [expected]
    assert ding["type"] == "application/json; charset=utf-8"
    wecom.refresh_from_db()
    assert wecom.last_sent_at is not None and wecom.last_error == ""
    # the same day again: nothing new to either robot (nor to email)
    services.send_reminders(today=TODAY, plan=plan)
    assert len(received) == 2 and len(mail.outbox) == 1
    assert ReminderLog.objects.filter(recipient=wecom.channel).count() == 3


def test_a_failing_robot_is_logged_and_shown_and_never_blocks_email(plan, stub, client):
    base, received = stub
    bad = RobotWebhook.objects.create(
        kind="dingtalk",
        url=f"{base}/fail?access_token=x",
        department=Department.objects.get(name="市卫健局"),
        org_unit=plan.org_unit,
    )
    gone = RobotWebhook.objects.create(
        kind="wecom",
        url="http://127.0.0.1:9/nothing",
        department=Department.objects.get(name="市卫健局"),
        org_unit=plan.org_unit,
    )
    services.send_reminders(today=TODAY, plan=plan)
    assert len(mail.outbox) == 1
    bad.refresh_from_db()
    gone.refresh_from_db()
    assert "310000" in bad.last_error and gone.last_error and bad.last_sent_at is None
    # nothing logged for a failed robot, so a later run the same day tries again
    assert not ReminderLog.objects.filter(recipient__in=[bad.channel, gone.channel]).exists()
    services.send_reminders(today=TODAY, plan=plan)
    assert len([r for r in received if r["path"].startswith("/fail")]) == 2
    office = get_user_model().objects.create_user("cd-office", password="x" * 12)
    Membership.objects.create(user=office, role=Role.OFFICE_ADMIN, org_unit=plan.org_unit)
    client.force_login(office)
    html = client.get(f"/people/plans/{plan.pk}/").content.decode()
    assert "errcode 310000" in html


def test_the_office_adds_a_robot_on_its_page(plan, client):
    office = get_user_model().objects.create_user("cd-office", password="x" * 12)
    Membership.objects.create(user=office, role=Role.OFFICE_ADMIN, org_unit=plan.org_unit)
    client.force_login(office)
    county = OrgUnit.objects.get(name="东湖县")
    response = client.post(
        f"/people/plans/{plan.pk}/",
        {
            "what": "robot",
            "reporter": f"u{county.pk}",
            "kind": "dingtalk",
            "url": "https://oapi.dingtalk.com/robot/send?access_token=abc",
            "secret": "SEC1",
        },
    )
    assert response.status_code == 302
    robot = RobotWebhook.objects.get()
    assert (robot.kind, robot.org_unit, robot.department, robot.secret) == ("dingtalk", county, None, "SEC1")
    bad = client.post(
        f"/people/plans/{plan.pk}/",
        {"what": "robot", "reporter": f"u{county.pk}", "kind": "wecom", "url": "not an address"},
    )
    assert bad.status_code == 400 and RobotWebhook.objects.count() == 1
