"""What the API answers, field by field (the schema at /api/schema/ is built from these)."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from documents.models import IssuedDocument
from dossiers.models import Candidate, Dossier, DossierHistory, Organization, Relative, State


def row_dict(obj) -> dict:
    """A row's own columns (foreign keys as ids), for the pieces of evidence."""
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


class OrganizationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organization
        fields = ["id", "name", "short_name", "level", "parent", "category", "official_members",
                  "probationary_members"]


class ReasonSerializer(serializers.Serializer):
    message = serializers.CharField(help_text="The sentence with its citation, as the pages show it.")
    text = serializers.CharField()
    rule = serializers.CharField(help_text="The rule applied: a Party text, or the application's own rule.")


class RefusalSerializer(serializers.Serializer):
    detail = serializers.CharField()
    reasons = ReasonSerializer(many=True)


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField()


class DossierRowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    state = serializers.ChoiceField(choices=State.choices)
    state_label = serializers.CharField(source="get_state_display")
    spotted_on = serializers.DateField()
    candidate_name = serializers.CharField(source="candidate.full_name")
    candidate_birth_date = serializers.DateField(source="candidate.birth_date")
    cell = serializers.IntegerField(source="cell_id")
    cell_name = serializers.CharField(source="cell.name")
    last_change = serializers.DateField(allow_null=True)


class RelativeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Relative
        exclude = ["candidate"]


class CandidateSerializer(serializers.ModelSerializer):
    relatives = RelativeSerializer(many=True, read_only=True)

    class Meta:
        model = Candidate
        exclude = ["search_name"]


class HistorySerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", allow_null=True, default=None)
    evidence = serializers.JSONField()

    class Meta:
        model = DossierHistory
        fields = ["id", "at", "actor", "effective_on", "action", "from_state", "to_state", "note", "evidence"]


class TaskSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField(source="flow_task.task_title", default="")
    step = serializers.CharField(allow_null=True)
    status = serializers.CharField()
    owner = serializers.CharField(source="owner.username", allow_null=True, default=None)
    created = serializers.DateTimeField()
    due_on = serializers.DateField(allow_null=True)
    overdue = serializers.BooleanField(default=False)
    dossier = serializers.IntegerField(source="dossier.pk", allow_null=True, default=None)
    candidate_name = serializers.CharField(source="dossier.candidate.full_name", allow_null=True, default=None)


class DossierSerializer(serializers.ModelSerializer):
    state_label = serializers.CharField(source="get_state_display")
    cell_name = serializers.CharField(source="cell.name")
    candidate = CandidateSerializer()
    evidence = serializers.SerializerMethodField()
    history = HistorySerializer(many=True, source="events.all")
    open_tasks = serializers.SerializerMethodField()

    class Meta:
        model = Dossier
        exclude = ["member"]

    EVIDENCE = ["certificates", "introducers", "mentors", "acts", "verifications", "opinions", "votes",
                "progress_reports", "self_reviews"]

    @extend_schema_field({"type": "object", "additionalProperties": {"type": "array", "items": {"type": "object"}}})
    def get_evidence(self, d) -> dict:
        evidence = {name: [row_dict(o) for o in getattr(d, name).all()] for name in self.EVIDENCE}
        ceremony = getattr(d, "ceremony", None)
        evidence["ceremony"] = [row_dict(ceremony)] if ceremony is not None else []
        return evidence

    @extend_schema_field(TaskSerializer(many=True))
    def get_open_tasks(self, d) -> list:
        return TaskSerializer(self.context.get("open_tasks", []), many=True).data


class DossierDoneSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    state = serializers.ChoiceField(choices=State.choices)
    step = serializers.CharField()
    history = HistorySerializer(allow_null=True)


class DocumentSerializer(serializers.ModelSerializer):
    pdf_url = serializers.SerializerMethodField()

    class Meta:
        model = IssuedDocument
        fields = ["id", "dossier", "form_code", "subject", "version", "number", "document_date", "issuer_name",
                  "title", "sha256", "size", "issued_at", "reason", "pdf_url"]

    @extend_schema_field(OpenApiTypes.URI)
    def get_pdf_url(self, doc) -> str:
        return reverse("api:document-pdf", args=[doc.pk])


class QuotaSerializer(serializers.Serializer):
    organization = serializers.IntegerField(source="organization.pk")
    name = serializers.CharField(source="organization.name")
    target = serializers.IntegerField(source="quota.target", allow_null=True, default=None)
    kind = serializers.CharField(source="quota.kind", allow_null=True, default=None)
    members = serializers.IntegerField()


class AllocationSerializer(serializers.Serializer):
    organization = serializers.IntegerField(source="organization.pk")
    name = serializers.CharField(source="organization.name")
    year = serializers.IntegerField()
    target = serializers.IntegerField(source="own.target", allow_null=True, default=None)
    members = serializers.IntegerField()
    children_sum = serializers.IntegerField()
    difference = serializers.IntegerField(allow_null=True)
    missing = serializers.IntegerField()
    children = QuotaSerializer(many=True, source="rows")


class ReportRowSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    organization = serializers.IntegerField(source="organization.pk")
    name = serializers.CharField(source="organization.name")
    admitted = serializers.IntegerField()
    no_source = serializers.BooleanField()
    note = serializers.CharField()


class ReportGroupSerializer(serializers.Serializer):
    numeral = serializers.CharField()
    category = serializers.CharField()
    label = serializers.CharField()
    total = serializers.IntegerField()
    rows = ReportRowSerializer(many=True)


class StructureSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()
    of = serializers.IntegerField()
    percent = serializers.CharField()


class ReportSerializer(serializers.Serializer):
    organization = serializers.IntegerField(source="organization.pk")
    name = serializers.CharField(source="organization.name")
    start = serializers.DateField(source="period.start")
    end = serializers.DateField(source="period.end")
    as_of = serializers.DateField()
    admitted = serializers.IntegerField()
    total = serializers.IntegerField()
    target = serializers.IntegerField(allow_null=True)
    quota_percent = serializers.CharField()
    members = serializers.IntegerField()
    members_percent = serializers.CharField()
    groups = ReportGroupSerializer(many=True)
    structure = StructureSerializer(many=True)


class TokenInfoSerializer(serializers.Serializer):
    """Who is calling (GET /api/v1/me/)."""

    username = serializers.CharField()
    full_name = serializers.CharField()
    roles = serializers.ListField(child=serializers.DictField(child=serializers.CharField()))


class ReassignSerializer(serializers.Serializer):
    to = serializers.IntegerField(help_text="The id of the user who takes the task.")


class CandidateCreateSerializer(serializers.Serializer):
    """The page's form "Thêm quần chúng vào danh sách nguồn" as JSON; the page's forms validate it."""

    candidate = serializers.DictField(help_text="The candidate's fields, as on the page (full_name, sex, birth_date, …).")
    relatives = serializers.ListField(child=serializers.DictField(), required=False, default=list)
    cell = serializers.IntegerField()
    source = serializers.CharField()
    spotted_on = serializers.DateField()
    note = serializers.CharField(required=False, allow_blank=True, default="")
