"""REST API over the plan register, reporting and results; the same scopes as the pages (registry.scopes)."""

import csv
import io
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.base import ContentFile
from django.db.models import Exists, OuterRef
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.exceptions import (
    AuthenticationFailed,
    NotAuthenticated,
    NotFound,
    ParseError,
    PermissionDenied,
    ValidationError,
)
from rest_framework.parsers import BaseParser, FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from healthaction.api import serializers, tokens
from healthaction.api.models import ApiToken
from healthaction.collection import services
from healthaction.collection import tasks as collection_tasks
from healthaction.collection.excel import import_rows
from healthaction.collection.filtersets import DueItemFilterSet, IndicatorValueFilterSet, TaskReportFilterSet
from healthaction.collection.models import DueItem, IndicatorValue, TaskReport
from healthaction.core import jobs, limits
from healthaction.core.choices import DueKind
from healthaction.core.models import Job
from healthaction.evaluation.filtersets import EvaluationResultFilterSet, TargetVerdictFilterSet
from healthaction.evaluation.models import EvaluationResult, TargetVerdict
from healthaction.evaluation.services import stage_summaries
from healthaction.inspections.filtersets import FindingFilterSet, RoundFilterSet, VisitFilterSet
from healthaction.inspections.models import Visit
from healthaction.inspections.services import visible_findings, visible_rounds
from healthaction.plans.filtersets import IndicatorFilterSet, PlanFilterSet, TargetFilterSet
from healthaction.plans.models import Indicator, Plan, Target
from healthaction.registry import scopes
from healthaction.registry.filtersets import DepartmentFilterSet, OrgUnitFilterSet
from healthaction.registry.models import Department, OrgUnit

MAX_ROWS = limits.ROWS
# more rows than this are checked and saved by a background job (a request must end well within the server's timeout);
# a client may ask for the job for fewer with the header `Prefer: respond-async` (RFC 7240)
IN_PLACE_ROWS = 5_000


class IdLookup:
    """Object ids are ordinary integers: anything else never reaches the database (a 404, not a 500)."""

    lookup_value_regex = r"[0-9]{1,9}"


class PublicReadMixin(IdLookup):
    """Anonymous visitors read what the office published; signed-in users what their scope allows."""

    permission_classes = [AllowAny]

    def plans(self):
        return scopes.visible_plans(self.request.user, Plan.objects.all())


