"""The API's endpoints. Thin, like the pages: scoping from `permissions` (404 outside the user's
scope), who may take a step from the registry's roles (403), the input checked by the page's own
form (400), every change made by the same service as the page (a refusal: 409 with its reasons),
reads of personal data logged in the same read log as the pages.

The step forms and the candidate's forms are the pages' (`web.forms`), found by the dotted path the
step registry names them by (`dossiers.steps.FORMS`), never imported: the API sits below the pages.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json

from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from documents.models import IssuedDocument
from dossiers import services, steps
from dossiers.models import Dossier, DossierHistory, State
from dossiers.selectors import dossier_years
from permissions.actions import STEP_ROLES, may_take
from permissions.models import PersonalDataRead, Role
from permissions.scoping import access_dossier, active_roles, visible_organizations
from permissions.selectors import CREATE_ROLES, HISTORY, creatable_cells, dossier_for_page, dossier_list
from permissions.services import personal_data_read
from reports import access as stats_access
from reports import stats
from reports.forms import PeriodForm
from reports.models import FIRST_YEAR, LAST_YEAR
from ui.filters import DossierFilterSet
from workflows.page import process_tasks
from workflows.selectors import OPEN_STATUSES, attach_dossiers, step_of, tasks_inbox, tasks_queue, visible_task
from workflows.services import task_claim, task_reassign, task_unassign

from . import serializers as s
from .errors import BodyTooLarge, Unprocessable
from .pagination import DossierCursor, NextPagePagination, OrganizationCursor
from .services import idempotent_find, idempotent_remember

ERRORS = {
    401: OpenApiResponse(s.DetailSerializer, description="No valid API key or session."),
    404: OpenApiResponse(s.DetailSerializer, description="Not found, or outside your scope."),
    429: OpenApiResponse(s.DetailSerializer, description="Too many requests for this key."),
}
ACT_ERRORS = {
    **ERRORS,
    400: OpenApiResponse(OpenApiTypes.OBJECT, description="Bad input: the errors per field."),
    403: OpenApiResponse(s.DetailSerializer, description="None of your roles takes this action."),
    409: OpenApiResponse(s.RefusalSerializer, description="Refused by a rule: the reasons, each with its citation."),
    413: OpenApiResponse(s.DetailSerializer, description="The body is too large."),
    422: OpenApiResponse(s.DetailSerializer, description="This Idempotency-Key was used with another request."),
}
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key", str, OpenApiParameter.HEADER, required=False,
    description="Any unique string (a UUID). A retry with the same key gets the first answer again and "
                "does not act twice; the same key with another body answers 422.")


class ApiView(APIView):
    """Every endpoint: the body's size limit before anything is read."""

    def initial(self, request, *args, **kwargs):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.API_MAX_BODY_BYTES:
            raise BodyTooLarge(_("The request body is larger than %(limit)d bytes.") % {
                "limit": settings.API_MAX_BODY_BYTES})
        super().initial(request, *args, **kwargs)


def form_data(payload) -> dict:
    """A JSON object as a form's data: scalars as the strings a form posts (true/false as check
    boxes read them), lists for multiple choices; anything nested is bad input."""
    if not isinstance(payload, dict):
        raise exceptions.ValidationError({"non_field_errors": [_("Send a JSON object.")]})
    data = {}
    for name, value in payload.items():
        if isinstance(value, bool):
            data[name] = "true" if value else "false"  # what a check box reads; any other field refuses it
        elif value is None:
            data[name] = ""
        elif isinstance(value, (str, int, float)):
            data[name] = str(value)
        elif isinstance(value, list) and all(isinstance(v, (str, int)) and not isinstance(v, bool) for v in value):
            data[name] = [str(v) for v in value]
        else:
            raise exceptions.ValidationError({name: [_("Enter a valid value.")]})
    return data


def form_errors(form) -> dict:
    return {("non_field_errors" if name == "__all__" else name): [str(e) for e in errors]
            for name, errors in form.errors.items()}


