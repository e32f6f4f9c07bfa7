"""The reports pages speak Vietnamese (the catalogue itself is checked by test_translations)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from .factories import admitted_dossier, quota


def test_the_report_pages_are_in_vietnamese(client, org_board, tree, cell_a):
    year = timezone.localdate().year
    quota(tree["district"], year, count=110)
    admitted_dossier(cell=cell_a, decision_date=dt.date(year, 1, 3))
    client.force_login(org_board)
    html = client.get(reverse("reports:index")).content.decode()
    assert "Tiến độ kết nạp" in html and "Hết nguồn" in html and "Chỉ tiêu" in html
    html = client.get(reverse("reports:report")).content.decode()
    assert "TỔ CHỨC CƠ SỞ ĐẢNG" in html and "THỐNG KÊ" in html and "Đảng viên nữ" in html
