"""A mentor or introducer sees the case he works on through a per-dossier guardian permission,
and loses it the moment his assignment ends."""

from django.urls import reverse
from django.utils import timezone
from guardian.shortcuts import get_perms

from dossiers import services
from dossiers.models import Mentor, State
from permissions.scoping import forget_scope, visible_dossiers

from .factories import dossier_in_state


def test_a_mentor_sees_only_the_case_he_mentors_through_a_guardian_permission(
        client, cell_a, secretary_a, mentor_user):
    user, member = mentor_user
    mine = dossier_in_state(State.MENTORING, cell=cell_a, actor=secretary_a)
    other = dossier_in_state(State.MENTORING, cell=cell_a, actor=secretary_a)
    Mentor.objects.create(dossier=mine, member=member, assigned_on=timezone.localdate())
    assert "view_dossier" in get_perms(user, mine)
    assert list(visible_dossiers(user).values_list("pk", flat=True)) == [mine.pk]
    client.force_login(user)
    assert client.get(reverse("dossiers:detail", args=[mine.pk])).status_code == 200
    assert client.get(reverse("dossiers:detail", args=[other.pk])).status_code == 404


def test_a_mentor_removed_from_a_dossier_loses_access_at_once(client, cell_a, secretary_a, mentor_user):
    user, member = mentor_user
    d = dossier_in_state(State.MENTORING, cell=cell_a, actor=secretary_a)
    mentor = Mentor.objects.create(dossier=d, member=member, assigned_on=timezone.localdate())
    client.force_login(user)
    assert client.get(reverse("dossiers:detail", args=[d.pk])).status_code == 200
    mentor.ended_on = timezone.localdate()
    mentor.save()
    assert client.get(reverse("dossiers:detail", args=[d.pk])).status_code == 404
    assert "view_dossier" not in get_perms(user, d)


def test_an_introducer_sees_the_case_while_he_introduces_it(cell_a, secretary_a, mentor_user):
    user, member = mentor_user
    d = dossier_in_state(State.TRAINING, cell=cell_a, actor=secretary_a)
    services.dossier_assign_introducer(
        dossier=d, actor=secretary_a, member=member, worked_together_since=timezone.localdate().replace(year=2020),
        assigned_on=timezone.localdate())
    intro = d.introducers.get(member=member)
    assert d.pk in visible_dossiers(user).values_list("pk", flat=True)
    intro.ended_on = timezone.localdate()
    intro.save()
    user.refresh_from_db()  # the next request: its scope is read again
    forget_scope(user)
    assert d.pk not in visible_dossiers(user).values_list("pk", flat=True)
