"""Security headers Django 5.2 does not send itself: a Content Security Policy and a permissions policy."""

import time

from django.conf import settings

from healthaction.core.env import env_bool

# The interactive API docs run the Swagger UI's own inline start-up script.
RELAXED_PATHS = ("/api/docs/",)


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = settings.CONTENT_SECURITY_POLICY
        if policy and "Content-Security-Policy" not in response:
            if request.path.startswith(RELAXED_PATHS):
                policy = policy.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")
            response["Content-Security-Policy"] = policy
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response


class SessionRefreshMiddleware:
    """Renew a signed-in user's session at most every SESSION_REFRESH_SECONDS instead of on every request:
    an active user stays signed in, an idle one expires, and a polling job page does not write each second."""

    KEY = "_ha_refreshed"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and session.session_key and request.user.is_authenticated:
            now = int(time.time())
            if now - int(session.get(self.KEY, 0)) >= settings.SESSION_REFRESH_SECONDS:
                session[self.KEY] = now  # marks it modified: saved with a fresh expiry
        return self.get_response(request)


# Where the demo's accounts are listed (dotted paths, imported on first use: core does not import the demo app).
DEMO_ACCOUNT_LISTS = (
    "healthaction.demo.content.USERS",
    "healthaction.demo.content.ADMIN",
    "healthaction.demo.inspections.INSPECTOR",
)


def demo_accounts_with_demo_password() -> list[str]:
    from django.contrib.auth import get_user_model
    from django.utils.module_loading import import_string

    accounts = []
    for path in DEMO_ACCOUNT_LISTS:
        try:
            listed = import_string(path)
        except ImportError:
            continue
        accounts += [listed] if isinstance(listed, tuple) else list(listed)
    found = []
    users = {
        u.username: u for u in get_user_model().objects.filter(username__in=[a[0] for a in accounts], is_active=True)
    }
    for username, password, *_ in accounts:
        user = users.get(username)
        if user is not None and user.check_password(password):
            found.append(username)
    return found


def refuse_demo_passwords() -> None:
    """A production start (DEBUG off, not HEALTHACTION_DEMO=1) refuses to run while a demo account keeps the
    password printed in the README: anyone could sign in with it."""
    from django.core.management.base import CommandError

    if settings.DEBUG or env_bool("HEALTHACTION_DEMO", False):
        return
    found = demo_accounts_with_demo_password()
    if found:
        raise CommandError(
            "Refusing to start: these demo accounts still have their published demo passwords: "
            + ", ".join(found)
            + ". Set new passwords (`healthaction changepassword USERNAME`) or deactivate them in "
            "/admin/, or run the demo on purpose with HEALTHACTION_DEMO=1 (./scripts/demo does).",
            returncode=3,
        )
