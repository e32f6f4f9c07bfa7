"""Issue 17 §5, "Vietnamese right everywhere": names family name first, links on the configured
site, a probationary member called so, one date style per kind, the same menu on every page, and
no form offered before the dossier can need it. (The demo seed sending no mail: test_seed_demo.py.)"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from documents.panels import form_rows
from dossiers.formatting import vn_date
from dossiers.models import State
from dossiers.refusals import Refusal
from permissions.models import Role
from permissions.selectors import dossier_for_page
from permissions.services import role_grant
from web.forms import ProgressReportForm
from workflows.flows import AdmissionFlow, EvaluationFlow
from workflows.models import Notice, NoticeKind, TaskDeadline
from workflows.notify import deliver, dossiers_of, facts, message
from workflows.notify import digest as send_digest
from workflows.services import task_claim
from workflows.sync import process_of

from .factories import dossier_in_state

GIVEN, FAMILY = "Thắng", "Đặng Văn"
VIETNAMESE_ORDER, WESTERN_ORDER = "Đặng Văn Thắng", "Thắng Đặng Văn"
SITE = "https://ptdv.example.vn"

SHORT_DATE = re.compile(r"\b\d{2}/\d{2}/\d{4}\b")
LONG_DATE = re.compile(r"ngày \d{2} tháng \d{1,2} năm \d{4}")


@pytest.fixture
def thang(secretary_a):
    """The cell's secretary, comrade Đặng Văn Thắng (given name "Thắng", family name "Đặng Văn")."""
    secretary_a.first_name, secretary_a.last_name, secretary_a.email = GIVEN, FAMILY, "thang@example.org"
    secretary_a.save()
    return secretary_a


def open_tasks(dossier) -> list[Task]:
    return list(Task.objects.filter(process=process_of(dossier), flow_task_type="HUMAN", status=STATUS.NEW)
                .select_related("process").order_by("pk"))


def notices_and_mails(task: Task, user, mailoutbox) -> tuple[list[str], list]:
    """Every kind of notice about `task`, given by `user` and addressed to him, and its email."""
    task = Task.objects.select_related("process").get(pk=task.pk)
    dossier = dossiers_of([task])[task.process_id]
    deadline = TaskDeadline.objects.filter(task=task).first()
    texts = [message(NoticeKind.ASSIGNED, facts(task, dossier, deadline))]  # given by nobody
    for kind in NoticeKind.values:
        text = message(kind, facts(task, dossier, deadline), by=user, overdue_days=6)
        texts.append(text)
        Notice.objects.update_or_create(user=user, task=task, kind=kind, defaults={"message": text, "emailed_at": None})
    sent = len(mailoutbox)
    deliver()
    return texts, mailoutbox[sent:]


def digest_mail(user, mailoutbox):
    sent = len(mailoutbox)
    send_digest(timezone.localdate())
    return next(m for m in mailoutbox[sent:] if m.to == [user.email])


# --- 1. Names in Vietnamese order ----------------------------------------------------------------


def test_every_notice_and_email_names_a_person_family_name_first(cell_a, thang, mailoutbox):
    d = dossier_in_state(State.SPOTTED, cell=cell_a)
    task = open_tasks(d)[0]
    task_claim(task=task, user=thang)
    texts, mails = notices_and_mails(task, thang, mailoutbox)
    assert len(mails) == len(NoticeKind.values)
    by_text = next(t for t in texts if t.startswith("Đồng chí " + VIETNAMESE_ORDER))
    assert "đã giao" in by_text
    for text in [*texts, *(m.subject + m.body for m in mails), digest_mail(thang, mailoutbox).body]:
        assert WESTERN_ORDER not in text
    for mail in [*mails, digest_mail(thang, mailoutbox)]:
        assert VIETNAMESE_ORDER in mail.body


def test_a_role_refusal_and_the_role_pages_name_a_person_family_name_first(cell_a, thang, board, client):
    with pytest.raises(Refusal) as refused:
        role_grant(user=thang, role=Role.CELL_SECRETARY, organization=cell_a, actor=board)
    assert VIETNAMESE_ORDER in str(refused.value.reasons) and WESTERN_ORDER not in str(refused.value.reasons)
    client.force_login(board)
    response = client.post(reverse("roles:grant"), {"username": thang.username, "role": Role.CELL_DEPUTY,
                                                    "organization": cell_a.pk, "note": ""}, follow=True)
    html = response.content.decode()
    assert VIETNAMESE_ORDER in html and WESTERN_ORDER not in html


