"""What the document panels show (dossier page, task pages, the documents page): for each form
the dossier needs, the latest issued version or what is missing; read-side only, in a fixed
number of queries on a dossier loaded by `permissions.selectors.dossier_for_page`."""

from __future__ import annotations

from dataclasses import dataclass, field

from dossiers.formatting import vn_name
from dossiers.loading import Related
from dossiers.models import Dossier
from permissions.actions import may_take
from ui.links import pk_word_url_maker

from .catalogue import FORMS, SCAN_STEPS, DocumentForm
from .context import shared_pieces
from .models import IssuedDocument
from .services import document_missing

# The issued documents a panel reads, for `permissions.selectors.dossier_for_page(also=…)`: one
# query less for the dossier page (the PDF and its data stay in the database).
ISSUED_FOR_PANEL = Related(
    "issued_documents", order=("version",), to_attr="panel_issued_documents",
    fields=("dossier", "form_code", "subject", "version", "number", "document_date", "issuer_name", "title",
            "sha256", "size", "issued_at", "issued_by", "reason"),
)


@dataclass
class FormRow:
    form: DocumentForm
    subject: str
    subject_name: str
    errors: list[str]
    versions: list[IssuedDocument] = field(default_factory=list)
    may_issue: bool = False
    action_url: str = ""

    @property
    def latest(self) -> IssuedDocument | None:
        return self.versions[-1] if self.versions else None

    @property
    def ready(self) -> bool:
        return not self.errors


def default_signer(user) -> str:
    """Who signs papers the dossier records no signer for: the issuing user (as a party member if linked)."""
    member = getattr(user, "party_member", None) if user.is_authenticated else None
    if member is not None and getattr(member, "full_name", ""):
        return member.full_name
    return vn_name(user)


def may_issue(user, dossier: Dossier, form: DocumentForm) -> bool:
    """Issuing belongs to the roles of the form's step (permissions.actions.STEP_ROLES): the cell's
    secretaries for 6-KNĐ, the grassroots committee for 8-KNĐ, the approver for 9-KNĐ."""
    return may_take(user, dossier, form.step)


def may_upload(user, dossier: Dossier, step: str) -> bool:
    return step in SCAN_STEPS and may_take(user, dossier, step)


def _relevant(form: DocumentForm, dossier: Dossier, issued: list[IssuedDocument]) -> bool:
    """A form is offered once issued, once its evidence is recorded, or once the dossier has come as
    far as the form (its step's states, from the form's first state on): a candidate on the source
    list is offered no probation paper."""
    if any(d.form_code == form.code for d in issued):
        return True
    return form.applies(dossier) or form.reached(dossier)


def form_rows(user, dossier: Dossier, *, step: str = "", issued: list[IssuedDocument] | None = None) -> list[FormRow]:
    """One row per form (and per introducer for 3-KNĐ) that concerns the dossier now: its step's
    state, or its evidence recorded. One query for the issued documents unless given, or loaded
    with the dossier (`ISSUED_FOR_PANEL`, as the dossier page does)."""
    if issued is None:
        issued = getattr(dossier, ISSUED_FOR_PANEL.to_attr, None)
    if issued is None:
        issued = list(IssuedDocument.objects.filter(dossier=dossier).defer("pdf", "data")
                      .select_related("issued_by").order_by("version"))
    options = {"signer": default_signer(user)}
    draft_url, issue_url = pk_word_url_maker("documents:draft"), pk_word_url_maker("documents:issue")
    rows = []
    with shared_pieces():
        for form in FORMS:
            if step and form.step != step:
                continue
            if not _relevant(form, dossier, issued):
                continue
            allowed = may_issue(user, dossier, form)
            for subject, name in form.subjects(dossier) or [("", "")]:
                errors = document_missing(dossier=dossier, form=form, subject=subject, options=options)
                row = FormRow(form=form, subject=subject, subject_name=name, errors=[str(e) for e in errors],
                              versions=[d for d in issued if d.form_code == form.code and d.subject == subject],
                              may_issue=allowed)
                row.action_url = (draft_url if form.draft else issue_url)(dossier.pk, form.slug)
                rows.append(row)
    return rows
