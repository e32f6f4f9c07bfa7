"""The period chooser of the report pages and the quota form."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from ui.forms import DateInput, WebForm

from .models import FIRST_YEAR, LAST_YEAR, QuotaKind
from .periods import Period, PeriodKind

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


class PeriodForm(WebForm):
    """`?period=year&year=2023`, `?period=half&year=2023&half=1`, `?period=month&year=2023&month=6`,
    `?period=custom&start=2023-01-01&end=2023-08-31`; `as_of` (default today) for any of them."""

    period = forms.ChoiceField(
        label=_("Period"), initial=PeriodKind.YEAR,
        choices=[(PeriodKind.YEAR, _("Year")), (PeriodKind.HALF, _("Half-year")), (PeriodKind.MONTH, _("Month")),
                 (PeriodKind.CUSTOM, _("From … to …"))],
    )
    year = forms.IntegerField(label=_("Year"), min_value=FIRST_YEAR, max_value=LAST_YEAR, required=False)
    half = forms.TypedChoiceField(label=_("Half-year"), coerce=int, required=False, empty_value=1,
                                  choices=[(1, _("First half")), (2, _("Second half"))])
    month = forms.TypedChoiceField(label=_("Month"), coerce=int, required=False, empty_value=None,
                                   choices=[(m, str(m)) for m in range(1, 13)])
    start = forms.DateField(label=_("From"), required=False, widget=DateInput, input_formats=DATE_FORMATS)
    end = forms.DateField(label=_("To"), required=False, widget=DateInput, input_formats=DATE_FORMATS)
    as_of = forms.DateField(label=_("Figures as of"), required=False, widget=DateInput, input_formats=DATE_FORMATS,
                            help_text=_("Only what had happened by this date is counted. Empty: today."))

    def __init__(self, data=None, *, today: dt.date, **kwargs):
        self.today = today
        super().__init__(data, **kwargs)

    def clean(self):
        data = super().clean()
        kind = data.get("period") or PeriodKind.YEAR
        year = data.get("year") or self.today.year
        if kind == PeriodKind.CUSTOM:
            start, end = data.get("start"), data.get("end")
            if not start or not end:
                raise forms.ValidationError(_("Enter both the first and the last day of the period."))
            if start > end:
                raise forms.ValidationError(_("The first day of the period cannot be after the last day."))
            data["period_obj"] = Period(start, end, PeriodKind.CUSTOM)
        elif kind == PeriodKind.HALF:
            data["period_obj"] = Period.half(year, data.get("half") or 1)
        elif kind == PeriodKind.MONTH:
            data["period_obj"] = Period.month(year, data.get("month") or self.today.month)
        else:
            data["period_obj"] = Period.year(year)
        return data

    def period_or_default(self) -> tuple[Period, dt.date]:
        """The period and the as-of date; this year to today when the form is empty or invalid."""
        if self.is_bound and self.is_valid():
            return self.cleaned_data["period_obj"], self.cleaned_data.get("as_of") or self.today
        return Period.year(self.today.year), self.today


class QuotaForm(WebForm):
    kind = forms.ChoiceField(label=_("Quota set as"), choices=QuotaKind.choices, widget=forms.RadioSelect,
                             initial=QuotaKind.COUNT)
    count = forms.IntegerField(label=_("Number of admissions"), min_value=0, max_value=1_000_000, required=False)
    percent = forms.DecimalField(label=_("Percentage of members"), min_value=Decimal("0.01"), max_value=Decimal(100),
                                 max_digits=5, decimal_places=2, required=False,
                                 help_text=_("e.g. 3 for at least three per cent of the members at the end of last year."))
    membership_base = forms.IntegerField(
        label=_("Members at the end of the previous year"), min_value=0, required=False,
        help_text=_("Official and probationary members on 31 December; filled in with today’s count."),
    )
    note = forms.CharField(label=_("Basis"), max_length=255, required=False,
                           help_text=_("e.g. the resolution or letter that sets the quota."))

    def clean(self):
        data = super().clean()
        if data.get("kind") == QuotaKind.COUNT:
            if data.get("count") is None and "count" not in self.errors:
                self.add_error("count", _("Enter the number of admissions."))
            data["percent"] = None
        elif data.get("kind") == QuotaKind.PERCENT:
            if data.get("percent") is None and "percent" not in self.errors:
                self.add_error("percent", _("Enter the percentage of members."))
            if data.get("membership_base") is None and "membership_base" not in self.errors:
                self.add_error("membership_base", _(
                    "Enter the number of members at the end of the previous year: the percentage is taken of it."))
            data["count"] = None
        return data
