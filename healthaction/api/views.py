"""REST API: bulk import of indicator values (JSON or CSV), with the checks of the web forms."""

import csv
import io

from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.parsers import BaseParser, JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from healthaction.collection.excel import import_rows
from healthaction.plans.models import Plan

MAX_ROWS = 200_000


class CSVParser(BaseParser):
    media_type = "text/csv"

    def parse(self, stream, media_type=None, parser_context=None):
        text = stream.read().decode("utf-8-sig")
        return list(csv.DictReader(io.StringIO(text)))


def _number(value):
    if value in (None, ""):
        return None
    if isinstance(value, (int, float)):
        return value
    return str(value).strip()


class BulkValues(APIView):
    """POST rows of indicator × org unit × year values; all are saved (as submitted) or none.

    JSON: a list of rows, or {"plan": ID, "rows": [...]}; CSV: a header row
    indicator_id,org_unit,year,value,numerator,denominator,qualitative,source,note.
    """

    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser, CSVParser]

    def post(self, request):
        payload = request.data
        plan = None
        if isinstance(payload, dict):
            plan = Plan.objects.filter(pk=payload.get("plan")).first()
            payload = payload.get("rows")
        if not isinstance(payload, list) or not all(isinstance(r, dict) for r in payload):
            return Response({"detail": _("Send a list of rows (JSON) or a CSV file with a header row.")}, status=status.HTTP_400_BAD_REQUEST)
        if len(payload) > MAX_ROWS:
            return Response({"detail": _("At most %(n)s rows per request.") % {"n": MAX_ROWS}}, status=status.HTTP_400_BAD_REQUEST)
        rows = [{k: (_number(v) if k in ("value", "numerator", "denominator") else v) for k, v in row.items()} for row in payload]
        result = import_rows(request.user, rows, plan=plan)
        if result.errors:
            return Response(
                {"saved": 0, "errors": [{"row": e.row, "message": e.message} for e in result.errors]}, status=status.HTTP_400_BAD_REQUEST
            )
        return Response({"saved": result.saved, "unchanged": result.unchanged, "warnings": result.warnings}, status=status.HTTP_200_OK)
