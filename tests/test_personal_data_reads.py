"""Luật 91/2025/QH15: every read of a dossier's personal data is logged, and the inspection
committee of the subtree sees the log; nobody else does."""

import pytest
from django.urls import reverse

from dossiers.models import State
from permissions.models import PersonalDataRead, Role

from .factories import UserFactory, dossier_in_state, grant


@pytest.fixture
def inspector(tree):
    """Inspection committee of the district: reads the log of its subtree."""
    user = UserFactory(username="kiemtra")
    grant(user, Role.AUDITOR, tree["district"])
    return user


@pytest.fixture
def inspector_b(cell_b):
    """Inspection for cell B only: must not see the reads of cell A's dossiers."""
    user = UserFactory(username="kiemtra_b")
    grant(user, Role.AUDITOR, cell_b)
    return user


def test_opening_the_dossier_page_and_the_candidate_form_writes_one_read_each(client, secretary_a, cell_a):
    d = dossier_in_state(State.SPOTTED, cell=cell_a)
    client.force_login(secretary_a)
    client.get(reverse("dossiers:detail", args=[d.pk]))
    client.get(reverse("dossiers:candidate", args=[d.pk]))
    reads = list(PersonalDataRead.objects.filter(dossier=d).order_by("pk").values_list("user", "what"))
    assert reads == [(secretary_a.pk, "dossier_page"), (secretary_a.pk, "candidate_form")]


def test_a_refused_page_writes_no_read(client, secretary_b, cell_a):
    d = dossier_in_state(State.SPOTTED, cell=cell_a)
    client.force_login(secretary_b)
    assert client.get(reverse("dossiers:detail", args=[d.pk])).status_code == 404
    assert not PersonalDataRead.objects.exists()


def test_the_inspector_sees_who_read_what_in_the_subtree(client, secretary_a, inspector, cell_a):
    d = dossier_in_state(State.SPOTTED, cell=cell_a)
    client.force_login(secretary_a)
    client.get(reverse("dossiers:detail", args=[d.pk]))
    client.force_login(inspector)
    html = client.get(reverse("roles:reads")).content.decode()
    assert "bithu_a" in html and d.candidate.full_name in html and "Trang hồ sơ" in html


def test_an_inspector_of_another_cell_does_not_see_those_reads(client, secretary_a, inspector_b, cell_a):
    d = dossier_in_state(State.SPOTTED, cell=cell_a)
    client.force_login(secretary_a)
    client.get(reverse("dossiers:detail", args=[d.pk]))
    client.force_login(inspector_b)
    response = client.get(reverse("roles:reads"))
    assert response.status_code == 200 and "bithu_a" not in response.content.decode()


def test_a_secretary_may_not_read_the_log(client, secretary_a):
    client.force_login(secretary_a)
    assert client.get(reverse("roles:reads")).status_code == 403


def test_the_log_filters_by_user_and_dossier_and_costs_fixed_queries(
        client, secretary_a, inspector, cell_a, django_assert_max_num_queries):
    d, e = dossier_in_state(State.SPOTTED, cell=cell_a), dossier_in_state(State.SPOTTED, cell=cell_a)
    client.force_login(secretary_a)
    for _ in range(15):
        client.get(reverse("dossiers:detail", args=[d.pk]))
    client.get(reverse("dossiers:detail", args=[e.pk]))
    client.force_login(inspector)
    client.get(reverse("roles:reads"))
    with django_assert_max_num_queries(8):
        response = client.get(reverse("roles:reads"), {"dossier": e.pk, "q": "bithu"})
    assert [r.dossier_id for r in response.context["reads"]] == [e.pk]


def test_the_log_is_append_only(secretary_a, cell_a):
    d = dossier_in_state(State.SPOTTED, cell=cell_a)
    read = PersonalDataRead.objects.create(user=secretary_a, dossier=d, what="dossier_page")
    with pytest.raises(ValueError):
        read.save()
    with pytest.raises(ValueError):
        read.delete()
