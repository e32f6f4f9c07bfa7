"""Personal API keys: made on the page "Khóa API" from a logged-in session, shown once, stored
hashed; the API accepts a key only while it is neither expired nor revoked; making and revoking
are kept in the key's history."""

import datetime as dt
import hashlib
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from api.models import ApiToken
from api.services import token_create, token_revoke

pytestmark = pytest.mark.django_db


def in_days(n):
    return timezone.localdate() + dt.timedelta(days=n)


def test_a_key_made_on_the_page_is_shown_once_and_stored_as_its_hash(client, secretary_a):
    client.force_login(secretary_a)
    response = client.post(reverse("tokens:index"), {"name": "CSDL đảng viên tỉnh", "expires_on": in_days(30)})
    assert response.status_code == 200
    raw = re.search(r"data-key>(pdv_[^<]+)<", response.content.decode()).group(1)
    token = ApiToken.objects.get(user=secretary_a)
    assert token.digest == hashlib.sha256(raw.encode()).hexdigest() and raw not in token.digest
    assert raw.split("_")[1] == token.prefix
    again = client.get(reverse("tokens:index")).content.decode()
    assert raw not in again and "CSDL đảng viên tỉnh" in again
    assert Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get(reverse("api:me")).json()["username"] == "bithu_a"


def test_the_page_is_in_the_menu_and_needs_a_login(client, secretary_a):
    assert client.get(reverse("tokens:index")).status_code == 302
    client.force_login(secretary_a)
    assert reverse("tokens:index") in client.get(reverse("dossiers:index")).content.decode()


def test_a_key_without_a_name_or_too_long_lived_is_refused(client, secretary_a, settings):
    client.force_login(secretary_a)
    settings.API_TOKEN_MAX_DAYS = 30
    response = client.post(reverse("tokens:index"), {"name": "x", "expires_on": in_days(31)})
    assert response.status_code == 200 and response.context["form"].errors
    assert client.post(reverse("tokens:index"), {"name": "x", "expires_on": in_days(0)}).context["form"].errors
    assert not ApiToken.objects.exists()


def test_a_revoked_key_is_refused_and_the_revocation_is_in_its_history(client, secretary_a):
    token, raw = token_create(user=secretary_a, name="script", expires_on=in_days(10))
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert api.get(reverse("api:me")).status_code == 200
    client.force_login(secretary_a)
    assert client.post(reverse("tokens:revoke", args=[token.pk])).status_code == 302
    assert api.get(reverse("api:me")).status_code == 401
    history = list(token.history.order_by("history_date").values_list("history_type", "history_user", "revoked_at"))
    assert [h[0] for h in history] == ["+", "~"] and history[1][1] == secretary_a.pk and history[1][2]


def test_an_expired_key_is_refused(secretary_a):
    token, raw = token_create(user=secretary_a, name="script", expires_on=in_days(1))
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get(reverse("api:me")).status_code == 401


def test_a_wrong_or_malformed_key_is_refused(secretary_a):
    token, raw = token_create(user=secretary_a, name="script", expires_on=in_days(1))
    for bad in (raw[:-1] + ("A" if raw[-1] != "A" else "B"), "pdv_nothing", "Bearer", "x y"):
        assert Client(HTTP_AUTHORIZATION=f"Bearer {bad}").get(reverse("api:me")).status_code == 401


def test_nobody_revokes_another_users_key(client, secretary_a, secretary_b):
    token, _raw = token_create(user=secretary_a, name="script", expires_on=in_days(1))
    client.force_login(secretary_b)
    assert client.post(reverse("tokens:revoke", args=[token.pk])).status_code == 404
    from dossiers.refusals import Refusal  # noqa: PLC0415

    with pytest.raises(Refusal):
        token_revoke(token=token, actor=secretary_b)
    token.refresh_from_db()
    assert token.revoked_at is None


def test_without_a_key_or_session_the_api_answers_401(client):
    assert client.get(reverse("api:dossier-list")).status_code == 401


def test_the_rate_limit_is_per_key(api, secretary_a, settings):
    from django.core.cache import cache  # noqa: PLC0415

    cache.clear()
    settings.API_THROTTLE_RATES = {"api_read": "3/min", "api_act": "3/min"}
    first, second = api(secretary_a), api(secretary_a)
    assert [first.get(reverse("api:me")).status_code for _ in range(4)] == [200, 200, 200, 429]
    assert second.get(reverse("api:me")).status_code == 200
    cache.clear()
