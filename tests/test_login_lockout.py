"""Issue 18 §1: guessing passwords is no longer free. After LOGIN_FAILURE_LIMIT failed logins for a
login name or from an address, that login is refused for the cool-off, correct password or not, with
a Vietnamese message saying until when; the organisation board of the subtree unlocks it sooner,
and the unlock is audited for the inspection committee."""

from __future__ import annotations

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.db.models import F
from django.test import Client, RequestFactory
from django.urls import reverse

from accounts.lockout import client_ip, locked_until, vn_moment
from accounts.models import SecurityEvent
from dossiers.models import OrgLevel
from permissions.models import Role

from .factories import OrganizationFactory, UserFactory, grant

PASSWORD = "pw-test-12345"
LOGIN = "/accounts/login/"


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = dt.timedelta(minutes=15)


def attempt(username: str, password: str = "wrong-password", ip: str = "127.0.0.1"):
    client = Client(REMOTE_ADDR=ip)
    response = client.post(LOGIN, {"username": username, "password": password})
    return client, response


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_three_wrong_passwords_lock_the_login_and_the_page_says_until_when_in_vietnamese(secretary_a):
    for _i in range(2):
        _client, response = attempt("bithu_a")
        assert response.status_code == 200  # the ordinary "wrong password" page
    _client, response = attempt("bithu_a")
    assert response.status_code == 429
    until = locked_until(username="bithu_a")
    assert until is not None
    text = response.content.decode()
    assert f"đến {vn_moment(until)}" in text
    assert "giờ" in text and "tháng" in text and "Đăng nhập" in text


def test_a_correct_password_during_the_lockout_is_still_refused(secretary_a):
    for _i in range(3):
        attempt("bithu_a")
    client, response = attempt("bithu_a", PASSWORD)
    assert response.status_code == 429
    assert not logged_in(client)
    # …from another address too: the login name itself is locked.
    client, response = attempt("bithu_a", PASSWORD, ip="10.1.2.3")
    assert response.status_code == 429 and not logged_in(client)


def test_failures_from_one_address_lock_every_login_from_it_but_not_from_elsewhere(secretary_a, secretary_b):
    for name in ("ghost1", "ghost2", "ghost3"):
        attempt(name, ip="203.0.113.7")
    client, response = attempt("bithu_a", PASSWORD, ip="203.0.113.7")
    assert response.status_code == 429 and not logged_in(client)
    client, response = attempt("bithu_a", PASSWORD, ip="198.51.100.1")
    assert response.status_code == 302 and logged_in(client)


def test_the_lockout_ends_after_the_cool_off(secretary_a):
    for _i in range(3):
        attempt("bithu_a")
    assert attempt("bithu_a", PASSWORD)[1].status_code == 429
    # 16 minutes later (the attempts' times moved back instead of the clock forward).
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - dt.timedelta(minutes=16))
    assert locked_until(username="bithu_a") is None
    client, response = attempt("bithu_a", PASSWORD)
    assert response.status_code == 302 and logged_in(client)


def test_a_success_before_the_limit_starts_the_count_again(secretary_a):
    attempt("bithu_a")
    attempt("bithu_a")
    assert attempt("bithu_a", PASSWORD)[1].status_code == 302
    assert not AccessAttempt.objects.filter(username="bithu_a").exists()
    attempt("bithu_a")
    attempt("bithu_a")
    assert attempt("bithu_a", PASSWORD)[1].status_code == 302


def test_the_board_of_the_subtree_unlocks_a_login_and_the_unlock_is_audited(secretary_a, board, auditor):
    for _i in range(3):
        attempt("bithu_a")
    officer = Client()
    officer.force_login(board)
    page = officer.get(reverse("roles:security"))
    assert page.status_code == 200 and 'data-locked="bithu_a"' in page.content.decode()
    response = officer.post(reverse("roles:unlock", kwargs={"pk": secretary_a.pk}),
                            {"note": "Đồng chí gọi điện, đã xác minh"})
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username="bithu_a").exists()
    event = SecurityEvent.objects.get()
    assert (event.action, event.actor, event.user, event.note) == (
        SecurityEvent.Action.UNLOCK, board, secretary_a, "Đồng chí gọi điện, đã xác minh")
    assert event.organization == secretary_a.role_assignments.get().organization
    client, response = attempt("bithu_a", PASSWORD)
    assert response.status_code == 302 and logged_in(client)
    # The inspection committee of the district reads it in the log.
    inspector = Client()
    inspector.force_login(auditor)
    log = inspector.get(reverse("roles:security_log"))
    assert log.status_code == 200 and f'data-event="{event.pk}"' in log.content.decode()


def test_an_unlock_needs_a_reason(secretary_a, board):
    attempt("bithu_a")
    officer = Client()
    officer.force_login(board)
    response = officer.post(reverse("roles:unlock", kwargs={"pk": secretary_a.pk}), {"note": ""})
    assert response.status_code == 200
    assert AccessAttempt.objects.filter(username="bithu_a").exists() and not SecurityEvent.objects.exists()


