"""The import benchmark (issue 19): a province-sized tree and a generated file of N rows of one
kind, checked (the preview) and imported through the import service; everything rolled back.

`manage.py bench_import --rows 20000 --kind candidates` (see bench/README.md). Not part of
`make test`: the tests import small files.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from dossiers.models import MemberStatus, Organization, OrgLevel, PartyMember
from imports import services
from imports.models import ImportKind
from imports.workbooks import rows_workbook
from permissions.models import Role
from permissions.services import role_grant

STATES = [("Quần chúng ưu tú", 40), ("Học lớp nhận thức về Đảng", 15), ("Bồi dưỡng, hoàn thiện hồ sơ", 15),
          ("Chi bộ xét kết nạp", 10), ("Cấp trên xét duyệt", 10), ("Đảng viên dự bị", 10)]


def d(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


@dataclass
class Result:
    kind: str
    rows: int
    file_bytes: int
    preview_s: float
    import_s: float
    preview_cpu: float
    import_cpu: float
    created: int
    refused: int


def build_tree(grassroots: int, cells_per: int) -> tuple[Organization, list[Organization], list[list[PartyMember]]]:
    stamp = timezone.now().strftime("%H%M%S%f")
    province = Organization.objects.create(name=f"Tỉnh bench nhập {stamp}", level=OrgLevel.PROVINCE)
    district = Organization.objects.create(name=f"Huyện bench nhập {stamp}", level=OrgLevel.DISTRICT,
                                           parent=province)
    cells, helpers = [], []
    for g in range(grassroots):
        org = Organization.objects.create(name=f"Đảng bộ xã {g + 1} ({stamp})", level=OrgLevel.GRASSROOTS,
                                          parent=district, committee_members=9, category="commune")
        for c in range(cells_per):
            cell = Organization.objects.create(name=f"Chi bộ {g + 1}.{c + 1} ({stamp})", level=OrgLevel.CELL,
                                               parent=org, official_members=9)
            cells.append(cell)
    members = []
    for i, cell in enumerate(cells):
        for k in range(2):
            members.append(PartyMember(full_name=f"Đảng viên {i}.{k}", sex="male", cell=cell,
                                       status=MemberStatus.OFFICIAL, joined_on=dt.date(2001, 1, 1),
                                       official_since=dt.date(2002, 1, 1), card_number=f"8{stamp[-5:]}{i:05d}{k}"))
    PartyMember.objects.bulk_create(members, batch_size=2000)
    for i in range(len(cells)):
        helpers.append(members[2 * i:2 * i + 2])
    return district, cells, helpers


def candidate_rows(n: int, cells: list[Organization], helpers: list[list[PartyMember]]) -> list[dict]:
    today = timezone.localdate()
    weights = [s for s, w in STATES for _ in range(w)]
    rows = []
    for i in range(n):
        state = weights[i % len(weights)]
        cell, members = cells[i % len(cells)], helpers[i % len(cells)]
        vote_on = today - relativedelta(months=4, days=i % 60)
        spot = vote_on - relativedelta(months=10)
        row = {"id_number": f"{i:012d}", "full_name": f"Nguyễn Thị Hoà {i}", "sex": "Nữ" if i % 2 else "Nam",
               "birth_date": d(today - relativedelta(years=22 + i % 30, days=i % 300)), "place_of_birth": "Nam Định",
               "home_town": "Vụ Bản, Nam Định", "permanent_residence": "Xóm Đông", "occupation": "Giáo viên",
               "general_education": "12/12", "cell": cell.name, "source": "Chi bộ", "state": state,
               "spotted_on": d(spot)}
        if state != "Quần chúng ưu tú":
            row.update(class_start=d(spot + relativedelta(days=10)), mentor=members[0].card_number,
                       introducer_1=members[0].card_number, introducer_1_since=d(spot - relativedelta(years=3)),
                       introducer_2=members[1].card_number, introducer_2_since=d(spot - relativedelta(years=3)),
                       certificate_number="12/GCN", certificate_issued_on=d(spot + relativedelta(days=20)),
                       application_on=d(vote_on - relativedelta(days=40)), history_on=d(vote_on - relativedelta(days=40)),
                       verified_on=d(vote_on - relativedelta(days=20)), certified_on=d(vote_on - relativedelta(days=15)),
                       opinions_on=d(vote_on - relativedelta(days=10)), vote_on=d(vote_on), vote_eligible="9",
                       vote_present="9", vote_for="9", grassroots_on=d(vote_on + relativedelta(days=5)),
                       decision_on=d(vote_on + relativedelta(days=20)), decision_number="245-QĐ/HU",
                       ceremony_on=d(vote_on + relativedelta(days=30)))
        rows.append(row)
    return rows


def member_rows(n: int, cells: list[Organization]) -> list[dict]:
    return [{"card_number": f"9{i:09d}", "full_name": f"Trần Văn Bình {i}", "sex": "Nam", "cell": cells[i % len(cells)].name,
             "birth_date": "01/02/1980", "joined_on": "03/02/2010", "official_since": "03/02/2011"} for i in range(n)]


def measure(kind: str, rows: int, *, grassroots: int = 40, cells_per: int = 10) -> Result:
    """Build, check, import, roll back."""
    with transaction.atomic():
        district, cells, helpers = build_tree(grassroots, cells_per)
        user = get_user_model().objects.create_user(f"bench_import_{timezone.now():%H%M%S%f}")
        admin = get_user_model().objects.create_superuser(f"bench_root_{timezone.now():%H%M%S%f}", "", None)
        role_grant(user=user, role=Role.ORG_BOARD, organization=district, actor=admin)
        data = candidate_rows(rows, cells, helpers) if kind == ImportKind.CANDIDATES else member_rows(rows, cells)
        content = rows_workbook(kind, data)
        run = services.import_upload(user=user, kind=kind, file_name=f"bench-{kind}.xlsx", content=content)
        start, cpu = time.perf_counter(), time.process_time()
        run = services.import_check(run=run)
        preview, preview_cpu = time.perf_counter() - start, time.process_time() - cpu
        start, cpu = time.perf_counter(), time.process_time()
        run = services.import_apply(run=run, actor=user)
        applied, applied_cpu = time.perf_counter() - start, time.process_time() - cpu
        result = Result(kind, rows, len(content), preview, applied, preview_cpu, applied_cpu, run.created, run.refused)
        transaction.set_rollback(True)
    return result
