"""The readiness probe: answers 200 only when the database (and the shared cache, when configured) answer."""

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from healthaction.core.models import Job


@never_cache
def health(request):
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
