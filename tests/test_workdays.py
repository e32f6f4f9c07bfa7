"""Statutory deadlines in working days: weekends, Tết, Giỗ Tổ, 30/4–1/5, 2/9 do not count."""

import datetime as dt

from dossiers import rules
from dossiers.workdays import add_working_days, is_working_day, working_days_between


def test_tet_2025_is_not_working_time():
    # Tết Ất Tỵ: 27/01–31/01/2025 off (Mon–Fri); the Friday 24/01 and Monday 03/02 are working days.
    assert add_working_days(dt.date(2025, 1, 24), 1) == dt.date(2025, 2, 3)


def test_tet_2026_is_not_working_time():
    # Tết Bính Ngọ: 16/02–20/02/2026 off.
    assert add_working_days(dt.date(2026, 2, 13), 1) == dt.date(2026, 2, 23)


def test_30_april_and_1_may_2025_with_the_bridge_day_are_skipped_and_the_swapped_saturday_counts():
    # 26/04/2025 (Saturday) was worked in exchange for 02/05/2025.
    assert is_working_day(dt.date(2025, 4, 26))
    assert not is_working_day(dt.date(2025, 5, 2))
    assert add_working_days(dt.date(2025, 4, 29), 1) == dt.date(2025, 5, 5)


def test_the_60_working_day_decision_deadline_runs_across_tet():
    deadline = rules.decision_deadline(branch_resolution_date=dt.date(2025, 1, 2), extended=False)
    assert working_days_between(dt.date(2025, 1, 2), deadline) == 60
    assert deadline == dt.date(2025, 4, 3)
    extended = rules.decision_deadline(branch_resolution_date=dt.date(2025, 1, 2), extended=True)
    assert working_days_between(dt.date(2025, 1, 2), extended) == 90
