"""The roster pages: the cell's secretaries keep the roster and record meetings; everyone who reads
the cell's dossiers reads the roster; the vote form counts its base from the roster; the minutes
print as a PDF."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from builders.templates import dossier_copy
from dossiers import roster, services
from dossiers.models import Organization, PartyMember, Presence, State

from .factories import PartyMemberFactory, pdf_text
from .test_roster import LONG_AGO, kept_roster

TODAY = timezone.localdate()


def test_the_secretary_enters_a_member_and_sees_the_roster_and_its_change(client, secretary_a, cell_a):
    client.force_login(secretary_a)
    response = client.post(reverse("roster:act", args=[cell_a.pk]), {
        "action": "add", "full_name": "Trần Thị Chuyển", "sex": "female", "joined_on": "2012-05-19",
        "official_since": "2013-05-19", "in_cell_since": (TODAY - dt.timedelta(days=3)).isoformat(),
        "transferred_from": "Chi bộ thôn 9"}, follow=True)
    html = response.content.decode()
    assert response.status_code == 200 and "Trần Thị Chuyển" in html
    assert PartyMember.objects.get(full_name="Trần Thị Chuyển").in_cell_since == TODAY - dt.timedelta(days=3)
    assert 'id="changes"' in html and secretary_a.last_name in html


def test_bad_input_on_the_roster_says_why_in_vietnamese_and_writes_nothing(client, secretary_a, cell_a):
    client.force_login(secretary_a)
    response = client.post(reverse("roster:act", args=[cell_a.pk]), {
        "action": "add", "full_name": "Lê Văn A", "sex": "male", "joined_on": "2015-01-01",
        "official_since": "2014-01-01"})
    assert response.status_code == 200
    assert "Đảng viên trở thành chính thức sau khi được kết nạp" in response.content.decode()
    assert not PartyMember.objects.filter(full_name="Lê Văn A").exists()


def test_a_committee_member_reads_the_roster_but_cannot_change_it(client, committee_member, cell_a):
    PartyMemberFactory(cell=cell_a, full_name="Nguyễn Văn Đảng")
    client.force_login(committee_member)
    html = client.get(reverse("roster:cell", args=[cell_a.pk])).content.decode()
    assert "Nguyễn Văn Đảng" in html and 'name="action"' not in html
    assert client.post(reverse("roster:act", args=[cell_a.pk]), {"action": "kept"}).status_code == 403


def test_the_roster_page_costs_the_same_queries_for_3_and_30_members(client, secretary_a, cell_a,
                                                                    django_assert_max_num_queries):
    client.force_login(secretary_a)
    kept_roster(cell_a, official=3)
    client.get(reverse("roster:cell", args=[cell_a.pk]))
    with django_assert_max_num_queries(16) as few:
        client.get(reverse("roster:cell", args=[cell_a.pk]))
    kept_roster(cell_a, official=27)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse("roster:cell", args=[cell_a.pk])).status_code == 200


def test_the_vote_form_offers_the_rosters_base_and_refuses_another_without_a_reason(client, secretary_a, cell_a):
    d = dossier_copy(State.BRANCH_VOTE, cell=cell_a, actor=secretary_a)
    kept_roster(cell_a, official=9)
    services.roster_declare_kept(cell=cell_a, actor=secretary_a)
    base = roster.vote_base_on(cell_a, TODAY)
    client.force_login(secretary_a)
    url = reverse("dossiers:step", args=[d.pk, "record_branch_vote"])
    form = client.get(url).context["form"]
    assert form.fields["eligible"].initial == base
    data = {"meeting_date": TODAY.isoformat(), "eligible": base - 2, "present": base - 2, "votes_for": base - 2,
            "votes_against": 0, "abstain": 0, "meeting_mode": "in_person", "number": "1-NQ/CB", "signer": "Bí thư"}
    response = client.post(url, data)
    assert response.status_code == 200 and f"({base})" in response.content.decode()
    d.refresh_from_db()
    assert d.state == State.BRANCH_VOTE


def test_a_meeting_is_recorded_from_the_page_and_its_minutes_print(client, secretary_a, cell_a):
    kept_roster(cell_a, official=4)
    PartyMemberFactory(cell=cell_a, full_name="Vũ Văn Vắng", joined_on=LONG_AGO, official_since=LONG_AGO)
    services.roster_declare_kept(cell=cell_a, actor=secretary_a)
    Organization.objects.filter(pk=cell_a.pk).update(online_meetings_allowed=True,
                                                     online_meetings_decision="Quyết định 15-QĐ/ĐU ngày 02/01/2026")
    client.force_login(secretary_a)
    url = reverse("roster:meeting_new", args=[cell_a.pk])
    form = client.get(url).context["form"]
    data = {"date": TODAY.isoformat(), "format": "mixed", "chaired_by": "Trần Văn Hùng", "minutes_by": "Vũ Thị Hằng"}
    for m in form.members:
        data[f"presence_{m.pk}"] = Presence.EXCUSED if m.full_name == "Vũ Văn Vắng" else Presence.ONLINE
    response = client.post(url, data)
    assert response.status_code == 302
    meeting = cell_a.meetings.get()
    text = pdf_text(client.get(reverse("documents:minutes", args=[meeting.pk])).content)
    assert "BIÊN BẢN" in text and "trực tiếp kết hợp trực tuyến" in text and "15-QĐ/ĐU" in text
    assert "Vắng có lý do: Vũ Văn Vắng" in text and "ngày ngày" not in text


def test_the_grassroots_committee_keeps_its_members_and_the_district_only_reads_them(
        client, tree, committee_member, approver):
    grassroots = tree["grassroots"]
    url = reverse("roster:committee", args=[grassroots.pk])
    client.force_login(approver)
    assert client.get(url).status_code == 200
    assert client.post(url, {"action": "add", "full_name": "Ủy viên A", "since": TODAY.isoformat()}).status_code == 403
    client.force_login(committee_member)
    response = client.post(url, {"action": "add", "full_name": "Đỗ Mạnh Cường", "position": "Bí thư Đảng ủy",
                                 "since": "2025-07-01"}, follow=True)
    assert response.status_code == 200 and "Đỗ Mạnh Cường" in response.content.decode()
    grassroots.refresh_from_db()
    assert grassroots.committee_roster_kept and grassroots.committee_members == 1


def test_the_documents_page_links_the_minutes_of_the_meeting_that_voted(client, secretary_a, cell_a):
    d = dossier_copy(State.BRANCH_VOTE, cell=cell_a, actor=secretary_a)
    kept_roster(cell_a, official=5)
    services.roster_declare_kept(cell=cell_a, actor=secretary_a)
    members = roster.roster_on(cell_a, TODAY)
    meeting = services.meeting_record(cell=cell_a, date=TODAY, format="in_person", chaired_by="Bí thư",
                                      minutes_by="Phó bí thư", attendance={m.pk: Presence.IN_PERSON for m in members},
                                      actor=secretary_a)
    base = roster.vote_base_on(cell_a, TODAY)
    services.dossier_record_branch_vote(dossier=d, actor=secretary_a, meeting_date=TODAY, eligible=base,
                                        present=roster.meeting_present(meeting), votes_for=base, votes_against=0,
                                        signer="Bí thư", number="1-NQ/CB", meeting=meeting)
    client.force_login(secretary_a)
    html = client.get(reverse("documents:dossier", args=[d.pk])).content.decode()
    assert reverse("documents:minutes", args=[meeting.pk]) in html
    text = pdf_text(client.get(reverse("documents:minutes", args=[meeting.pk])).content)
    assert d.candidate.full_name in text and "đạt" in text
