"""Views every page shares: the vocabulary stylesheet and the readiness probe."""

from pathlib import Path

from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET

from healthaction.core import choicesets
from healthaction.core.models import Job


@require_GET
@cache_control(public=True, max_age=3600)
def vocabulary_css(request):
    """Return the badge colours of every vocabulary as a stylesheet, so site.css holds no second palette.

    A stylesheet from our own origin satisfies the Content-Security-Policy (style-src 'self').
    """
    return HttpResponse(choicesets.stylesheet(), content_type="text/css; charset=utf-8")


@never_cache
def health(request):
    """Answer 200 only when the database (and the shared cache, when configured) answer; 503 otherwise."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = "ok"
        checks["jobs_waiting"] = Job.objects.filter(status=Job.QUEUED).count()
    except Exception as exc:  # the probe reports the failure instead of raising a 500 page
        checks["database"] = f"error: {type(exc).__name__}"
    try:
        cache.set("health-probe", 1, 10)
        checks["cache"] = "ok" if cache.get("health-probe") == 1 else "error: value lost"
    except Exception as exc:
        checks["cache"] = f"error: {type(exc).__name__}"
    healthy = checks["database"] == "ok" and checks["cache"] == "ok"
    return JsonResponse({"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503)


FAVICON = (Path(__file__).parent / "static" / "core" / "favicon.svg").read_bytes()


@require_GET
@cache_control(max_age=86400, public=True)
def favicon(request):
    """/favicon.ico, which browsers ask for on every site whatever the page says: the site's icon (SVG)."""
    return HttpResponse(FAVICON, content_type="image/svg+xml")
