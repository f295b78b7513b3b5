"""Tokens issued before healthaction kept its own (rest_framework.authtoken, stored in clear) become hashed,
expiring tokens, so that programs using them keep working until they expire; the clear keys are deleted."""

import datetime as dt
import hashlib

from django.conf import settings
from django.db import migrations
from django.utils import timezone
from django.utils.crypto import salted_hmac


def adopt(apps, schema_editor):
    Token = apps.get_model("authtoken", "Token")
    ApiToken = apps.get_model("api", "ApiToken")
    expires = timezone.now() + dt.timedelta(days=int(getattr(settings, "API_TOKEN_DAYS", 30)))
    for token in Token.objects.select_related("user"):
        # the same stamp as AbstractBaseUser.get_session_auth_hash(), which historical models do not carry
        stamp = salted_hmac("django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash", token.user.password,
                            algorithm="sha256").hexdigest()
        ApiToken.objects.create(user_id=token.user_id, key_hash=hashlib.sha256(token.key.encode()).hexdigest(), prefix=token.key[:8],
                                password_stamp=stamp, expires_at=expires)
    Token.objects.all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ("api", "0001_api_tokens"),
        ("authtoken", "0004_alter_tokenproxy_options"),
    ]

    operations = [migrations.RunPython(adopt, migrations.RunPython.noop)]
