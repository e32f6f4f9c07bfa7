"""The one write of the exports: the record of an export and the marks of the members it held."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction

from dossiers.models import Organization

from .models import MARKED_KINDS, ExportedMember, ExportKind, ExportRecord


@transaction.atomic
def export_record(*, user, kind: str, file_format: str, organization: Organization | None, filename: str,
                  sha256: str, size: int, rows: int, dossier_ids: Sequence[int] = (),
                  already_exported: set[int] | frozenset[int] = frozenset(),
                  period_start: dt.date | None = None, period_end: dt.date | None = None,
                  include_exported: bool = False, filters: str = "") -> ExportRecord:
    """Record that `user` exported this file (who, when, what, its SHA-256) and, for the member
    exports, which members it held; for the kinds with a mark (admitted, recognised), those
    members are then "already exported". `already_exported` names the ones an earlier export held."""
    if kind not in ExportKind.values:
        raise ValueError(f"unknown export kind {kind!r}")
    ids = list(dict.fromkeys(dossier_ids))
    repeated = sum(1 for pk in ids if pk in already_exported)
    record = ExportRecord.objects.create(
        user=user, kind=kind, file_format=file_format, organization=organization, filename=filename[:120],
        sha256=sha256, size=size, rows=rows, period_start=period_start, period_end=period_end,
        include_exported=include_exported, filters=filters[:500],
        new_members=len(ids) - repeated if kind in MARKED_KINDS else 0,
        repeated_members=repeated if kind in MARKED_KINDS else 0,
    )
    ExportedMember.objects.bulk_create(
        [ExportedMember(record=record, dossier_id=pk, kind=kind, first_time=pk not in already_exported)
         for pk in ids],
        batch_size=1000,
    )
    return record