class ActView(ApiView):
    """An acting endpoint (POST): its own rate, and the `Idempotency-Key` header."""

    throttle_scope = "api_act"

    def post(self, request, *args, **kwargs):
        key = request.headers.get("Idempotency-Key", "")
        if not key:
            return self.act(request, *args, **kwargs)
        if len(key) > 255:
            raise exceptions.ValidationError({"Idempotency-Key": [_("At most 255 characters.")]})
        request_hash = hashlib.sha256(json.dumps(request.data, sort_keys=True, default=str).encode()).hexdigest()
        found = idempotent_find(user=request.user, key=key, endpoint=request.path)
        if found is not None:
            if found.request_hash != request_hash:
                raise Unprocessable(_("This Idempotency-Key was already used with another request."))
            response = Response(found.body, status=found.status)
            response["Idempotent-Replayed"] = "true"
            return response
        try:
            response = self.act(request, *args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - handle_exception re-raises what it does not answer
            response = self.handle_exception(exc)
        if response.status_code < 500 and response.status_code != status.HTTP_429_TOO_MANY_REQUESTS:
            body = json.loads(JSONRenderer().render(response.data) or b"null")
            idempotent_remember(user=request.user, key=key, endpoint=request.path, request_hash=request_hash,
                                status=response.status_code, body=body)
        return response

    def act(self, request, *args, **kwargs):
        raise NotImplementedError


# --- Who is calling -------------------------------------------------------------------------------


class MeView(ApiView):
    @extend_schema(summary="The caller and their roles", responses={200: s.TokenInfoSerializer, **ERRORS})
    def get(self, request):
        user = request.user
        return Response({
            "username": user.username, "full_name": user.get_full_name(),
            "roles": [{"role": a.role, "label": str(a.get_role_display()), "organization": str(a.organization_id),
                       "organization_name": a.organization.name} for a in active_roles(user)],
        })


# --- Organisations -----------------------------------------------------------------------------


class OrganizationList(ApiView):
    pagination_class = OrganizationCursor  # what drf-spectacular reads to document the cursor

    @extend_schema(summary="The organisations of the caller's subtree, in tree order",
                   responses={200: s.OrganizationSerializer(many=True), **ERRORS})
    def get(self, request):
        paginator = OrganizationCursor()
        rows = paginator.paginate_queryset(visible_organizations(request.user), request, view=self)
        return paginator.get_paginated_response(s.OrganizationSerializer(rows, many=True).data)


# --- Dossiers ----------------------------------------------------------------------------------

LIST_FILTERS = [
    OpenApiParameter("state", str, enum=State.values, description="The dossier's state."),
    OpenApiParameter("organization", int, description="An organisation of your scope: its subtree's dossiers."),
    OpenApiParameter("year", int, description="The year the candidate was added to the source list."),
    OpenApiParameter("q", str, description="Words of the candidate's name (accents ignored)."),
]


class DossierList(ApiView):
    pagination_class = DossierCursor

    @extend_schema(summary="Dossiers in scope, newest on the list first (the page's filters)",
                   parameters=LIST_FILTERS,
                   responses={200: s.DossierRowSerializer(many=True), 400: OpenApiTypes.OBJECT, **ERRORS})
    def get(self, request):
        user = request.user
        params = request.query_params.copy()
        params.pop("sort", None)  # the cursor's order is fixed
        filterset = DossierFilterSet(params, queryset=dossier_list(user=user), request=request,
                                     years=dossier_years(user=user))
        if not filterset.is_valid():
            raise exceptions.ValidationError(form_errors(filterset.form))
        paginator = DossierCursor()
        rows = paginator.paginate_queryset(filterset.qs, request, view=self)
        return paginator.get_paginated_response(s.DossierRowSerializer(rows, many=True).data)


def open_tasks(dossier: Dossier) -> list:
    """The dossier's open human tasks (one query), as the task rows show them."""
    tasks = [t for t in process_tasks(dossier) if t.status in OPEN_STATUSES and t.flow_task_type == "HUMAN"]
    for task in tasks:
        task.dossier, task.step = dossier, step_of(task)
        task.due_on = getattr(getattr(task, "deadline", None), "due_on", None)
        task.overdue = bool(task.due_on and task.due_on < timezone.localdate())
    return tasks


class DossierDetail(ApiView):
    @extend_schema(summary="One dossier: candidate, evidence, history, open tasks (a logged read of personal data)",
                   responses={200: s.DossierSerializer, **ERRORS})
    def get(self, request, pk):
        d = dossier_for_page(user=request.user, pk=pk, also=(HISTORY,))
        personal_data_read(user=request.user, dossier=d, what=PersonalDataRead.What.DOSSIER_PAGE, detail="API")
        return Response(s.DossierSerializer(d, context={"open_tasks": open_tasks(d)}).data)


def _step_refused_message(step: str) -> str:
    allowed = STEP_ROLES.get(step, frozenset())
    return _("«%(step)s» is done by: %(roles)s.") % {
        "step": steps.label(step), "roles": ", ".join(str(r.label) for r in Role if r in allowed) or "—"}


STEP_BODY = "\n".join(
    f"- `{step.name}`: {step.label}" for step in steps.STEPS.values())


class StepView(ActView):
    @extend_schema(
        summary="Take a step of the registry on a dossier, through the page's form and the same service",
        description="The body holds the fields of the step's form on the page (dates as YYYY-MM-DD, "
                    "choices by value, `note` for the history). The steps:\n\n" + STEP_BODY,
        parameters=[OpenApiParameter("step", str, OpenApiParameter.PATH, enum=list(steps.STEPS)), IDEMPOTENCY_KEY],
        request={"application/json": {"type": "object", "additionalProperties": True}},
        responses={200: s.DossierDoneSerializer, **ACT_ERRORS})
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)

    def act(self, request, pk, step):
        if step not in steps.STEPS:
            raise Http404
        user = request.user
        dossier = dossier_for_page(user=user, pk=pk)
        if not may_take(user, dossier, step):
            raise exceptions.PermissionDenied(_step_refused_message(step))
        declared = steps.step(step)
        form = import_string(declared.form)(form_data(request.data), dossier=dossier)
        if not form.is_valid():
            raise exceptions.ValidationError(form_errors(form))
        getattr(services, declared.service_name)(dossier=dossier, actor=user, **form.service_kwargs())
        state = Dossier.objects.values_list("state", flat=True).get(pk=dossier.pk)
        event = DossierHistory.objects.filter(dossier=dossier).select_related("actor").order_by("-id").first()
        return Response(s.DossierDoneSerializer({"id": dossier.pk, "state": state, "step": step, "history": event}).data)


