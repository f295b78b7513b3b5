"""API tokens: hashed at rest, a new one per request, revocable, expiring, void after a password change."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from healthaction.api.models import ApiToken


def _token(client, username="liaison", password="demo-liaison-2026"):
    response = client.post("/api/token/", {"username": username, "password": password})
    assert response.status_code == 200, response.content
    return response.json()["token"]


def _get(client, key):
    return client.get("/api/plans/", HTTP_AUTHORIZATION=f"Token {key}")


def test_each_request_gives_a_new_token_stored_only_as_a_hash(client, demo):
    first, second = _token(client), _token(client)
    assert first != second and len(first) == 40
    assert _get(client, first).status_code == 200 and _get(client, second).status_code == 200
    stored = ApiToken.objects.filter(user__username="liaison")
    assert stored.count() == 2
    assert not any(first in (t.key_hash, t.password_stamp) for t in stored) and {t.prefix for t in stored} == {
        first[:8],
        second[:8],
    }


def test_delete_revokes_the_token_presented(client, demo):
    key, other = _token(client), _token(client)
    assert client.delete("/api/token/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 204
    assert _get(client, key).status_code == 401
    assert _get(client, other).status_code == 200  # only the token presented
    assert client.delete("/api/token/?all=1", HTTP_AUTHORIZATION=f"Token {other}").status_code == 204
    assert _get(client, other).status_code == 401


def test_a_token_expires(client, demo, settings):
    key = _token(client)
    token = ApiToken.objects.get(prefix=key[:8])
    assert dt.timedelta(days=29) < token.expires_at - timezone.now() <= dt.timedelta(days=30)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    response = _get(client, key)
    assert response.status_code == 401 and "过期" in response.json()["detail"]


def test_a_password_change_voids_every_token(client, demo):
    key = _token(client)
    user = get_user_model().objects.get(username="liaison")
    user.set_password("a-new-password-2026")
    user.save()
    assert _get(client, key).status_code == 401
    assert _get(client, _token(client, password="a-new-password-2026")).status_code == 200


@pytest.mark.parametrize("header", ["Token " + "a" * 5000, "Token abc\x00def", "Token ☃☃☃"])
def test_malformed_tokens_are_refused_not_a_500(client, demo, header):
    assert client.get("/api/plans/", HTTP_AUTHORIZATION=header).status_code == 401


def test_the_tokens_page_lists_and_revokes(login, demo):
    client = login("liaison")
    key = _token(client)
    page = client.get("/accounts/tokens/")
    assert page.status_code == 200 and key[:8] in page.content.decode() and key not in page.content.decode()
    token = ApiToken.objects.get(prefix=key[:8])
    assert client.post("/accounts/tokens/", {"what": "revoke", "token": token.pk}).status_code == 302
    assert _get(client, key).status_code == 401
    created = client.post("/accounts/tokens/", {"what": "create"})
    new_key = created.content.decode().split('id="new-key">')[1].split("<")[0]
    assert _get(client, new_key).status_code == 200
    # someone else's token cannot be revoked from this page
    office_key = _token(client, "office", "demo-office-2026")
    client.post("/accounts/tokens/", {"what": "revoke", "token": ApiToken.objects.get(prefix=office_key[:8]).pk})
    assert _get(client, office_key).status_code == 200
