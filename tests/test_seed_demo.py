"""`manage.py seed_demo` and `manage.py demo_logins`, and the demo logins' task pages: the demo data is built once for the module
(one transaction, rolled back at the end) and each test reads it inside its own savepoint."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from demo import builder as demo
from dossiers.models import (
    ActKind,
    Dossier,
    Organization,
    OrgCategory,
    OrgLevel,
    PartyAct,
    State,
    Vote,
)
from permissions.models import Role, RoleAssignment
from permissions.scoping import visible_dossiers
from workflows.models import Notice
from workflows.notify import deliver, digest

# A fifth of the district's dossiers: every state, path and login of the demo (each state keeps its minimum), in a fifth of the time
# (`make run` builds them all; the builder is the same).
SCALE = 0.2
# The mails the seed sent, its commit callbacks run (they would run when `make seed` commits).
SEED_MAILS: list = []


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        out = StringIO()
        mail.outbox = []
        with TestCase.captureOnCommitCallbacks(execute=True):
            call_command("seed_demo", stdout=out, scale=SCALE)
        SEED_MAILS[:] = mail.outbox
        yield out.getvalue()
        transaction.set_rollback(True)


@pytest.fixture
def district(seeded, db):
    return Organization.objects.get(name=demo.DISTRICT_NAME, level=OrgLevel.DISTRICT)


def row_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def test_the_demo_seed_sends_no_mail_and_leaves_no_notice_waiting_to_be_emailed(seeded, db, mailoutbox):
    # The console backend printed about 20 MIME mails before the logins: the seed's notices stay in
    # the application, and none is left for a later sweep to email.
    assert SEED_MAILS == []
    assert Notice.objects.exists()
    assert not Notice.objects.filter(emailed_at__isnull=True).exists()
    assert deliver() == 0 and mailoutbox == []


def test_seeding_twice_adds_no_row_and_says_the_data_is_already_there(seeded, db):
    before = row_counts()
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert row_counts() == before
    assert out.getvalue().strip() == (
        _("The demo data is already there (%(district)s); nothing was changed.") % {"district": demo.DISTRICT_NAME}
    )


def test_the_first_run_reports_the_dossiers_created_per_state(seeded, db):
    assert str(Dossier.objects.count()) in seeded
    for state in State:
        assert str(state.label) in seeded


def test_it_builds_the_province_and_the_district_above_the_grassroots(district):
    assert district.short_name == "HU" and district.place_name == "Vụ Bản"
    assert district.parent.name == "Tỉnh ủy Nam Định"
    assert district.parent.level == OrgLevel.PROVINCE
    assert district.parent.short_name == "TU" and district.parent.place_name == "Nam Định"


def test_it_builds_the_57_grassroots_organisations_of_the_reference_table(district):
    grassroots = list(district.children.filter(level=OrgLevel.GRASSROOTS).order_by("sort_order"))
    assert len(grassroots) == 57
    assert [org.sort_order for org in grassroots] == list(range(1, 58))
    for org, row in zip(grassroots, demo.REFERENCE_ROWS, strict=True):
        # The name as written in the report, inside the name people use.
        assert org.name.casefold().endswith(row.table_name.casefold()), org.name
        assert org.category == row.category
    assert grassroots[0].name == "Đảng bộ xã Minh Thuận"
    assert grassroots[11].name == "Đảng bộ thị trấn Gôi"
    assert grassroots[15].name == "Đảng bộ xã Thành Lợi"
    assert grassroots[56].name == "Chi bộ Bưu điện huyện"


def test_the_grassroots_organisations_fall_in_the_five_groups_of_the_report_in_order(district):
    categories = list(
        district.children.filter(level=OrgLevel.GRASSROOTS).order_by("sort_order").values_list("category", flat=True)
    )
    expected = (
        [OrgCategory.COMMUNE] * 18 + [OrgCategory.PARTY_AGENCY] * 4 + [OrgCategory.ADMINISTRATIVE] * 26
        + [OrgCategory.PUBLIC_SERVICE] * 8 + [OrgCategory.ENTERPRISE] * 1
    )
    assert categories == expected


def test_every_grassroots_organisation_has_cells_with_members_and_a_committee(district):
    for org in district.children.filter(level=OrgLevel.GRASSROOTS):
        cells = Organization.objects.filter(path__startswith=org.path, level=OrgLevel.CELL)
        assert cells.exists(), org.name
        assert org.committee_members > 0, org.name
        for cell in cells:
            assert 8 <= cell.official_members + cell.probationary_members, cell.name
            assert cell.members.filter(status="official").count() >= 4, cell.name
        if org.category == OrgCategory.COMMUNE:
            assert 3 <= cells.count() <= 7, org.name


def test_one_commune_has_a_sub_committee_whose_cells_send_7_knd_and_14_knd_reports(district):
    sub = Organization.objects.get(level=OrgLevel.SUB_COMMITTEE, path__startswith=district.path)
    assert sub.parent.name == "Đảng bộ xã Thành Lợi"
    assert sub.children.filter(level=OrgLevel.CELL).count() >= 2
    under_sub = PartyAct.objects.filter(dossier__cell__parent=sub)
    assert under_sub.filter(kind=ActKind.SUB_COMMITTEE_ADMISSION).exists()


def test_every_state_has_at_least_one_dossier(seeded, db):
    present = set(Dossier.objects.values_list("state", flat=True))
    assert present == set(State.values)
    # The builder's share of STATE_COUNTS, each state with at least the busy cell's cases and one more.
    wanted = sum(max(in_busy + 1, round(total * SCALE)) for total, in_busy in demo.STATE_COUNTS.values())
    assert Dossier.objects.count() == wanted
    assert 280 <= sum(total for total, _busy in demo.STATE_COUNTS.values()) <= 320  # `make run`'s district


def test_every_dossier_history_starts_with_create_and_ends_in_the_dossier_state(seeded, db):
    for dossier in Dossier.objects.prefetch_related("events"):
        events = list(dossier.events.all())
        assert events[0].action == "create", dossier.pk
        assert events[-1].to_state == dossier.state, dossier.pk


def test_rejections_include_failed_branch_votes_and_removals_follow_a_two_thirds_vote_against(seeded, db):
    failed = Vote.objects.filter(purpose="branch_admission", passed=False)
    assert failed.exists()
    assert all(v.dossier.state == State.REJECTED for v in failed)
    for dossier in Dossier.objects.filter(state=State.REMOVED):
        vote = dossier.votes.get(purpose="branch_recognition")
        assert vote.votes_against * 3 >= vote.eligible * 2


def test_no_date_of_the_demo_data_lies_in_the_future(seeded, db):
    today = timezone.localdate()
    assert not Dossier.objects.filter(spotted_on__gt=today).exists()
    assert not PartyAct.objects.filter(date__gt=today).exists()
    assert not Vote.objects.filter(meeting_date__gt=today).exists()
    assert not Dossier.objects.filter(ceremony_date__gt=today).exists()


def test_admissions_fall_in_this_year_and_the_last(seeded, db):
    years = set(Dossier.objects.filter(decision_date__isnull=False).values_list("decision_date__year", flat=True))
    today = timezone.localdate()
    assert {today.year, today.year - 1} & years


def test_candidates_look_like_the_district_mostly_women_mostly_kinh(seeded, db):
    dossiers = Dossier.objects.select_related("candidate")
    women = sum(1 for d in dossiers if d.candidate.sex == "female")
    assert 0.45 <= women / dossiers.count() <= 0.75  # ~100 candidates drawn at 60 % women: ± 3 σ
    kinh = sum(1 for d in dossiers if d.candidate.ethnicity == "Kinh")
    assert kinh / dossiers.count() >= 0.85
    for d in dossiers:
        assert 2 <= d.candidate.relatives.count() <= 4


@pytest.mark.parametrize("spec", demo.DEMO_USERS, ids=lambda s: s.username)
def test_each_demo_user_exists_with_its_role(seeded, db, spec):
    user = get_user_model().objects.get(username=spec.username)
    assert user.check_password(settings.DEMO_PASSWORD)
    assert user.first_name and user.last_name
    assert RoleAssignment.objects.filter(user=user, role=spec.role, revoked_at__isnull=True).exists()
    assert user.is_superuser == (spec.role == Role.ADMIN)


@pytest.mark.parametrize("username", [s.username for s in demo.DEMO_USERS])
def test_every_demo_login_has_dossiers_to_look_at(seeded, db, username):
    user = get_user_model().objects.get(username=username)
    assert visible_dossiers(user).count() >= 5


def test_the_secretary_cell_has_several_dossiers_in_every_state(seeded, db):
    bithu = get_user_model().objects.get(username="bithu")
    states = set(visible_dossiers(bithu).values_list("state", flat=True))
    assert states == set(State.values)


def test_the_history_names_the_demo_users_who_acted(seeded, db):
    bithu = get_user_model().objects.get(username="bithu")
    cell_dossier = visible_dossiers(bithu).filter(state=State.RECOGNIZED).first()
    actors = set(cell_dossier.events.values_list("actor__username", flat=True))
    assert {"btv"} <= actors and actors & {"bithu", "phobithu"} and "danguy" in actors


def test_demo_logins_prints_every_account_and_the_address(seeded, db, monkeypatch):
    monkeypatch.setenv("PORT", "8765")
    out = StringIO()
    call_command("demo_logins", stdout=out)
    text = out.getvalue()
    for spec in demo.DEMO_USERS:
        assert spec.username in text
    assert settings.DEMO_PASSWORD in text
    assert "Chi bộ thôn Đồng Đội" in text
    assert "http://127.0.0.1:8765/" in text


def test_demo_logins_without_demo_accounts_says_to_seed_first(seeded, db, monkeypatch):
    nobody = demo.DemoUser("nobody", Role.AUDITOR, "district", "Không", "Có")
    monkeypatch.setattr("demo.management.commands.demo_logins.DEMO_USERS", [nobody])
    out = StringIO()
    call_command("demo_logins", stdout=out)
    assert "seed_demo" in out.getvalue()


def test_the_demo_logins_pass_the_second_factor_with_the_demo_code_while_debug_is_on(seeded, db):
    """Issue 18 §2: `make run` stays usable; demo_logins prints the code, refused once DEBUG is off."""
    from django.test import Client, override_settings  # noqa: PLC0415

    from accounts.second_factor import REQUIRED_ROLES  # noqa: PLC0415

    with override_settings(DEBUG=True, TWO_FACTOR_ENFORCED=True, DEMO_OTP_CODE="246810"):
        out = StringIO()
        call_command("demo_logins", stdout=out)
        assert "246810" in out.getvalue()
        for spec in demo.DEMO_USERS:
            client = Client()
            client.force_login(get_user_model().objects.get(username=spec.username))
            if spec.role in REQUIRED_ROLES:
                assert client.get(reverse("dossiers:index"))["Location"].startswith(reverse("account:verify"))
                assert client.post(reverse("account:verify"), {"token": "246810"}).status_code == 302, spec
            assert client.get(reverse("dossiers:index")).status_code == 200, spec
    with override_settings(DEBUG=False, TWO_FACTOR_ENFORCED=True, DEMO_OTP_CODE="246810"):
        client = Client()
        client.force_login(get_user_model().objects.get(username="btv"))
        assert client.post(reverse("account:verify"), {"token": "246810"}).status_code == 200
        assert client.get(reverse("dossiers:index")).status_code == 302


# --- The demo logins' task pages (on the same seed) -------------------------------------------

TASK_ROLES = ["bithu", "phobithu", "danguy", "btv", "giupdo"]
# They do no step themselves; their list is the late work they must chase in their scope.
FOLLOW_UP_ROLES = ["doan", "bantochuc", "kiemtra", "admin"]


@pytest.mark.parametrize("username", TASK_ROLES)
def test_every_demo_login_with_a_task_role_has_a_non_empty_inbox(seeded, db, client, username):
    user = get_user_model().objects.get(username=username)
    client.force_login(user)
    assert row_ids(client.get(reverse("tasks:inbox")))
    assert row_ids(client.get(reverse("index")))


@pytest.mark.parametrize("username", FOLLOW_UP_ROLES)
def test_demo_logins_that_follow_up_see_late_work_on_their_home_page(seeded, db, client, username):
    client.force_login(get_user_model().objects.get(username=username))
    response = client.get(reverse("index"))
    assert response.status_code == 200
    assert row_ids(response)
    assert row_ids(client.get(reverse("tasks:overdue")))
    assert reverse("dossiers:index") in response.content.decode()


def test_the_daily_digest_on_the_demo_mails_every_demo_login_with_open_tasks(seeded, db, mailoutbox):
    sent = digest(timezone.localdate())
    recipients = {m.to[0] for m in mailoutbox}
    assert sent == len(mailoutbox) > 0
    assert {f"{name}@vuban.example" for name in TASK_ROLES} <= recipients


def row_ids(response) -> list[int]:
    return [int(pk) for pk in re.findall(r'data-task="(\d+)"', response.content.decode())]


def test_every_demo_cell_keeps_its_roster_and_the_busy_cell_met_partly_online(seeded, db):
    from dossiers import roster  # noqa: PLC0415
    from dossiers.models import Meeting, MeetingFormat  # noqa: PLC0415

    today = timezone.localdate()
    cells = Organization.objects.filter(level=OrgLevel.CELL)
    assert cells.exists() and not cells.filter(roster_kept=False).exists()
    for cell in cells:
        counts = roster.counts_on(cell, today)
        assert (counts["official"], counts["probationary"]) == (cell.official_members, cell.probationary_members)
    assert not Organization.objects.filter(level=OrgLevel.GRASSROOTS, committee_roster_kept=False).exists()
    meeting = Meeting.objects.get()
    assert meeting.format == MeetingFormat.MIXED and meeting.online_decision
    assert meeting.attendance.filter(presence="online").exists()
