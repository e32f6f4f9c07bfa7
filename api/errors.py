"""How the API says no, in the user's language like the pages:

- a rule refusal (`dossiers.refusals.Refusal`) → 409 with the list of reasons, each with its citation;
- bad input → 400 with the errors per field ("non_field_errors" for the whole form);
- a role that may not take the step → 403; an object outside the user's scope → 404.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from dossiers.refusals import Refusal


def reasons_json(reasons) -> list[dict]:
    return [{"message": str(r), "text": getattr(r, "text", str(r)), "rule": str(getattr(r, "rule", ""))}
            for r in reasons]


class Unprocessable(APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "idempotency_key_reused"


class BodyTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"


def exception_handler(exc, context):
    if isinstance(exc, Refusal):
        return Response({"detail": _("Refused."), "reasons": reasons_json(exc.reasons)},
                        status=status.HTTP_409_CONFLICT)
    return drf_exception_handler(exc, context)
