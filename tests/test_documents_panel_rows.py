"""Issue 21: the documents panel's rows are written in Python (`documents.panels.rows_html`), not by
a template included once per form. They say what the template said, in Vietnamese, every value
escaped, and their forms post as before (the page's CSRF token, the address to come back to)."""

from __future__ import annotations

import re
from html import unescape

from django.test import Client
from django.urls import reverse

from builders.templates import dossier_copy
from documents import services
from dossiers.formatting import vn_date
from dossiers.models import State

from .factories import PartyMemberFactory, dossier_in_state


def row_of(html: str, code: str) -> str:
    """The panel's `<li>` of a form (its label starts with the form's code)."""
    found = re.search(r'<li class="web-step [^"]*">\s*<div class="web-step__head">\s*'
                      rf'<span class="web-step__label">{re.escape(code)} — .*?</li>', html, re.S)
    assert found, code
    return found.group(0)


def test_a_form_ready_to_issue_posts_with_the_pages_token_and_comes_back(cell_a, secretary_a):
    d = dossier_copy(State.PROBATION, cell=cell_a, actor=secretary_a)
    client = Client(enforce_csrf_checks=True)
    client.force_login(secretary_a)
    page_url = reverse("dossiers:detail", args=[d.pk])
    row = row_of(client.get(page_url).content.decode(), "6-KNĐ")
    assert 'class="web-step web-step--ready"' in row and "Tạo 6-KNĐ" in row
    action = re.search(r'<form method="post" action="([^"]+)"', row).group(1)
    assert action == reverse("documents:issue", args=[d.pk, "6-knd"])
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', row))
    assert set(fields) == {"csrfmiddlewaretoken", "subject", "next", "signer"} and fields["next"] == page_url
    response = client.post(action, {name: unescape(value) for name, value in fields.items()})
    assert response.status_code == 302 and response["Location"] == page_url
    # Issued: its version, date and number, the PDF to download, a new version to issue.
    row = row_of(client.get(page_url).content.decode(), "6-KNĐ")
    doc = d.issued_documents.get(form_code="6-KNĐ")
    assert f"Đã ban hành, phiên bản 1, {vn_date(doc.issued_at.date())} · Số {doc.number}" in row
    assert reverse("documents:issued", args=[doc.pk]) in row and "Tải PDF" in row
    assert "Ban hành phiên bản mới" in row and "Tạo 6-KNĐ" not in row


def test_a_form_the_dossier_lacks_data_for_says_what_is_missing(cell_a, secretary_a):
    d = dossier_in_state(State.BRANCH_VOTE, cell=cell_a, actor=secretary_a)
    client = Client()
    client.force_login(secretary_a)
    row = row_of(client.get(reverse("dossiers:detail", args=[d.pk])).content.decode(), "6-KNĐ")
    assert 'class="web-step web-step--blocked"' in row and "Còn thiếu thông tin" in row
    assert '<ul class="web-step__reasons"><li>' in row and "<form" not in row


def test_the_drafts_are_printed_and_issued_documents_downloaded_by_a_reader_who_issues_nothing(
        cell_a, secretary_a, approver, auditor):
    d = dossier_copy(State.PROBATION, cell=cell_a, actor=secretary_a)
    doc = services.document_issue(dossier=d, form="9-KNĐ", actor=approver)
    client = Client()
    client.force_login(secretary_a)
    page = client.get(reverse("dossiers:detail", args=[d.pk])).content.decode()
    assert "In bản nháp" in row_of(page, "1-KNĐ")
    assert reverse("documents:draft", args=[d.pk, "1-knd"]) in row_of(page, "1-KNĐ")
    client.force_login(auditor)
    page = client.get(reverse("documents:dossier", args=[d.pk])).content.decode()
    row = row_of(page, "9-KNĐ")
    assert reverse("documents:issued", args=[doc.pk]) in row and "<form" not in row and "In bản nháp" not in page


def test_names_and_addresses_in_the_rows_are_escaped(cell_a, secretary_a):
    secretary_a.last_name = "Nguyễn <i>"
    secretary_a.save()
    member = PartyMemberFactory(cell=cell_a, full_name='Lê <b>"Văn"</b> & Co')
    d = dossier_in_state(State.BRANCH_VOTE, cell=cell_a, actor=secretary_a,
                         introducers=[member, PartyMemberFactory(cell=cell_a)])
    client = Client()
    client.force_login(secretary_a)
    page = client.get(reverse("dossiers:detail", args=[d.pk]) + '?x=<i>"').content.decode()
    assert "Lê &lt;b&gt;&quot;Văn&quot;&lt;/b&gt; &amp; Co" in page and "<b>" not in page
    assert f'name="next" value="/dossiers/{d.pk}/?x=%3Ci%3E%22"' in page  # as Django quotes it
    signers = set(re.findall(r'name="signer" value="([^"]*)"', page))
    assert len(signers) == 1 and "&lt;i&gt;" in signers.pop()
