"""What the document panels show (dossier page, task pages, the documents page): for each form
the dossier needs, the latest issued version or what is missing; read-side only, in a fixed
number of queries on a dossier loaded by `permissions.selectors.dossier_for_page`."""

from __future__ import annotations

import html
from dataclasses import dataclass, field

from django.utils.formats import localize
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from dossiers.formatting import vn_name
from dossiers.loading import Related
from dossiers.models import Dossier
from permissions.actions import STEP_ROLES, may_take, roles_over
from ui.links import pk_word_url_maker, url_maker
from ui.templatetags.vn import vn_date

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
    # Worked out once for every form: the viewer's roles over the dossier (`may_issue` asks them
    # of each form's step) and the versions of each copy issued.
    held = roles_over(user, dossier)
    versions: dict[tuple[str, str], list[IssuedDocument]] = {}
    for doc in issued:
        versions.setdefault((doc.form_code, doc.subject), []).append(doc)
    issued_codes = {code for code, _subject in versions}
    rows = []
    with shared_pieces():
        for form in FORMS:
            if step and form.step != step:
                continue
            # A form is offered once issued, once its evidence is recorded, or once the dossier has
            # come as far as the form (its step's states, from the form's first state on): a
            # candidate on the source list is offered no probation paper.
            if form.code not in issued_codes and not (form.applies(dossier) or form.reached(dossier)):
                continue
            allowed = bool(STEP_ROLES.get(form.step, frozenset()) & held)
            for subject, name in form.subjects(dossier) or [("", "")]:
                errors = document_missing(dossier=dossier, form=form, subject=subject, options=options)
                row = FormRow(form=form, subject=subject, subject_name=name, errors=[str(e) for e in errors],
                              versions=list(versions.get((form.code, subject), ())), may_issue=allowed)
                row.action_url = (draft_url if form.draft else issue_url)(dossier.pk, form.slug)
                rows.append(row)
    return rows


def _esc(value) -> str:
    """Django's `escape` of a plain value (`html.escape(str(value))`), without its SafeString."""
    return html.escape(str(value))


def rows_html(rows: list[FormRow], *, csrf_token, next_url: str, signer: str) -> SafeString:
    """The panels' rows (`<li>`…), written here rather than by a template included once per form:
    the include and its tags cost the dossier page more than checking the forms did (issue 21).
    What it writes is what `documents/_row.html` wrote: every value escaped as the template did,
    the translated texts as `{% translate %}` and `{% blocktranslate %}` print them.
    `csrf_token`: the page's own (its context's value), one for every form of the panel."""
    if not rows:
        return mark_safe("")
    token = str(csrf_token) if csrf_token else ""
    csrf = (f'<input type="hidden" name="csrfmiddlewaretoken" value="{_esc(token)}">'
            if token and token != "NOTPROVIDED" else "")
    issued_url = url_maker("documents:issued")
    next_url, signer = _esc(next_url), _esc(signer)
    download, draft, missing = _("Download PDF"), _("Print the draft"), _("Missing data")
    out = []
    for row in rows:
        form, doc = row.form, row.latest
        head = f"{_esc(form.code)} — {_esc(form.label)}"
        if row.subject_name:
            head += f": {_esc(row.subject_name)}"
        state = "web-step--ready" if row.ready else "web-step--blocked"
        parts = [f'<li class="web-step {state}">\n'
                 f'  <div class="web-step__head">\n    <span class="web-step__label">{head}</span>\n']
        if doc is not None:
            status = _("Issued, version %(version)s, %(day)s") % {
                "version": _esc(localize(doc.version)), "day": _esc(vn_date(doc.issued_at))}
            if doc.number:
                status += " · " + _("No. %(number)s") % {"number": _esc(doc.number)}
            parts.append(f'    <span class="web-step__status">{status}</span>\n'
                         f'    <a class="mdc-button" href="{_esc(issued_url(doc.pk))}" data-turbo="false">{download}</a>\n')
        if row.ready and row.may_issue:
            action = _esc(row.action_url)
            if form.draft:
                parts.append(f'    <a class="mdc-button mdc-button--outlined" href="{action}" data-turbo="false">{draft}</a>\n')
            else:
                label = _("Issue a new version") if doc is not None else _("Generate %(form)s") % {
                    "form": _esc(form.code)}
                parts.append(
                    f'    <form method="post" action="{action}" class="web-inline-form" data-turbo="false">\n'
                    f'      {csrf}\n'
                    f'      <input type="hidden" name="subject" value="{_esc(row.subject)}">\n'
                    f'      <input type="hidden" name="next" value="{next_url}">\n'
                    f'      <input type="hidden" name="signer" value="{signer}">\n'
                    f'      <button type="submit" class="mdc-button mdc-button--raised">{label}</button>\n'
                    f'    </form>\n')
        elif not row.ready:
            parts.append(f'    <span class="web-step__status web-step__status--blocked">{missing}</span>\n')
        parts.append("  </div>\n")
        if row.errors:
            parts.append('  <ul class="web-step__reasons">'
                         + "".join(f"<li>{_esc(e)}</li>" for e in row.errors) + "</ul>\n")
        parts.append("</li>")
        out.append("".join(parts))
    return mark_safe("\n".join(out))  # noqa: S308 - every value above is escaped
