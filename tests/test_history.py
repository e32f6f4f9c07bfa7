"""Nothing lost: the dossier's history is append-only and edits to its data keep before/after."""

import datetime as dt

import pytest
from django.contrib.admin.sites import site
from django.test import RequestFactory

from dossiers import services
from dossiers.models import Candidate, Dossier, DossierHistory, State

from .factories import UserFactory, dossier_in_state


def test_a_history_row_cannot_be_changed_or_deleted(cell_a):
    d = dossier_in_state(State.TRAINING, cell=cell_a)
    event = d.events.first()
    event.note = "sửa lịch sử"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    assert DossierHistory.objects.get(pk=event.pk).note == ""


def test_the_admin_offers_no_way_to_add_change_or_delete_history(cell_a, rf: RequestFactory):
    request = rf.get("/")
    request.user = UserFactory(is_staff=True, is_superuser=True)
    admin = site._registry[DossierHistory]
    assert not admin.has_add_permission(request)
    assert not admin.has_change_permission(request)
    assert not admin.has_delete_permission(request)
    dossier_admin = site._registry[Dossier]
    assert "state" in dossier_admin.get_readonly_fields(request)
    assert not dossier_admin.has_delete_permission(request)


def test_the_state_cannot_be_set_directly(cell_a):
    d = dossier_in_state(State.SPOTTED, cell=cell_a)
    with pytest.raises(AttributeError):
        d.state = State.RECOGNIZED


def test_each_service_call_appends_exactly_one_row_with_actor_and_evidence(cell_a):
    d = dossier_in_state(State.SPOTTED, cell=cell_a)
    actor = UserFactory()
    before = d.events.count()
    d = services.dossier_enroll_training(dossier=d, actor=actor, class_name="Lớp 3", organiser="TTCT",
                                         start_date=d.spotted_on)
    assert d.events.count() == before + 1
    event = d.events.last()
    assert (event.actor, event.action, event.from_state, event.to_state) == (
        actor, "enroll_training", State.SPOTTED, State.TRAINING)
    assert event.evidence["class_name"] == "Lớp 3"


def test_edits_to_candidate_data_keep_before_and_after(cell_a):
    d = dossier_in_state(State.SPOTTED, cell=cell_a)
    candidate = Candidate.objects.get(pk=d.candidate_id)
    old = candidate.occupation
    candidate.occupation = "Kỹ sư"
    candidate.save()
    latest, previous = candidate.history.all()[:2]
    delta = latest.diff_against(previous)
    assert [(c.field, c.old, c.new) for c in delta.changes] == [("occupation", old, "Kỹ sư")]


def test_edits_to_dossier_details_are_audited_as_history_rows_too(cell_a):
    d = dossier_in_state(State.SPOTTED, cell=cell_a)
    d = services.dossier_update_details(dossier=d, actor=UserFactory(), notes="Gia đình có hoàn cảnh khó khăn")
    assert d.events.last().action == "update_details"
    assert d.history.first().notes == "Gia đình có hoàn cảnh khó khăn"


def test_the_admin_cannot_revert_a_dossier_to_an_earlier_version(cell_a, client):
    d = dossier_in_state(State.TRAINING, cell=cell_a)
    first_version = d.history.earliest()
    assert first_version.state == State.SPOTTED
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = f"/admin/dossiers/dossier/{d.pk}/history/{first_version.history_id}/"
    response = client.post(url, {"source": d.source, "spotted_on": d.spotted_on.isoformat()})
    assert response.status_code in (403, 200)
    assert Dossier.objects.get(pk=d.pk).state == State.TRAINING


def test_a_tracked_save_writes_the_copy_simple_history_writes_with_its_user_reason_and_signals(cell_a):
    """`dossiers.models.records` writes the historical copy without simple-history's manager: the
    same row (every field, the user, the change reason, the type), the same signals around it."""
    from simple_history.signals import post_create_historical_record, pre_create_historical_record

    from dossiers.models import HistoricalDossier, HistoricalPartyMember, PartyMember

    user = UserFactory()
    seen = []

    def pre(sender, history_instance, **kwargs):
        seen.append(("pre", sender, history_instance.pk))

    def post(sender, history_instance, **kwargs):
        seen.append(("post", sender, history_instance.pk))

    pre_create_historical_record.connect(pre)
    post_create_historical_record.connect(post)
    try:
        member = PartyMember(full_name="Lê Văn Ghi", sex="male", cell=cell_a, status="official",
                             joined_on=dt.date(2005, 3, 1), official_since=dt.date(2006, 3, 1))
        member._history_user, member._change_reason = user, "nhập tay"
        member.save()
        member.position = "Bí thư"
        member.save()
    finally:
        pre_create_historical_record.disconnect(pre)
        post_create_historical_record.disconnect(post)
    copies = list(member.history.order_by("history_id"))
    assert [c.history_type for c in copies] == ["+", "~"]
    assert [(c.history_user_id, c.history_change_reason) for c in copies] == [(user.pk, "nhập tay")] * 2
    fields = [f.attname for f in PartyMember._meta.fields]
    assert [getattr(copies[-1], f) for f in fields] == [getattr(PartyMember.objects.get(pk=member.pk), f) for f in fields]
    assert [(s, sender) for s, sender, _pk in seen] == [("pre", HistoricalPartyMember), ("post", HistoricalPartyMember)] * 2
    assert seen[1][2] == copies[0].pk and seen[0][2] is None
    # The dossier's copy leaves out what its model excludes (the time of the last update).
    d = dossier_in_state(State.TRAINING, cell=cell_a)
    assert not hasattr(HistoricalDossier, "updated_at") and d.history.count() == 2


def test_inside_a_service_the_copies_wait_for_its_history_row_and_a_service_that_fails_writes_none(cell_a):
    """`dossiers.models.records.written_together`: the copies of the rows a service writes are
    written with its history row (`write_with`), or at its end; an exception writes none."""
    from django.db import transaction
    from django.utils import timezone
    from simple_history.signals import post_create_historical_record

    from dossiers.models import HistoricalPartyMember, PartyMember
    from dossiers.models.records import write_with, written_together

    def member(name):
        return PartyMember(full_name=name, sex="male", cell=cell_a, status="official",
                           joined_on=dt.date(2005, 3, 1), official_since=dt.date(2006, 3, 1))

    heard = []

    def post(sender, history_instance, **kwargs):
        heard.append(history_instance.pk)

    post_create_historical_record.connect(post)
    try:
        with written_together():
            first = member("Một")
            first.save()
            assert not HistoricalPartyMember.objects.filter(id=first.pk).exists(), "waiting"
            d = dossier_in_state(State.SPOTTED, cell=cell_a)
            row = DossierHistory(dossier=d, action="test", from_state=State.SPOTTED, to_state=State.SPOTTED,
                                 effective_on=timezone.localdate())
            write_with(row)
            assert row.pk and HistoricalPartyMember.objects.filter(id=first.pk, history_type="+").exists()
            second = member("Hai")
            second.save()
        assert HistoricalPartyMember.objects.filter(id=second.pk).exists(), "written when the block ends"
        assert heard and all(heard), "told once written, with its key"
        with pytest.raises(RuntimeError), transaction.atomic(), written_together():
            third = member("Ba")
            third.save()
            raise RuntimeError
        assert not HistoricalPartyMember.objects.filter(full_name="Ba").exists()
    finally:
        post_create_historical_record.disconnect(post)
    outside = member("Bốn")
    outside.save()
    assert HistoricalPartyMember.objects.filter(id=outside.pk).exists(), "outside a service, at once"
