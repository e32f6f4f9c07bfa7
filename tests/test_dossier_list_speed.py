"""Issue 7, the dossier list and the dossier page at scale: the list counts at most a window of
dossiers ("more than 1,000") yet every page stays reachable; the filter form and the page's
process and timeline print what Django's own rendering printed, computed once per page."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from dossiers.models import Dossier, DossierHistory, State
from ui.templatetags.vn import vn_name
from web.templatetags.web_tags import select_field
from web.views import DossierFilter, DossierListView

from .factories import dossier_in_state
from .test_dossier_pages import spotted

LIST = reverse("dossiers:index")


@pytest.fixture
def small_pages(settings, monkeypatch):
    """Two dossiers a page, counted up to four: the cap is reached with a handful of dossiers."""
    monkeypatch.setattr(DossierListView, "paginate_by", 2)
    settings.DOSSIER_LIST_COUNT_LIMIT = 4


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def names_on(html: str) -> list[str]:
    return re.findall(r'<a href="/dossiers/\d+/">([^<]+)</a>', html)


def test_a_list_longer_than_the_cap_says_more_than_the_cap_and_offers_the_next_page(
        english, small_pages, secretary_a, cell_a):
    for i in range(9):
        spotted(cell_a, name=f"Người Thứ {i}")
    english.force_login(secretary_a)
    response = english.get(LIST)
    html = response.content.decode()
    assert response.context["paginator"].count_is_capped
    assert "More than 4 dossiers" in html and "9 dossiers" not in html
    assert "Page 1 of more than 2" in html
    assert 'href="?page=2" rel="next"' in html and 'rel="prev"' not in html
    assert len(names_on(html)) == 2


def test_every_page_past_the_cap_is_reachable_through_next_and_the_last_counts_exactly(
        english, small_pages, secretary_a, cell_a):
    for i in range(9):
        spotted(cell_a, name=f"Người Thứ {i}")
    english.force_login(secretary_a)
    seen, page, html = [], 1, ""
    while True:
        response = english.get(LIST, {"page": page})
        assert response.status_code == 200, page
        html = response.content.decode()
        seen += names_on(html)
        if 'rel="next"' not in html:
            break
        page += 1
    assert page == 5
    assert sorted(seen) == sorted(f"Người Thứ {i}" for i in range(9))
    assert "9 dossiers" in html and "Page 5 of 5" in html and "more than" not in html
    # Page 3 lies in the second window (rows 5–8): counted up to 8, still more to come.
    html = english.get(LIST, {"page": 3}).content.decode()
    assert "More than 8 dossiers" in html and "Page 3 of more than 4" in html
    assert english.get(LIST, {"page": 6}).status_code == 404


def test_a_list_within_the_cap_shows_the_exact_count(english, small_pages, secretary_a, cell_a):
    for _ in range(3):
        spotted(cell_a)
    english.force_login(secretary_a)
    response = english.get(LIST)
    html = response.content.decode()
    assert not response.context["paginator"].count_is_capped
    assert "3 dossiers" in html and "Page 1 of 2" in html and "More than" not in html


@pytest.mark.parametrize("query", ["", "?state=spotted", "?sort=-changed", "?q=nguyen&sort=name"])
def test_the_count_reads_at_most_the_cap_plus_one_row_whatever_the_filter_and_sort(
        client, small_pages, secretary_a, cell_a, query):
    # Two pages' worth: a list shorter than a page is not counted at all (tests/test_first_page.py).
    for _ in range(3):
        spotted(cell_a, name="Nguyễn Văn An")
    client.force_login(secretary_a)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(LIST + query).status_code == 200
    counts = [q["sql"] for q in ctx.captured_queries if "COUNT(" in q["sql"] and "dossiers_dossier" in q["sql"]]
    assert len(counts) == 1
    assert re.search(r"LIMIT 5\b", counts[0])
    assert "ORDER BY" not in counts[0] and "dossiers_dossierhistory" not in counts[0]


def test_the_list_queries_stay_the_same_below_and_above_the_cap(client, small_pages, secretary_a, cell_a):
    client.force_login(secretary_a)
    for _ in range(3):  # more than a page, fewer than the cap
        spotted(cell_a)
    client.get(LIST)  # the first page keeps the menu's entries and the badge (web.menu, workflows.badge)
    with CaptureQueriesContext(connection) as few:
        client.get(LIST)
    for _ in range(6):
        spotted(cell_a)
    with CaptureQueriesContext(connection) as many:
        client.get(LIST)
    assert len(few) == len(many)


def test_the_filter_form_prints_the_same_html_as_djangos_field_templates(rf, secretary_a, tree, cell_a, cell_b):
    spotted(cell_a)
    request = rf.get(LIST)
    request.user = secretary_a
    translation.activate("vi")
    try:
        for data in ({}, {"state": State.TRAINING, "sort": "name"}, {"organization": cell_b.pk, "year": "1999"},
                     {"organization": cell_a.pk, "state": "nonsense"}):
            f = DossierFilter(data or None, queryset=Dossier.objects.all(), request=request, years=[2025, 2024])
            f.form.is_valid()
            for name in ("organization", "state", "year", "sort"):
                ours = " ".join(str(select_field(f.form[name])).split())
                django = " ".join(str(f.form[name].as_field_group()).split())
                assert ours == django, (data, name)
    finally:
        translation.deactivate()


def test_the_list_links_each_row_to_its_dossier_page_with_its_state(client, secretary_a, cell_a):
    d = dossier_in_state(State.TRAINING, cell=cell_a)
    client.force_login(secretary_a)
    html = client.get(LIST).content.decode()
    assert f'<a href="{reverse("dossiers:detail", args=[d.pk])}">{d.candidate.full_name}</a>' in html
    with translation.override("vi"):
        assert f'web-state--training">{State.TRAINING.label}</span>' in html


def test_the_dossier_page_prints_the_process_and_timeline_texts_computed_once(english, secretary_a, cell_a):
    d = dossier_in_state(State.MENTORING, cell=cell_a, actor=secretary_a)
    english.force_login(secretary_a)
    html = english.get(reverse("dossiers:detail", args=[d.pk])).content.decode()
    process = html[html.index('id="process"'):html.index('id="evidence"')]
    statuses = re.findall(r'<span class="web-process__status">(.*?)</span>', process, re.S)
    assert statuses and all(s.strip() for s in statuses)
    assert any(s.startswith("Done: " + vn_name(secretary_a) + ", ") for s in statuses)
    assert any("Not reached yet" in s for s in statuses)
    timeline = html[html.index('id="timeline"'):]
    events = DossierHistory.objects.filter(dossier=d)
    assert timeline.count("Recorded at ") == events.count()
    with translation.override("en"):
        assert f"{State.TRAINING.label} → {State.MENTORING.label}" in timeline


# The loop the list's template ran before its rows were written in Python (web.presenters).
TEMPLATE_ROWS = """{% load vn %}{% for dossier in object_list %}<tr>
<td data-label="{{ l_candidate }}"><a href="{% url 'dossiers:detail' dossier.pk %}">{{ dossier.candidate.full_name }}</a></td>
<td class="web-nowrap" data-label="{{ l_birth }}">{{ dossier.candidate.birth_date|vn_short_date }}</td>
<td data-label="{{ l_cell }}">{{ dossier.cell.name }}</td>
<td data-label="{{ l_state }}"><span class="web-state web-state--{{ dossier.state }}">{{ dossier.get_state_display }}</span></td>
<td data-label="{{ l_spotted }}">{{ dossier.spotted_on|vn_short_date }}</td>
<td data-label="{{ l_changed }}">{{ dossier.last_change|vn_short_date }}</td>
</tr>{% if not forloop.last %}
{% endif %}{% endfor %}"""


def test_the_list_rows_written_in_python_print_what_the_template_loop_printed(secretary_a, cell_a):
    from django.template import Context, Template

    from permissions.selectors import dossier_list
    from web.presenters import LIST_HEADINGS, list_rows_html

    spotted(cell_a, name='Lê <b>"Tú"</b> & \'Ân\'')
    spotted(cell_a, name="Nguyễn Văn A")
    cell_a.name = "Chi bộ <i>1</i> & \"2\""
    cell_a.save()
    with translation.override("vi"):
        rows = list(dossier_list(user=secretary_a).order_by("pk"))
        names = dict(zip(("l_candidate", "l_birth", "l_cell", "l_state", "l_spotted", "l_changed"),
                         (str(label) for label in LIST_HEADINGS), strict=True))
        expected = Template(TEMPLATE_ROWS).render(Context({"object_list": rows, **names}))
        written = list_rows_html(rows)
    assert written == expected
    assert "&lt;b&gt;&quot;Tú&quot;&lt;/b&gt; &amp; &#x27;Ân&#x27;" in written


def test_the_year_filter_offers_every_year_from_the_last_on_record_to_the_first(secretary_a, cell_a):
    from dossiers.selectors import dossier_years

    assert dossier_years(user=secretary_a) == []
    first, last = spotted(cell_a), spotted(cell_a)
    Dossier.objects.filter(pk=first.pk).update(year=2021)
    Dossier.objects.filter(pk=last.pk).update(year=2024)
    assert dossier_years(user=secretary_a) == [2024, 2023, 2022, 2021]
