"""The ranking: the children by completion of their quota, for the yearly evaluation."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dossiers.models import Organization

from ..periods import Period
from .progress import Progress, children_progress


@dataclass
class RankedRow:
    rank: int | None
    progress: Progress


def ranking(*, organization: Organization, period: Period, as_of: dt.date | None = None) -> list[RankedRow]:
    """The children ranked by completion of their quota, best first, for the yearly evaluation
    ("lấy kết quả công tác phát triển đảng viên là một trong những tiêu chí … đánh giá, xếp loại
    tập thể cấp ủy và tổ chức cơ sở đảng hàng năm", reference/001). Equal completion shares a
    rank (1, 2, 2, 4); organisations without a quota are listed last, unranked."""
    items = children_progress(organization=organization, period=period, as_of=as_of)
    with_quota = sorted((p for p in items if p.ratio is not None),
                        key=lambda p: (-p.ratio, -p.admitted, p.organization.sort_order, p.organization.name))
    rows, previous, rank = [], None, 0
    for position, p in enumerate(with_quota, start=1):
        key = (p.admitted * 1.0 / p.target)
        if key != previous:
            rank, previous = position, key
        rows.append(RankedRow(rank, p))
    rows += [RankedRow(None, p) for p in items if p.ratio is None]
    return rows
