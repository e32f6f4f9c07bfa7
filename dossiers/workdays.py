"""Working days (ngày làm việc) under Vietnam's calendar: weekends, Tết and the public holidays.

shared/domain.md §5.2: statutory deadlines count working days, never calendar days. The
`holidays` package carries the lunar holidays (Tết, Giỗ Tổ) and the substitute days.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays

# Expands itself year by year on lookup; knows the Saturdays worked in exchange for a bridge day.
_VN = holidays.country_holidays("VN")


@lru_cache(maxsize=8192)
def is_working_day(day: dt.date) -> bool:
    # The calendar is fixed for a given day: an import or a sweep asks about the same days
    # thousands of times.
    return _VN.is_working_day(day)


@lru_cache(maxsize=65536)
def add_working_days(start: dt.date, days: int) -> dt.date:
    """The date `days` working days after `start` (the start day itself does not count)."""
    if days < 0:
        raise ValueError("days must be ≥ 0")
    current = start
    remaining = days
    while remaining:
        current += dt.timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after `start` up to and including `end` (0 when end ≤ start)."""
    count = 0
    current = start
    while current < end:
        current += dt.timedelta(days=1)
        if is_working_day(current):
            count += 1
    return count
