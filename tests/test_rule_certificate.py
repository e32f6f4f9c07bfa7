"""[R] The CN-NTVĐ certificate is valid 5 years (configurable) on the branch vote date."""

import datetime as dt

from dossiers import rules

ISSUED = dt.date(2020, 3, 5)


def test_it_accepts_the_certificate_on_its_last_valid_day():
    assert rules.certificate_expiry(ISSUED) == dt.date(2025, 3, 5)
    assert rules.certificate_refusal(issued_on=ISSUED, on_date=dt.date(2025, 3, 5)) is None


def test_it_refuses_the_certificate_the_day_after_and_names_the_expiry():
    reason = rules.certificate_refusal(issued_on=ISSUED, on_date=dt.date(2025, 3, 6))
    assert reason is not None
    assert "hết hạn" in reason and "ngày 05 tháng 3 năm 2025" in reason


def test_it_refuses_when_there_is_no_certificate():
    assert "Chưa có giấy chứng nhận" in rules.certificate_refusal(issued_on=None, on_date=ISSUED)


def test_it_refuses_a_certificate_issued_after_the_vote():
    assert rules.certificate_refusal(issued_on=ISSUED, on_date=dt.date(2020, 3, 4)) is not None


def test_the_validity_is_configurable(settings):
    settings.PARTY_RULES = {**settings.PARTY_RULES, "CERTIFICATE_VALID_YEARS": 3}
    assert rules.certificate_refusal(issued_on=ISSUED, on_date=dt.date(2023, 3, 6)) is not None
    assert rules.certificate_refusal(issued_on=ISSUED, on_date=dt.date(2023, 3, 5)) is None
