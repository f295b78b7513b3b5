"""API tokens: hashed at rest, with an expiry, revocable, and void once their owner's password changes."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    """One token a program presents as `Authorization: Token <key>`; only the key's SHA-256 is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="api_tokens", verbose_name=_("user")
    )
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("starts with"), max_length=8, editable=False)  # to recognise a token on the page
    # the owner's session hash at issue (derived from the password hash): a new password voids every older token
    password_stamp = models.CharField(max_length=128, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "revoked_at"], name="api_token_user_idx")]

    def __str__(self) -> str:
        return f"{self.user} · {self.prefix}…"

    @property
    def active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()
