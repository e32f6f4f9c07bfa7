"""The one way the application says no: `Refusal`, a list of reasons in the user's language.

Domain rules (`dossiers.services`), roles (`permissions.services`), tasks (`workflows.services`),
documents and quotas all raise it; pages show its reasons above the form, the API returns them as
a list. A reason may carry the rule it applies (`Reason(text, rule="Điều lệ Đảng, Điều 4")`); it is
a string, so it prints, compares and translates like one. Nothing is written when it is raised:
every service raises it inside its transaction, before or instead of committing.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.utils.text import capfirst


class Reason(str):
    """One sentence saying why, optionally with the citation of the rule it applies."""

    rule: str

    def __new__(cls, text: str, rule: str = ""):
        reason = super().__new__(cls, text)
        reason.rule = rule or getattr(text, "rule", "")
        return reason


class Refusal(Exception):
    """The action is not allowed (yet); `reasons` says why, one sentence each."""

    def __init__(self, reasons: Iterable[str] | str):
        if isinstance(reasons, str):
            reasons = [reasons]
        self.reasons: list[Reason] = [Reason(str(r), getattr(r, "rule", "")) for r in reasons]
        super().__init__("; ".join(self.reasons))


def validation_reasons(exc: ValidationError, model: type | None = None) -> list[Reason]:
    """A `ValidationError` (from `full_clean()`) as reasons: "Field: message", the field named as
    the user knows it (its verbose name, when the model is given), or the message alone for
    errors of the whole object."""

    def label(name: str) -> str:
        if model is not None:
            try:
                return capfirst(str(model._meta.get_field(name).verbose_name))
            except FieldDoesNotExist:
                pass
        return name

    if hasattr(exc, "error_dict"):
        return [
            Reason(message if name == NON_FIELD_ERRORS else f"{label(name)}: {message}")
            for name, errors in exc.error_dict.items()
            for error in errors
            for message in error.messages
        ]
    return [Reason(message) for message in exc.messages]


def refusal_from(exc: ValidationError, model: type | None = None) -> Refusal:
    return Refusal(validation_reasons(exc, model))


def clean_and_save(obj):
    """`full_clean()` then `save()`: the one way a service writes a row it built; the validation
    errors become a `Refusal` (and nothing is saved)."""
    try:
        obj.full_clean()
    except ValidationError as exc:
        raise refusal_from(exc, type(obj)) from exc
    obj.save()
    return obj
