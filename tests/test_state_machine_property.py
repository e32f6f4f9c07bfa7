"""Random sequences of service calls never leave the graph and always leave a complete history."""

import datetime as dt

from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import event as hypothesis_event
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from dossiers import services
from dossiers.models import Dossier, Organization, State

from .factories import PATH, PartyMemberFactory, UserFactory, dossier_in_state, org_tree

# The edges of the admission graph (glossary.md states; domain.md §2, §4).
GRAPH = {
    State.SPOTTED: {State.TRAINING, State.REJECTED, State.WITHDRAWN},
    State.TRAINING: {State.MENTORING, State.REJECTED, State.WITHDRAWN},
    State.MENTORING: {State.BRANCH_VOTE, State.REJECTED, State.WITHDRAWN},
    State.BRANCH_VOTE: {State.HIGHER_APPROVAL, State.REJECTED, State.WITHDRAWN},
    State.HIGHER_APPROVAL: {State.PROBATION, State.REJECTED, State.WITHDRAWN},
    State.PROBATION: {State.RECOGNIZED, State.REMOVED},
    State.RECOGNIZED: set(), State.REJECTED: set(), State.WITHDRAWN: set(), State.REMOVED: set(),
}

TODAY = timezone.localdate()
# Mostly plausible dates (the last two years, often today), sometimes absurd ones.
DAY = st.one_of(st.just(TODAY), st.dates(min_value=TODAY - dt.timedelta(days=730), max_value=TODAY),
                st.dates(min_value=dt.date(1990, 1, 1), max_value=TODAY + dt.timedelta(days=400)))
COUNT = st.integers(min_value=0, max_value=12)


def calls(ctx):
    """(name, strategy of kwargs) for every service a user could call, with arbitrary inputs."""
    m1, m2 = ctx["members"]
    return st.one_of(
        st.tuples(st.just("enroll_training"), st.fixed_dictionaries(
            {"class_name": st.just("Lớp"), "organiser": st.just("TTCT"), "start_date": DAY})),
        st.tuples(st.just("complete_training"), st.fixed_dictionaries(
            {"number": st.sampled_from(["", "CN-1"]), "issued_on": DAY})),
        st.tuples(st.just("assign_introducer"), st.fixed_dictionaries(
            {"member": st.sampled_from([m1, m2]), "worked_together_since": DAY, "assigned_on": DAY})),
        st.tuples(st.just("assign_mentor"), st.fixed_dictionaries({"member": st.sampled_from([m1, m2]),
                                                                   "assigned_on": DAY})),
        st.tuples(st.just("record_application"), st.fixed_dictionaries({"on": DAY})),
        st.tuples(st.just("record_personal_history"), st.fixed_dictionaries({"on": DAY})),
        st.tuples(st.just("start_verification"), st.fixed_dictionaries(
            {"relative": st.none(), "method": st.just("letter"), "verifying_unit": st.just("ĐU"), "sent_on": DAY})),
        st.tuples(st.just("certify_personal_history"), st.fixed_dictionaries({"on": DAY})),
        st.tuples(st.just("record_opinions"), st.fixed_dictionaries(
            {"date": DAY, "workplace_opinion": st.just("t"), "residence_opinion": st.just("t")})),
        st.tuples(st.just("submit_for_vote"), st.just({})),
        st.tuples(st.just("record_branch_vote"), st.fixed_dictionaries(
            {"meeting_date": DAY, "eligible": COUNT, "present": COUNT, "votes_for": COUNT, "votes_against": COUNT,
             "signer": st.sampled_from(["", "Bí thư"])})),
        st.tuples(st.just("record_grassroots_admission"), st.fixed_dictionaries(
            {"meeting_date": DAY, "present": COUNT, "votes_for": COUNT, "votes_against": COUNT,
             "signer": st.just("B")})),
        st.tuples(st.just("decide_admission"), st.fixed_dictionaries(
            {"approved": st.booleans(), "number": st.sampled_from(["", "9"]), "date": DAY, "signer": st.just("S"),
             "issuer": st.just("BTV"), "reason": st.sampled_from(["", "Lý do"])})),
        st.tuples(st.just("hold_ceremony"), st.fixed_dictionaries(
            {"date": DAY, "place": st.just("Hội trường"), "chaired_by": st.just("Bí thư")})),
        st.tuples(st.just("record_recognition_vote"), st.fixed_dictionaries(
            {"meeting_date": DAY, "eligible": COUNT, "present": COUNT, "votes_for": COUNT, "votes_against": COUNT,
             "signer": st.just("B")})),
        st.tuples(st.just("recognize"), st.fixed_dictionaries(
            {"number": st.just("16"), "date": DAY, "signer": st.just("S"), "issuer": st.just("BTV")})),
        st.tuples(st.just("remove"), st.fixed_dictionaries(
            {"number": st.just("17"), "date": DAY, "signer": st.just("S"), "issuer": st.just("BTV"),
             "reason": st.sampled_from(["", "Vi phạm"])})),
        st.tuples(st.just("reject"), st.fixed_dictionaries({"reason": st.sampled_from(["", "Không đạt"])})),
        st.tuples(st.just("withdraw"), st.fixed_dictionaries({"reason": st.sampled_from(["", "Rút"])})),
    )


class StateMachinePropertyTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        tree = org_tree(cells=1)
        cls.cell = tree["cells"][0]
        cls.members = [PartyMemberFactory(cell=cls.cell), PartyMemberFactory(cell=cls.cell)]
        cls.actor = UserFactory()
        # One dossier per start state, walked once through the real services; Hypothesis runs each
        # example in its own transaction, rolled back, so every example starts from the same rows.
        cls.starts = {state: dossier_in_state(state, cell=cls.cell, actor=cls.actor, introducers=cls.members).pk
                      for state in PATH[:-1]}

    @settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(data=st.data())
    def test_random_service_calls_stay_in_the_graph_and_leave_a_complete_history(self, data):
        # Start anywhere on the main path, built by the real services, then act at random.
        start = data.draw(st.sampled_from(PATH[:-1]))
        dossier = Dossier.objects.get(pk=self.starts[start])
        assert dossier.state == start  # the previous example's changes were rolled back
        counts_before = Organization.objects.values_list("official_members", "probationary_members").get(
            pk=self.cell.pk)
        sequence = data.draw(st.lists(calls({"members": self.members}), min_size=1, max_size=25))
        for name, kwargs in sequence:
            before = Dossier.objects.get(pk=dossier.pk)
            events_before = before.events.count()
            try:
                dossier = getattr(services, f"dossier_{name}")(dossier=before, actor=self.actor, **kwargs)
            except services.Refusal:
                after = Dossier.objects.get(pk=dossier.pk)
                assert after.state == before.state
                assert after.events.count() == events_before
                continue
            after = Dossier.objects.get(pk=dossier.pk)
            assert after.state in GRAPH[before.state] | {before.state}
            assert after.events.count() == events_before + 1
        hypothesis_event(f"reached {Dossier.objects.get(pk=dossier.pk).state}")
        events = list(Dossier.objects.get(pk=dossier.pk).events.order_by("at", "id"))
        assert events[0].action == "create"
        for previous, event in zip(events, events[1:], strict=False):
            assert event.from_state == previous.to_state
            assert event.to_state in GRAPH[event.from_state] | {event.from_state}
        assert events[-1].to_state == Dossier.objects.get(pk=dossier.pk).state
        # Member counts move only with a ceremony, recognition or removal, and never below zero.
        official, probationary = Organization.objects.values_list(
            "official_members", "probationary_members").get(pk=self.cell.pk)
        assert official >= counts_before[0] and probationary >= 0
