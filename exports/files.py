"""The export files: the new members shaped like the 2-HSĐV card (phiếu đảng viên) for the
party-member database, the yearly supplement list (3-HSĐV), the case list. XLSX and CSV hold the
same rows; the cells come from `ui.spreadsheets` (text never a formula, dates dd/mm/yyyy).

Each table is a list of columns (a header and how a row reads its value), so the README's list of
fields and their sources is this file read top to bottom. XLSX files are written by openpyxl in
write-only mode into a temporary file: a province's 50,000 rows stream through a bounded memory.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import IO, Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext, pgettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from dossiers.models import ActKind, Dossier, GeneralEducation, PartyAct, ProfessionalEducation, Sex, State
from dossiers.selectors import grassroots_of
from ui import spreadsheets

from .selectors import step_name

CHUNK = 1 << 16

# Column headers have their own context ("export column"): the words of the party-member
# database's forms, which may differ from the same English word on a page.


@dataclass(frozen=True)
class Column:
    header: Any  # a lazy translation: read in the language of the request
    value: Callable[[Any], Any]
    width: int = 16


def _label(choices) -> Callable[[str], str]:
    labels = {value: str(label) for value, label in choices.choices}
    return lambda value: labels.get(value, value or "")


def _grassroots_name(cell) -> str:
    org = grassroots_of(cell)
    return org.name if org is not None else ""


def _professional(c) -> str:
    level = "" if c.professional_education in ("", ProfessionalEducation.NONE) else \
        str(ProfessionalEducation(c.professional_education).label)
    return ", ".join(part for part in (level, c.education_detail) if part)


def _official_date(d: Dossier):
    return d.official_date if d.state == State.RECOGNIZED else None


def member_columns() -> list[Column]:
    """The 2-HSĐV card's fields the application holds, in the card's order (domain.md §3.3, §6)."""
    sex, general = _label(Sex), _label(GeneralEducation)
    return [
        Column(pgettext_lazy("export column", "Full name"), lambda d: d.candidate.full_name, 26),
        Column(pgettext_lazy("export column", "Other names"), lambda d: d.candidate.aliases),
        Column(pgettext_lazy("export column", "Birth name"), lambda d: d.candidate.birth_name),
        Column(pgettext_lazy("export column", "Sex"), lambda d: sex(d.candidate.sex), 8),
        Column(pgettext_lazy("export column", "Date of birth"), lambda d: d.candidate.birth_date, 12),
        Column(pgettext_lazy("export column", "Place of birth"), lambda d: d.candidate.place_of_birth, 30),
        Column(pgettext_lazy("export column", "Home town"), lambda d: d.candidate.home_town, 30),
        Column(pgettext_lazy("export column", "Permanent residence"), lambda d: d.candidate.permanent_residence, 30),
        Column(pgettext_lazy("export column", "Temporary residence"), lambda d: d.candidate.temporary_residence, 30),
        Column(pgettext_lazy("export column", "Ethnicity"), lambda d: d.candidate.ethnicity, 10),
        Column(pgettext_lazy("export column", "Religion"), lambda d: d.candidate.religion, 10),
        Column(pgettext_lazy("export column", "Citizen ID number"), lambda d: d.candidate.id_number, 14),
        Column(pgettext_lazy("export column", "Occupation"), lambda d: d.candidate.occupation, 20),
        Column(pgettext_lazy("export column", "Work unit"), lambda d: d.candidate.workplace, 24),
        Column(pgettext_lazy("export column", "General education"), lambda d: general(d.candidate.general_education), 18),
        Column(pgettext_lazy("export column", "Professional qualification"), lambda d: _professional(d.candidate), 24),
        Column(pgettext_lazy("export column", "Political theory"), lambda d: d.candidate.political_theory, 14),
        Column(pgettext_lazy("export column", "Foreign languages"), lambda d: d.candidate.foreign_language, 14),
        Column(pgettext_lazy("export column", "IT skills"), lambda d: d.candidate.it_level, 14),
        Column(pgettext_lazy("export column", "Date of joining the Youth Union"), lambda d: d.candidate.youth_union_joined_on, 12),
        Column(pgettext_lazy("export column", "Date of joining the Party"), lambda d: d.ceremony_date, 12),
        Column(pgettext_lazy("export column", "Admission decision date"), lambda d: d.decision_date, 12),
        Column(pgettext_lazy("export column", "Admission decision number"), lambda d: d.admission_number or "", 16),
        Column(pgettext_lazy("export column", "Date of becoming official"), _official_date, 12),
        Column(pgettext_lazy("export column", "Recognition decision date"), lambda d: d.recognition_date, 12),
        Column(pgettext_lazy("export column", "Recognition decision number"), lambda d: d.recognition_number or "", 16),
        Column(pgettext_lazy("export column", "Party cell"), lambda d: d.cell.name, 26),
        Column(pgettext_lazy("export column", "Grassroots party organisation"), lambda d: _grassroots_name(d.cell), 26),
    ]


def change_label(act: PartyAct) -> str:
    if act.kind == ActKind.RECOGNITION_DECISION:
        return _("Recognised as official member")
    return _("Removed from the list of probationary members")


def change_columns() -> list[Column]:
    """The yearly supplement list (3-HSĐV style): one row per change of the period."""
    sex = _label(Sex)
    return [
        Column(pgettext_lazy("export column", "Full name"), lambda a: a.dossier.candidate.full_name, 26),
        Column(pgettext_lazy("export column", "Sex"), lambda a: sex(a.dossier.candidate.sex), 8),
        Column(pgettext_lazy("export column", "Date of birth"), lambda a: a.dossier.candidate.birth_date, 12),
        Column(pgettext_lazy("export column", "Party cell"), lambda a: a.dossier.cell.name, 26),
        Column(pgettext_lazy("export column", "Grassroots party organisation"), lambda a: _grassroots_name(a.dossier.cell), 26),
        Column(pgettext_lazy("export column", "Date of joining the Party"), lambda a: a.dossier.ceremony_date, 12),
        Column(pgettext_lazy("export column", "Change"), change_label, 30),
        Column(pgettext_lazy("export column", "Decision date"), lambda a: a.date, 12),
        Column(pgettext_lazy("export column", "Decision number"), lambda a: a.shown_number or "", 16),
        Column(pgettext_lazy("export column", "Issued by"), lambda a: a.issuer, 24),
        Column(pgettext_lazy("export column", "Date of becoming official"),
               lambda a: a.dossier.official_date if a.kind == ActKind.RECOGNITION_DECISION else None, 12),
        Column(pgettext_lazy("export column", "Reason"), lambda a: a.reason, 30),
    ]


def case_columns(*, today: dt.date) -> list[Column]:
    """The case list as the page shows it, and what a board needs besides."""
    sex, state = _label(Sex), _label(State)
    return [
        Column(pgettext_lazy("export column", "Candidate"), lambda d: d.candidate.full_name, 26),
        Column(pgettext_lazy("export column", "Date of birth"), lambda d: d.candidate.birth_date, 12),
        Column(pgettext_lazy("export column", "Sex"), lambda d: sex(d.candidate.sex), 8),
        Column(pgettext_lazy("export column", "Party cell"), lambda d: d.cell.name, 26),
        Column(pgettext_lazy("export column", "Grassroots party organisation"), lambda d: _grassroots_name(d.cell), 26),
        Column(pgettext_lazy("export column", "State"), lambda d: state(d.state), 24),
        Column(pgettext_lazy("export column", "On the source list since"), lambda d: d.spotted_on, 12),
        Column(pgettext_lazy("export column", "Last change"), lambda d: d.last_change, 12),
        Column(pgettext_lazy("export column", "Current step"), lambda d: step_name(d.step_ref), 30),
        Column(pgettext_lazy("export column", "Current step since"),
               lambda d: timezone.localtime(d.step_opened).date() if d.step_opened else None, 12),
        Column(pgettext_lazy("export column", "Current step due on"), lambda d: d.step_due_on, 12),
        Column(pgettext_lazy("export column", "Overdue"),
               lambda d: _("Yes") if d.step_due_on is not None and d.step_due_on < today else "", 8),
    ]


# --- Writing ----------------------------------------------------------------------------------


@dataclass
class ExportFile:
    """A written file: where it is (a temporary file, read from the start), its digest and size."""

    file: IO[bytes]
    sha256: str
    size: int
    rows: int

    def read(self) -> bytes:
        self.file.seek(0)
        return self.file.read()


def _finish(file: IO[bytes], rows: int) -> ExportFile:
    digest, size = hashlib.sha256(), 0
    file.seek(0)
    while chunk := file.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
    file.seek(0)
    return ExportFile(file=file, sha256=digest.hexdigest(), size=size, rows=rows)


def write_xlsx(columns: list[Column], items: Iterable, *, sheet_title: str,
               number_rows: bool = True) -> ExportFile:
    """Header row, then one row per item (numbered "STT" first when asked), write-only."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet_title[:31])
    widths = ([6] if number_rows else []) + [c.width for c in columns]
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    bold = Font(bold=True)
    headers = ([pgettext("export column", "No.")] if number_rows else []) + [str(c.header) for c in columns]
    ws.append(spreadsheets.row(ws, headers, bold_font=bold))
    n = 0
    for n, item in enumerate(items, start=1):
        values = [c.value(item) for c in columns]
        ws.append(spreadsheets.row(ws, ([n] if number_rows else []) + values))
    out = tempfile.TemporaryFile()
    wb.save(out)
    return _finish(out, n)


def write_csv(columns: list[Column], items: Iterable, *, number_rows: bool = True) -> ExportFile:
    """The same rows as `write_xlsx`, UTF-8 with a byte-order mark."""
    out = tempfile.TemporaryFile()
    headers = ([pgettext("export column", "No.")] if number_rows else []) + [str(c.header) for c in columns]
    out.write(spreadsheets.csv_bytes([headers]))
    n = 0
    for n, item in enumerate(items, start=1):
        values = [c.value(item) for c in columns]
        # One line at a time, without a second byte-order mark.
        out.write(spreadsheets.csv_bytes([([n] if number_rows else []) + values])[3:])
    return _finish(out, n)

