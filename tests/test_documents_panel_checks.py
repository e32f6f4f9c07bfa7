"""The documents panel lists what each form lacks without building every form (issue 7: it was a
third of the dossier page); what it lists must stay exactly what a full build would refuse with."""

import pytest

from documents import context, services
from documents.catalogue import BY_CODE, FORMS
from documents.panels import form_rows
from dossiers.models import Dossier, State
from permissions.selectors import dossier_for_page

from .factories import dossier_in_state

STATES = [State.SPOTTED, State.MENTORING, State.BRANCH_VOTE, State.PROBATION, State.RECOGNIZED]


def _every_copy(dossier):
    for form in FORMS:
        for subject, _name in form.subjects(dossier) or [("", "")]:
            yield form, subject


def _assert_same_missing(dossier):
    for form, subject in _every_copy(dossier):
        full = services.document_check(dossier=dossier, form=form, subject=subject, options={"signer": "Lê Văn Ký"})
        with context.shared_pieces():
            quick = services.document_missing(dossier=dossier, form=form, subject=subject,
                                              options={"signer": "Lê Văn Ký"})
        assert [str(e) for e in quick] == [str(e) for e in full.errors], (form.code, subject)


@pytest.mark.parametrize("state", STATES)
def test_the_panel_lists_what_a_full_build_lacks_for_every_form(cell_a, secretary_a, state):
    d = dossier_in_state(state, cell=cell_a, actor=secretary_a)
    _assert_same_missing(dossier_for_page(user=secretary_a, pk=d.pk))


def test_the_panel_lists_a_missing_candidate_field_and_place_name_like_a_full_build(cell_a, secretary_a):
    d = dossier_in_state(State.PROBATION, cell=cell_a, actor=secretary_a)
    d.candidate.place_of_birth = ""
    d.candidate.save()
    type(cell_a).objects.filter(pk=cell_a.pk).update(place_name="")
    page = dossier_for_page(user=secretary_a, pk=d.pk)
    _assert_same_missing(page)
    rows = {row.form.code: row for row in form_rows(secretary_a, page)}
    # Every form printing the candidate says the birthplace is missing, the cheap check included.
    assert any("nơi sinh" in e for e in rows["2-KNĐ"].errors)
    assert any("nơi sinh" in e for e in rows["9-KNĐ"].errors)


def test_the_panel_checks_the_personal_history_without_reading_its_lists(
        cell_a, secretary_a, django_assert_num_queries):
    d = dossier_in_state(State.MENTORING, cell=cell_a, actor=secretary_a)
    page = dossier_for_page(user=secretary_a, pk=d.pk)
    # Awards, work history and trips are read only to print the draft, never to check it.
    with django_assert_num_queries(0):
        services.document_missing(dossier=page, form=BY_CODE["2-KNĐ"])
    with django_assert_num_queries(3):
        services.document_check(dossier=page, form=BY_CODE["2-KNĐ"])


def test_the_candidate_block_is_shared_only_inside_one_panel(cell_a, secretary_a):
    d = dossier_in_state(State.MENTORING, cell=cell_a, actor=secretary_a)
    page = Dossier.objects.select_related("candidate").get(pk=d.pk)
    with context.shared_pieces():
        first = context.candidate_block(context.Built(), page)
        page.candidate.full_name = "Đỗ Thị Hoa"
        # Inside the block the first reading stands (the panel reads, nothing writes meanwhile)…
        assert context.candidate_block(context.Built(), page)["name"] == first["name"]
    # …and outside it every call reads the dossier afresh.
    assert context.candidate_block(context.Built(), page)["name"] == "Đỗ Thị Hoa"


def test_shared_errors_are_counted_once_per_form(cell_a, secretary_a):
    d = dossier_in_state(State.MENTORING, cell=cell_a, actor=secretary_a)
    d.candidate.home_town = ""
    d.candidate.save()
    page = Dossier.objects.select_related("candidate").get(pk=d.pk)
    with context.shared_pieces():
        built = [context.Built() for _ in range(3)]
        for b in built:
            context.candidate_block(b, page)
    assert [len(b.errors) for b in built] == [1, 1, 1]
