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
    with pytest.raises(services.RuleViolation) as exc:
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
        except services.RuleViolation as exc:
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
