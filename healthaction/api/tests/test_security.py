"""Accounts and headers: argon2, login throttling, CSRF, security headers, session expiry."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client


def test_passwords_are_hashed_with_argon2(demo):
    assert get_user_model().objects.get(username="office").password.startswith("argon2")


def test_security_headers(client, demo):
    response = client.get("/public/")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert (
        "default-src 'self'" in response["Content-Security-Policy"]
        and "script-src 'self';" in response["Content-Security-Policy"]
    )
    assert response["Referrer-Policy"] == "same-origin"


def test_hsts_and_secure_cookies_behind_https(settings, client, demo):
    settings.SECURE_HSTS_SECONDS = 31536000
    response = client.get("/public/", secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


def test_csrf_is_enforced(demo):
    client = Client(enforce_csrf_checks=True)
    client.login(username="liaison", password="demo-liaison-2026")
    from healthaction.collection.models import DueItem

    item = DueItem.objects.filter(department__name="市卫生健康委", year=2026).first()
    assert client.post(f"/report/items/{item.pk}/", {"value": "1", "action": "save"}).status_code == 403


def test_the_session_cookie_is_http_only_and_lasts_eight_idle_hours(demo):
    client = Client()
    response = client.post("/accounts/login/", {"username": "office", "password": "demo-office-2026"})
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] is True and cookie["max-age"] == 8 * 3600


def test_an_expired_session_is_signed_out(demo):
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    client = Client()
    client.login(username="office", password="demo-office-2026")
    assert client.get("/report/inbox/").status_code == 200
    Session.objects.update(expire_date=timezone.now() - timezone.timedelta(seconds=1))
    response = client.get("/report/inbox/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.axes
def test_login_is_throttled_after_repeated_failures(client, demo, settings):
    settings.AXES_ENABLED = True
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": "office", "password": "wrong-password"})
    locked = client.post("/accounts/login/", {"username": "office", "password": "demo-office-2026"})
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
