"""A session ends after SESSION_IDLE_MINUTES without a request (issue 18 §3): the next page sends the
user to the login page with the reason in Vietnamese; an active user stays logged in, and the
session is not written on every page."""

import time

from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ui.sessions import LAST_SEEN


def set_last_seen(client, seconds_ago: int) -> None:
    session = client.session
    session[LAST_SEEN] = int(time.time()) - seconds_ago
    session.save()


def test_logging_in_starts_the_idle_clock(client, secretary_a):
    client.force_login(secretary_a)
    assert abs(client.session[LAST_SEEN] - time.time()) < 5


def test_it_logs_out_after_the_idle_time_and_says_why(client, secretary_a, settings):
    settings.SESSION_IDLE_MINUTES = 30
    client.force_login(secretary_a)
    set_last_seen(client, 31 * 60)
    old_key = client.session.session_key
    response = client.get(reverse("dossiers:index"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login")) and "next=/dossiers/" in response.url
    assert "_auth_user_id" not in client.session
    page = client.get(response.url).content.decode()
    assert "Phiên làm việc đã kết thúc sau 30 phút không thao tác" in page
    # The old session is gone from the database, not just from the cookie.
    assert not Session.objects.filter(session_key=old_key).exists()


def test_a_post_after_the_idle_time_changes_nothing_and_asks_to_log_in(client, secretary_a, settings):
    client.force_login(secretary_a)
    set_last_seen(client, settings.SESSION_IDLE_MINUTES * 60 + 1)
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(reverse("notices:list"), {"mark_read": "1"})
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    # Only the end of the session is written: the session row and axes' access log (logout time).
    writes = [q["sql"] for q in ctx.captured_queries if q["sql"].split()[0].upper() in ("INSERT", "UPDATE")
              and "django_session" not in q["sql"] and "axes_accesslog" not in q["sql"]]
    assert writes == []


def test_an_active_user_stays_logged_in_and_the_session_is_written_at_most_once_a_minute(
        client, secretary_a, settings):
    client.force_login(secretary_a)
    set_last_seen(client, 29 * 60)  # just inside the 30 minutes
    assert client.get(reverse("dossiers:index")).status_code == 200
    refreshed = client.session[LAST_SEEN]
    assert abs(refreshed - time.time()) < 5
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("dossiers:index")).status_code == 200
    assert not [q for q in ctx.captured_queries if "django_session" in q["sql"]
                and q["sql"].split()[0].upper() in ("INSERT", "UPDATE")]
    assert client.session[LAST_SEEN] == refreshed


def test_the_idle_time_is_a_setting(client, secretary_a, settings):
    settings.SESSION_IDLE_MINUTES = 5
    client.force_login(secretary_a)
    set_last_seen(client, 6 * 60)
    assert client.get(reverse("dossiers:index")).status_code == 302
    client.force_login(secretary_a)
    set_last_seen(client, 4 * 60)
    assert client.get(reverse("dossiers:index")).status_code == 200
