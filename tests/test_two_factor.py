"""Issue 18 §2: a second factor (django-otp: an authenticator app's TOTP, backup codes) for the roles
that decide or see a whole subtree; optional for the others. A user who must pass it and has not in
this session reaches no page but logging in and out and the second-factor pages; an administrator's
reset is audited; the demo's code works only while DEBUG is on."""

from __future__ import annotations

import re
from binascii import unhexlify

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import second_factor
from accounts.models import SecurityEvent
from accounts.services import demo_device_ensure
from permissions.models import Role

from .factories import UserFactory, grant

PASSWORD = "pw-test-12345"


@pytest.fixture(autouse=True)
def _enforced(settings):
    settings.TWO_FACTOR_ENFORCED = True


@pytest.fixture
def root(db):
    return get_user_model().objects.create_superuser("root", "root@example.org", PASSWORD)


def code_of(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def app_for(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="app", confirmed=True)


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def verified(user) -> Client:
    """Logged in and past the second factor, with a backup code made for the test."""
    device = StaticDevice.objects.create(user=user, name=second_factor.BACKUP_DEVICE_NAME, confirmed=True)
    device.token_set.create(token=f"code{user.pk}")
    client = logged_in(user)
    assert client.post(reverse("account:verify"), {"token": f"code{user.pk}"}).status_code == 302
    return client


REQUIRED = ["committee_member", "approver", "org_board", "auditor", "root"]


@pytest.mark.parametrize("persona", REQUIRED)
def test_a_required_role_without_a_device_is_sent_to_set_up_an_app_from_every_page(request, persona):
    client = logged_in(request.getfixturevalue(persona))
    for path in ("/", reverse("dossiers:index"), reverse("tasks:inbox"), "/admin/", reverse("roles:changes")):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(reverse("account:enrol") + "?next="), path
    assert client.post(reverse("dossiers:index")).status_code == 302
    # …but the second-factor pages, the language switch and logging out stay open.
    assert client.get(reverse("account:enrol")).status_code == 200
    assert client.get(reverse("account:two_factor")).status_code == 200
    assert client.post(reverse("logout")).status_code == 302


@pytest.mark.parametrize("persona", REQUIRED)
def test_a_required_role_with_a_device_is_sent_to_the_code_page(request, persona):
    user = request.getfixturevalue(persona)
    app_for(user)
    response = logged_in(user).get(reverse("dossiers:index"))
    assert response.status_code == 302
    assert response["Location"] == reverse("account:verify") + "?next=%2Fdossiers%2F"


def test_only_the_roles_that_decide_or_see_a_subtree_require_it(tree, secretary_a, mentor_user):
    for role in Role:
        user = UserFactory(username=f"u_{role.value}")
        grant(user, role, tree["cells"][0] if role in (Role.CELL_SECRETARY, Role.CELL_DEPUTY) else tree["district"])
        assert second_factor.is_required(user) is (role in second_factor.REQUIRED_ROLES), role


def test_an_optional_role_goes_anywhere_without_it_until_it_sets_up_an_app(secretary_a):
    client = logged_in(secretary_a)
    assert client.get(reverse("dossiers:index")).status_code == 200
    assert client.get("/").status_code == 200
    app_for(secretary_a)
    response = client.get(reverse("dossiers:index"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account:verify"))


def test_the_login_page_then_the_code_page_then_the_page_asked_for(approver):
    device = app_for(approver)
    client = Client()
    response = client.post(reverse("login"), {"username": "btv_huyen", "password": PASSWORD, "next": "/dossiers/"},
                           follow=True)
    assert response.redirect_chain[-1][0] == reverse("account:verify") + "?next=%2Fdossiers%2F"
    page = response.content.decode()
    assert "Xác thực hai bước" in page and 'name="token"' in page
    assert not re.search(r"<script(?![^>]*\bsrc=)", page) and " onclick=" not in page
    response = client.post(reverse("account:verify"), {"token": code_of(device), "next": "/dossiers/"})
    assert response.status_code == 302 and response["Location"] == "/dossiers/"
    assert client.get(reverse("dossiers:index")).status_code == 200
    assert client.get("/admin/").status_code in (200, 302)  # not sent back to the code page


def test_a_wrong_code_is_refused_in_vietnamese_and_counted(approver):
    device = app_for(approver)
    client = logged_in(approver)
    response = client.post(reverse("account:verify"), {"token": "000000"})
    assert response.status_code == 200
    assert "Mã không đúng" in response.content.decode()
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    # Right after a wrong code even the right one waits (django-otp's throttling doubles the wait).
    response = client.post(reverse("account:verify"), {"token": code_of(device)})
    assert response.status_code == 200 and "Nhập sai mã quá nhiều lần" in response.content.decode()
    assert client.get(reverse("dossiers:index")).status_code == 302


def test_setting_up_an_app_with_the_qr_code_and_a_valid_code(committee_member):
    client = logged_in(committee_member)
    page = client.get(reverse("account:enrol") + "?next=/tasks/")
    html = page.content.decode()
    assert page.status_code == 200 and "<svg" in html and "Thiết lập ứng dụng xác thực" in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    key = client.session["two_factor_enrol_key"]
    assert not TOTPDevice.objects.exists()  # nothing saved before the app proves it has the secret
    wrong = client.post(reverse("account:enrol"), {"token": "123456", "next": "/tasks/"})
    assert wrong.status_code == 200 and "Mã không khớp" in wrong.content.decode()
    assert not TOTPDevice.objects.exists()
    token = f"{totp(unhexlify(key)):06d}"
    response = client.post(reverse("account:enrol"), {"token": token, "next": "/tasks/"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("account:backup_codes"))
    device = TOTPDevice.objects.get(user=committee_member)
    assert device.confirmed and device.key == key
    codes_page = client.get(response["Location"]).content.decode()
    codes = re.findall(r"<li><code>([a-z0-9]+)</code></li>", codes_page)
    assert len(codes) == 10 and set(codes) == set(StaticToken.objects.values_list("token", flat=True))
    assert re.findall(r"<li><code>", client.get(reverse("account:backup_codes")).content.decode()) == []  # once
    assert client.get("/tasks/").status_code == 200  # verified by the set-up itself
    event = SecurityEvent.objects.get()
    assert (event.action, event.user, event.actor) == (SecurityEvent.Action.ENROL, committee_member, committee_member)


def test_an_app_already_set_up_is_not_replaced_without_its_code(approver):
    app_for(approver)
    client = logged_in(approver)
    assert client.get(reverse("account:enrol"))["Location"].startswith(reverse("account:verify"))
    client.post(reverse("account:enrol"), {"token": "123456"})
    assert TOTPDevice.objects.filter(user=approver).count() == 1


def test_backup_codes_alone_also_guard_the_set_up_page(approver):
    backup = StaticDevice.objects.create(user=approver, name=second_factor.BACKUP_DEVICE_NAME, confirmed=True)
    backup.token_set.create(token="abcd2345")
    client = logged_in(approver)
    assert client.get(reverse("account:enrol"))["Location"].startswith(reverse("account:verify"))
    assert client.post(reverse("account:enrol"), {"token": "123456"})["Location"] == reverse("account:verify")
    assert not TOTPDevice.objects.exists()


def test_a_backup_code_works_once(approver):
    app_for(approver)
    backup = StaticDevice.objects.create(user=approver, name=second_factor.BACKUP_DEVICE_NAME, confirmed=True)
    backup.token_set.create(token="abcd2345")
    first = logged_in(approver)
    assert first.post(reverse("account:verify"), {"token": "ABCD 2345"})["Location"] == "/"
    assert first.get(reverse("dossiers:index")).status_code == 200
    second = logged_in(approver)
    response = second.post(reverse("account:verify"), {"token": "abcd2345"})
    assert response.status_code == 200 and not StaticToken.objects.exists()


def test_new_backup_codes_replace_the_old_ones_only_after_passing_the_app(approver):
    device = app_for(approver)
    client = logged_in(approver)
    assert client.post(reverse("account:backup_codes")).status_code == 302
    assert not StaticToken.objects.exists()
    client.post(reverse("account:verify"), {"token": code_of(device)})
    client.post(reverse("account:backup_codes"))
    assert StaticToken.objects.filter(device__user=approver).count() == 10


def test_an_administrator_resets_a_second_factor_audited(root, approver, board):
    app_for(approver)
    url = reverse("roles:otp_reset", kwargs={"pk": approver.pk})
    officer = verified(board)
    assert officer.get(url).status_code == 403  # the board unlocks logins, it does not reset a second factor
    admin = verified(root)
    found = admin.get(reverse("roles:security"), {"q": "btv_huyen"}).content.decode()
    assert 'data-found="btv_huyen"' in found and url in found
    assert url not in officer.get(reverse("roles:security"), {"q": "btv_huyen"}).content.decode()
    assert admin.get(reverse("account:two_factor")).status_code == 200
    assert admin.get(url).status_code == 200
    assert admin.post(url, {"note": ""}).status_code == 200 and TOTPDevice.objects.filter(user=approver).exists()
    response = admin.post(url, {"note": "Mất điện thoại, đã xác minh trực tiếp"})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=approver).exists()
    event = SecurityEvent.objects.get(action=SecurityEvent.Action.RESET)
    assert (event.actor, event.user, event.note) == (root, approver, "Mất điện thoại, đã xác minh trực tiếp")
    # At the next login he sets up a new app.
    assert logged_in(approver).get("/")["Location"].startswith(reverse("account:enrol"))


def test_the_demo_code_works_again_and_again_while_debug_is_on(settings, approver):
    settings.DEBUG = True
    settings.DEMO_OTP_CODE = "246810"
    demo_device_ensure(user=approver)
    for _i in range(2):
        client = logged_in(approver)
        assert client.get("/")["Location"].startswith(reverse("account:verify"))
        assert client.post(reverse("account:verify"), {"token": "246810"})["Location"] == "/"
        assert client.get(reverse("dossiers:index")).status_code == 200


def test_the_demo_code_is_refused_when_debug_is_off(settings, approver):
    settings.DEMO_OTP_CODE = "246810"
    demo_device_ensure(user=approver)
    settings.DEBUG = True
    client = logged_in(approver)
    client.post(reverse("account:verify"), {"token": "246810"})
    assert client.get(reverse("dossiers:index")).status_code == 200
    settings.DEBUG = False
    # The session verified with the demo device no longer counts, and the code is refused.
    assert client.get(reverse("dossiers:index")).status_code == 302
    fresh = logged_in(approver)
    assert fresh.get("/")["Location"].startswith(reverse("account:enrol"))  # the demo device is no device
    response = fresh.post(reverse("account:verify"), {"token": "246810"})
    assert response.status_code == 200 and fresh.get(reverse("dossiers:index")).status_code == 302


def test_the_requirement_can_be_turned_off(settings, approver):
    settings.TWO_FACTOR_ENFORCED = False
    assert logged_in(approver).get(reverse("dossiers:index")).status_code == 200


def test_the_requirement_costs_a_verified_page_no_query_and_an_optional_user_none_after_his_first(
        settings, approver, secretary_a):
    from django.db import connection  # noqa: PLC0415
    from django.test.utils import CaptureQueriesContext  # noqa: PLC0415

    def cost(client: Client, enforced: bool) -> int:
        settings.TWO_FACTOR_ENFORCED = enforced
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("dossiers:index")).status_code == 200
        return len(queries)

    client = verified(approver)
    cost(client, True)  # warm the caches (sessions, content types)
    assert cost(client, True) == cost(client, False)
    optional = logged_in(secretary_a)
    cost(optional, True)  # his first page asks whether he has set up an app; his session keeps "no"
    assert cost(optional, True) == cost(optional, False)


def asked_for_a_code(client: Client) -> bool:
    return client.get(reverse("dossiers:index")).status_code == 302


def test_an_app_set_up_in_another_session_asks_for_its_code_on_the_next_page(secretary_a):
    client = logged_in(secretary_a)
    assert not asked_for_a_code(client) and not asked_for_a_code(client)  # "no app" is kept
    app_for(secretary_a)  # set up from his other browser
    response = client.get(reverse("dossiers:index"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account:verify"))


def test_an_app_removed_lets_an_optional_user_in_again(secretary_a):
    device = app_for(secretary_a)
    client = logged_in(secretary_a)
    assert asked_for_a_code(client)
    device.delete()  # an administrator's reset removes it
    assert not asked_for_a_code(client)


def test_a_role_that_requires_it_asks_on_the_next_page(secretary_a, tree):
    client = logged_in(secretary_a)
    assert not asked_for_a_code(client)
    grant(secretary_a, Role.APPROVER, tree["district"])
    response = client.get(reverse("dossiers:index"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account:enrol"))


def test_a_user_made_superuser_is_asked_on_the_next_page(secretary_a):
    client = logged_in(secretary_a)
    assert not asked_for_a_code(client)
    get_user_model().objects.filter(pk=secretary_a.pk).update(is_superuser=True)  # the admin, or a shell
    assert asked_for_a_code(client)


def test_a_verified_session_reads_its_device_once_and_loses_it_on_the_page_after_a_reset(root, approver):
    from django.db import connection  # noqa: PLC0415
    from django.test.utils import CaptureQueriesContext  # noqa: PLC0415

    from accounts.services import second_factor_reset  # noqa: PLC0415

    client = verified(approver)  # his session passed with a backup code
    assert client.get(reverse("dossiers:index")).status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("dossiers:index")).status_code == 200
    assert not [q for q in ctx.captured_queries if "otp_" in q["sql"]]  # the device is kept
    second_factor_reset(user=approver, actor=root, note="Mất điện thoại")
    response = client.get(reverse("dossiers:index"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account:enrol"))
