"""The admission profiles follow every save of a dossier or a candidate, in the same transaction
(`reports.profiles`): whatever writes them — a service, the admin, a factory — the structure of the
reports reads what they hold. A save that names the fields it writes (`update_fields`, as the
services save the dossier they locked) rewrites the profile only if it writes one it is made of. Bulk writes (`bulk_create`, `update`, COPY) skip these and call
`profiles_rebuild` themselves (the national data set, the bulk test province)."""

from __future__ import annotations

from django.db.models.signals import post_save
from django.dispatch import receiver

from dossiers.models import Candidate, Dossier

from .profiles import profile_refresh, profiles_of_candidate

# What a profile is made of, on the dossier (the rest is its candidate's: `candidate_saved`).
PROFILE_FIELDS = frozenset({"decision_date", "ceremony_date", "cell", "candidate"})


@receiver(post_save, sender=Dossier, dispatch_uid="reports_profile_of_dossier")
def dossier_saved(sender, instance: Dossier, created: bool, raw: bool = False, update_fields=None, **kwargs):
    # The decision date is set once, by the ceremony, and never cleared: a dossier without one has
    # no profile to write or drop (and most saves, before admission, cost nothing here).
    if raw or instance.decision_date is None:
        return
    # A save that names what it writes (a service's, `dossiers.locked`) and writes none of what the
    # profile is made of leaves the profile as that save found it (recognition, removal, an
    # extension); a whole save writes it again, whatever changed.
    if update_fields is not None and not created and not PROFILE_FIELDS.intersection(update_fields):
        return
    profile_refresh(dossier=instance)


@receiver(post_save, sender=Candidate, dispatch_uid="reports_profile_of_candidate")
def candidate_saved(sender, instance: Candidate, created: bool, raw: bool = False, **kwargs):
    if raw or created:
        return
    profiles_of_candidate(instance)
