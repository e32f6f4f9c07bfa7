"""simple-history's `HistoricalRecords`, writing each copy without building a manager for it.

simple-history writes a model's historical copy on every save (`post_save`), and reaches the
historical model through the instance's `history` attribute: a descriptor that builds a new
manager class (`Manager.from_queryset`, an `inspect.getmembers` of the queryset) at every access.
A step of a case saves two to four tracked rows, a case forty: about a quarter of a millisecond of
Python each, for a class already known when the model was prepared. Here the historical model and
the fields copied are noted once per model (`finalize`) and each copy is written as simple-history
writes it: the same row, the same user and change reason, the same signals around its save.
"""

from __future__ import annotations

from django.utils import timezone
from simple_history import models as simple_history
from simple_history.manager import HistoryDescriptor
from simple_history.signals import post_create_historical_record, pre_create_historical_record

from .. import prepared

# {tracked model: (its historical model, the attnames copied, whether the copy points back to it)}
_COPIES: dict[type, tuple[type, tuple[str, ...], bool]] = {}


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
        # One INSERT, written once per model and prepared by PostgreSQL (nobody listens to a copy's save).
        prepared.insert(history_instance, using=using)
        self.create_historical_record_m2ms(history_instance, instance)
        post_create_historical_record.send(
            sender=history_model, instance=instance, history_instance=history_instance, history_date=history_date,
            history_user=history_user, history_change_reason=history_change_reason, using=using,
        )
