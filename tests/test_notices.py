"""Notices: a task given to someone tells them (in the application and by email, once the
assignment is committed); a daily digest lists each person's open tasks; the notices page shows
them newest first and marks them read."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import include, path, reverse
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from config.urls import urlpatterns as site_urlpatterns
from dossiers import services
from dossiers.models import State
from permissions.models import Role
from web.notice_views import NoticeListView
from workflows.models import Notice, NoticeKind
from workflows.notify import digest
from workflows.services import task_claim, task_reassign
from workflows.signals import task_assigned
from workflows.sync import process_of

from .factories import CandidateFactory, UserFactory, dossier_in_state, grant

# The notices page as config/urls.py will mount it (`notices:list`).
urlpatterns = [
    path("notices/", include(([path("", NoticeListView.as_view(), name="list")], "notices"))),
    *site_urlpatterns,
]


@pytest.fixture
def emails(secretary_a, secretary_b, committee_member, approver, mentor_user):
    for user in (secretary_a, secretary_b, committee_member, approver, mentor_user[0]):
        user.email = f"{user.username}@example.org"
        user.save()


def first_open_task(dossier) -> Task:
    return Task.objects.filter(process=process_of(dossier), flow_task_type="HUMAN", status=STATUS.NEW).first()


def test_claiming_a_task_gives_one_assigned_notice_and_one_email(
        cell_a, secretary_a, emails, mailoutbox, django_capture_on_commit_callbacks):
    d = dossier_in_state(State.SPOTTED, cell=cell_a)
    task = first_open_task(d)
    with django_capture_on_commit_callbacks(execute=True):
        task_claim(task=task, user=secretary_a)
    notice = Notice.objects.get()
    assert (notice.user, notice.task, notice.kind) == (secretary_a, task, NoticeKind.ASSIGNED)
    assert d.candidate.full_name in notice.message and cell_a.name in notice.message
    assert notice.emailed_at is not None
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["bithu_a@example.org"]
    assert notice.message in mailoutbox[0].body
    assert reverse("dossiers:step", args=[d.pk, "enroll_training"]) in mailoutbox[0].body


def test_no_email_leaves_before_the_assignment_is_committed(cell_a, secretary_a, emails, mailoutbox,
                                                             django_capture_on_commit_callbacks):
    d = dossier_in_state(State.SPOTTED, cell=cell_a)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        task_claim(task=first_open_task(d), user=secretary_a)
    assert mailoutbox == [] and callbacks


def test_a_direct_assignment_with_the_signal_notifies_once_even_if_sent_twice(
        cell_a, secretary_a, emails, mailoutbox, django_capture_on_commit_callbacks):
    d = dossier_in_state(State.SPOTTED, cell=cell_a)
    task = first_open_task(d)
    with django_capture_on_commit_callbacks(execute=True):
        with task.activation() as activation:
            activation.assign(secretary_a)
        task_assigned.send(sender=Task, task=task, user=secretary_a, by=None)
        task_assigned.send(sender=Task, task=task, user=secretary_a, by=None)
    assert Notice.objects.filter(kind=NoticeKind.ASSIGNED).count() == 1
    assert len(mailoutbox) == 1


def test_a_task_given_by_the_secretary_names_her_in_the_notice(
        cell_a, secretary_a, emails, mailoutbox, django_capture_on_commit_callbacks):
    secretary_a.first_name, secretary_a.last_name = "Hoa", "Nguyễn Thị"
    secretary_a.save()
    deputy = UserFactory(username="pbt", email="pbt@example.org")
    grant(deputy, Role.CELL_DEPUTY, cell_a)
    d = dossier_in_state(State.SPOTTED, cell=cell_a)
    with django_capture_on_commit_callbacks(execute=True):
        task_reassign(task=first_open_task(d), user=secretary_a, to=deputy)
    notice = Notice.objects.get(user=deputy)
    assert "Hoa" in notice.message
    assert mailoutbox[0].to == ["pbt@example.org"]


def test_a_user_without_an_email_address_gets_the_notice_only(cell_a, secretary_a, mailoutbox,
                                                               django_capture_on_commit_callbacks):
    d = dossier_in_state(State.SPOTTED, cell=cell_a)
    with django_capture_on_commit_callbacks(execute=True):
        task_claim(task=first_open_task(d), user=secretary_a)
    assert Notice.objects.filter(user=secretary_a).count() == 1 and mailoutbox == []


def test_the_digest_sends_one_mail_per_user_with_open_tasks(
        cell_a, secretary_a, secretary_b, committee_member, approver, emails, mailoutbox):
    spotted = services.dossier_create(candidate=CandidateFactory(), cell=cell_a, source="youth_union",
                                      spotted_on=dt.date(2025, 4, 25), actor=UserFactory())
    recent = dossier_in_state(State.SPOTTED, cell=cell_a)
    late_task, recent_task = first_open_task(spotted), first_open_task(recent)
    # The recent one is claimed first, but the overdue one must come first in the list.
    for task in (recent_task, late_task):
        with task.activation() as activation:
            activation.assign(secretary_a)
    dossier_in_state(State.HIGHER_APPROVAL, cell=cell_a)  # a committee task in the queue

    assert digest(dt.date(2026, 11, 23)) == 2
    by_user = {m.to[0]: m for m in mailoutbox}
    assert set(by_user) == {"bithu_a@example.org", "dangu_y@example.org"}  # not cell B, nothing for the approver yet
    body = by_user["bithu_a@example.org"].body
    assert body.index(spotted.candidate.full_name) < body.index(recent.candidate.full_name)
    assert "ngày 10 tháng 6 năm 2025" in body
    assert "1" in by_user["dangu_y@example.org"].body


def test_the_digest_command_reports_how_many_were_sent(cell_a, secretary_a, emails, mailoutbox, capsys):
    dossier_in_state(State.SPOTTED, cell=cell_a)
    call_command("workflow_digest")
    assert "1 digest(s) sent" in capsys.readouterr().out and len(mailoutbox) == 1


@pytest.mark.urls(__name__)
def test_the_notices_page_lists_mine_newest_first_and_marks_them_read(
        client, cell_a, secretary_a, secretary_b, django_assert_max_num_queries, django_capture_on_commit_callbacks):
    first = dossier_in_state(State.SPOTTED, cell=cell_a)
    second = dossier_in_state(State.SPOTTED, cell=cell_a)
    with django_capture_on_commit_callbacks(execute=True):
        task_claim(task=first_open_task(first), user=secretary_a)
        task_claim(task=first_open_task(second), user=secretary_a)
    client.force_login(secretary_a)
    url = reverse("notices:list")
    client.get(url)
    with django_assert_max_num_queries(8):
        page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert html.index(second.candidate.full_name) < html.index(first.candidate.full_name)
    assert html.count("web-notice--unread") == 2

    assert client.post(url).status_code == 302
    assert not Notice.objects.filter(read_at__isnull=True).exists()
    assert "web-notice--unread" not in client.get(url).content.decode()

    client.force_login(secretary_b)
    assert first.candidate.full_name not in client.get(url).content.decode()


@pytest.mark.urls(__name__)
def test_the_notices_page_needs_a_login(client):
    response = client.get(reverse("notices:list"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