def test_a_board_officer_of_another_district_or_a_secretary_cannot_unlock(tree, secretary_a, secretary_b):
    other = OrganizationFactory(name="Huyện ủy Ý Yên", level=OrgLevel.DISTRICT, parent=tree["province"])
    outsider = UserFactory(username="bantochuc_khac")
    grant(outsider, Role.ORG_BOARD, other)
    for _i in range(3):
        attempt("bithu_a")
    url = reverse("roles:unlock", kwargs={"pk": secretary_a.pk})
    for user, status in ((outsider, 404), (secretary_b, 404)):
        client = Client()
        client.force_login(user)
        assert client.post(url, {"note": "x"}).status_code == status
        assert client.get(url).status_code == status
    client = Client()
    client.force_login(secretary_b)
    assert client.get(reverse("roles:security")).status_code == 403
    outsider_client = Client()
    outsider_client.force_login(outsider)
    assert 'data-locked="bithu_a"' not in outsider_client.get(reverse("roles:security")).content.decode()
    assert AccessAttempt.objects.filter(username="bithu_a").exists() and not SecurityEvent.objects.exists()


def test_the_inspection_committee_of_another_district_does_not_see_the_unlock(tree, secretary_a, board):
    other = OrganizationFactory(name="Huyện ủy Ý Yên", level=OrgLevel.DISTRICT, parent=tree["province"])
    inspector = UserFactory(username="kiemtra_khac")
    grant(inspector, Role.AUDITOR, other)
    officer = Client()
    officer.force_login(board)
    officer.post(reverse("roles:unlock", kwargs={"pk": secretary_a.pk}), {"note": "Xác minh qua điện thoại"})
    event = SecurityEvent.objects.get()
    client = Client()
    client.force_login(inspector)
    assert f'data-event="{event.pk}"' not in client.get(reverse("roles:security_log")).content.decode()


def test_a_superuser_unlocks_an_address_audited(db):
    root = get_root()
    for name in ("ghost1", "ghost2", "ghost3"):
        attempt(name, ip="203.0.113.7")
    client = Client()
    client.force_login(root)
    assert "203.0.113.7" in client.get(reverse("roles:security")).content.decode()
    client.post(reverse("roles:unlock_address"), {"ip": "203.0.113.7", "note": "Văn phòng xã dùng chung mạng"})
    assert not AccessAttempt.objects.filter(ip_address="203.0.113.7").exists()
    assert SecurityEvent.objects.get().detail == "203.0.113.7"


def get_root():
    from django.contrib.auth import get_user_model  # noqa: PLC0415

    return get_user_model().objects.create_superuser("root", "root@example.org", PASSWORD)


def test_the_client_address_behind_a_reverse_proxy(settings):
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
    settings.LOGIN_TRUSTED_PROXIES = 0
    assert client_ip(request) == "10.0.0.2"  # no proxy: the header is the client's own words
    settings.LOGIN_TRUSTED_PROXIES = 1
    assert client_ip(request) == "203.0.113.9"  # what nginx appended, not what the client sent
    settings.LOGIN_TRUSTED_PROXIES = 2
    assert client_ip(request) == "6.6.6.6"
    bad = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="not-an-address")
    settings.LOGIN_TRUSTED_PROXIES = 1
    assert client_ip(bad) == "10.0.0.2"


def test_the_limits_come_from_the_environment_and_axes_comes_first_and_last():
    import subprocess  # noqa: PLC0415
    import sys  # noqa: PLC0415
    from pathlib import Path  # noqa: PLC0415

    code = ("import config.settings as s; print(s.AXES_FAILURE_LIMIT, int(s.AXES_COOLOFF_TIME.total_seconds()), "
            "s.LOGIN_TRUSTED_PROXIES, s.AUTHENTICATION_BACKENDS[0], s.MIDDLEWARE[-1])")
    env = {"LOGIN_FAILURE_LIMIT": "7", "LOGIN_COOLOFF_MINUTES": "30", "LOGIN_TRUSTED_PROXIES": "1", "PATH": ""}
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=Path(__file__).resolve().parent.parent,
                         capture_output=True, text=True, check=True).stdout.split()
    assert out == ["7", "1800", "1", "axes.backends.AxesStandaloneBackend", "axes.middleware.AxesMiddleware"]


def test_a_login_name_of_any_length_or_bytes_is_counted_and_refused_without_an_error(client, db):
    # Found by the fuzz on PostgreSQL: axes stored the typed name as it came (varchar(255), no NUL).
    for name in ("Nguyễn " * 200, "bi\x00thu"):
        response = client.post(reverse("login"), {"username": name, "password": "sai"})
        assert response.status_code == 200
    attempts = list(AccessAttempt.objects.values_list("username", flat=True))
    assert attempts and all(len(a) <= 150 and "\x00" not in a for a in attempts)
