"""simple-history's `HistoricalRecords`, writing each copy without building a manager for it.

simple-history writes a model's historical copy on every save (`post_save`), and reaches the
historical model through the instance's `history` attribute: a descriptor that builds a new
manager class (`Manager.from_queryset`, an `inspect.getmembers` of the queryset) at every access.
A step of a case saves two to four tracked rows, a case forty: about a quarter of a millisecond of
Python each, for a class already known when the model was prepared. Here the historical model and
the fields copied are noted once per model (`finalize`) and each copy is written as simple-history
writes it: the same row, the same user and change reason, the same signals around its save.

Inside a service (`written_together`, around its transaction) the copies of the rows it writes wait
for its history row and are written with it (`write_with`): on PostgreSQL one statement for the
row and its two or three copies (`prepared.insert_all`), in the same transaction; what is left
when the service ends (a change with no history row) is written then, and a service that fails
writes none (its transaction, or savepoint, is rolled back with its rows).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.utils import timezone
from simple_history import models as simple_history
from simple_history.manager import HistoryDescriptor
from simple_history.signals import post_create_historical_record, pre_create_historical_record

from .. import prepared

# {tracked model: (its historical model, the attnames copied, whether the copy points back to it)}
_COPIES: dict[type, tuple[type, tuple[str, ...], bool]] = {}

# The copies waiting inside `written_together`: (the copy, its database, the post signal's arguments).
_WAITING: ContextVar[list | None] = ContextVar("dossiers.records.waiting", default=None)


@contextmanager
def written_together() -> Iterator[None]:
    """Within, the historical copies wait for `write_with` and the rest are written at the end; an
    exception writes none. Nested, the outermost block writes them. (A block must not catch the
    exception of a savepoint it rolled back after saving a tracked row in it: that row's copy would
    still be written. The services, whose blocks these are, catch none.)"""
    if _WAITING.get() is not None:
        yield
        return
    waiting: list = []
    token = _WAITING.set(waiting)
    try:
        yield
    finally:
        _WAITING.reset(token)
    write_with(None, waiting)


def write_with(row, waiting: list | None = None) -> None:
    """Write `row` (a new row: the service's history row), and with it the copies waiting."""
    waiting = _WAITING.get() if waiting is None else waiting
    copies = list(waiting or ())
    if waiting:
        waiting.clear()
    if not copies:
        if row is not None:
            prepared.insert(row)
        return
    by_db: dict = {}
    for copy, using, _post in copies:
        by_db.setdefault(using, []).append(copy)
    for using, objs in by_db.items():
        if row is not None and (using is None or using == (row._state.db or "default")):
            objs, row = [*objs, row], None
        prepared.insert_all(objs, using=using)
    if row is not None:
        prepared.insert(row)
    for copy, _using, post in copies:
        post_create_historical_record.send(history_instance=copy, **post)


class HistoricalRecords(simple_history.HistoricalRecords):
    def finalize(self, sender, **kwargs):
        before = sender.__dict__.get(self.manager_name)
        super().finalize(sender, **kwargs)
        descriptor = sender.__dict__.get(self.manager_name)
        if descriptor is not before and isinstance(descriptor, HistoryDescriptor):
            history_model = descriptor.model
            _COPIES[sender] = (history_model, tuple(f.attname for f in self.fields_included(sender)),
                               getattr(history_model, "history_relation", None) is not None)

    def create_historical_record(self, instance, history_type, using=None):
        known = _COPIES.get(type(instance))
        if known is None:
            return super().create_historical_record(instance, history_type, using=using)
        history_model, attnames, points_back = known
        # From here on, simple-history's own `create_historical_record`, the manager left out.
        using = using if self.use_base_model_db else None
        history_date = getattr(instance, "_history_date", timezone.now())
        history_user = self.get_history_user(instance)
        history_change_reason = self.get_change_reason_for_object(instance, history_type, using)
        attrs = {name: getattr(instance, name) for name in attnames}
        if points_back:
            attrs["history_relation"] = instance
        history_instance = history_model(
            history_date=history_date, history_type=history_type, history_user=history_user,
            history_change_reason=history_change_reason, **attrs,
        )
        pre_create_historical_record.send(
            sender=history_model, instance=instance, history_date=history_date, history_user=history_user,
            history_change_reason=history_change_reason, history_instance=history_instance, using=using,
        )
        post = {"sender": history_model, "instance": instance, "history_date": history_date,
                "history_user": history_user, "history_change_reason": history_change_reason, "using": using}
        waiting = _WAITING.get()
        if waiting is not None and not self.m2m_fields:
            # Written with the service's history row (`write_with`), or when the service ends.
            waiting.append((history_instance, using, post))
            return
        # One INSERT, written once per model and prepared by PostgreSQL (nobody listens to a copy's save).
        prepared.insert(history_instance, using=using)
        self.create_historical_record_m2ms(history_instance, instance)
        post_create_historical_record.send(history_instance=history_instance, **post)
