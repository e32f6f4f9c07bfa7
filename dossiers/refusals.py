"""The one way the application says no: `Refusal`, a list of reasons in the user's language.

Domain rules (`dossiers.services`), roles (`permissions.services`), tasks (`workflows.services`),
documents and quotas all raise it; pages show its reasons above the form, the API returns them as
a list. Every reason carries the rule it applies (`Reason(text, rule="Điều lệ Đảng, Điều 4")`, or
`APP_RULE` for a rule of the software) and its text ends with that citation; it is a string, so it
prints, compares and translates like one. Nothing is written when it is raised:
every service raises it inside its transaction, before or instead of committing.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy

from . import evidence, locked

# The citation of a rule of the software itself (a stale page, a file too large, who may act):
# printed where a Party text would be cited.
APP_RULE = gettext_lazy("application rule")


def _cited(text: str, rule: str) -> str:
    """"Text." + rule → "Text (rule).": the citation closes the sentence, once."""
    text = text.strip()
    if not rule:
        return text
    base = text[:-1] if text.endswith(".") else text
    if base.endswith(f"({rule})"):
        return f"{base}."
    return f"{base} ({rule})."


class Reason(str):
    """One sentence saying why, ending with the citation of the rule it applies.

    `Reason("Chưa đủ tuổi.", rule="Điều lệ Đảng, Điều 1")` is the string
    "Chưa đủ tuổi (Điều lệ Đảng, Điều 1).": what every page, message and API answer prints.
    `.text` is the sentence alone, `.rule` the citation: a rule of the Party's texts, or
    `APP_RULE` for a rule of the software (stale page, file too large, permission to act…).
    """

    text: str
    rule: str

    def __new__(cls, text: str, rule: str = ""):
        inner_rule = getattr(text, "rule", "")
        bare = text.text if isinstance(text, Reason) else str(text)
        rule = str(rule or inner_rule)
        reason = super().__new__(cls, _cited(bare, rule))
        reason.text, reason.rule = bare.strip(), rule
        return reason


def app_reason(text: str) -> Reason:
    """A reason that applies a rule of the software, not of the Party's texts."""
    return Reason(text, rule=APP_RULE)


class Refusal(Exception):
    """The action is not allowed (yet); `reasons` says why, one sentence each.

    `rule` cites the rule of every reason given as a plain string (a `Reason` keeps its own):
    `Refusal(_("Unknown role."), rule=APP_RULE)`."""

    def __init__(self, reasons: Iterable[str] | str, rule: str = ""):
        if isinstance(reasons, str):
            reasons = [reasons]
        self.reasons: list[Reason] = [Reason(r, rule=getattr(r, "rule", "") or rule) for r in reasons]
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
            Reason(message if name == NON_FIELD_ERRORS else f"{label(name)}: {message}", rule=APP_RULE)
            for name, errors in exc.error_dict.items()
            for error in errors
            for message in error.messages
        ]
    return [Reason(message, rule=APP_RULE) for message in exc.messages]


def refusal_from(exc: ValidationError, model: type | None = None) -> Refusal:
    return Refusal(validation_reasons(exc, model))


def _loaded(obj) -> set[str]:
    """The object's foreign keys whose row it holds, read from the database (the locked dossier,
    the user acting, a row saved earlier in the same call): that row exists, asking again
    whether it does (full_clean's `SELECT 1 … WHERE id = …`) is a statement for nothing."""
    return {
        f.name for f in obj._meta.concrete_fields
        if f.is_relation and f.is_cached(obj) and (row := f.get_cached_value(obj)) is not None
        and not row._state.adding and row.pk is not None and row.pk == getattr(obj, f.attname)
    }


def _full_clean(obj, fields: Iterable[str] | None, checked: set[str]) -> None:
    """`Model.full_clean()`, but each loaded foreign key's row not looked up again (`_loaded`),
    and, given `fields`, only those fields validated (with the rules and constraints on them)."""
    exclude = set() if fields is None else {f.name for f in obj._meta.fields if f.name not in set(fields)}
    errors: dict = {}
    try:
        obj.clean_fields(exclude=exclude | _loaded(obj))
    except ValidationError as exc:
        errors = exc.update_error_dict(errors)
    try:
        obj.clean()
    except ValidationError as exc:
        errors = exc.update_error_dict(errors)
    # As full_clean: uniqueness and constraints only on the fields that passed.
    exclude |= {name for name in errors if name != NON_FIELD_ERRORS} | checked
    for validate in (obj.validate_unique, obj.validate_constraints):
        try:
            validate(exclude=exclude)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


def clean_and_save(obj, *, fields: Iterable[str] | None = None, checked: Iterable[str] = ()):
    """`full_clean()` then `save()`: the one way a service writes a row it built; the validation
    errors become a `Refusal` (and nothing is saved). `fields`: on a row the service holds locked
    (the dossier), the only fields it set: the others were valid when it read them, and are not
    validated again. `checked`: fields whose uniqueness the service has just checked itself under
    the dossier's lock (a second verification of the same person): not asked of the database again.
    A row read under the lock (the dossier) is written with only what changed on it (`locked`)."""
    try:
        _full_clean(obj, fields, set(checked))
    except ValidationError as exc:
        raise refusal_from(exc, type(obj)) from exc
    locked.save(obj)
    evidence.written(obj)
    return obj
