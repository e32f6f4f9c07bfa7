"""Training: the party-awareness class and its certificate (step 3, domain.md §2)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from .. import gates
from ..models import (
    CertificateKind,
    Dossier,
    TrainingCertificate,
)
from ..refusals import APP_RULE, Refusal
from .base import (
    _atomic,
    _lock,
    _not_future,
    _record,
    _require,
    _transition,
    clean_and_save,
)

# --- Training (steps 3, domain.md §2) ---------------------------------------------------------


def dossier_enroll_training(*, dossier: Dossier, actor, class_name: str, organiser: str,
                            start_date: dt.date, note: str = "") -> Dossier:
    with _atomic():
        d = _lock(dossier)
        t = _require(d, "enroll_training", start_date)
        cert = clean_and_save(TrainingCertificate(dossier=d, kind=CertificateKind.AWARENESS, class_name=class_name,
                                         organiser=organiser, start_date=start_date))
        _transition(d, "enroll_training")
        _record(t, actor, note, on=start_date, certificate=cert, class_name=class_name,
                start_date=start_date)
    return d


def dossier_complete_training(*, dossier: Dossier, actor, number: str, issued_on: dt.date,
                              end_date: dt.date | None = None, score: str = "", note: str = "") -> Dossier:
    """The class is passed and the CN-NTVĐ certificate held: the dossier work begins."""
    with _atomic():
        d = _lock(dossier)
        t = _require(d, "complete_training", issued_on, _not_future(issued_on, _("Certificate issue date")))
        cert = gates.certificate(d, CertificateKind.AWARENESS)
        if issued_on < cert.start_date:
            raise Refusal(_("The certificate issue date cannot be before the class start date."), rule=APP_RULE)
        if not number.strip():
            raise Refusal(_("Enter the certificate number."), rule=APP_RULE)
        cert.number, cert.issued_on, cert.end_date, cert.score = number, issued_on, end_date, score
        clean_and_save(cert, fields=["number", "issued_on", "end_date", "score"])
        _transition(d, "complete_training")
        _record(t, actor, note, on=issued_on, certificate=cert, number=number,
                issued_on=issued_on)
    return d
