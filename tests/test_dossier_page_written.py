"""Issue 21: the dossier page's lists and tables (next steps, process steps, verifications, votes,
acts, documents, timeline) are written in Python (`web.presenters`), not by template loops. They
print what the template printed: labels in Vietnamese, values escaped, notes with their line
breaks; and the timeline dates and labels only the items the page shows."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import translation

from dossiers.models import (
    DossierHistory,
    PartyAct,
    Relative,
    State,
    Verification,
    VerificationMethod,
    Vote,
)
from web import presenters

from .factories import dossier_in_state


@pytest.fixture
def page(client, cell_a, secretary_a):
    """A recognised member's page, with a failed vote, a refused act, a flagged verification, a
    relative's verification and notes holding markup and line breaks."""
    d = dossier_in_state(State.RECOGNIZED, cell=cell_a, actor=secretary_a)
    Vote.objects.filter(dossier=d).update(passed=False)
    PartyAct.objects.filter(dossier=d).update(approved=False, reason='Lý do <x> & "y"', number="")
    Verification.objects.filter(dossier=d).update(has_issue=True, conclusion="Có <vấn đề>")
    father = Relative.objects.create(candidate=d.candidate, kind="father", full_name="Trần <Văn> Bố")
    Verification.objects.create(dossier=d, relative=father, method=VerificationMethod.choices[0][0],
                                verifying_unit="Công an <xã>", sent_on=dt.date(2024, 1, 2))
    DossierHistory.objects.filter(dossier=d).update(note="Dòng 1\r\nDòng <2> & 3\rDòng 4")
    client.force_login(secretary_a)
    return d, client.get(reverse("dossiers:detail", args=[d.pk])).content.decode()


def test_votes_acts_and_verifications_print_their_vietnamese_labels_and_escape_their_values(page):
    d, html = page
    assert html.count('<strong class="web-fail">') >= Vote.objects.filter(dossier=d).count()
    assert '— <strong class="web-fail">' in html and "<small>Lý do &lt;x&gt; &amp; &quot;y&quot;</small>" in html
    assert '<strong class="web-flag">' in html and "Có &lt;vấn đề&gt;" in html
    father = Relative.objects.get(candidate=d.candidate, full_name="Trần <Văn> Bố")
    assert f"{father.get_kind_display()}: Trần &lt;Văn&gt; Bố" in html and "Công an &lt;xã&gt;" in html
    for act in PartyAct.objects.filter(dossier=d):
        assert act.get_kind_display() in html
    # The number column of an act without a number, and the documents list without "No.".
    assert '">—</td>' in html


def test_the_timeline_keeps_the_notes_line_breaks_escaped(page):
    _d, html = page
    assert '<div class="web-timeline__note">Dòng 1<br>Dòng &lt;2&gt; &amp; 3<br>Dòng 4</div>' in html
    assert html.count("web-timeline__item ") == presenters.TIMELINE_RECENT


def test_the_next_steps_and_the_process_steps_are_listed(client, cell_a, secretary_a):
    d = dossier_in_state(State.MENTORING, cell=cell_a, actor=secretary_a)
    client.force_login(secretary_a)
    html = client.get(reverse("dossiers:detail", args=[d.pk])).content.decode()
    steps = re.search(r'<section[^>]*id="next-steps".*?</section>', html, re.S).group(0)
    assert "Có thể thực hiện" in steps and "web-step__button" in steps
    assert reverse("dossiers:step", args=[d.pk, "enroll_training"]) in steps or "Chưa thể" in steps
    process = re.search(r'<ol class="web-process">.*?</ol>', html, re.S).group(0)
    assert 'aria-current="step"' in process and process.count('<li class="web-process__step') >= 10


@pytest.mark.parametrize("language", ["vi", "en"])
def test_a_choices_label_is_the_models_own_in_either_language(cell_a, secretary_a, language):
    d = dossier_in_state(State.RECOGNIZED, cell=cell_a, actor=secretary_a)
    with translation.override(language):
        for obj, name in [(a, "kind") for a in d.acts.all()] + [(v, "purpose") for v in d.votes.all()] + [
                (v, "meeting_mode") for v in d.votes.all()] + [(v, "method") for v in d.verifications.all()] + [
                (v, "status") for v in d.verifications.all()]:
            assert presenters.display(obj, name) == getattr(obj, f"get_{name}_display")()
        vote = d.votes.first()
        vote.purpose = "not-a-choice"
        assert presenters.display(vote, "purpose") == vote.get_purpose_display() == "not-a-choice"


