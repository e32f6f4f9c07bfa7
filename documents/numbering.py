"""The numbering registry: "Số <n>-<TYPE>/<ISSUER>" (HD 36-HD/VPTW; domain.md §7), n counted per
issuing organisation, document type and calendar year, from 1, without gaps or duplicates."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F

from dossiers.models import Organization

from .models import NumberCounter


def next_number(*, issuer: Organization, doc_type: str, year: int) -> int:
    """Take the next number. The counter row is locked (SELECT … FOR UPDATE) until the caller's
    transaction ends, so two people issuing at once get consecutive numbers; if the caller's
    transaction rolls back, so does the number, and no gap is left."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                counter, _created = NumberCounter.objects.select_for_update().get_or_create(
                    issuer=issuer, doc_type=doc_type, year=year
                )
        except IntegrityError:
            # Someone created the row between our read and our insert: wait for their lock.
            counter = NumberCounter.objects.select_for_update().get(issuer=issuer, doc_type=doc_type, year=year)
        # An UPDATE … SET last = last + 1 also keeps SQLite (no row locks) from handing out a number twice.
        NumberCounter.objects.filter(pk=counter.pk).update(last=F("last") + 1)
        return NumberCounter.objects.values_list("last", flat=True).get(pk=counter.pk)


def format_number(n: int, doc_type: str, issuer: Organization) -> str:
    """12, "NQ", the cell "CB" → "12-NQ/CB"."""
    return f"{n}-{doc_type}/{issuer.short_name}"
