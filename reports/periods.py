"""Reporting periods: a year, a half-year, a month, or any range of days; and the date the
figures are taken as of.

The letters report on calendar periods — "6 tháng đầu năm 2023" (reference/004), "từ tháng
01/2023 đến tháng 8/2023" (reference/000) — and count admissions by the date of the admission
decision (party age counts from it, Charter Art. 5 §3).
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from dossiers.formatting import vn_short_date


class PeriodKind:
    YEAR = "year"
    HALF = "half"
    MONTH = "month"
    CUSTOM = "custom"


@dataclass(frozen=True)
class Period:
    """[start, end], both days included."""

    start: dt.date
    end: dt.date
    kind: str = PeriodKind.CUSTOM

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 31), PeriodKind.YEAR)

    @classmethod
    def half(cls, year: int, half: int) -> Period:
        if half == 1:
            return cls(dt.date(year, 1, 1), dt.date(year, 6, 30), PeriodKind.HALF)
        return cls(dt.date(year, 7, 1), dt.date(year, 12, 31), PeriodKind.HALF)

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        last = calendar.monthrange(year, month)[1]
        return cls(dt.date(year, month, 1), dt.date(year, month, last), PeriodKind.MONTH)

    @property
    def quota_year(self) -> int:
        """The year whose quota the period is measured against: the year the period ends in
        ("đạt 48,2% chỉ tiêu năm" for the first half, reference/004)."""
        return self.end.year

    def clipped(self, as_of: dt.date) -> tuple[dt.date, dt.date]:
        """The days of the period already known on `as_of`."""
        return self.start, min(self.end, as_of)

    def __str__(self) -> str:
        if self.kind == PeriodKind.YEAR:
            return _("year %(year)s") % {"year": self.start.year}
        if self.kind == PeriodKind.HALF:
            if self.start.month == 1:
                return _("first half of %(year)s") % {"year": self.start.year}
            return _("second half of %(year)s") % {"year": self.start.year}
        if self.kind == PeriodKind.MONTH:
            return _("month %(month)s/%(year)s") % {"month": self.start.month, "year": self.start.year}
        return _("from %(start)s to %(end)s") % {"start": vn_short_date(self.start), "end": vn_short_date(self.end)}
