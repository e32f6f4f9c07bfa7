"""Signals the domain sends; it does not know who listens (the workflow does)."""

from django.dispatch import Signal

# Sent inside the service's transaction, after each history row is written: a receiver keeps what
# it derives from the dossier (the workflow's tasks) in step, or fails the whole change with it.
# kwargs: dossier, event (DossierHistory), actor.
dossier_changed = Signal()
