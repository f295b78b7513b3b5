"""How the API answers an error, beyond DRF's defaults (settings.REST_FRAMEWORK["EXCEPTION_HANDLER"]).

- A write naming only objects that do not exist (or that the user may not see: the same answer, so nothing
  leaks) is a 404, as the schema's 404 says ("No such object, or it is not yours to see"); a body that is
  malformed is a 400 as before.
- An address under /api/ that names nothing answers JSON too (`not_found`), not the site's HTML page.
"""

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.views import exception_handler as drf_exception_handler


def _codes(value) -> set[str]:
    if isinstance(value, dict):
        return set().union(*(_codes(v) for v in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(_codes(v) for v in value)) if value else set()
    return {str(value)}


def exception_handler(exc, context):
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, ValidationError) and _codes(exc.get_codes()) == {"does_not_exist"}:
        response.status_code = status.HTTP_404_NOT_FOUND
    return response


@csrf_exempt
def not_found(request, *args, **kwargs):
    return JsonResponse({"detail": _("No such address in the API.")}, status=404)