def test_the_menu_of_every_page_names_the_user_family_name_first(client, thang):
    client.force_login(thang)
    html = client.get("/").content.decode()
    assert VIETNAMESE_ORDER in html and WESTERN_ORDER not in html


# --- 2. Links on the configured site -------------------------------------------------------------


@override_settings(WORKFLOW_SITE_URL=SITE + "/")
def test_every_link_in_an_email_starts_with_the_configured_site_address(cell_a, thang, mailoutbox):
    d = dossier_in_state(State.SPOTTED, cell=cell_a)
    task = open_tasks(d)[0]
    task_claim(task=task, user=thang)
    _texts, mails = notices_and_mails(task, thang, mailoutbox)
    mails.append(digest_mail(thang, mailoutbox))
    for mail in mails:
        links = re.findall(r"https?://\S+", mail.body)
        assert links, mail.body
        assert all(link.startswith(SITE + "/") and "//" not in link[len("https://"):] for link in links), links
        assert "127.0.0.1" not in mail.body and "localhost" not in mail.body
    assert f"{SITE}{reverse('dossiers:step', args=[d.pk, 'enroll_training'])}" in mails[0].body
    assert f"{SITE}{reverse('tasks:inbox')}" in mails[-1].body


# --- 3. A probationary member is "đảng viên dự bị" -----------------------------------------------

PROBATION_NODES = [AdmissionFlow.new_member_class, AdmissionFlow.mentor_report, AdmissionFlow.self_review,
                   AdmissionFlow.probation_opinions, AdmissionFlow.recognition_vote,
                   AdmissionFlow.grassroots_recognition, AdmissionFlow.recognition_decision,
                   AdmissionFlow.removal_decision, EvaluationFlow.periodic_report]


def test_no_task_title_of_the_probation_steps_calls_the_member_a_candidate():
    for node in PROBATION_NODES:
        assert "quần chúng" not in str(node.task_title).lower(), node.name


def test_the_notices_and_emails_of_probation_tasks_say_probationary_member_not_candidate(
        cell_a, thang, mailoutbox):
    d = dossier_in_state(State.PROBATION, cell=cell_a)
    tasks = open_tasks(d)
    assert {t.flow_task.name for t in tasks} >= {"new_member_class", "self_review", "probation_opinions"}
    who = "đảng viên dự bị " + d.candidate.full_name
    for task in tasks:
        task_claim(task=task, user=thang)
        assert "quần chúng" not in str(task.flow_task.task_title).lower()
        texts, mails = notices_and_mails(task, thang, mailoutbox)
        for text in [*texts, *(m.subject + m.body for m in mails)]:
            assert who in text and "quần chúng" not in text.lower(), text
    body = digest_mail(thang, mailoutbox).body
    assert body.count(who) == len(tasks) and "quần chúng" not in body.lower()


def test_a_candidate_is_still_called_a_candidate_before_the_admission(cell_a, thang, mailoutbox):
    d = dossier_in_state(State.MENTORING, cell=cell_a)
    task = open_tasks(d)[0]
    texts, _mails = notices_and_mails(task, thang, mailoutbox)
    assert all("quần chúng " + d.candidate.full_name in t and "dự bị" not in t for t in texts)


# --- 4. One date style per kind ------------------------------------------------------------------


def tables(html: str) -> str:
    found = re.findall(r"<table.*?</table>", html, flags=re.S)
    assert found
    return "".join(found)