class PlanViewSet(PublicReadMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.PlanSerializer
    filterset_class = PlanFilterSet

    def get_queryset(self):
        return self.plans().order_by("pk")


class OrgUnitViewSet(IdLookup, viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.OrgUnitSerializer
    filterset_class = OrgUnitFilterSet

    def get_queryset(self):
        return OrgUnit.objects.filter(scopes.org_unit_filter(self.request.user)).order_by("path")


class DepartmentViewSet(IdLookup, viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.DepartmentSerializer
    filterset_class = DepartmentFilterSet

    def get_queryset(self):
        return (
            Department.objects.filter(scopes.org_unit_filter(self.request.user, "org_unit__"))
            .prefetch_related("aliases")
            .order_by("pk")
        )


class IndicatorViewSet(PublicReadMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.IndicatorSerializer
    filterset_class = IndicatorFilterSet

    def get_queryset(self):
        return (
            Indicator.objects.filter(plan__in=self.plans())
            .select_related("baseline", "action")
            .prefetch_related("targets")
            .order_by("plan", "position")
        )


class TargetViewSet(PublicReadMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.TargetSerializer
    filterset_class = TargetFilterSet

    def get_queryset(self):
        return Target.objects.filter(indicator__plan__in=self.plans()).order_by("pk")


class DueItemViewSet(IdLookup, viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.DueItemSerializer
    filterset_class = DueItemFilterSet

    def get_queryset(self):
        return (
            DueItem.objects.filter(obsolete=False)
            .filter(scopes.due_item_filter(self.request.user))
            .order_by("due_date", "pk")
        )


class _Writable(IdLookup, mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Create and update go through the reporting workflow (checks, versions, revisions), never straight to the table.

    A subclass names the due item's kind, the fields that identify the item (`keys`), the fields a report
    carries (`fields`) and the message when the user may report no such item.
    """

    http_method_names = ["get", "post", "patch", "head", "options"]
    model = None
    kind = ""
    keys: tuple[str, ...] = ()
    fields: tuple[str, ...] = ()
    defaults: dict = {}  # a field's value when a new report leaves it out
    not_found = ""

    def get_queryset(self):
        visible = DueItem.objects.filter(
            scopes.due_item_filter(self.request.user), **{key: OuterRef(key) for key in self.keys}
        )
        return self.model.objects.filter(Exists(visible)).order_by("pk")

    def _item(self, source) -> DueItem:
        """The open due item for these keys, read from validated data (a dict) or from a saved report."""
        read = source.get if isinstance(source, dict) else lambda key: getattr(source, key)
        item = DueItem.objects.filter(
            scopes.due_item_filter(self.request.user),
            kind=self.kind,
            obsolete=False,
            **{key: read(key) for key in self.keys},
        ).first()
        if item is None:
            raise NotFound(self.not_found)
        return item

    def create(self, request, *args, **kwargs):
        ser = self.get_serializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        data = {k: d.get(k, self.defaults.get(k)) for k in self.fields}
        return self._save(self._item(d), data, d.get("submit", False), d.get("version"))

    def partial_update(self, request, *args, **kwargs):
        obj = self.get_object()
        ser = self.get_serializer(obj, data=request.data, partial=True)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        data = {k: d.get(k, getattr(obj, k)) for k in self.fields}
        return self._save(self._item(obj), data, d.get("submit", False), d.get("version"))

    def update(self, request, *args, **kwargs):
        return self.partial_update(request, *args, **kwargs)

    def _save(self, item, data, submit, version):
        try:
            obj, check = services.save_submission(
                self.request.user, item, data, submit=submit, expected_version=version
            )
        except services.Fixed as exc:  # submitted or approved: the state of the item refuses it, not the user's role
            return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
        except services.NotAllowed as exc:
            raise PermissionDenied(str(exc))
        except services.VersionMissing as exc:
            return Response({"version": [str(exc)]}, status=status.HTTP_400_BAD_REQUEST)
        except services.Conflict as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
        if not check.ok:
            return Response({"errors": check.errors}, status=status.HTTP_400_BAD_REQUEST)
        return Response(self.get_serializer(obj).data, status=status.HTTP_200_OK)


class IndicatorValueViewSet(_Writable):
    serializer_class = serializers.IndicatorValueSerializer
    filterset_class = IndicatorValueFilterSet
    model = IndicatorValue
    kind = DueKind.INDICATOR_VALUE
    keys = ("indicator", "org_unit", "year")
    fields = IndicatorValue.DATA_FIELDS
    not_found = gettext_lazy("No item you may report for this indicator, org unit and year.")


class TaskReportViewSet(_Writable):
    serializer_class = serializers.TaskReportSerializer
    filterset_class = TaskReportFilterSet
    model = TaskReport
    kind = DueKind.TASK_PROGRESS
    keys = ("task", "department", "org_unit", "year", "half")
    fields = ("progress", "text")
    defaults = {"text": ""}
    not_found = gettext_lazy("No item you may report for this task, department and period.")


class EvaluationResultViewSet(PublicReadMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.EvaluationResultSerializer
    filterset_class = EvaluationResultFilterSet

    def get_queryset(self):
        return EvaluationResult.objects.filter(plan__in=self.plans()).order_by("pk")


class TargetVerdictViewSet(PublicReadMixin, viewsets.ReadOnlyModelViewSet):
    """Target verdicts (?year= is the target year), within the same plans as the results."""

    serializer_class = serializers.TargetVerdictSerializer
    filterset_class = TargetVerdictFilterSet

    def get_queryset(self):
        return TargetVerdict.objects.filter(plan__in=self.plans()).order_by("pk")


class StageSummaryView(PublicReadMixin, APIView):
    """The stage summary of one plan's target year: the plan, each action, lead department and county."""

    @extend_schema(
        parameters=[
            # the bounds the view checks below: an id of up to nine digits, a year of four
            OpenApiParameter("plan", {"type": "integer", "minimum": 0, "maximum": 999_999_999}, required=True),
            OpenApiParameter("year", {"type": "integer", "minimum": 1000, "maximum": 9999}, required=False),
        ],
        responses={200: dict, 400: dict, 404: dict},
    )
    def get(self, request):
        plan_id, year = request.query_params.get("plan", ""), request.query_params.get("year", "")
        if not (plan_id.isdigit() and len(plan_id) < 10):
            raise ValidationError({"plan": _("Give the plan's id.")})
        if year and not (year.isdigit() and len(year) == 4):
            raise ValidationError({"year": _("“%(v)s” is not a valid value.") % {"v": year}})
        plan = self.plans().filter(pk=int(plan_id)).first()
        if plan is None:
            raise NotFound()
        stages = stage_summaries(plan, int(year) if year else None)
        if stages is None:
            return Response(
                {"target_year": None, "years": [], "plan": None, "actions": [], "departments": [], "counties": []}
            )
        return Response(
            {
                "target_year": stages["year"],
                "years": stages["years"],
                "plan": stages["plan"].as_dict(),
                **{k: [s.as_dict() for s in stages[k]] for k in ("actions", "departments", "counties")},
            }
        )


def _body(stream, parser_context) -> bytes:
    """A request body read up to ROWS_BYTES (core/limits.py); a longer one is refused before it is all held."""
    data = stream.read(limits.ROWS_BYTES + 1) if stream is not None else b""
    if len(data) > limits.ROWS_BYTES:
        request = (parser_context or {}).get("request")
        declared = str(request.META.get("CONTENT_LENGTH") or "") if request is not None else ""
        size = max(len(data), int(declared) if declared.isdigit() else 0)
        try:
            limits.check_size(size, limits.ROWS_BYTES, _("the request body"))
        except limits.LimitExceeded as exc:
            raise ParseError(str(exc))
    return data


class LimitedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        return super().parse(io.BytesIO(_body(stream, parser_context)), media_type, parser_context)


class CSVParser(BaseParser):
    media_type = "text/csv"

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            text = _body(stream, parser_context).decode("utf-8-sig")
        except UnicodeDecodeError:
            return "not utf-8"
        try:
            return list(csv.DictReader(io.StringIO(text)))
        except csv.Error:
            return "not csv"  # the view answers with its own 400


def _number(value):
    if value in (None, ""):
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    return str(value).strip()


class BulkValues(APIView):
    """POST rows of indicator × org unit × year values; all are saved (as submitted) or none.

    JSON: a list of rows, or {"plan": ID, "rows": [...]}; CSV: a header row
    indicator_id,org_unit,year,value,numerator,denominator,qualitative,source,note.
    """

    permission_classes = [IsAuthenticated]
    parser_classes = [LimitedJSONParser, CSVParser]

    @extend_schema(
        request={"application/json": {"type": "array", "items": {"type": "object"}}},
        responses={200: dict, 202: dict, 400: dict},
        description="Up to 5,000 rows are saved in the request (200, or 400 with the row errors). More rows, or any "
        "request with the header `Prefer: respond-async`, are saved by a background job: 202 with the job's URL "
        "(also in Location), where GET gives its status and, once done, the same counts or row errors.",
    )
    def post(self, request):
        payload = request.data
        plan = None
        if isinstance(payload, dict):
            plan = (
                Plan.objects.filter(pk=payload.get("plan")).first() if str(payload.get("plan", "")).isdigit() else None
            )
            payload = payload.get("rows")
        if not isinstance(payload, list) or not all(isinstance(r, dict) for r in payload):
            return Response(
                {"detail": _("Send a list of rows (JSON) or a CSV file with a header row.")},
                status=status.HTTP_400_BAD_REQUEST,
            )
        if len(payload) > MAX_ROWS:
            return Response(
                {"detail": _("At most %(n)s rows per request.") % {"n": MAX_ROWS}}, status=status.HTTP_400_BAD_REQUEST
            )
        rows = [
            {k: (_number(v) if k in ("value", "numerator", "denominator") else v) for k, v in row.items()}
            for row in payload
        ]
        if len(rows) > IN_PLACE_ROWS or "respond-async" in request.headers.get("Prefer", ""):
            staged = ContentFile(json.dumps(rows, ensure_ascii=False).encode("utf-8"), name="rows.json")
            job = jobs.start(
                collection_tasks.import_value_rows,
                kind="values-api",
                user=request.user,
                path=jobs.stage_upload(staged),
                plan_id=plan.pk if plan else None,
            )
            url = reverse("api:job", args=[job.pk])
            response = Response({"job": job.pk, "status": job.status, "url": url}, status=status.HTTP_202_ACCEPTED)
            response["Location"] = url
            return response
        result = import_rows(request.user, rows, plan=plan)
        if result.errors:
            return Response(
                {"saved": 0, "errors": [{"row": e.row, "message": e.message} for e in result.errors]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        return Response(
            {"saved": result.saved, "unchanged": result.unchanged, "warnings": result.warnings},
            status=status.HTTP_200_OK,
        )


class JobView(APIView):
    """A background job the user started through the API (a large bulk upload): status, progress and result."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: dict, 404: dict})
    def get(self, request, job_id: int):
        job = Job.objects.filter(pk=job_id, user=request.user).first()
        if job is None:
            raise NotFound(_("No job of yours has this number."))
        return Response(
            {
                "id": job.pk,
                "kind": job.kind,
                "status": job.status,
                "progress": job.progress,
                "message": job.message,
                "result": job.result,
            }
        )


# ---- supervision and healthy cells (read only; recorded on the pages) -----------------------------------


class InspectionRoundViewSet(IdLookup, viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.InspectionRoundSerializer
    filterset_class = RoundFilterSet

    def get_queryset(self):

        return visible_rounds(self.request.user).select_related("checklist").order_by("pk")


class VisitViewSet(IdLookup, viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.VisitSerializer
    filterset_class = VisitFilterSet

    def get_queryset(self):

        return (
            Visit.objects.filter(round__in=visible_rounds(self.request.user)).prefetch_related("scores").order_by("pk")
        )


class FindingViewSet(IdLookup, viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.FindingSerializer
    filterset_class = FindingFilterSet

    def get_queryset(self):

        return (
            visible_findings(self.request.user)
            .select_related("visit", "item")
            .prefetch_related("events")
            .order_by("pk")
        )


# ---- tokens -----------------------------------------------------------------------------------------------


class TokenView(APIView):
    """POST username and password for a new token (each request issues a new one); DELETE revokes the token you present
    (`?all=1`: every token of yours)."""

    permission_classes = [AllowAny]
    throttle_classes = []
    serializer_class = AuthTokenSerializer
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    @extend_schema(request=AuthTokenSerializer, responses={200: dict, 400: dict, 401: dict})
    def post(self, request):
        serializer = AuthTokenSerializer(data=request.data, context={"request": request})
        if not serializer.is_valid():
            if "non_field_errors" in serializer.errors:  # well formed, but no such user and password: 401
                raise AuthenticationFailed(serializer.errors["non_field_errors"][0])
            raise ValidationError(serializer.errors)
        token, key = tokens.issue(serializer.validated_data["user"])
        return Response({"token": key, "expires": token.expires_at.isoformat()})

    @extend_schema(request=None, responses={204: None, 401: dict})
    def delete(self, request):
        if not request.user.is_authenticated:
            raise NotAuthenticated()
        if request.query_params.get("all") == "1":
            tokens.revoke(request.user)
        elif isinstance(request.auth, ApiToken):
            tokens.revoke(request.user, request.auth.pk)
        else:
            return Response(
                {"detail": _("Present the token to revoke (Authorization: Token …), or add ?all=1.")},
                status=status.HTTP_400_BAD_REQUEST,
            )
        return Response(status=status.HTTP_204_NO_CONTENT)


@login_required
def tokens_page(request):
    """The signed-in user's API tokens: create one (its key shown once), revoke one or all."""
    new_key = None
    if request.method == "POST":
        what = request.POST.get("what")
        if what == "create":
            _token, new_key = tokens.issue(request.user)
        elif what == "revoke-all":
            tokens.revoke(request.user)
            messages.success(request, _("Every API token of yours is revoked."))
            return redirect("api-tokens")
        elif what == "revoke":
            raw = request.POST.get("token") or ""
            if raw.isascii() and raw.isdigit() and len(raw) <= 18:
                tokens.revoke(request.user, int(raw))
                messages.success(request, _("The token is revoked."))
            return redirect("api-tokens")
    listed = ApiToken.objects.filter(user=request.user)[:100]
    return render(request, "api/tokens.html", {"tokens": listed, "new_key": new_key, "days": tokens.token_days()})
