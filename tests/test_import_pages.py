"""The import pages (issue 19): upload → preview → confirm → result inside the app's shell; the
record of imports for the importer and the inspection role; the templates; large files on the
task worker with a progress bar."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from dossiers.models import Dossier
from imports.models import ImportKind, ImportRun, ImportStatus
from imports.workbooks import rows_workbook
from permissions.models import Role

from .factories import UserFactory, grant
from .test_imports import candidate_row


def upload(client, rows, *, kind=ImportKind.CANDIDATES, name="ds.xlsx"):
    content = rows_workbook(kind, rows)
    return client.post(reverse("imports:index"), {"kind": kind, "file": SimpleUploadedFile(name, content)})


def test_a_secretary_uploads_previews_confirms_and_sees_the_result(client, secretary_a, cell_a):
    client.force_login(secretary_a)
    home = client.get(reverse("imports:index"))
    assert home.status_code == 200 and "Nhập dữ liệu" in home.content.decode()
    response = upload(client, [candidate_row(1), candidate_row(2)])
    assert response.status_code == 302
    run = ImportRun.objects.get()
    assert run.status == ImportStatus.PREVIEWED and not Dossier.objects.exists()
    page = client.get(response["Location"]).content.decode()
    assert "036095000001" in page and "Nguyễn Thị Hoà 2" in page and reverse("imports:confirm", args=[run.pk]) in page
    done = client.post(reverse("imports:confirm", args=[run.pk]), follow=True)
    assert Dossier.objects.count() == 2
    run.refresh_from_db()
    assert run.status == ImportStatus.DONE and run.created == 2 and run.content is None
    assert "Đã nhập" in done.content.decode() or "imported" in done.content.decode()


def test_refused_rows_are_listed_with_their_row_and_nothing_can_be_confirmed(client, secretary_a, cell_a):
    client.force_login(secretary_a)
    response = upload(client, [candidate_row(1), candidate_row(2, sex="?")])
    run = ImportRun.objects.get()
    assert run.status == ImportStatus.REFUSED
    page = client.get(response["Location"]).content.decode()
    assert 'data-row="3"' in page and "Giới tính" in page
    assert reverse("imports:confirm", args=[run.pk]) not in page
    client.post(reverse("imports:confirm", args=[run.pk]))
    assert not Dossier.objects.exists()


def test_a_non_spreadsheet_gets_a_clear_error_on_its_page(client, secretary_a, cell_a):
    client.force_login(secretary_a)
    response = client.post(reverse("imports:index"), {"kind": ImportKind.CANDIDATES,
                                                      "file": SimpleUploadedFile("ds.xlsx", b"%PDF-1.7\x00\x00")})
    page = client.get(response["Location"]).content.decode()
    assert "không phải tệp Excel" in page


def test_the_inspection_role_sees_the_record_and_others_do_not(client, secretary_a, auditor, cell_a):
    client.force_login(secretary_a)
    upload(client, [candidate_row(1)])
    run = ImportRun.objects.get()
    client.force_login(auditor)
    listing = client.get(reverse("imports:index")).content.decode()
    assert f'data-run="{run.pk}"' in listing and run.sha256[:12] in listing
    assert client.get(reverse("imports:run", args=[run.pk])).status_code == 200
    assert client.post(reverse("imports:confirm", args=[run.pk])).status_code == 404
    stranger = UserFactory(username="khac")
    grant(stranger, Role.CELL_DEPUTY, cell_a)
    client.force_login(stranger)
    assert client.get(reverse("imports:run", args=[run.pk])).status_code == 404
    assert client.get(reverse("imports:index")).status_code == 403


def test_each_template_downloads_as_xlsx(client, secretary_a):
    client.force_login(secretary_a)
    for kind in ImportKind.values:
        response = client.get(reverse("imports:template"), {"kind": kind})
        assert response.status_code == 200
        wb = load_workbook(io.BytesIO(response.content))
        assert [ws.title for ws in wb.worksheets] == ["Dữ liệu", "Hướng dẫn"]
    assert client.get(reverse("imports:template"), {"kind": "x"}).status_code == 404


@pytest.mark.usefixtures("immediate_tasks")
def test_a_large_file_runs_on_the_task_worker_and_its_page_shows_progress(
        client, secretary_a, cell_a, settings, django_capture_on_commit_callbacks):
    settings.IMPORT_BACKGROUND_BYTES = 0
    client.force_login(secretary_a)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = upload(client, [candidate_row(1), candidate_row(2)])
    run = ImportRun.objects.get()
    assert run.status == ImportStatus.PREVIEWING
    page = client.get(response["Location"]).content.decode()
    assert '<meta http-equiv="refresh"' in page and "<progress" in page
    for callback in callbacks:
        callback()
    run.refresh_from_db()
    assert run.status == ImportStatus.PREVIEWED and run.done == 2
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:confirm", args=[run.pk]))
    run.refresh_from_db()
    assert run.status == ImportStatus.DONE and Dossier.objects.count() == 2


def test_an_oversized_upload_is_refused_by_its_size_and_recorded_with_its_hash(client, secretary_a, cell_a,
                                                                              settings):
    import hashlib

    settings.IMPORT_MAX_BYTES = 100
    content = rows_workbook(ImportKind.CANDIDATES, [candidate_row(1)])
    client.force_login(secretary_a)
    response = client.post(reverse("imports:index"), {"kind": ImportKind.CANDIDATES,
                                                      "file": SimpleUploadedFile("lon.xlsx", content)})
    run = ImportRun.objects.get()
    assert run.status == ImportStatus.REFUSED and run.sha256 == hashlib.sha256(content).hexdigest()
    assert "quá lớn" in client.get(response["Location"]).content.decode()
