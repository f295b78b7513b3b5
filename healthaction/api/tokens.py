"""Issue, check and revoke API tokens (api.models.ApiToken); the DRF authentication class that uses them."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions

from healthaction.api.models import ApiToken

MAX_KEY_LENGTH = 64  # our keys are 40 characters; anything much longer is refused before hashing or querying
MAX_ACTIVE_PER_USER = 20  # a script asking for a token at every run must not pile up live credentials
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def token_days() -> int:
    return int(getattr(settings, "API_TOKEN_DAYS", 30))


def issue(user) -> tuple[ApiToken, str]:
    """Create a token for `user`; return it and its key (shown once: only the hash is kept)."""
    key = secrets.token_hex(20)
    token = ApiToken.objects.create(
        user=user,
        key_hash=_hash(key),
        prefix=key[:8],
        password_stamp=user.get_session_auth_hash(),
        expires_at=timezone.now() + dt.timedelta(days=token_days()),
    )
    live = (
        ApiToken.objects.filter(user=user, revoked_at__isnull=True)
        .order_by("-created_at", "-pk")
        .values_list("pk", flat=True)
    )
    ApiToken.objects.filter(pk__in=list(live[MAX_ACTIVE_PER_USER:])).update(revoked_at=timezone.now())
    return token, key


def revoke(user, pk: int | None = None) -> int:
    """Revoke one of the user's tokens (or all of them); return how many were live."""
    tokens = ApiToken.objects.filter(user=user, revoked_at__isnull=True)
    if pk is not None:
        tokens = tokens.filter(pk=pk)
    return tokens.update(revoked_at=timezone.now())


def check(key: str) -> ApiToken:
    """Return the live token for `key` or raise AuthenticationFailed (unknown, revoked, expired, password changed)."""
    if not key or len(key) > MAX_KEY_LENGTH or not key.isascii() or not key.isalnum():
        raise exceptions.AuthenticationFailed(_("Invalid token."))
    token = ApiToken.objects.select_related("user").filter(key_hash=_hash(key)).first()
    if token is None or token.revoked_at is not None:
        raise exceptions.AuthenticationFailed(_("Invalid token."))
    now = timezone.now()
    if token.expires_at <= now:
        raise exceptions.AuthenticationFailed(_("The token has expired; ask for a new one."))
    if not token.user.is_active:
        raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
    if not constant_time_compare(token.password_stamp, token.user.get_session_auth_hash()):
        raise exceptions.AuthenticationFailed(
            _("The password was changed since this token was issued; ask for a new one.")
        )
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


class ExpiringTokenAuthentication(authentication.TokenAuthentication):
    """`Authorization: Token <key>` as before, checked against hashed, expiring, revocable tokens."""

    def authenticate(self, request):
        try:
            return super().authenticate(request)
        except UnicodeError as exc:  # a header that is not ISO-8859-1 cannot hold one of our keys
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from exc

    def authenticate_credentials(self, key):
        token = check(key)
        return token.user, token
