"""The API's page numbers: a page that is not a positive whole number is a 404 like a page past the end, never
quietly the first page (DRF reads an empty `page=` as page 1); the schema says so (minimum 1)."""

from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination


class PagePagination(PageNumberPagination):
    def get_page_number(self, request, paginator):
        raw = request.query_params.get(self.page_query_param)
        if raw is not None and not (raw.isascii() and raw.isdigit() and 0 < int(raw) < 2**31):
            raise NotFound(_("There is no page %(page)s.") % {"page": raw[:20]})
        return super().get_page_number(request, paginator)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}
        return parameters
