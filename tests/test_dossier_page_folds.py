"""The dossier page's long parts, folded and loaded when unfolded (a lazy Turbo frame; a link
without scripts), each scoped and logged as the page is: the timeline's earlier items (the page
prints the latest, and costs the same queries for a history of two actions or of sixty) and the
candidate's personal history."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from builders.templates import dossier_copy
from dossiers.models import DossierHistory, State
from permissions.models import PersonalDataRead
from web.presenters import TIMELINE_RECENT

from .test_dossier_pages import DOSSIER_PAGE_QUERIES


def lengthen_history(dossier, actor, n: int) -> None:
    """`n` edits of the dossier's details, a day apart, before now."""
    start = timezone.now() - dt.timedelta(days=n + 1)
    DossierHistory.objects.bulk_create([
        DossierHistory(dossier=dossier, actor=actor, action="update_details", from_state=dossier.state,
                       to_state=dossier.state, note=f"Sửa lần {i}") for i in range(n)])
    for i, pk in enumerate(DossierHistory.objects.filter(note__startswith="Sửa lần").order_by("pk")
                           .values_list("pk", flat=True)):
        DossierHistory.objects.filter(pk=pk).update(at=start + dt.timedelta(days=i))


def get(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), len(ctx)


def test_the_page_costs_the_same_queries_for_a_short_and_a_long_history(client, secretary_a, cell_a,
                                                                         django_assert_max_num_queries):
    short = dossier_copy(State.MENTORING, cell=cell_a, actor=secretary_a)
    long = dossier_copy(State.MENTORING, cell=cell_a, actor=secretary_a)
    lengthen_history(long, secretary_a, 60)
    client.force_login(secretary_a)
    get(client, reverse("dossiers:detail", args=[short.pk]))  # the session's first request
    with django_assert_max_num_queries(DOSSIER_PAGE_QUERIES):
        short_html, short_queries = get(client, reverse("dossiers:detail", args=[short.pk]))
    long_html, long_queries = get(client, reverse("dossiers:detail", args=[long.pk]))
    assert long_queries == short_queries
    # As many items printed: the sixty edits wait behind the folded earlier history.
    assert long_html.count("web-timeline__item ") == TIMELINE_RECENT
    assert "Sửa lần 59" in long_html and "Sửa lần 0<" not in long_html
    assert 'id="timeline-earlier" loading="lazy"' in long_html


def test_the_earlier_history_is_the_rest_of_the_timeline_and_a_link_without_scripts(client, secretary_a, cell_a):
    d = dossier_copy(State.MENTORING, cell=cell_a, actor=secretary_a)
    lengthen_history(d, secretary_a, 30)
    client.force_login(secretary_a)
    page, _ = get(client, reverse("dossiers:detail", args=[d.pk]))
    url = reverse("dossiers:timeline", args=[d.pk])
    assert f'<a href="{url}" data-turbo-frame="_top">' in page  # inside the frame: what shows without scripts
    earlier, _ = get(client, f"{url}?skip={TIMELINE_RECENT}")
    whole, _ = get(client, url)
    assert '<turbo-frame id="timeline-earlier">' in earlier
    notes = [f"Sửa lần {i}<" for i in range(30)]
    # The page and the earlier part together are the whole timeline, each item once, newest first.
    shown = [n for n in notes if n in page] + [n for n in notes if n in earlier]
    assert sorted(shown) == sorted(notes) and all(n in whole for n in notes)
    assert whole.index("Sửa lần 29<") < whole.index("Sửa lần 0<")
    assert whole.count("web-timeline__item ") == TIMELINE_RECENT + earlier.count("web-timeline__item ")


def test_a_short_history_has_no_earlier_part(client, secretary_a, cell_a):
    d = dossier_copy(State.SPOTTED, cell=cell_a, actor=secretary_a)
    client.force_login(secretary_a)
    page, _ = get(client, reverse("dossiers:detail", args=[d.pk]))
    assert "timeline-earlier" not in page and "web-timeline__item " in page


def test_the_timeline_is_scoped_and_logged_as_the_dossier_page(client, secretary_a, secretary_b, cell_a):
    d = dossier_copy(State.MENTORING, cell=cell_a, actor=secretary_a)
    url = reverse("dossiers:timeline", args=[d.pk])
    client.force_login(secretary_b)
    assert client.get(url).status_code == 404
    assert not PersonalDataRead.objects.filter(dossier=d).exists()
    client.logout()
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    client.force_login(secretary_a)
    assert client.get(url + "?skip=x").status_code == 200
    reads = list(PersonalDataRead.objects.filter(dossier=d).values_list("user", "what", "detail"))
    assert reads == [(secretary_a.pk, "dossier_page", "timeline")]


# --- The candidate's personal history: folded on the page, loaded when unfolded ------------------


def test_the_candidates_history_is_folded_on_the_page_and_whole_on_its_own_page(client, secretary_a, cell_a):
    d = dossier_copy(State.MENTORING, cell=cell_a, actor=secretary_a)
    d.candidate.relatives.create(kind="sibling", full_name="Đỗ Văn Em", occupation="Thợ mộc làng Kim Bồng")
    client.force_login(secretary_a)
    page, _ = get(client, reverse("dossiers:detail", args=[d.pk]))
    url = reverse("dossiers:background", args=[d.pk])
    assert f'<turbo-frame id="candidate-background" loading="lazy" src="{url}">' in page
    assert f'<a href="{url}" data-turbo-frame="_top">' in page  # what shows without scripts
    assert "Thợ mộc làng Kim Bồng" not in page
    background, _ = get(client, url)
    assert '<turbo-frame id="candidate-background">' in background
    assert "Thợ mộc làng Kim Bồng" in background and d.candidate.full_name in background
    assert "Đỗ Văn Em" in background


def test_the_candidates_history_is_scoped_and_logged_as_the_dossier_page(client, secretary_a, secretary_b, cell_a):
    d = dossier_copy(State.MENTORING, cell=cell_a, actor=secretary_a)
    url = reverse("dossiers:background", args=[d.pk])
    client.force_login(secretary_b)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302
    assert not PersonalDataRead.objects.filter(dossier=d).exists()
    client.force_login(secretary_a)
    assert client.get(url).status_code == 200
    reads = list(PersonalDataRead.objects.filter(dossier=d).values_list("user", "what", "detail"))
    assert reads == [(secretary_a.pk, "dossier_page", "candidate")]