class PdfRenderer(BaseRenderer):
    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data if isinstance(data, bytes) else JSONRenderer().render(data)


class DossierDocuments(ApiView):
    @extend_schema(summary="The dossier's issued documents (metadata; the PDF at pdf_url)",
                   responses={200: s.DocumentSerializer(many=True), **ERRORS})
    def get(self, request, pk):
        dossier = access_dossier(request.user, pk, queryset=Dossier.objects.only("pk", "cell"))
        docs = (IssuedDocument.objects.filter(dossier=dossier).defer("pdf", "data")
                .order_by("form_code", "subject", "version"))
        return Response(s.DocumentSerializer(docs, many=True).data)


class DocumentPdf(ApiView):
    renderer_classes = [JSONRenderer, PdfRenderer]

    @extend_schema(summary="An issued document's frozen PDF (a logged read of personal data)",
                   responses={(200, "application/pdf"): OpenApiTypes.BINARY, **ERRORS})
    def get(self, request, pk):
        dossier_id = IssuedDocument.objects.filter(pk=pk).values_list("dossier_id", flat=True).first()
        if dossier_id is None:
            raise Http404
        dossier = access_dossier(request.user, dossier_id, queryset=Dossier.objects.only("pk", "cell"))
        doc = IssuedDocument.objects.get(pk=pk)
        personal_data_read(user=request.user, dossier=dossier, what=PersonalDataRead.What.DOCUMENT,
                           detail=f"{doc.form_code} v{doc.version} (API)")
        response = HttpResponse(bytes(doc.pdf), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{doc.filename}"'
        return response


# --- Candidates --------------------------------------------------------------------------------


class CandidateCreate(ActView):
    MAX_RELATIVES = 30

    @extend_schema(summary="Add a candidate to a cell's source list (the page's forms, the same service)",
                   parameters=[IDEMPOTENCY_KEY], request=s.CandidateCreateSerializer,
                   responses={201: inline_serializer("CandidateCreated", {"id": serializers.IntegerField(),
                                                                          "state": serializers.CharField()}),
                              **ACT_ERRORS})
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)

    def act(self, request):
        user = request.user
        if not (user.is_superuser or any(a.role in CREATE_ROLES for a in active_roles(user))):
            raise exceptions.PermissionDenied(
                _("Only cell secretaries, deputy secretaries and union officers add candidates."))
        body = request.data
        if not isinstance(body, dict):
            raise exceptions.ValidationError({"non_field_errors": [_("Send a JSON object.")]})
        relatives = body.get("relatives") or []
        if not isinstance(relatives, list) or len(relatives) > self.MAX_RELATIVES:
            raise exceptions.ValidationError({"relatives": [_("Enter a valid value.")]})
        candidate_form = import_string(steps.FORMS + "CandidateForm")(form_data(body.get("candidate") or {}))
        relative_forms = [import_string(steps.FORMS + "RelativeForm")(form_data(r)) for r in relatives]
        dossier_form = import_string(steps.FORMS + "DossierCreateForm")(
            form_data({k: body[k] for k in ("cell", "source", "spotted_on", "note") if k in body}),
            cells=creatable_cells(user=user))
        errors = {}
        if not candidate_form.is_valid():
            errors["candidate"] = form_errors(candidate_form)
        relative_errors = [form_errors(f) if not f.is_valid() else {} for f in relative_forms]
        if any(relative_errors):
            errors["relatives"] = relative_errors
        if not dossier_form.is_valid():
            errors.update(form_errors(dossier_form))
        if errors:
            raise exceptions.ValidationError(errors)
        data = dossier_form.cleaned_data
        dossier = services.candidate_create(
            candidate=candidate_form.instance, relatives=[f.instance for f in relative_forms], cell=data["cell"],
            source=data["source"], spotted_on=data["spotted_on"], actor=user, note=data["note"])
        return Response({"id": dossier.pk, "state": dossier.state}, status=status.HTTP_201_CREATED)


