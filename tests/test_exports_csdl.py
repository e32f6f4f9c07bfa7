"""Issue 19 §2: the new members of a period for the party-member database (CSDL đảng viên), the
"already exported" mark, the re-export, the yearly supplement list, who may export and the log."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from builders.templates import dossier_copy
from dossiers.models import ActKind, OrgLevel, PartyAct, State
from exports.models import ExportedMember, ExportKind, ExportRecord

from .factories import OrganizationFactory, admitted_dossier, dossier_removed

YEAR = 2025


def recognise(d, on: dt.date, number: str = "120-QĐ/HU"):
    """A recognition decision (16-KNĐ) dated `on` for an admitted dossier."""
    PartyAct.objects.create(dossier=d, kind=ActKind.RECOGNITION_DECISION, issuer="Ban Thường vụ Huyện ủy",
                            number=number, date=on, signer="Phó Bí thư")
    type(d).objects.filter(pk=d.pk).update(state=State.RECOGNIZED)


def remove(d, on: dt.date):
    PartyAct.objects.create(dossier=d, kind=ActKind.REMOVAL_DECISION, issuer="Ban Thường vụ Huyện ủy",
                            number="7-QĐ/HU", date=on, signer="Phó Bí thư", reason="Không đủ tư cách đảng viên.")
    type(d).objects.filter(pk=d.pk).update(state=State.REMOVED)


@pytest.fixture
def other_district(tree):
    district = OrganizationFactory(name="Huyện ủy Ý Yên", level=OrgLevel.DISTRICT, parent=tree["province"])
    grassroots = OrganizationFactory(name="Đảng bộ xã Yên Thọ", level=OrgLevel.GRASSROOTS, parent=district)
    cell = OrganizationFactory(name="Chi bộ thôn Yên", level=OrgLevel.CELL, parent=grassroots)
    return {"district": district, "cell": cell}


@pytest.fixture
def members(tree, cell_a, cell_b, other_district):
    """In the district: two admitted in 2025 (A, B), one in 2024 recognised in 2025, one admitted
    in 2026; in the other district, one admitted in 2025."""
    return {
        "a": admitted_dossier(cell=cell_a, decision_date=dt.date(YEAR, 3, 1), ceremony_date=dt.date(YEAR, 3, 10),
                              full_name="Nguyễn Thị Hoà", aliases="Hoà Bình", ethnicity="Tày"),
        "b": admitted_dossier(cell=cell_b, decision_date=dt.date(YEAR, 6, 1), ceremony_date=dt.date(YEAR, 6, 8)),
        "old": admitted_dossier(cell=cell_a, decision_date=dt.date(YEAR - 1, 2, 1),
                                ceremony_date=dt.date(YEAR - 1, 2, 10)),
        "late": admitted_dossier(cell=cell_a, decision_date=dt.date(YEAR + 1, 1, 5),
                                 ceremony_date=dt.date(YEAR + 1, 1, 15)),
        "outside": admitted_dossier(cell=other_district["cell"], decision_date=dt.date(YEAR, 4, 1)),
    }


def export(client, *, kind="admitted", fmt="xlsx", org=None, include=False, year=YEAR):
    data = {"kind": kind, "start": f"{year}-01-01", "end": f"{year}-12-31", "format": fmt}
    if org is not None:
        data["org"] = org.pk
    if include:
        data["include_exported"] = "on"
    return client.post(reverse("exports:index"), data)


def sheet_rows(response) -> list[list]:
    content = b"".join(response.streaming_content)
    ws = load_workbook(io.BytesIO(content)).active
    return [[c.value for c in row] for row in ws.iter_rows()]


def csv_rows(response) -> list[list[str]]:
    content = b"".join(response.streaming_content)
    assert content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_the_admitted_export_holds_the_members_whose_ceremony_is_in_the_period_in_the_subtree_only(
        client, org_board, members):
    client.force_login(org_board)
    response = export(client)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = sheet_rows(response)
    header, body = rows[0], rows[1:]
    assert header[:5] == ["STT", "Họ và tên", "Tên gọi khác", "Tên khai sinh", "Giới tính"]
    names = {r[1] for r in body}
    assert names == {members["a"].candidate.full_name, members["b"].candidate.full_name}
    first = dict(zip(header, body[0], strict=True))
    assert first["Họ và tên"] == "Nguyễn Thị Hoà"
    assert first["Dân tộc"] == "Tày"
    assert first["Ngày vào Đảng"] == dt.datetime(YEAR, 3, 10)
    assert first["Ngày quyết định kết nạp"] == dt.datetime(YEAR, 3, 1)
    assert first["Chi bộ"] == "Chi bộ thôn 1"
    assert first["Đảng bộ cơ sở"] == "Đảng bộ xã Thành Lợi"


def test_the_recognised_export_holds_the_members_whose_recognition_decision_is_in_the_period(
        client, org_board, members):
    recognise(members["old"], dt.date(YEAR, 2, 20), number="15-QĐ/HU")
    recognise(members["a"], dt.date(YEAR + 1, 3, 20))  # decided next year: not in 2025
    client.force_login(org_board)
    rows = sheet_rows(export(client, kind="recognized"))
    header, body = rows[0], rows[1:]
    assert [r[1] for r in body] == [members["old"].candidate.full_name]
    row = dict(zip(header, body[0], strict=True))
    assert row["Số quyết định công nhận"] == "15-QĐ/HU"
    assert row["Ngày quyết định công nhận"] == dt.datetime(YEAR, 2, 20)
    assert row["Ngày chính thức"] == dt.datetime(YEAR, 2, 10)


def test_a_walked_dossier_exports_its_decision_numbers_and_dates_from_the_services(client, org_board, cell_a):
    d = dossier_copy(State.RECOGNIZED, cell=cell_a, actor=org_board)
    client.force_login(org_board)
    recognised_on = d.acts.get(kind=ActKind.RECOGNITION_DECISION).date
    response = export(client, kind="recognized", year=recognised_on.year)
    header, *body = sheet_rows(response)
    row = dict(zip(header, body[0], strict=True))
    assert row["Họ và tên"] == d.candidate.full_name
    assert row["Số quyết định kết nạp"] == "90-QĐ/HU"
    assert row["Số quyết định công nhận"] == "120-QĐ/HU"
    assert row["Ngày vào Đảng"].date() == d.ceremony_date
    assert row["Ngày chính thức"].date() == d.official_date


def test_a_second_export_holds_only_the_new_members_and_a_re_export_on_request_holds_them_all(
        client, org_board, members, cell_a):
    client.force_login(org_board)
    assert len(sheet_rows(export(client))) == 3
    page = client.get(reverse("exports:index"), {"kind": "admitted", "start": f"{YEAR}-01-01",
                                                 "end": f"{YEAR}-12-31"})
    assert "2 đảng viên từ ngày 01 tháng 01 năm 2025 đến ngày 31 tháng 12 năm 2025: 0 chưa xuất, 2 đã xuất" \
        in page.content.decode()
    # Nothing new: no file, a message, no record.
    response = export(client)
    assert response.status_code == 302
    assert ExportRecord.objects.count() == 1
    # A member admitted since is the only one in the next file.
    late = admitted_dossier(cell=cell_a, decision_date=dt.date(YEAR, 11, 1), ceremony_date=dt.date(YEAR, 11, 20),
                            full_name="Lê Văn Mới")
    assert [r[1] for r in sheet_rows(export(client))[1:]] == ["Lê Văn Mới"]
    again = sheet_rows(export(client, include=True))
    assert len(again) == 4
    record = ExportRecord.objects.first()
    assert (record.include_exported, record.new_members, record.repeated_members, record.rows) == (True, 0, 3, 3)
    assert ExportedMember.objects.filter(dossier=late, kind=ExportKind.ADMITTED).count() == 2
    # The recognised export has its own mark: admitted members are not "already recognised".
    recognise(members["a"], dt.date(YEAR, 12, 1))
    assert len(sheet_rows(export(client, kind="recognized"))) == 2


def test_the_csv_holds_the_same_rows_in_utf8_with_a_bom_and_dates_dd_mm_yyyy(client, org_board, members):
    client.force_login(org_board)
    rows = csv_rows(export(client, fmt="csv"))
    assert rows[0][:3] == ["STT", "Họ và tên", "Tên gọi khác"]
    assert rows[1][1:3] == ["Nguyễn Thị Hoà", "Hoà Bình"]
    header = rows[0]
    assert rows[1][header.index("Ngày vào Đảng")] == "10/03/2025"
    assert len(rows) == 3
    record = ExportRecord.objects.get()
    assert record.file_format == "csv"


def test_every_export_is_recorded_with_who_what_the_period_the_hash_and_the_members(client, org_board, members, tree):
    client.force_login(org_board)
    response = export(client)
    content = b"".join(response.streaming_content)
    record = ExportRecord.objects.get()
    assert record.user == org_board
    assert record.organization == tree["district"]
    assert (record.kind, record.period_start, record.period_end) == ("admitted", dt.date(YEAR, 1, 1),
                                                                       dt.date(YEAR, 12, 31))
    assert record.sha256 == hashlib.sha256(content).hexdigest()
    assert record.size == len(content)
    assert set(record.members.values_list("dossier_id", flat=True)) == {members["a"].pk, members["b"].pk}


def test_the_supplement_list_holds_the_periods_recognitions_and_removals(client, org_board, members):
    recognise(members["old"], dt.date(YEAR, 2, 20))
    remove(members["a"], dt.date(YEAR, 9, 1))
    recognise(members["outside"], dt.date(YEAR, 5, 1))  # another district
    client.force_login(org_board)
    header, *body = sheet_rows(export(client, kind="supplement"))
    changes = [(r[header.index("Họ và tên")], r[header.index("Nội dung thay đổi")]) for r in body]
    assert changes == [(members["old"].candidate.full_name, "Được công nhận đảng viên chính thức"),
                       ("Nguyễn Thị Hoà", "Xóa tên khỏi danh sách đảng viên dự bị")]
    assert body[1][header.index("Lý do")] == "Không đủ tư cách đảng viên."
    assert ExportRecord.objects.get().kind == "supplement"


def test_a_removed_member_walked_through_the_services_is_on_the_supplement_list(client, org_board, cell_a):
    d = dossier_removed(cell=cell_a, number="8-QĐ/HU")
    removed_on = d.acts.get(kind=ActKind.REMOVAL_DECISION).date
    client.force_login(org_board)
    header, *body = sheet_rows(export(client, kind="supplement", year=removed_on.year))
    assert [(r[header.index("Họ và tên")], r[header.index("Số quyết định")]) for r in body] == [
        (d.candidate.full_name, "8-QĐ/HU")]


def test_an_organisation_outside_the_boards_subtree_answers_404_and_its_members_never_leave(
        client, org_board, members, other_district):
    client.force_login(org_board)
    assert export(client, org=other_district["district"]).status_code == 404
    assert client.get(reverse("exports:index"), {"org": other_district["district"].pk}).status_code == 404
    assert ExportRecord.objects.count() == 0


def test_a_cell_secretary_may_not_export_and_the_inspection_reads_the_log(
        client, secretary_a, auditor, org_board, members):
    client.force_login(secretary_a)
    assert client.get(reverse("exports:index")).status_code == 403
    assert export(client).status_code == 403
    assert client.get(reverse("exports:log")).status_code == 403
    client.force_login(org_board)
    export(client)
    record = ExportRecord.objects.get()
    client.force_login(auditor)
    assert client.get(reverse("exports:index")).status_code == 403
    log = client.get(reverse("exports:log")).content.decode()
    assert "Đảng viên kết nạp (theo lễ kết nạp)" in log
    page = client.get(reverse("exports:record", args=[record.pk])).content.decode()
    assert record.sha256 in page
    assert "Nguyễn Thị Hoà" in page


def test_the_export_page_is_in_the_menu_of_the_board_and_the_log_in_the_inspections(client, org_board, auditor):
    client.force_login(org_board)
    page = client.get(reverse("dossiers:index")).content.decode()
    assert f'href="{reverse("exports:index")}"' in page and f'href="{reverse("exports:log")}"' in page
    client.force_login(auditor)
    page = client.get(reverse("dossiers:index")).content.decode()
    assert f'href="{reverse("exports:index")}"' not in page and f'href="{reverse("exports:log")}"' in page


def test_the_export_runs_a_fixed_number_of_queries_whatever_the_number_of_members(
        client, org_board, cell_a, django_assert_max_num_queries):
    client.force_login(org_board)

    def admit(n):
        for _ in range(n):
            d = admitted_dossier(cell=cell_a, decision_date=dt.date(YEAR, 5, 1), ceremony_date=dt.date(YEAR, 5, 2))
            recognise(d, dt.date(YEAR, 6, 1))

    admit(2)
    with django_assert_max_num_queries(14) as few:
        export(client, kind="recognized", include=True)
    admit(20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        export(client, kind="recognized", include=True)


def test_dates_are_date_cells_shown_dd_mm_yyyy_and_a_reversed_period_is_refused_in_vietnamese(
        client, org_board, members):
    client.force_login(org_board)
    response = export(client)
    ws = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    header = [c.value for c in ws[1]]
    joined = ws.cell(2, header.index("Ngày vào Đảng") + 1)
    assert joined.is_date and joined.number_format == "dd/mm/yyyy"
    page = client.get(reverse("exports:index"), {"kind": "admitted", "start": "2025-12-31", "end": "2025-01-01"})
    assert "Ngày đầu của kỳ báo cáo không được sau ngày cuối." in page.content.decode()
