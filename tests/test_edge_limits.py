"""Issue 18 §5: a body over the limit is refused from its Content-Length, before it is read, with
413 and a Vietnamese page; Django's refusals of a body it will not parse (too big, too many fields,
a malformed length) answer in Vietnamese too; the real server's limit is documented."""

from pathlib import Path

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.test import RequestFactory
from django.urls import reverse

from ops.edge import request_limit

pytestmark = pytest.mark.django_db


class UnreadableBody:
    """A wsgi.input that fails the test if anything reads it."""

    read_calls = 0

    def read(self, *args):
        UnreadableBody.read_calls += 1
        raise AssertionError("the body was read")

    readline = read

    def __iter__(self):
        return self


def call_wsgi(path: str, content_length: str, body=None) -> tuple[str, dict, bytes]:
    environ = RequestFactory()._base_environ(
        PATH_INFO=path, REQUEST_METHOD="POST", CONTENT_TYPE="multipart/form-data; boundary=xyz",
        CONTENT_LENGTH=content_length)
    environ["wsgi.input"] = body or UnreadableBody()
    seen = {}

    def start_response(status, headers, exc_info=None):
        seen["status"], seen["headers"] = status, dict(headers)

    content = b"".join(WSGIHandler()(environ, start_response))
    return seen["status"], seen["headers"], content


def test_it_refuses_a_body_over_the_limit_before_reading_it(dossier_url):
    UnreadableBody.read_calls = 0
    status, headers, content = call_wsgi(dossier_url, str(30 * 1024 * 1024))
    assert status.startswith("413")
    assert UnreadableBody.read_calls == 0
    assert headers["Connection"] == "close"
    page = content.decode()
    assert "Dữ liệu gửi lên vượt quá giới hạn" in page and "10,5 MB" in page


def test_the_limit_is_one_scan_plus_the_form_overhead_and_follows_the_settings(settings):
    assert request_limit() == 10 * 1024 * 1024 + 256 * 1024
    settings.UPLOAD_MAX_BYTES = 1000
    settings.REQUEST_FORM_OVERHEAD_BYTES = 100
    assert request_limit() == 1100
    status, _headers, _content = call_wsgi("/accounts/login/", "1101")
    assert status.startswith("413")


def test_a_malformed_content_length_is_refused_in_vietnamese_without_reading():
    status, _headers, content = call_wsgi("/accounts/login/", "mười")
    assert status.startswith("400") and "Yêu cầu không hợp lệ" in content.decode()


def test_form_fields_over_djangos_memory_limit_get_a_vietnamese_413(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = client.post(reverse("login"), {"username": "a" * 5000, "password": "x"})
    assert response.status_code == 413
    assert "Dữ liệu gửi lên vượt quá giới hạn" in response.content.decode()


def test_too_many_fields_get_a_vietnamese_400(client, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    response = client.post(reverse("login"), {f"f{i}": "x" for i in range(50)})
    assert response.status_code == 400
    assert "quá nhiều trường" in response.content.decode()


def test_a_scan_within_the_limit_still_goes_through(client, secretary_a, dossier_pk):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from documents.models import SignedScan

    from .factories import scan_png

    client.force_login(secretary_a)
    response = client.post(reverse("documents:upload", args=[dossier_pk]),
                           {"step": "record_branch_vote", "file": SimpleUploadedFile("6knd.png", scan_png())})
    assert response.status_code == 302 and SignedScan.objects.count() == 1


def test_the_readme_gives_the_servers_body_limit():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    assert "client_max_body_size 11m" in readme and "--limit-request-line" in readme


@pytest.fixture
def dossier_pk(cell_a, secretary_a):
    from builders.templates import dossier_copy
    from dossiers.models import State

    return dossier_copy(State.HIGHER_APPROVAL, cell=cell_a, actor=secretary_a).pk


@pytest.fixture
def dossier_url(dossier_pk):
    return reverse("documents:upload", args=[dossier_pk])
