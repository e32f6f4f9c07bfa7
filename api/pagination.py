"""Pages without a COUNT: a cursor for the dossiers (stable while rows are added), and "next page"
links for the task lists (their order — overdue first, by due date — is not a cursor's)."""

from __future__ import annotations

from django.conf import settings
from rest_framework.pagination import BasePagination, CursorPagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param


class DossierCursor(CursorPagination):
    ordering = ("-spotted_on", "-id")  # the page's default order
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request):
        self.page_size = settings.API_PAGE_SIZE
        return super().get_page_size(request)


class OrganizationCursor(DossierCursor):
    ordering = ("path",)


class NextPagePagination(BasePagination):
    """`?page=N`; reads one row more than a page to know whether a next page exists."""

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.size = settings.API_PAGE_SIZE
        try:
            self.page = max(1, int(request.query_params.get("page", 1)))
        except (TypeError, ValueError):
            self.page = 1
        self.page = min(self.page, 10_000)
        start = (self.page - 1) * self.size
        rows = list(queryset[start:start + self.size + 1])
        self.has_next = len(rows) > self.size
        return rows[: self.size]

    def get_paginated_response(self, data):
        url = self.request.build_absolute_uri()
        return Response({
            "next": replace_query_param(url, "page", self.page + 1) if self.has_next else None,
            "previous": (remove_query_param(url, "page") if self.page == 2 else replace_query_param(url, "page", self.page - 1))
            if self.page > 1 else None,
            "results": data,
        })

    def get_paginated_response_schema(self, schema):
        return {"type": "object", "required": ["results"], "properties": {
            "next": {"type": "string", "nullable": True, "format": "uri"},
            "previous": {"type": "string", "nullable": True, "format": "uri"},
            "results": schema,
        }}

    def get_schema_operation_parameters(self, view):
        return [{"name": "page", "required": False, "in": "query", "schema": {"type": "integer"}}]
