"""Two people acting at once: exactly one wins, the other is told, nothing is half-written."""

import threading

import pytest
from django.db import close_old_connections, connection
from django.utils import timezone

from dossiers import services
from dossiers.models import Dossier, DossierHistory, State, TrainingCertificate

from .factories import UserFactory, dossier_in_state


def test_a_stale_copy_of_the_dossier_cannot_act_after_someone_else_did(cell_a):
    d = dossier_in_state(State.SPOTTED, cell=cell_a)
    mine, theirs = Dossier.objects.get(pk=d.pk), Dossier.objects.get(pk=d.pk)
    services.dossier_enroll_training(dossier=theirs, actor=UserFactory(), class_name="A", organiser="B",
                                     start_date=timezone.localdate())
    with pytest.raises(services.Refusal) as exc:
        services.dossier_withdraw(dossier=mine, actor=UserFactory(), reason="Rút")
    assert "người khác" in exc.value.reasons[0]
    assert Dossier.objects.get(pk=d.pk).state == State.TRAINING


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_secretaries_enrolling_at_once_on_postgresql_one_wins(cell_a):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    d = dossier_in_state(State.SPOTTED, cell=cell_a)
    users = [UserFactory(), UserFactory()]
    barrier = threading.Barrier(2)
    outcomes = []

    def act(user):
        close_old_connections()
        copy = Dossier.objects.get(pk=d.pk)
        barrier.wait()
        try:
            services.dossier_enroll_training(dossier=copy, actor=user, class_name="A", organiser="B",
                                             start_date=timezone.localdate())
            outcomes.append("won")
        except services.Refusal as exc:
            outcomes.append(exc.reasons[0])
        finally:
            connection.close()

    threads = [threading.Thread(target=act, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes, key=lambda o: o != "won")[0] == "won"
    assert outcomes.count("won") == 1
    assert Dossier.objects.get(pk=d.pk).state == State.TRAINING
    assert TrainingCertificate.objects.filter(dossier=d).count() == 1
    assert DossierHistory.objects.filter(dossier=d, action="enroll_training").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_secretaries_completing_the_same_task_at_once_one_wins_the_other_is_told(cell_a, secretary_a):
    """The secretary and her deputy both open "register for the training class" from their task
    lists and submit at the same moment: one task done, one history row, the other sees why."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    from django.test import Client
    from django.urls import reverse
    from viewflow.workflow.models import Task

    from permissions.models import Role

    from .factories import grant

    deputy = UserFactory(username="phobithu_a")
    grant(deputy, Role.CELL_DEPUTY, cell_a)
    d = dossier_in_state(State.SPOTTED, cell=cell_a)
    url = reverse("dossiers:step", args=[d.pk, "enroll_training"])
    barrier = threading.Barrier(2)
    outcomes = {}

    def complete(user, class_name):
        close_old_connections()
        try:
            browser = Client()
            browser.force_login(user)
            assert browser.get(url).status_code == 200
            barrier.wait()
            response = browser.post(url, {"class_name": class_name, "organiser": "Trung tâm Chính trị huyện",
                                          "start_date": timezone.localdate().isoformat()})
            if response.status_code == 302:
                outcomes[user.username] = "won"
            else:
                outcomes[user.username] = [str(e) for e in response.context["form"].non_field_errors()]
        finally:
            connection.close()

    threads = [threading.Thread(target=complete, args=(u, f"Lớp của {u.username}")) for u in (secretary_a, deputy)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert list(outcomes.values()).count("won") == 1, outcomes
    loser = next(v for v in outcomes.values() if v != "won")
    assert len(loser) == 1 and "người khác" in loser[0] and "tải lại trang" in loser[0]
    winner = next(name for name, v in outcomes.items() if v == "won")
    assert Dossier.objects.get(pk=d.pk).state == State.TRAINING
    assert TrainingCertificate.objects.filter(dossier=d).get().class_name == f"Lớp của {winner}"
    assert DossierHistory.objects.filter(dossier=d, action="enroll_training").count() == 1
    done = Task.objects.filter(process__artifact_object_id=d.pk, flow_task__endswith="enroll_training").get()
    assert done.status == "DONE" and done.owner.username == winner
