"""The edge (issue 18 §5): a request too big to be a form of this application is refused from its
headers, before a byte of its body is read, and Django's own refusals of malformed bodies (too big,
too many fields) answer with a Vietnamese page instead of a bare error."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views import defaults


def request_limit() -> int:
    """The largest body a page of the application accepts: one scan plus the form's other fields."""
    return settings.UPLOAD_MAX_BYTES + settings.REQUEST_FORM_OVERHEAD_BYTES


def megabytes(n: int) -> str:
    return f"{n / 1_000_000:.1f}".replace(".", ",")


def refused(request, status: int, title: str, message: str) -> HttpResponse:
    html = render_to_string("ops/refused.html", {"title": title, "message": message, "status": status}, request=None)
    response = HttpResponse(html, status=status)
    # The body was not read: the connection cannot carry another request after it.
    response["Connection"] = "close"
    return response


def too_large(request) -> HttpResponse:
    return refused(request, 413, _("The request is too large"),
                   _("The data sent is larger than the limit of %(limit)s MB (a scanned file may be at most "
                     "%(upload)s MB). Make the file smaller (scan at a lower resolution, or in black and white) "
                     "and send it again.") % {"limit": megabytes(request_limit()),
                                              "upload": megabytes(settings.UPLOAD_MAX_BYTES)})


class RequestSizeMiddleware:
    """First in MIDDLEWARE: refuses a body whose declared Content-Length exceeds request_limit()
    with 413, and a malformed Content-Length with 400, without reading the body. (A body without a
    Content-Length is bounded by Django's DATA_UPLOAD_MAX_MEMORY_SIZE and the server in front.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        declared = request.META.get("CONTENT_LENGTH") or "0"
        try:
            length = int(declared)
        except ValueError:
            length = -1
        if length < 0:
            return refused(request, 400, _("The request is malformed"),
                           _("The length of the data sent is not a valid number."))
        if length > request_limit():
            return too_large(request)
        return self.get_response(request)


def bad_request(request, exception=None):
    """handler400: Django's refusals of a body it will not parse, in Vietnamese."""
    if isinstance(exception, RequestDataTooBig):
        return too_large(request)
    if isinstance(exception, TooManyFieldsSent):
        return refused(request, 400, _("The request is malformed"),
                       _("The form sent has too many fields (at most %(limit)s).")
                       % {"limit": settings.DATA_UPLOAD_MAX_NUMBER_FIELDS})
    return defaults.bad_request(request, exception)
