"""The admitted person's profile for the structure of a report (reference/004: women, Youth Union
members, degrees, ethnic minorities, religion, age bands, private enterprises, students).

A national yearly report counts ~140,000 admissions, and reading each admitted dossier's
candidate took one second of the report's three (issue 7). So each dossier with an admission
decision keeps one `AdmissionProfile` row: its dates, the age on the decision date and one bit per
trait, worked out here in Python from the dossier and its candidate. The row is written in the same
transaction as every save of the dossier or the candidate (`reports.signals`), so it cannot drift
from them; `profiles_rebuild` rewrites them all after bulk loads, which skip those signals.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction

from dossiers.models import Dossier, ProfessionalEducation, Sex

from .models import AdmissionProfile

# What a trait means, on the candidate as the dossier holds it now (a data-entry correction of the
# sex or the ethnicity changes the figures, as a recount would).
UNIVERSITY_OR_HIGHER = (ProfessionalEducation.UNIVERSITY, ProfessionalEducation.MASTER, ProfessionalEducation.DOCTOR)
# Religion as written on 2-KNĐ item 10 for someone without one.
NO_RELIGION = ("Không", "không", "KHÔNG", "")
# The candidate's record has no employer type: a private enterprise is recognised by the company
# form in the work unit's name (limited liability, joint-stock, sole proprietorship, foreign
# invested). A one-member limited company ("TNHH MTV") is left out: in a district it is usually
# State-owned, like the irrigation company of the demo district (reference/004, row 21).
PRIVATE_ENTERPRISE_MARKERS = ("TNHH", "cổ phần", "Cổ phần", "CP ", "doanh nghiệp tư nhân", "Doanh nghiệp tư nhân",
                              "DNTN", "vốn đầu tư nước ngoài")
STATE_OWNED_MARKERS = ("MTV", "Nhà nước", "nhà nước")
# Students of universities, colleges and schools: "quần chúng là sinh viên, học viên và học sinh" (reference/003).
STUDENT_MARKERS = ("sinh viên", "Sinh viên", "học viên", "Học viên", "học sinh", "Học sinh")

# One bit each, in the order of the report's lines. "youth_union" is "had joined the Youth Union by
# the decision date"; the report adds "still of Youth Union age" from the age and the [R] setting.
TRAITS = ("women", "youth_union", "university", "ethnic_minority", "religion", "private_enterprise", "students")
BIT = {name: 1 << i for i, name in enumerate(TRAITS)}


def age_on(birth: dt.date | None, day: dt.date) -> int | None:
    """Whole years of age on `day` (the birthday counts on the day itself)."""
    if birth is None:
        return None
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _any(text: str, markers: Iterable[str]) -> bool:
    return any(marker in (text or "") for marker in markers)


def traits_of(candidate, decision_date: dt.date) -> int:
    """The trait bits of an admitted candidate (each a line of the structure table)."""
    c = candidate
    found = {
        "women": c.sex == Sex.FEMALE,
        "youth_union": c.youth_union_joined_on is not None and c.youth_union_joined_on <= decision_date,
        "university": c.professional_education in UNIVERSITY_OR_HIGHER,
        "ethnic_minority": (c.ethnicity or "").upper() != "KINH" and (c.ethnicity or "") != "",
        "religion": (c.religion or "") not in NO_RELIGION,
        "private_enterprise": _any(c.workplace, PRIVATE_ENTERPRISE_MARKERS) and not _any(c.workplace, STATE_OWNED_MARKERS),
        "students": _any(c.occupation, STUDENT_MARKERS),
    }
    return sum(BIT[name] for name, yes in found.items() if yes)


def has(traits: int, name: str) -> bool:
    return bool(traits & BIT[name])


def _has_cell(model) -> bool:
    # The migration that created the table (reports 0002) passes a historical model without it.
    return any(f.name == "cell" for f in model._meta.concrete_fields)


def _profile(model, dossier, candidate):
    extra = {"cell_id": dossier.cell_id} if _has_cell(model) else {}
    return model(dossier_id=dossier.pk, decision_date=dossier.decision_date, ceremony_date=dossier.ceremony_date,
                 age=age_on(candidate.birth_date, dossier.decision_date),
                 traits=traits_of(candidate, dossier.decision_date), **extra)


def _write(model, rows: list) -> None:
    if rows:
        fields = ["decision_date", "ceremony_date", "age", "traits"] + (["cell"] if _has_cell(model) else [])
        model.objects.bulk_create(rows, update_conflicts=True, unique_fields=["dossier"], update_fields=fields)


def profile_refresh(*, dossier) -> None:
    """Write the profile of a dossier with a decision date (one query)."""
    _write(AdmissionProfile, [_profile(AdmissionProfile, dossier, dossier.candidate)])


def profiles_of_candidate(candidate) -> None:
    """Write the profiles of the candidate's admitted dossiers from the candidate as just saved:
    one query, and one more when there is one (a candidate has a few dossiers at most, most none
    admitted; `profiles_rebuild` reads in chunks through a cursor, for a whole data set)."""
    rows = [_profile(AdmissionProfile, d, candidate)
            for d in Dossier.objects.filter(candidate=candidate, decision_date__isnull=False).order_by("pk")
            .only("pk", "state", "cell", "decision_date", "ceremony_date")]
    _write(AdmissionProfile, rows)


def profiles_rebuild(*, dossiers=None, profile_model=None, dossier_model=None, batch: int = 5000) -> int:
    """Rewrite the profiles of the given dossiers (a queryset; default: all), in batches; the
    migration that adds the table passes its historical models. Returns how many were written."""
    if profile_model is None:
        profile_model, dossier_model = AdmissionProfile, Dossier
    qs = dossiers if dossiers is not None else dossier_model.objects.all()
    qs = (qs.filter(decision_date__isnull=False).select_related("candidate").order_by("pk")
          # The state too: the state machine reads it when each row is made (a query per row without).
          .only("pk", "state", "cell", "decision_date", "ceremony_date", "candidate__sex", "candidate__birth_date",
                "candidate__youth_union_joined_on", "candidate__professional_education", "candidate__ethnicity",
                "candidate__religion", "candidate__workplace", "candidate__occupation"))
    written, rows = 0, []
    with transaction.atomic():
        for d in qs.iterator(chunk_size=batch):
            rows.append(_profile(profile_model, d, d.candidate))
            if len(rows) >= batch:
                _write(profile_model, rows)
                written, rows = written + len(rows), []
        _write(profile_model, rows)
    return written + len(rows)