def test_the_inbox_table_prints_short_dates_and_the_notice_a_long_one(client, cell_a, thang):
    d = dossier_in_state(State.SPOTTED, cell=cell_a)
    task = open_tasks(d)[0]
    due = timezone.localdate() + dt.timedelta(days=9)
    TaskDeadline.objects.update_or_create(task=task, defaults={"dossier_id": d.pk, "due_on": due, "rule": "test"})
    task_claim(task=task, user=thang)
    client.force_login(thang)
    for url in (reverse("tasks:inbox"), "/"):
        table = tables(client.get(url).content.decode())
        assert due.strftime("%d/%m/%Y") in table and timezone.localdate().strftime("%d/%m/%Y") in table
        assert not LONG_DATE.search(table), url
    task = Task.objects.select_related("process").get(pk=task.pk)
    for kind in NoticeKind.values:
        text = message(kind, facts(task, dossiers_of([task])[task.process_id], TaskDeadline.objects.get(task=task)))
        assert vn_date(due) in text and not SHORT_DATE.search(text)


def test_the_dossier_list_and_the_notices_table_print_short_dates(client, cell_a, thang):
    dossier_in_state(State.MENTORING, cell=cell_a)
    client.force_login(thang)
    table = tables(client.get(reverse("dossiers:index")).content.decode())
    assert SHORT_DATE.search(table) and not LONG_DATE.search(table)
    d = dossier_in_state(State.SPOTTED, cell=cell_a)
    Notice.objects.create(user=thang, task=open_tasks(d)[0], kind=NoticeKind.AVAILABLE, message="…")
    table = tables(client.get(reverse("notices:list")).content.decode())
    assert SHORT_DATE.search(table) and not LONG_DATE.search(table)


# --- 5. The same menu on every page --------------------------------------------------------------


def menu_links(html: str) -> list[str]:
    menu = re.search(r'<aside class="vf-page__menu.*?</aside>', html, flags=re.S)
    assert menu, "no side menu"
    return re.findall(r'href="([^"]+)"', menu.group(0))


def test_the_home_page_menu_lists_the_same_entries_as_a_dossier_page(client, cell_a, secretary_a):
    d = dossier_in_state(State.SPOTTED, cell=cell_a)
    client.force_login(secretary_a)
    home = menu_links(client.get("/").content.decode())
    dossier_page = menu_links(client.get(reverse("dossiers:detail", args=[d.pk])).content.decode())
    assert home == dossier_page
    for url in (reverse("tasks:inbox"), reverse("tasks:queue"), reverse("dossiers:index"), reverse("dossiers:create")):
        assert home.count(url) == 1, url


# --- 6. No form before the dossier can need it ---------------------------------------------------


def documents_panel(response) -> str:
    """The dossier page's "Official documents" card (the process outline above it names every step)."""
    panel = re.search(r'<section[^>]*id="official-documents".*?</section>', response.content.decode(), flags=re.S)
    assert panel, "no documents panel"
    return panel.group(0)


def test_a_spotted_dossier_page_offers_no_probation_form_and_a_probation_dossier_page_does(
        client, cell_a, secretary_a):
    spotted = dossier_in_state(State.SPOTTED, cell=cell_a, actor=secretary_a)
    probation = dossier_in_state(State.PROBATION, cell=cell_a, actor=secretary_a)
    early = {r.form.code for r in form_rows(secretary_a, dossier_for_page(user=secretary_a, pk=spotted.pk))}
    late = {r.form.code for r in form_rows(secretary_a, dossier_for_page(user=secretary_a, pk=probation.pk))}
    assert not early & {"10-KNĐ", "11-KNĐ", "12-KNĐ"}
    assert {"10-KNĐ", "11-KNĐ", "12-KNĐ"} <= late
    client.force_login(secretary_a)
    assert "11-KNĐ" not in documents_panel(client.get(reverse("dossiers:detail", args=[spotted.pk])))
    assert "11-KNĐ" in documents_panel(client.get(reverse("dossiers:detail", args=[probation.pk])))
    assert "11-KNĐ" not in client.get(reverse("documents:dossier", args=[spotted.pk])).content.decode()


def test_the_mentor_review_form_offers_the_final_probation_report_during_probation_only(cell_a, secretary_a):
    spotted = dossier_in_state(State.SPOTTED, cell=cell_a, actor=secretary_a)
    probation = dossier_in_state(State.PROBATION, cell=cell_a, actor=secretary_a)
    assert "final" not in ProgressReportForm(dossier=spotted).fields
    assert "final" in ProgressReportForm(dossier=probation).fields
