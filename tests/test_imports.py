"""Import from Excel (issue 19): organisations, rosters, candidates and their dossiers, each row
checked by the rules of the pages; all or nothing; idempotent; late states as if walked."""

from __future__ import annotations

import datetime as dt

import pytest
from dateutil.relativedelta import relativedelta
from django.urls import reverse
from django.utils import timezone
from viewflow.workflow.models import Task

from dossiers import workdays
from dossiers.models import Candidate, Dossier, DossierHistory, Organization, PartyMember, State
from dossiers.services import dossier_record_grassroots_admission
from imports import services
from imports.models import ImportKind, ImportStatus
from imports.workbooks import rows_workbook, template_workbook
from workflows.models import TaskDeadline
from workflows.sync import process_of

from .factories import PartyMemberFactory, dossier_in_state

TODAY = timezone.localdate()


def d(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def run_import(user, kind, rows=None, *, content=None, name="du-lieu.xlsx", confirm=True):
    content = content if content is not None else rows_workbook(kind, rows)
    run = services.import_upload(user=user, kind=kind, file_name=name, content=content)
    if run.status == ImportStatus.REFUSED:
        return run
    run = services.import_check(run=run)
    if confirm and run.status == ImportStatus.PREVIEWED:
        run = services.import_apply(run=run, actor=user)
    return run


def candidate_row(n: int, *, cell="Chi bộ thôn 1", state="Quần chúng ưu tú", birth=None, **extra) -> dict:
    row = {
        "id_number": f"0360950{n:05d}", "full_name": f"Nguyễn Thị Hoà {n}", "sex": "Nữ",
        "birth_date": d(birth or TODAY - relativedelta(years=25)), "place_of_birth": "Xã Thành Lợi",
        "home_town": "Vụ Bản, Nam Định", "permanent_residence": "Xóm Đông", "occupation": "Giáo viên",
        "general_education": "12/12", "cell": cell, "source": "Chi bộ", "state": state,
        "spotted_on": d(TODAY - relativedelta(months=14)),
    }
    row.update(extra)
    return row


def open_steps(dossier) -> set[str]:
    return {t.flow_task.step for t in Task.objects.filter(process=process_of(dossier), status__in=["NEW", "ASSIGNED"])}


def late_columns(members, *, vote_on: dt.date, state: str) -> dict:
    """The evidence of every step up to `state`, dated backwards from the vote."""
    spot = vote_on - relativedelta(months=10)
    cols = {
        "spotted_on": d(spot), "class_start": d(spot + relativedelta(days=10)),
        "certificate_number": "12/GCN", "certificate_issued_on": d(spot + relativedelta(days=20)),
        "mentor": members[0].card_number,
        "introducer_1": members[0].card_number, "introducer_1_since": d(spot - relativedelta(years=3)),
        "introducer_2": members[1].card_number, "introducer_2_since": d(spot - relativedelta(years=3)),
        "application_on": d(vote_on - relativedelta(days=40)), "history_on": d(vote_on - relativedelta(days=40)),
        "verified_on": d(vote_on - relativedelta(days=20)), "certified_on": d(vote_on - relativedelta(days=15)),
        "opinions_on": d(vote_on - relativedelta(days=10)), "state": state,
    }
    if state in ("Cấp trên xét duyệt", "Đảng viên dự bị"):
        cols.update(vote_on=d(vote_on), vote_eligible="9", vote_present="9", vote_for="9", branch_number="05-NQ/CB")
    return cols


@pytest.fixture
def members(cell_a):
    return [PartyMemberFactory(cell=cell_a, card_number="79000001", joined_on=dt.date(2001, 1, 1),
                               official_since=dt.date(2002, 1, 1)),
            PartyMemberFactory(cell=cell_a, card_number="79000002", joined_on=dt.date(2001, 1, 1),
                               official_since=dt.date(2002, 1, 1))]


def test_the_templates_have_vietnamese_headers_an_example_and_an_instructions_sheet(db):
    import io

    from openpyxl import load_workbook
    for kind in ImportKind.values:
        wb = load_workbook(io.BytesIO(template_workbook(kind)))
        assert len(wb.worksheets) == 2
        headers = [c.value for c in wb.worksheets[0][1]]
        assert any("*" in h for h in headers)
    wb = load_workbook(io.BytesIO(template_workbook(ImportKind.CANDIDATES)))
    assert "Số CCCD *" in [c.value for c in wb.worksheets[0][1]]


def test_a_candidate_in_the_source_list_is_imported_with_its_process_and_reimporting_is_unchanged(
        secretary_a, cell_a):
    run = run_import(secretary_a, ImportKind.CANDIDATES, [candidate_row(1)])
    assert run.status == ImportStatus.DONE, run.report
    assert (run.created, run.refused) == (1, 0)
    dossier = Dossier.objects.get(candidate__id_number="036095000001")
    assert dossier.state == State.SPOTTED and dossier.cell == cell_a
    assert dossier.candidate.full_name == "Nguyễn Thị Hoà 1"
    assert process_of(dossier) is not None
    again = run_import(secretary_a, ImportKind.CANDIDATES, [candidate_row(1)])
    assert again.status == ImportStatus.DONE
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    assert Dossier.objects.count() == 1


def test_a_late_state_dossier_behaves_like_a_walked_one(secretary_a, committee_member, cell_a, members):
    vote_on = TODAY - relativedelta(days=20)
    row = candidate_row(2, **late_columns(members, vote_on=vote_on, state="Cấp trên xét duyệt"))
    run = run_import(secretary_a, ImportKind.CANDIDATES, [row], name="hoso.xlsx")
    assert run.status == ImportStatus.DONE, run.report
    dossier = Dossier.objects.get(candidate__id_number="036095000002")
    assert dossier.state == State.HIGHER_APPROVAL
    events = list(DossierHistory.objects.filter(dossier=dossier))
    actions = [e.action for e in events]
    assert actions[0] == "create" and actions.index("enroll_training") < actions.index("record_branch_vote")
    assert {"assign_mentor", "assign_introducer", "complete_training", "certify_personal_history",
            "submit_for_vote"} <= set(actions)
    assert all(e.evidence["imported"] and e.evidence["sha256"] == run.sha256 and e.evidence["file"] == "hoso.xlsx"
               for e in events)
    open_tasks = Task.objects.filter(process=process_of(dossier), status__in=["NEW", "ASSIGNED"])
    walked = dossier_in_state(State.HIGHER_APPROVAL, cell=cell_a, introducers=members)
    assert open_steps(dossier) == open_steps(walked)
    assert "record_grassroots_admission" in open_steps(dossier)
    again = run_import(secretary_a, ImportKind.CANDIDATES, [row], name="hoso.xlsx")
    assert (again.status, again.created, again.unchanged) == (ImportStatus.DONE, 0, 1)
    assert DossierHistory.objects.filter(dossier=dossier).count() == len(events)
    assert TaskDeadline.objects.filter(task__in=open_tasks, is_open=True).count() == open_tasks.count()
    dossier_record_grassroots_admission(dossier=dossier, actor=committee_member, meeting_date=TODAY,
                                        present=9, votes_for=9, votes_against=0, number="1-NQ/ĐU", signer="A")
    dossier.refresh_from_db()
    assert dossier.state == State.HIGHER_APPROVAL
    steps = {t.flow_task.step for t in Task.objects.filter(process=process_of(dossier), status__in=["NEW", "ASSIGNED"])}
    assert "decide_admission" in steps


def test_a_17_year_old_with_a_branch_vote_is_refused_with_the_age_rule_and_nothing_is_written(
        secretary_a, cell_a, members):
    vote_on = TODAY - relativedelta(days=20)
    young = candidate_row(3, birth=vote_on - relativedelta(years=17),
                          **late_columns(members, vote_on=vote_on, state="Cấp trên xét duyệt"))
    good = candidate_row(4)
    run = run_import(secretary_a, ImportKind.CANDIDATES, [good, young])
    assert run.status == ImportStatus.REFUSED
    refused = [r for r in run.report if r["action"] == "refused"]
    assert [r["row"] for r in refused] == [3]
    assert any("18" in reason for reason in refused[0]["reasons"]), refused
    assert not Candidate.objects.exists() and not Dossier.objects.exists()


def test_a_probationer_imported_has_the_dossier_dates_a_roster_row_and_the_recognition_tasks(
        secretary_a, cell_a, members):
    vote_on = TODAY - relativedelta(months=3)
    cols = late_columns(members, vote_on=vote_on, state="Đảng viên dự bị")
    cols.update(grassroots_on=d(vote_on + relativedelta(days=5)), grassroots_number="3-NQ/ĐU",
                decision_on=d(vote_on + relativedelta(days=20)), decision_number="245-QĐ/HU",
                ceremony_on=d(vote_on + relativedelta(days=30)), card="79000099")
    run = run_import(secretary_a, ImportKind.CANDIDATES, [candidate_row(5, **cols)])
    assert run.status == ImportStatus.DONE, run.report
    dossier = Dossier.objects.select_related("member").get(candidate__id_number="036095000005")
    assert dossier.state == State.PROBATION
    assert dossier.ceremony_date == vote_on + relativedelta(days=30)
    assert dossier.official_date == dossier.ceremony_date + relativedelta(months=12)
    assert dossier.member.card_number == "79000099" and dossier.member.status == "probationary"
    cell_a.refresh_from_db()
    assert cell_a.probationary_members == 1
    walked = dossier_in_state(State.PROBATION, cell=cell_a, introducers=members)
    assert open_steps(dossier) == open_steps(walked) != set()


def test_diacritics_and_dates_dd_mm_yyyy_or_real_excel_dates_are_read(secretary_a, cell_a):
    import unicodedata

    decomposed = unicodedata.normalize("NFD", "Lê Thị Ngọc Ánh")
    row = candidate_row(6, full_name=decomposed, birth_date=dt.datetime(1999, 2, 3), spotted_on="05/01/2025")
    row["cell"] = unicodedata.normalize("NFD", "chi bộ thôn 1")
    run = run_import(secretary_a, ImportKind.CANDIDATES, [row])
    assert run.status == ImportStatus.DONE, run.report
    c = Candidate.objects.get(id_number="036095000006")
    assert c.full_name == "Lê Thị Ngọc Ánh" == unicodedata.normalize("NFC", c.full_name)
    assert c.birth_date == dt.date(1999, 2, 3)
    assert c.dossiers.get().spotted_on == dt.date(2025, 1, 5)


def test_a_bad_date_and_a_missing_value_are_listed_with_their_row_and_column(secretary_a, cell_a):
    rows = [candidate_row(7, birth_date="31/02/1999"), candidate_row(8, occupation=""),
            candidate_row(9, sex="X")]
    run = run_import(secretary_a, ImportKind.CANDIDATES, rows)
    assert run.status == ImportStatus.REFUSED and run.refused == 3
    reasons = {r["row"]: " ".join(r["reasons"]) for r in run.report}
    assert "Ngày sinh" in reasons[2] and "31/02/1999" in reasons[2]
    assert "Nghề nghiệp" in reasons[3]
    assert "Giới tính" in reasons[4]
    assert not Candidate.objects.exists()


def test_an_oversized_file_a_non_xlsx_file_and_wrong_headers_get_a_clear_error(secretary_a, cell_a, settings):
    settings.IMPORT_MAX_BYTES = 1000
    big = run_import(secretary_a, ImportKind.CANDIDATES, content=b"x" * 2000, name="a.xlsx")
    assert big.status == ImportStatus.REFUSED and "MB" in big.error
    settings.IMPORT_MAX_BYTES = 10 * 1024 * 1024
    pdf = run_import(secretary_a, ImportKind.CANDIDATES, content=b"%PDF-1.4 binary\x00\x01", name="a.xlsx")
    assert pdf.status == ImportStatus.REFUSED and ".xlsx" in pdf.error
    fake_zip = run_import(secretary_a, ImportKind.CANDIDATES, content=b"PK\x03\x04garbage", name="a.xlsx")
    assert fake_zip.status == ImportStatus.REFUSED
    wrong = rows_workbook(ImportKind.CANDIDATES, [candidate_row(1)], headers=["Tên", "Tuổi"])
    headers = run_import(secretary_a, ImportKind.CANDIDATES, content=wrong)
    assert headers.status == ImportStatus.REFUSED and "Số CCCD" in headers.error
    assert not Candidate.objects.exists()


def test_a_csv_with_bom_and_semicolons_is_read(secretary_a, cell_a):
    from imports.columns import COLUMNS

    row = candidate_row(10)
    columns = COLUMNS[ImportKind.CANDIDATES]
    text = ";".join(c.title for c in columns) + "\r\n" + ";".join(str(row.get(c.key, "")) for c in columns) + "\r\n"
    run = run_import(secretary_a, ImportKind.CANDIDATES, content=text.encode("utf-8-sig"), name="ds.csv")
    assert run.status == ImportStatus.DONE, (run.error, run.report)
    assert Candidate.objects.get().full_name == "Nguyễn Thị Hoà 10"


def test_rows_outside_the_importers_scope_are_refused(secretary_b, cell_a, cell_b):
    run = run_import(secretary_b, ImportKind.CANDIDATES, [candidate_row(11), candidate_row(12, cell="Chi bộ thôn 2")])
    assert run.status == ImportStatus.REFUSED
    assert [r["row"] for r in run.report if r["action"] == "refused"] == [2]
    assert "phạm vi" in " ".join(run.report[0]["reasons"]) or "scope" in " ".join(run.report[0]["reasons"])
    assert not Dossier.objects.exists()


def test_a_roster_is_imported_by_card_number_updated_and_then_unchanged(secretary_a, cell_a):
    rows = [{"card_number": "79100001", "full_name": "Đỗ Văn Bình", "sex": "Nam", "cell": "Chi bộ thôn 1",
             "joined_on": "03/02/2010", "official_since": "03/02/2011"},
            {"card_number": "79100002", "full_name": "Vũ Thị Lan", "sex": "Nữ", "cell": "Chi bộ thôn 1",
             "joined_on": d(TODAY - relativedelta(months=2))}]
    Organization.objects.filter(pk=cell_a.pk).update(roster_kept=True)
    run = run_import(secretary_a, ImportKind.MEMBERS, rows)
    assert run.status == ImportStatus.DONE and run.created == 2, run.report
    cell_a.refresh_from_db()
    assert (cell_a.official_members, cell_a.probationary_members) == (1, 1)  # the roster kept: counted from it
    assert PartyMember.objects.get(card_number="79100001").status == "official"
    assert PartyMember.objects.get(card_number="79100002").status == "probationary"
    assert PartyMember.objects.get(card_number="79100001").history.first().history_user == secretary_a
    rows[1]["position"] = "Chi ủy viên"
    again = run_import(secretary_a, ImportKind.MEMBERS, rows)
    assert (again.created, again.updated, again.unchanged) == (0, 1, 1)
    third = run_import(secretary_a, ImportKind.MEMBERS, rows)
    assert (third.created, third.updated, third.unchanged) == (0, 0, 2)
    bad = run_import(secretary_a, ImportKind.MEMBERS, [{**rows[0], "card_number": "79100003",
                                                        "official_since": "01/01/2009"}])
    assert bad.status == ImportStatus.REFUSED and PartyMember.objects.filter(card_number__startswith="791").count() == 2


def test_an_organisation_tree_is_imported_under_the_boards_district(board, tree):
    rows = [{"name": "Đảng bộ xã Hiển Khánh", "level": "Đảng bộ cơ sở", "parent": "Huyện ủy Vụ Bản",
             "category": "Xã, thị trấn", "committee_members": "11", "has_youth_union": "Có"},
            {"name": "Chi bộ xóm Đông", "level": "Chi bộ", "parent": "Đảng bộ xã Hiển Khánh"},
            {"name": "Chi bộ xóm Tây", "level": "Chi bộ", "parent": "Tỉnh ủy Nam Định"}]
    run = run_import(board, ImportKind.ORGANIZATIONS, rows)
    assert run.status == ImportStatus.REFUSED and [r["row"] for r in run.report if r["action"] == "refused"] == [4]
    run = run_import(board, ImportKind.ORGANIZATIONS, rows[:2])
    assert run.status == ImportStatus.DONE and run.created == 2, run.report
    grassroots = Organization.objects.get(name="Đảng bộ xã Hiển Khánh")
    cell = Organization.objects.get(name="Chi bộ xóm Đông")
    assert cell.parent == grassroots and cell.path.startswith(tree["district"].path)
    assert grassroots.committee_members == 11 and grassroots.has_youth_union
    again = run_import(board, ImportKind.ORGANIZATIONS, rows[:2])
    assert (again.created, again.unchanged) == (0, 2)


def test_dossiers_of_one_shape_share_the_flow_run_once_and_get_their_own_deadlines(
        secretary_a, org_board, cell_a, cell_b, members):
    vote_a = TODAY - relativedelta(days=20)
    vote_b = TODAY - relativedelta(days=40)
    rows = [candidate_row(20, **late_columns(members, vote_on=vote_a, state="Cấp trên xét duyệt")),
            candidate_row(21, cell="Chi bộ thôn 2", **late_columns(members, vote_on=vote_b, state="Cấp trên xét duyệt"))]
    run = run_import(org_board, ImportKind.CANDIDATES, rows)
    assert run.status == ImportStatus.DONE, run.report
    first, second = (Dossier.objects.get(candidate__id_number=f"0360950000{n}") for n in (20, 21))
    walked = dossier_in_state(State.HIGHER_APPROVAL, cell=cell_b, introducers=members)
    assert open_steps(first) == open_steps(second) == open_steps(walked)

    def rows_of(dossier):
        deadlines = dict(TaskDeadline.objects.filter(dossier=dossier).values_list("task_id", "is_open"))
        return sorted((t.flow_task.name, t.status, t.owner_id or 0, t.owner_permission or "",
                       t.owner_permission_obj_pk or "", str(deadlines.get(t.pk)))
                      for t in Task.objects.filter(process=process_of(dossier)))

    assert rows_of(first) == rows_of(second)
    due = {d.pk: TaskDeadline.objects.get(dossier=d, is_open=True, task__flow_task__endswith="grassroots_resolution")
           for d in (first, second)}
    assert due[first.pk].due_on != due[second.pk].due_on  # 60 working days from each cell's own resolution
    assert due[second.pk].due_on == workdays.add_working_days(vote_b, 60)


def test_imported_dossiers_show_in_the_queue_the_dossier_page_and_the_reports(client, secretary_a, tree, cell_a,
                                                                               members):
    from reports.periods import Period
    from reports.stats.counting import admitted_dossiers, pipeline_of
    from workflows.selectors import tasks_queue

    vote_on = TODAY - relativedelta(months=3)
    cols = late_columns(members, vote_on=vote_on, state="Đảng viên dự bị")
    cols.update(grassroots_on=d(vote_on + relativedelta(days=5)), decision_on=d(vote_on + relativedelta(days=20)),
                decision_number="245-QĐ/HU", ceremony_on=d(vote_on + relativedelta(days=30)))
    run = run_import(secretary_a, ImportKind.CANDIDATES, [candidate_row(30, **cols), candidate_row(31)])
    assert run.status == ImportStatus.DONE, run.report
    admitted = Dossier.objects.get(candidate__id_number="036095000030")
    spotted = Dossier.objects.get(candidate__id_number="036095000031")
    queued = {t.process.artifact_object_id for t in tasks_queue(user=secretary_a)}
    assert {admitted.pk, spotted.pk} <= queued
    period = Period(vote_on - relativedelta(months=1), TODAY)
    assert list(admitted_dossiers(organization=tree["district"], period=period)) == [admitted]
    assert pipeline_of(tree["district"]).get(State.SPOTTED) == 1
    client.force_login(secretary_a)
    page = client.get(reverse("dossiers:detail", args=[admitted.pk])).content.decode()
    assert "Nhập từ tệp" in page or run.file_name in page


def test_a_formula_cell_is_read_as_its_stored_value_never_evaluated(secretary_a, cell_a):
    row = candidate_row(40, occupation='=cmd|" /C calc"!A0')
    run = run_import(secretary_a, ImportKind.CANDIDATES, [row])
    # openpyxl writes it as a formula with no cached value: read as empty, the column is required.
    assert run.status == ImportStatus.REFUSED
    assert "Nghề nghiệp" in " ".join(run.report[0]["reasons"])
    assert not Candidate.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_on_postgresql_the_progress_is_written_beside_the_open_import_transaction(secretary_a, cell_a):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the progress connection is used on PostgreSQL only")
    run = run_import(secretary_a, ImportKind.CANDIDATES, [candidate_row(n) for n in range(50, 56)])
    assert run.status == ImportStatus.DONE and run.created == 6 and run.done == 6
