"""Vietnamese ways of writing dates and numbers, as in the Party's letters."""

from __future__ import annotations

import datetime as dt
import unicodedata
from decimal import ROUND_HALF_UP, Decimal


def vn_date(day: dt.date | None) -> str:
    """"ngày 08 tháng 9 năm 2023", "ngày 23 tháng 02 năm 2023": the day below 10 and the months
    1 and 2 take a leading zero (HD 36-HD/VPTW samples; Decree 30/2020 appendix I)."""
    if day is None:
        return ""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def vn_short_date(day: dt.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def vn_number(value: int) -> str:
    """11328 → "11.328"."""
    return f"{value:,}".replace(",", ".")


def vn_percent(numerator: int, denominator: int, places: int = 1) -> str:
    """53 of 110 → "48,2%" (half up, as people round by hand)."""
    if not denominator:
        return "—"
    quantum = Decimal(1).scaleb(-places)
    value = (Decimal(numerator) * 100 / Decimal(denominator)).quantize(quantum, rounding=ROUND_HALF_UP)
    return f"{value}".replace(".", ",") + "%"


def fold(text: str) -> str:
    """"Nguyễn Thị Hoa" → "nguyen thi hoa": what people type on a keyboard without Telex."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return " ".join("".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower().split())


def vn_name(user) -> str:
    """A user's name in Vietnamese order, family name first: "Trần Văn Hùng" (last_name first_name)."""
    if user is None:
        return ""
    parts = (user.last_name.strip(), user.first_name.strip())
    return " ".join(part for part in parts if part) or user.get_username()
