"""Reminders posted to WeCom (企业微信) and DingTalk (钉钉) group robots.

Both take a markdown message as JSON; DingTalk robots may require a signature: HMAC-SHA256 over
"timestamp\\nsecret" keyed with the secret, base64, passed as &timestamp=…&sign=… on the address.
Standard library HTTP is enough for one small POST; a failure is logged and kept on the robot,
never raised, so email reminders go out regardless.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import time
import urllib.parse
import urllib.request

from django.utils import timezone

from healthaction.collection.models import RobotWebhook
from healthaction.core.choices import RobotKind

log = logging.getLogger(__name__)
TIMEOUT_SECONDS = 10


class RobotError(Exception):
    pass


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
    """Send one message; raise RobotError with a readable reason when the robot does not accept it."""
    url = signed_url(robot.url, robot.secret) if robot.kind == RobotKind.DINGTALK and robot.secret else robot.url
    body = json.dumps(payload(robot, title, text), ensure_ascii=False).encode()
    request = urllib.request.Request(
        url, data=body, headers={"Content-Type": "application/json; charset=utf-8"}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            answer = response.read().decode("utf-8", "replace")
    except OSError as exc:  # URLError, HTTPError, timeouts
        raise RobotError(str(exc)) from exc
    try:
        code = json.loads(answer).get("errcode", 0)
    except (ValueError, AttributeError):
        code = 0  # a robot that answers without JSON accepted the message
    if code not in (0, "0"):
        raise RobotError(f"errcode {code}: {answer[:200]}")


def deliver(robot: RobotWebhook, title: str, text: str) -> bool:
    """Post and record the outcome on the robot; return True when it was accepted."""
    try:
        post(robot, title, text)
    except RobotError as exc:
        log.warning("group robot %s failed: %s", robot.pk, exc)
        robot.last_error, robot.last_error_at = str(exc)[:1000], timezone.now()
        robot.save(update_fields=["last_error", "last_error_at"])
        return False
    robot.last_sent_at, robot.last_error = timezone.now(), ""
    robot.save(update_fields=["last_sent_at", "last_error"])
    return True
