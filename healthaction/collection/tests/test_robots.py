"""Reminders to WeCom and DingTalk group robots.

No test here sends anything beyond 127.0.0.1: the official hosts' names are "resolved" by a stub to public
addresses, and the connection to those addresses is routed to a TLS listener of the test's own (a thread, with a
certificate made for the two official host names) — the robot module's own TLS, SNI and HTTP code runs unchanged.
"""

import base64
import datetime as dt
import hashlib
import hmac
import ipaddress
import json
import socket
import ssl
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import translation

from healthaction.collection import robots, services
from healthaction.collection.models import ReminderLog, RobotWebhook
from healthaction.collection.tests.smallplan import small_plan
from healthaction.core import jobs
from healthaction.core.choices import Role
from healthaction.core.models import Job
from healthaction.registry.models import Department, Membership, OrgUnit

TODAY = dt.date(2026, 11, 25)
# what the stub DNS answers for the official hosts (public addresses; nothing is ever sent to them)
PUBLIC = {"qyapi.weixin.qq.com": "101.91.22.57", "oapi.dingtalk.com": "106.11.23.3"}


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """A self-signed certificate for the two official host names, and its key, as PEM files."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "robots under test")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(h) for h in PUBLIC]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("tls")
    (folder / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "key.pem").write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return folder / "cert.pem", folder / "key.pem"


@pytest.fixture
def stub(certificate, monkeypatch):
    """A robot on 127.0.0.1 over TLS; the official hosts resolve to PUBLIC, and connections to PUBLIC reach it."""
    received, sni = [], {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append(
                {
                    "path": self.path,
                    "host": self.headers["Host"],
                    "sni": sni.get("last"),  # the name the client asked TLS for
                    "json": json.loads(body),
                    "type": self.headers["Content-Type"],
                }
            )
            if self.path.startswith("/redirect"):
                self.send_response(302)
                self.send_header("Location", "http://169.254.169.254/latest/meta-data/")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if self.path.startswith("/teapot"):
                data = b"secret internal page: root password is hunter2"
                self.send_response(418)
            else:
                answer = (
                    {"errcode": 310000, "errmsg": "sign not match; internal host db-7 said hello"}
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
    served = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    served.load_cert_chain(*certificate)
    served.sni_callback = lambda sock, name, ctx: sni.update(last=name)
    server.socket = served.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    routed = dict.fromkeys(PUBLIC.values(), ("127.0.0.1", server.server_port))

    def resolve(host, port):
        return [PUBLIC[host]] if host in PUBLIC else []

    def open_socket(address, port, timeout):
        assert port == 443, port
        return socket.create_connection(routed[address], timeout=timeout)  # KeyError: never anywhere else

    monkeypatch.setattr(robots, "resolve", resolve)
    monkeypatch.setattr(robots, "open_socket", open_socket)
    monkeypatch.setattr(robots, "tls_context", lambda: ssl.create_default_context(cafile=str(certificate[0])))
    yield received
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


@pytest.fixture
def office(plan, client):
    user = get_user_model().objects.create_user("cd-office", password="x" * 12)
    Membership.objects.create(user=user, role=Role.OFFICE_ADMIN, org_unit=plan.org_unit)
    client.force_login(user)
    return client


def test_wecom_and_signed_dingtalk_robots_receive_the_overdue_items_once_a_day(plan, stub):
    received = stub
    wecom = RobotWebhook.objects.create(
        kind="wecom",
        url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc",
        department=Department.objects.get(name="市卫健局"),
        org_unit=plan.org_unit,
    )
    RobotWebhook.objects.create(
        kind="dingtalk",
        url="https://oapi.dingtalk.com/robot/send?access_token=t0k",
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
    assert (by_path["/cgi-bin/webhook/send"]["host"], by_path["/cgi-bin/webhook/send"]["sni"]) == (
        "qyapi.weixin.qq.com",
        "qyapi.weixin.qq.com",
    )
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
    assert (ding["host"], ding["sni"]) == ("oapi.dingtalk.com", "oapi.dingtalk.com")
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


def test_a_failing_robot_is_logged_with_a_fixed_message_and_never_blocks_email(plan, stub, office):
    received = stub
    health = Department.objects.get(name="市卫健局")
    made = {
        path: RobotWebhook.objects.create(
            kind="dingtalk", url=f"https://oapi.dingtalk.com{path}", department=health, org_unit=plan.org_unit
        )
        for path in ("/fail?access_token=x", "/teapot?access_token=y", "/redirect?access_token=z")
    }
    with translation.override("zh-hans"):
        services.send_reminders(today=TODAY, plan=plan)
    assert len(mail.outbox) == 1
    errors = {path: RobotWebhook.objects.get(pk=r.pk).last_error for path, r in made.items()}
    assert errors == {
        "/fail?access_token=x": "机器人拒收了这条消息（错误代码 310000）。",
        "/teapot?access_token=y": "机器人答复 HTTP 4xx，消息未被接收。",
        "/redirect?access_token=z": "机器人答复 HTTP 3xx，消息未被接收。",
    }
    # the redirect was not followed: the three robots were each called once, and nothing else
    assert sorted(r["path"].split("?")[0] for r in received) == ["/fail", "/redirect", "/teapot"]
    # nothing logged for a failed robot, so a later run the same day tries again
    assert not ReminderLog.objects.filter(recipient__startswith="robot:").exists()
    services.send_reminders(today=TODAY, plan=plan)
    assert len([r for r in received if r["path"].startswith("/fail")]) == 2
    html = office.get(f"/people/plans/{plan.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "错误代码 310000" in html
    for leaked in ("sign not match", "db-7", "hunter2", "169.254.169.254"):  # nothing the other side said
        assert leaked not in html


def test_the_office_adds_a_robot_on_its_page(plan, office):
    county = OrgUnit.objects.get(name="东湖县")
    response = office.post(
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
    bad = office.post(
        f"/people/plans/{plan.pk}/",
        {"what": "robot", "reporter": f"u{county.pk}", "kind": "wecom", "url": "not an address"},
    )
    assert bad.status_code == 400 and RobotWebhook.objects.count() == 1


@pytest.fixture
def listener():
    """A TCP listener on 127.0.0.1 that records every connection made to it (and answers nothing)."""
    connections = []
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    server.settimeout(0.2)
    stop = threading.Event()

    def accept():
        while not stop.is_set():
            try:
                conn, peer = server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            connections.append(peer)
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1], connections
    stop.set()
    thread.join(2)
    server.close()


REFUSED = {
    "http://127.0.0.1:{port}/cgi-bin/webhook/send?key=a": "机器人地址必须以 https:// 开头。",
    "https://127.0.0.1:{port}/cgi-bin/webhook/send?key=a": "只接受企业微信（qyapi.weixin.qq.com）",
    "https://169.254.169.254/latest/meta-data/": "只接受企业微信（qyapi.weixin.qq.com）",
    "https://[::ffff:127.0.0.1]:{port}/": "只接受企业微信（qyapi.weixin.qq.com）",
    "http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=a": "机器人地址必须以 https:// 开头。",
    "https://qyapi.weixin.qq.com@127.0.0.1:{port}/": "机器人地址不能包含用户名或密码。",
    "https://qyapi.weixin.qq.com:{port}/cgi-bin/webhook/send?key=a": "机器人地址不能指定端口。",
    "https://x:y@oapi.dingtalk.com/robot/send": "机器人地址不能包含用户名或密码。",
}


def test_a_robot_at_a_local_or_metadata_address_is_refused_when_saved_and_never_contacted(plan, office, listener):
    port, connections = listener
    health = Department.objects.get(name="市卫健局")
    for url, reason in REFUSED.items():
        url = url.format(port=port)
        response = office.post(
            f"/people/plans/{plan.pk}/",
            {"what": "robot", "reporter": f"d{health.pk}", "kind": "wecom", "url": url},
            HTTP_ACCEPT_LANGUAGE="zh-hans",
        )
        assert response.status_code == 400, url
        assert reason in response.content.decode(), url
        with pytest.raises(ValidationError):  # no other door either
            RobotWebhook.objects.create(kind="wecom", url=url, department=health, org_unit=plan.org_unit)
    assert not RobotWebhook.objects.exists()
    services.send_reminders(today=TODAY, plan=plan)
    assert connections == []


def test_an_official_host_resolving_to_a_local_address_is_never_contacted(plan, listener, monkeypatch):
    """DNS rebinding: the saved address is an allowed host, but the name resolves to loopback or metadata."""
    port, connections = listener
    answers = {"qyapi.weixin.qq.com": ["101.91.22.57", "127.0.0.1"], "oapi.dingtalk.com": ["169.254.169.254"]}
    monkeypatch.setattr(robots, "resolve", lambda host, p: answers[host])
    # any connection at all would reach the listener (and be counted)
    monkeypatch.setattr(robots, "open_socket", lambda a, p, t: socket.create_connection(("127.0.0.1", port), t))
    health = Department.objects.get(name="市卫健局")
    made = [
        RobotWebhook.objects.create(kind="wecom", url=url, department=health, org_unit=plan.org_unit)
        for url in ("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=a", "https://oapi.dingtalk.com/robot/send")
    ]
    with translation.override("zh-hans"):
        services.send_reminders(today=TODAY, plan=plan)
    assert connections == []
    for robot in made:
        robot.refresh_from_db()
        assert robot.last_error == "机器人的主机解析到非公网地址，未发送任何内容。"


def test_an_operator_may_allow_another_host(plan, settings):
    health = Department.objects.get(name="市卫健局")
    with pytest.raises(ValidationError):
        RobotWebhook.objects.create(kind="wecom", url="https://relay.example.cn/send", org_unit=plan.org_unit)
    settings.ROBOT_EXTRA_HOSTS = ["relay.example.cn"]
    robot = RobotWebhook.objects.create(
        kind="wecom", url="https://relay.example.cn/send", department=health, org_unit=plan.org_unit
    )
    assert robot.pk


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("127.0.0.1", False),
        ("169.254.169.254", False),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.1.1", False),
        ("100.64.0.1", False),  # shared address space (carrier NAT)
        ("0.0.0.0", False),
        ("240.0.0.1", False),
        ("::1", False),
        ("::ffff:127.0.0.1", False),
        ("fe80::1", False),
        ("fd00:ec2::254", False),  # the IPv6 metadata address
        ("2002:a9fe:a9fe::1", False),  # 6to4 wrapping 169.254.169.254
        ("101.91.22.57", True),
        ("2400:3200::1", True),
    ],
)
def test_which_addresses_are_public(address, public):
    assert robots.public_address(address) is public
    assert ipaddress.ip_address(address)  # each case is a well-formed address


def test_sending_reminders_from_the_page_queues_a_job_and_contacts_nothing(plan, office, settings, listener):
    settings.TASKS = jobs.DATABASE  # queued for the worker, not run in the request
    port, connections = listener
    response = office.post("/report/reminders/send/", {"plan": plan.pk})
    job = Job.objects.get(kind="reminders")
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    assert (job.task_path, job.params, job.status) == (
        "healthaction.collection.tasks.send_reminders",
        {"plan_id": plan.pk},
        Job.QUEUED,
    )
    assert len(mail.outbox) == 0 and connections == []