def test_the_page_dates_and_labels_only_the_timeline_items_it_shows(cell_a, secretary_a):
    d = dossier_in_state(State.RECOGNIZED, cell=cell_a, actor=secretary_a)
    events = list(d.events.order_by("at", "pk"))
    assert len(events) > presenters.TIMELINE_RECENT
    whole = presenters.timeline(events, [])
    latest = presenters.timeline(events, [], limit=3)
    assert [item["event"].pk for item in latest] == [item["event"].pk for item in whole[:3]]
    assert latest == whole[:3]


def test_the_kept_state_labels_follow_the_active_language():
    with translation.override("vi"):
        vi = dict(presenters.state_labels())
    with translation.override("en"):
        en = dict(presenters.state_labels())
    for state, label in State.choices:
        with translation.override("vi"):
            assert vi[state] == str(label)
        with translation.override("en"):
            assert en[state] == str(label)
    assert vi[State.PROBATION] != en[State.PROBATION]


@pytest.mark.parametrize("state", [State.SPOTTED, State.MENTORING, State.BRANCH_VOTE, State.PROBATION])
def test_the_next_step_panel_asks_each_step_the_rule_its_page_asks(cell_a, secretary_a, committee_member,
                                                                   approver, state):
    d = dossier_in_state(state, cell=cell_a, actor=secretary_a)
    from permissions.selectors import dossier_for_page  # noqa: PLC0415
    from web import access  # noqa: PLC0415

    for user in (secretary_a, committee_member, approver):
        page = dossier_for_page(user=user, pk=d.pk)
        for item in presenters.next_step_panel(user, page, dt.date.today()):
            if item.allowed:
                assert item.may_take == access.may_take_step(user, page, item.name)
                assert item.url == (reverse("dossiers:step", args=[d.pk, item.name]) if item.may_take else "")
                assert item.roles == ([] if item.may_take else access.role_labels(item.name))


def test_the_evidence_section_prints_every_kind_of_evidence_and_its_edge_cases(client, cell_a, secretary_a):
    from dossiers.models import ActKind, Introducer, Mentor, OpinionSummary, TrainingCertificate  # noqa: PLC0415

    d = dossier_in_state(State.PROBATION, cell=cell_a, actor=secretary_a)
    Mentor.objects.filter(dossier=d).update(ended_on=dt.date(2024, 5, 6))
    Introducer.objects.filter(dossier=d).update(override_reason="Ngoại lệ <a>", end_reason="Chuyển <đi>",
                                                ended_on=dt.date(2024, 5, 7))
    OpinionSummary.objects.filter(dossier=d).update(favourable=False, workplace_opinion="A\nB <c>")
    TrainingCertificate.objects.filter(dossier=d).update(score="Giỏi <8>")
    PartyAct.objects.create(dossier=d, kind=ActKind.YOUTH_UNION, number="3-NQ/ĐTN", date=dt.date(2023, 1, 2),
                            issuer="Đoàn <x>", signer="Bí thư")
    client.force_login(secretary_a)
    html = client.get(reverse("dossiers:detail", args=[d.pk])).content.decode()
    evidence = re.search(r'<section[^>]*id="evidence">.*?</section>', html, re.S).group(0)
    assert '<tr class="web-row--ended"><td>' in evidence  # the mentor
    assert "<br><small>Ngoại lệ: Ngoại lệ &lt;a&gt;</small>" in evidence and "07/05/2024: Chuyển &lt;đi&gt;" in evidence
    assert "nhận xét chưa tốt" in evidence and "<dd>A<br>B &lt;c&gt;</dd>" in evidence
    assert " (Giỏi &lt;8&gt;)</dd>" in evidence
    assert "Số 3-NQ/ĐTN, ngày 02 tháng 01 năm 2023, Đoàn &lt;x&gt; — Bí thư</p>" in evidence
    assert "Chưa ghi nhận căn cứ nào." not in evidence


def test_a_dossier_without_evidence_says_so(client, cell_a, secretary_a):
    d = dossier_in_state(State.SPOTTED, cell=cell_a, actor=secretary_a)
    client.force_login(secretary_a)
    html = client.get(reverse("dossiers:detail", args=[d.pk])).content.decode()
    evidence = re.search(r'<section[^>]*id="evidence">.*?</section>', html, re.S).group(0)
    assert '<p class="web-empty">Chưa ghi nhận căn cứ nào.</p>' in evidence and "<h3>" not in evidence
