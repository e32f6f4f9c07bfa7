"""The form base and fields every page package uses: the phone's date picker, counts typed on a
numeric keypad, required fields marked, no colon after labels."""

from __future__ import annotations

from django import forms
from django.utils import timezone


class DateInput(forms.DateInput):
    """The phone's own date picker; it sends ISO dates, which DATE_INPUT_FORMATS accepts."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def date_field(label, *, required=True, today=False, help_text=""):
    return forms.DateField(
        label=label, required=required, widget=DateInput, help_text=help_text,
        initial=timezone.localdate if today else None,
    )


def count_field(label, *, required=True, initial=None, help_text=""):
    return forms.IntegerField(
        label=label, min_value=0, required=required, initial=initial, help_text=help_text,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


def text_field(label, *, required=True, max_length=255, help_text="", initial=None):
    return forms.CharField(label=label, required=required, max_length=max_length, help_text=help_text,
                           initial=initial)


def long_text_field(label, *, required=True, help_text=""):
    return forms.CharField(label=label, required=required, help_text=help_text,
                           widget=forms.Textarea(attrs={"rows": 3}))


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.full_name} — {obj.position}" if obj.position else obj.full_name


class WebForm(forms.Form):
    required_css_class = "web-field--required"
    error_css_class = "web-field--error"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