# --- Tasks -------------------------------------------------------------------------------------


class TaskList(ApiView):
    kind = "inbox"
    pagination_class = NextPagePagination

    @extend_schema(responses={200: s.TaskSerializer(many=True), **ERRORS})
    def get(self, request):
        queryset = {"inbox": tasks_inbox, "queue": tasks_queue}[self.kind](user=request.user)
        paginator = NextPagePagination()
        rows = attach_dossiers(paginator.paginate_queryset(queryset, request, view=self))
        return paginator.get_paginated_response(s.TaskSerializer(rows, many=True).data)


class InboxList(TaskList):
    kind = "inbox"

    @extend_schema(summary="My open tasks, overdue first", responses={200: s.TaskSerializer(many=True), **ERRORS})
    def get(self, request):
        return super().get(request)


class QueueList(TaskList):
    kind = "queue"

    @extend_schema(summary="Tasks waiting to be taken by one of my roles",
                   responses={200: s.TaskSerializer(many=True), **ERRORS})
    def get(self, request):
        return super().get(request)


class TaskAct(ActView):
    def task_answer(self, task) -> Response:
        [row] = attach_dossiers([visible_task(user=self.request.user, pk=task.pk)])
        row.overdue = bool(row.due_on and row.due_on < timezone.localdate())
        return Response(s.TaskSerializer(row).data)


