"""A row read under the transaction's lock, saved with only what was changed on it.

A service locks its dossier (`services.base._lock`) and saves it once or twice: Django writes every
column back, values the row held under the lock and still holds. `remember` notes the values as
read; `changed_fields` names those changed since (with the fields the model stamps on every save,
`auto_now`), for `save(update_fields=…)`: the same row written, in a shorter statement, and the
receivers of the save told what changed (`reports.signals` rewrites the admission profile only when
what it is made of changed). A row not so read, or with nothing changed, is saved whole as before.
"""

from __future__ import annotations

_UNSET = object()
_KEY = "_values_as_locked"


def remember(obj) -> None:
    """Note the values `obj` holds now, as read under the lock (or just saved)."""
    obj.__dict__[_KEY] = tuple(obj.__dict__.get(f.attname, _UNSET) for f in obj._meta.concrete_fields)


def changed_fields(obj) -> list[str] | None:
    """The names of the fields changed on `obj` since `remember`, with those its model sets on every
    save; None when it was not remembered or nothing changed (a whole save)."""
    held = obj.__dict__.get(_KEY)
    if held is None:
        return None
    fields = obj._meta.concrete_fields
    changed = [f.name for f, before in zip(fields, held, strict=True) if obj.__dict__.get(f.attname, _UNSET) != before]
    if not changed:
        return None
    return changed + [f.name for f in fields if getattr(f, "auto_now", False) and f.name not in changed]


def save(obj) -> None:
    """`obj.save()`, with only what changed since it was read under the lock (see the module)."""
    obj.save(update_fields=changed_fields(obj))
    if _KEY in obj.__dict__:
        remember(obj)
