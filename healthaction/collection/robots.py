"""Reminders posted to WeCom (企业微信) and DingTalk (钉钉) group robots, and what a robot address may be.

Both take a markdown message as JSON; DingTalk robots may require a signature: HMAC-SHA256 over
"timestamp\\nsecret" keyed with the secret, base64, passed as &timestamp=…&sign=… on the address.

A robot address is one an office types in, so the server must never be made to call anything else:
- when saved (the model field's validator, so every door checks it): HTTPS, no user name or password in the
  address, the default port, and a host among the official ones (OFFICIAL_HOSTS) or those the operator added
  (settings.ROBOT_EXTRA_HOSTS);
- when sent (by the worker, never in a web request): the same check again, then every address the host
  resolves to must be public (not loopback, private, link-local, cloud metadata, shared, multicast or
  otherwise reserved); the connection goes to the checked address (no second lookup a rebinding DNS server
  could answer differently), TLS verifies the host's certificate, and a redirect is not followed.
- A failure is kept on the robot as a fixed message and the class of the HTTP status (or the robot's numeric
  error code), never text the other side sent, and never raised: email reminders go out regardless.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import ipaddress
import json
import logging
import socket
import ssl
import time
import urllib.parse
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from healthaction.core.choices import RobotKind

if TYPE_CHECKING:
    from healthaction.collection.models import RobotWebhook

log = logging.getLogger(__name__)
TIMEOUT_SECONDS = 10
ANSWER_BYTES = 64 * 1024  # at most this much of a robot's answer is read
OFFICIAL_HOSTS = ("qyapi.weixin.qq.com", "oapi.dingtalk.com")


class RobotError(Exception):
    """A failure; its message is fixed text of ours, safe to show the office."""


def allowed_hosts() -> set[str]:
    return {*OFFICIAL_HOSTS, *getattr(settings, "ROBOT_EXTRA_HOSTS", [])}


def validate_url(url: str) -> None:
    """Refuse a robot address that is not HTTPS to an allowed host (raises ValidationError in the user's language)."""
    try:
        parts = urllib.parse.urlsplit(url or "")
        port = parts.port
    except ValueError:
        raise ValidationError(_("This is not a web address."), code="invalid")
    if parts.scheme.lower() != "https":
        raise ValidationError(_("A group robot's address must begin with https://."), code="scheme")
    if parts.username is not None or parts.password is not None:
        raise ValidationError(_("A group robot's address may not contain a user name or password."), code="userinfo")
    host = (parts.hostname or "").lower().rstrip(".")
    if host not in allowed_hosts():
        raise ValidationError(
            _(
                "Only the official WeCom (%(wecom)s) and DingTalk (%(dingtalk)s) robot addresses are accepted; "
                "ask the operator to allow another host."
            )
            % {"wecom": OFFICIAL_HOSTS[0], "dingtalk": OFFICIAL_HOSTS[1]},
            code="host",
        )
    if port not in (None, 443):
        raise ValidationError(_("A group robot's address may not name a port."), code="port")


def public_address(address: str) -> bool:
    """True when an IP address is a public one a robot may be reached at."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if embedded is not None and not public_address(str(embedded)):
            return False
    bad = ip.is_loopback or ip.is_private or ip.is_link_local or ip.is_multicast or ip.is_reserved or ip.is_unspecified
    if isinstance(ip, ipaddress.IPv6Address):
        bad = bad or ip.is_site_local
    return ip.is_global and not bad


def resolve(host: str, port: int) -> list[str]:
    """The addresses a host resolves to (tests replace this: they never look a real host up)."""
    return [info[4][0] for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)]


def open_socket(address: str, port: int, timeout: float) -> socket.socket:
    """A TCP connection to an address already checked (tests route it to a listener of their own)."""
    return socket.create_connection((address, port), timeout=timeout)


def tls_context() -> ssl.SSLContext:
    return ssl.create_default_context()


def checked_address(host: str, port: int) -> str:
    """Resolve the host and return an address to connect to, after checking every address it resolves to."""
    try:
        addresses = resolve(host, port)
    except OSError as exc:
        raise RobotError(_("The robot's host could not be found.")) from exc
    if not addresses:
        raise RobotError(_("The robot's host could not be found."))
    if not all(public_address(a) for a in addresses):
        log.warning("group robot host %s resolves to a non-public address %s: not contacted", host, addresses)
        raise RobotError(_("The robot's host resolves to an address that is not public; nothing was sent."))
    return addresses[0]


class _CheckedConnection(http.client.HTTPSConnection):
    """HTTPS to a host at an address checked beforehand: TLS (SNI, certificate) for the host name, TCP to the address."""

    def __init__(self, host: str, address: str, port: int):
        super().__init__(host, port, timeout=TIMEOUT_SECONDS, context=tls_context())
        self.address = address

    def connect(self):
        sock = open_socket(self.address, self.port, self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def payload(robot: RobotWebhook, title: str, text: str) -> dict:
    if robot.kind == RobotKind.DINGTALK:
        return {"msgtype": "markdown", "markdown": {"title": title, "text": text}}
    return {"msgtype": "markdown", "markdown": {"content": text}}


def signed_url(url: str, secret: str, timestamp_ms: int | None = None) -> str:
    """Return a DingTalk robot address with its timestamp and signature appended."""
    timestamp = str(timestamp_ms if timestamp_ms is not None else int(time.time() * 1000))
    digest = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(digest))
    return f"{url}{'&' if '?' in url else '?'}timestamp={timestamp}&sign={sign}"


def post(robot: RobotWebhook, title: str, text: str) -> None:
    """Send one message; raise RobotError with a fixed reason when it is refused here or by the robot."""
    try:
        validate_url(robot.url)
    except ValidationError as exc:
        raise RobotError(_("The robot's address is not allowed; nothing was sent.")) from exc
    url = signed_url(robot.url, robot.secret) if robot.kind == RobotKind.DINGTALK and robot.secret else robot.url
    parts = urllib.parse.urlsplit(url)
    host, port = parts.hostname.lower().rstrip("."), parts.port or 443
    address = checked_address(host, port)
    body = json.dumps(payload(robot, title, text), ensure_ascii=False).encode()
    target = urllib.parse.urlunsplit(("", "", parts.path or "/", parts.query, ""))
    connection = _CheckedConnection(host, address, port)
    try:
        connection.request(
            "POST", target, body=body, headers={"Content-Type": "application/json; charset=utf-8", "Host": host}
        )
        response = connection.getresponse()
        status, answer = response.status, response.read(ANSWER_BYTES)
    except (OSError, http.client.HTTPException) as exc:  # refused, timed out, TLS, a broken answer
        log.warning("group robot %s at %s (%s) unreachable: %s", robot.pk, host, address, exc)
        raise RobotError(_("The robot could not be reached.")) from exc
    finally:
        connection.close()
    if not 200 <= status < 300:  # a redirect (3xx) is a failure too: it is never followed
        log.warning("group robot %s answered HTTP %s", robot.pk, status)
        raise RobotError(_("The robot answered HTTP %(cls)sxx; the message was not accepted.") % {"cls": status // 100})
    try:
        code = json.loads(answer.decode("utf-8", "replace")).get("errcode", 0)
    except (ValueError, AttributeError):
        code = 0  # a robot that answers without JSON accepted the message
    if code not in (0, "0"):
        shown = str(code) if isinstance(code, int) and not isinstance(code, bool) else "?"
        log.warning("group robot %s refused the message: errcode %r", robot.pk, code)
        raise RobotError(_("The robot refused the message (error code %(code)s).") % {"code": shown})


def deliver(robot: RobotWebhook, title: str, text: str) -> bool:
    """Post and record the outcome on the robot; return True when it was accepted."""
    try:
        post(robot, title, text)
    except RobotError as exc:
        robot.last_error, robot.last_error_at = str(exc)[:1000], timezone.now()
        robot.save(update_fields=["last_error", "last_error_at"])
        return False
    robot.last_sent_at, robot.last_error = timezone.now(), ""
    robot.save(update_fields=["last_sent_at", "last_error"])
    return True
