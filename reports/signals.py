"""The admission profiles follow every save of a dossier or a candidate, in the same transaction
(`reports.profiles`): whatever writes them — a service, the admin, a factory — the structure of the
reports reads what they hold. Bulk writes (`bulk_create`, `update`, COPY) skip these and call
`profiles_rebuild` themselves (the national data set, the bulk test province)."""

from __future__ import annotations

from django.db.models.signals import post_save
from django.dispatch import receiver

from dossiers.models import Candidate, Dossier

from .profiles import profile_refresh, profiles_rebuild


@receiver(post_save, sender=Dossier, dispatch_uid="reports_profile_of_dossier")
def dossier_saved(sender, instance: Dossier, created: bool, raw: bool = False, **kwargs):
    # The decision date is set once, by the ceremony, and never cleared: a dossier without one has
    # no profile to write or drop (and most saves, before admission, cost nothing here).
    if raw or instance.decision_date is None:
        return
    profile_refresh(dossier=instance)


@receiver(post_save, sender=Candidate, dispatch_uid="reports_profile_of_candidate")
def candidate_saved(sender, instance: Candidate, created: bool, raw: bool = False, **kwargs):
    if raw or created:
        return
    profiles_rebuild(dossiers=Dossier.objects.filter(candidate=instance))
