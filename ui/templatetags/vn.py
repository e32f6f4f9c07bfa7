"""Vietnamese dates, numbers and names on screen: {{ day|vn_date }}, {{ n|vn_number }},
{{ a|vn_percent:b }}, {{ user|vn_name }}.

One date style per kind: tables and lists print short dates ({{ day|vn_short_date }} "08/09/2023",
{{ moment|vn_short_datetime }} "08/09/2023 14:05"); sentences, messages and documents print long
ones ({{ day|vn_date }} "ngày 08 tháng 9 năm 2023", {{ moment|vn_datetime }})."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone

from dossiers import formatting

register = template.Library()


def _as_date(value):
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


@register.filter
def vn_date(value) -> str:
    """date or datetime → "ngày 08 tháng 9 năm 2023"; empty for None."""
    if not isinstance(value, dt.date):
        return ""
    return formatting.vn_date(_as_date(value))


@register.filter
def vn_datetime(value) -> str:
    """datetime → "14:05, ngày 08 tháng 9 năm 2023" (local time)."""
    if not isinstance(value, dt.datetime):
        return vn_date(value)
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{local:%H:%M}, {formatting.vn_date(local.date())}"


@register.filter
def vn_short_date(value) -> str:
    """date → "08/09/2023", for narrow table cells."""
    if not isinstance(value, dt.date):
        return ""
    return formatting.vn_short_date(_as_date(value))


@register.filter
def vn_short_datetime(value) -> str:
    """datetime → "08/09/2023 14:05" (local time), for table cells; a date → "08/09/2023"."""
    if not isinstance(value, dt.datetime):
        return vn_short_date(value)
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{formatting.vn_short_date(local.date())} {local:%H:%M}"


@register.filter
def vn_number(value) -> str:
    """11328 → "11.328"; the value itself when it is not a whole number."""
    try:
        return formatting.vn_number(int(value))
    except (TypeError, ValueError):
        return "" if value is None else str(value)


@register.filter
def vn_percent(numerator, denominator) -> str:
    """{{ votes_for|vn_percent:eligible }} → "48,2%"."""
    try:
        return formatting.vn_percent(int(numerator), int(denominator))
    except (TypeError, ValueError):
        return "—"


@register.filter
def vn_name(user) -> str:
    return formatting.vn_name(user)