class TaskClaim(TaskAct):
    @extend_schema(summary="Take a task from my queue", request=None, parameters=[IDEMPOTENCY_KEY],
                   responses={200: s.TaskSerializer, **ACT_ERRORS})
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)

    def act(self, request, pk):
        task = visible_task(user=request.user, pk=pk)
        return self.task_answer(task_claim(task=task, user=request.user))


class TaskUnassign(TaskAct):
    @extend_schema(summary="Give my task back to the queue", request=None, parameters=[IDEMPOTENCY_KEY],
                   responses={200: s.TaskSerializer, **ACT_ERRORS})
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)

    def act(self, request, pk):
        task = visible_task(user=request.user, pk=pk)
        return self.task_answer(task_unassign(task=task, user=request.user))


class TaskReassign(TaskAct):
    @extend_schema(summary="Give a task to someone who may take its step (the cell's secretaries)",
                   request=s.ReassignSerializer, parameters=[IDEMPOTENCY_KEY],
                   responses={200: s.TaskSerializer, **ACT_ERRORS})
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)

    def act(self, request, pk):
        task = visible_task(user=request.user, pk=pk)
        body = s.ReassignSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        to = get_user_model().objects.filter(pk=body.validated_data["to"]).first()
        if to is None:
            raise exceptions.ValidationError({"to": [_("Choose the person who takes this task.")]})
        return self.task_answer(task_reassign(task=task, user=request.user, to=to))


# --- Quotas and statistics -------------------------------------------------------------------------

ORG_PARAM = OpenApiParameter("org", int, description="An organisation of your scope (default: your own).")


def _stats_organization(request):
    """As the statistics pages: 403 without a statistics role (404 when an organisation is named),
    404 for an organisation outside the scope."""
    if not stats_access.may_see_stats(request.user):
        if request.query_params.get("org"):
            raise Http404
        raise exceptions.PermissionDenied
    return stats_access.stats_organization(request.user, request.query_params.get("org"))


def _year(value, default: int) -> int:
    try:
        year = int(value)
    except (TypeError, ValueError):
        return default
    return year if FIRST_YEAR <= year <= LAST_YEAR else default


class QuotaView(ApiView):
    @extend_schema(summary="A year's quota of an organisation against its children's (the quota page)",
                   parameters=[ORG_PARAM, OpenApiParameter("year", int)],
                   responses={200: s.AllocationSerializer, 403: s.DetailSerializer, **ERRORS})
    def get(self, request):
        org = _stats_organization(request)
        year = _year(request.query_params.get("year"), timezone.localdate().year)
        return Response(s.AllocationSerializer(stats.allocation(organization=org, year=year)).data)


class StatisticsView(ApiView):
    @extend_schema(
        summary="The statistics table of reference/004 (the same numbers as the page, its XLSX and PDF)",
        parameters=[ORG_PARAM,
                    OpenApiParameter("period", str, enum=["year", "half", "month", "custom"]),
                    OpenApiParameter("year", int), OpenApiParameter("half", int, enum=[1, 2]),
                    OpenApiParameter("month", int), OpenApiParameter("start", dt.date),
                    OpenApiParameter("end", dt.date), OpenApiParameter("as_of", dt.date)],
        responses={200: s.ReportSerializer, 400: OpenApiTypes.OBJECT, 403: s.DetailSerializer, **ERRORS})
    def get(self, request):
        org = _stats_organization(request)
        today = timezone.localdate()
        params = request.query_params
        form = PeriodForm(params if "period" in params else None, today=today)
        if form.is_bound and not form.is_valid():
            raise exceptions.ValidationError(form_errors(form))
        period, as_of = form.period_or_default()
        report = stats.report_for(organization=org, period=period, as_of=as_of)
        return Response(s.ReportSerializer(report).data)
