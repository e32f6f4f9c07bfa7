"""The documents pages and panels: scope (404 outside it), roles for issuing (403), read-only roles
download, a fixed number of queries."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from builders.templates import dossier_copy
from documents import services
from documents.models import IssuedDocument, SignedScan
from dossiers.models import State

from .factories import dossier_in_state, scan_png


@pytest.fixture
def approval(cell_a, secretary_a):
    """A dossier the cell voted for (6-KNĐ recorded) and the committees have decided on."""
    return dossier_copy(State.PROBATION, cell=cell_a, actor=secretary_a)


def test_the_cell_secretary_generates_6_knd_from_the_dossier_page(client, approval, secretary_a):
    client.force_login(secretary_a)
    page = client.get(reverse("dossiers:detail", args=[approval.pk])).content.decode()
    assert 'id="official-documents"' in page and reverse("documents:issue", args=[approval.pk, "6-knd"]) in page
    response = client.post(reverse("documents:issue", args=[approval.pk, "6-knd"]),
                           {"next": reverse("dossiers:detail", args=[approval.pk])})
    assert response.status_code == 302 and response["Location"] == reverse("dossiers:detail", args=[approval.pk])
    doc = IssuedDocument.objects.get(dossier=approval, form_code="6-KNĐ")
    assert doc.issued_by == secretary_a and doc.number == "1-NQ/CB"


def test_the_step_page_offers_the_forms_of_its_step(client, cell_a, secretary_a):
    d = dossier_in_state(State.BRANCH_VOTE, cell=cell_a, actor=secretary_a)
    client.force_login(secretary_a)
    page = client.get(reverse("dossiers:step", args=[d.pk, "record_branch_vote"])).content.decode()
    assert 'id="official-documents"' in page and "6-KNĐ" in page and "8-KNĐ" not in page


def test_issuing_needs_the_role_of_the_forms_step(client, approval, secretary_a, committee_member, approver):
    client.force_login(secretary_a)
    assert client.post(reverse("documents:issue", args=[approval.pk, "9-knd"])).status_code == 403
    client.force_login(committee_member)
    assert client.post(reverse("documents:issue", args=[approval.pk, "6-knd"])).status_code == 403
    assert client.post(reverse("documents:issue", args=[approval.pk, "8-knd"])).status_code == 302
    client.force_login(approver)
    assert client.post(reverse("documents:issue", args=[approval.pk, "9-knd"])).status_code == 302
    assert sorted(IssuedDocument.objects.values_list("form_code", flat=True)) == ["8-KNĐ", "9-KNĐ"]


def test_a_read_only_auditor_downloads_issued_documents_but_issues_nothing(client, approval, approver, auditor):
    doc = services.document_issue(dossier=approval, form="9-KNĐ", actor=approver)
    client.force_login(auditor)
    response = client.get(reverse("documents:issued", args=[doc.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content == bytes(doc.pdf)
    assert client.post(reverse("documents:issue", args=[approval.pk, "9-knd"])).status_code == 403
    assert client.get(reverse("documents:bundle", args=[approval.pk])).status_code == 200


def test_every_page_is_404_outside_the_users_scope(client, approval, approver, secretary_a, secretary_b):
    doc = services.document_issue(dossier=approval, form="9-KNĐ", actor=approver)
    scan = services.scan_upload(dossier=approval, step="decide_admission",
                                upload=SimpleUploadedFile("qd.png", scan_png()), actor=approver)
    client.force_login(secretary_b)
    for url in [
        reverse("documents:dossier", args=[approval.pk]),
        reverse("documents:issued", args=[doc.pk]),
        reverse("documents:scan", args=[scan.pk]),
        reverse("documents:bundle", args=[approval.pk]),
        reverse("documents:draft", args=[approval.pk, "1-knd"]),
    ]:
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("documents:issue", args=[approval.pk, "6-knd"])).status_code == 404
    assert client.post(reverse("documents:upload", args=[approval.pk]),
                       {"step": "record_branch_vote", "file": SimpleUploadedFile("a.png", scan_png())}).status_code == 404
    assert IssuedDocument.objects.count() == 1 and SignedScan.objects.count() == 1


def test_anonymous_visitors_go_to_the_login_page(client, approval):
    response = client.get(reverse("documents:dossier", args=[approval.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_uploading_a_scan_from_the_documents_page(client, approval, secretary_a):
    client.force_login(secretary_a)
    url = reverse("documents:upload", args=[approval.pk])
    ok = client.post(url, {"step": "record_branch_vote", "file": SimpleUploadedFile("6knd.png", scan_png())},
                     follow=True)
    assert ok.status_code == 200 and SignedScan.objects.filter(dossier=approval, section="6-KNĐ").count() == 1
    bad = client.post(url, {"step": "record_branch_vote", "file": SimpleUploadedFile("6knd.pdf", b"not a pdf")},
                      follow=True)
    assert bad.status_code == 200 and SignedScan.objects.count() == 1
    assert len(list(bad.context["messages"])) == 1


def test_a_secretary_prints_the_application_draft(client, cell_a, secretary_a):
    d = dossier_in_state(State.MENTORING, cell=cell_a, actor=secretary_a)
    client.force_login(secretary_a)
    response = client.get(reverse("documents:draft", args=[d.pk, "1-knd"]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


def test_the_documents_page_lists_missing_data_and_issued_versions(client, approval, secretary_a, approver):
    services.document_issue(dossier=approval, form="9-KNĐ", actor=approver)
    client.force_login(secretary_a)
    page = client.get(reverse("documents:dossier", args=[approval.pk])).content.decode()
    assert "9-KNĐ" in page and "90-QĐ/HU" in page and 'id="scans"' in page
    assert 'enctype="multipart/form-data"' in page


def test_the_documents_page_costs_a_fixed_number_of_queries(client, approval, secretary_a, approver,
                                                             django_assert_max_num_queries):
    for code in ["6-KNĐ", "9-KNĐ", "BB-KN"]:
        services.document_issue(dossier=approval, form=code, actor=approver, options={"signer": "Lê Văn Ký"})
    client.force_login(secretary_a)
    url = reverse("documents:dossier", args=[approval.pk])
    client.get(url)
    with django_assert_max_num_queries(24):
        assert client.get(url).status_code == 200


def test_the_dossier_page_panel_adds_few_queries(client, approval, secretary_a, django_assert_max_num_queries):
    client.force_login(secretary_a)
    url = reverse("dossiers:detail", args=[approval.pk])
    client.get(url)
    from .test_dossier_pages import DOSSIER_PAGE_QUERIES

    with django_assert_max_num_queries(DOSSIER_PAGE_QUERIES):
        assert client.get(url).status_code == 200


def test_the_batch_page_costs_a_fixed_number_of_queries(client, approval, secretary_a,
                                                         django_assert_max_num_queries):
    client.force_login(secretary_a)
    client.get(reverse("documents:index"))
    with django_assert_max_num_queries(10):
        assert client.get(reverse("documents:index")).status_code == 200
