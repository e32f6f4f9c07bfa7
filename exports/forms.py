"""The export form: what, for which period, and whether to export again those already exported."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from ui.forms import DateInput, WebForm

from .models import ExportKind
from .selectors import Period

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
MEMBER_KINDS = [ExportKind.ADMITTED, ExportKind.RECOGNIZED, ExportKind.SUPPLEMENT]


class ExportForm(WebForm):
    """`?kind=admitted&start=2025-01-01&end=2025-12-31`; empty, this year's admitted members."""

    kind = forms.ChoiceField(label=_("What to export"), widget=forms.RadioSelect, initial=ExportKind.ADMITTED,
                             choices=[(k.value, k.label) for k in MEMBER_KINDS], required=False)
    start = forms.DateField(label=_("From"), required=False, widget=DateInput, input_formats=DATE_FORMATS)
    end = forms.DateField(label=_("To"), required=False, widget=DateInput, input_formats=DATE_FORMATS)
    include_exported = forms.BooleanField(
        label=_("Also export again those already exported"), required=False,
        help_text=_("Otherwise the file holds only the members not yet exported for the party-member database."),
    )

    def __init__(self, data=None, *, today: dt.date, **kwargs):
        self.today = today
        super().__init__(data, **kwargs)
        year = Period.year(today.year)
        self.fields["start"].initial, self.fields["end"].initial = year.start, year.end

    def clean(self):
        data = super().clean()
        start = data.get("start") or dt.date(self.today.year, 1, 1)
        end = data.get("end") or dt.date(start.year, 12, 31)
        if start > end:
            raise forms.ValidationError(_("The first day of the period cannot be after the last day."))
        data["kind"] = data.get("kind") or ExportKind.ADMITTED
        data["period"] = Period(start, end)
        return data

    def choice(self) -> tuple[str, Period, bool]:
        """The kind, the period and the re-export flag; this year's admitted members if invalid."""
        if self.is_bound and self.is_valid():
            d = self.cleaned_data
            return d["kind"], d["period"], bool(d.get("include_exported"))
        return ExportKind.ADMITTED, Period.year(self.today.year), False
