"""Issue 19 §3: the dossier list's "Xuất Excel" exports exactly the rows the user sees with the
filters applied (same filterset, same scope), every page, in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
import io

from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from builders.templates import dossier_copy
from dossiers.models import State
from exports.models import ExportRecord
from permissions.models import Role
from workflows.models import TaskDeadline

from .factories import CandidateFactory, UserFactory, grant, open_dossier


def case(cell, name, state=State.SPOTTED):
    d = open_dossier(cell=cell, state=state)
    CandidateFactory._meta.model.objects.filter(pk=d.candidate_id).update(full_name=name, search_name="")
    d.candidate.full_name = name
    d.candidate.save()  # the folded name the search reads
    return d


def sheet(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    header, *rows = [[c.value for c in row] for row in ws.iter_rows()]
    return header, [dict(zip(header, r, strict=True)) for r in rows]


def names(response) -> list[str]:
    return [r["Họ và tên"] for r in sheet(response)[1]]


def test_the_list_page_links_its_filters_to_the_excel_export(client, secretary_a, cell_a):
    case(cell_a, "Nguyễn Thị Hoa")
    client.force_login(secretary_a)
    html = client.get(reverse("dossiers:index"), {"q": "hoa", "state": "spotted"}).content.decode()
    assert f'href="{reverse("dossiers:export")}?q=hoa&amp;state=spotted"' in html
    assert "Xuất Excel" in html


def test_the_export_holds_the_filtered_rows_of_every_page_in_the_lists_order(client, tree, cell_a, cell_b):
    for i in range(30):
        case(cell_a, f"Nguyễn Văn Số {i:02d}")
    case(cell_a, "Lê Thị Đào", state=State.TRAINING)
    case(cell_b, "Trần Văn Bảo")
    user = UserFactory()
    grant(user, Role.GRASSROOTS_COMMITTEE, tree["grassroots"])
    client.force_login(user)
    everything = names(client.get(reverse("dossiers:export")))
    assert len(everything) == 32  # more than one page of the list (25)
    filters = {"organization": cell_a.pk, "state": "spotted", "sort": "name"}
    exported = names(client.get(reverse("dossiers:export"), filters))
    assert exported == [f"Nguyễn Văn Số {i:02d}" for i in range(30)]
    page_one = client.get(reverse("dossiers:index"), filters).context["object_list"]
    assert [d.candidate.full_name for d in page_one] == exported[:25]
    assert names(client.get(reverse("dossiers:export"), {"q": "dao"})) == ["Lê Thị Đào"]


def test_the_export_keeps_to_the_users_scope(client, secretary_a, cell_a, cell_b):
    case(cell_a, "Nguyễn Thị Hoa")
    case(cell_b, "Trần Văn Bảo")
    client.force_login(secretary_a)
    assert names(client.get(reverse("dossiers:export"))) == ["Nguyễn Thị Hoa"]
    # An organisation outside the scope is refused by the filter, as on the page: no row.
    assert names(client.get(reverse("dossiers:export"), {"organization": cell_b.pk})) == []


def test_each_row_has_the_state_in_vietnamese_the_current_step_and_whether_it_is_overdue(
        client, secretary_a, cell_a):
    d = dossier_copy(State.MENTORING, cell=cell_a, actor=secretary_a, name="Phạm Thị Ngọc Ánh")
    open_deadlines = TaskDeadline.objects.filter(dossier=d, is_open=True)
    first = open_deadlines.order_by("pk").first()
    open_deadlines.update(due_on=timezone.localdate() + dt.timedelta(days=30))
    TaskDeadline.objects.filter(pk=first.pk).update(due_on=timezone.localdate() - dt.timedelta(days=3))
    client.force_login(secretary_a)
    header, rows = sheet(client.get(reverse("dossiers:export")))
    assert header[:4] == ["STT", "Họ và tên", "Ngày sinh", "Giới tính"]
    (row,) = rows
    assert row["Họ và tên"] == "Phạm Thị Ngọc Ánh"
    assert row["Ngày sinh"].date() == d.candidate.birth_date
    assert row["Trạng thái"] == "Bồi dưỡng, hoàn thiện hồ sơ"
    assert row["Chi bộ"] == cell_a.name and row["Đảng bộ cơ sở"] == "Đảng bộ xã Thành Lợi"
    assert row["Bước hiện tại"]
    assert row["Hạn của bước hiện tại"].date() == timezone.localdate() - dt.timedelta(days=3)
    assert row["Quá hạn"] == "Có"


def test_the_export_is_recorded_with_its_filters_for_the_inspection(client, secretary_a, cell_a):
    case(cell_a, "Nguyễn Thị Hoa")
    client.force_login(secretary_a)
    client.get(reverse("dossiers:export"), {"state": "spotted"})
    record = ExportRecord.objects.get()
    assert (record.kind, record.user, record.organization, record.rows) == ("case_list", secretary_a, cell_a, 1)
    assert record.filters == "state=spotted" and len(record.sha256) == 64


def test_the_export_runs_a_fixed_number_of_queries_whatever_the_number_of_rows(
        client, secretary_a, cell_a, django_assert_max_num_queries):
    for _ in range(3):
        dossier_copy(State.MENTORING, cell=cell_a, actor=secretary_a)
    client.force_login(secretary_a)
    with django_assert_max_num_queries(15) as few:
        assert len(names(client.get(reverse("dossiers:export")))) == 3
    for _ in range(30):
        case(cell_a, "Nguyễn Văn Nhiều")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(names(client.get(reverse("dossiers:export")))) == 33
