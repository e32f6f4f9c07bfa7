"""Who sees which dossier: one function, one SQL condition.

The user's scope is read from django-guardian's object permissions on organisations (one indexed
query per request, cached on the user): each permission covers the organisation's subtree, a
prefix match on the materialised path (PostgreSQL uses the `varchar_pattern_ops` index Django
creates for `Organization.path`). Mentors and introducers add the dossiers they hold a per-dossier
permission on, as a subquery. Nothing is checked row by row in Python.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from django.db import connections
from django.db.models import CharField, Q, QuerySet, Value
from django.db.models.functions import Cast
from django.http import Http404

from dossiers import prepared
from dossiers.loading import Related
from dossiers.models import Dossier, Organization

from . import roles
from .models import DossierUserObjectPermission, OrganizationUserObjectPermission, Role, RoleAssignment
from .user_version import bump, current

# Roles that see every dossier in their organisation's subtree (a cell's subtree is the cell).
SUBTREE_ROLES = {r for r, perms in roles.ROLE_PERMISSIONS.items() if roles.VIEW in perms}


# The user's current roles with their organisations, as `active_roles` reads them, for a page that
# reads them with its own rows (`dossiers.loading.load_related(more=…)`, the dossier page's evidence).
ACTIVE_ROLES = Related("role_assignments", joins=("organization",), null=("revoked_at",), to_attr="_active_roles")


def active_roles_unread(user) -> bool:
    """The user's roles are not read yet in this request (`ACTIVE_ROLES` would read them)."""
    return user.is_authenticated and getattr(user, "_active_roles", None) is None


def active_roles(user) -> list[RoleAssignment]:
    """The user's current roles with their organisations; cached on the user for one request."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_active_roles", None)
    if cached is None:
        # Its SQL written once per process (`dossiers.prepared`): read on every page; planned once
        # per connection on PostgreSQL (its plan cost the server more than its answer).
        cached = prepared.rows(
            "permissions.scoping.active_roles", RoleAssignment,
            lambda: RoleAssignment.objects.filter(user=user, revoked_at__isnull=True).select_related("organization"),
            [user.pk], server_prepared=True)
        user._active_roles = cached
    return cached


def scope_of(user) -> dict[str, list[str]]:
    """{permission codename: [organisation paths]}: the user's guardian permissions on
    organisations, each path standing for its subtree, plus {"view_dossier": [dossier ids]} for a
    mentor's or introducer's own cases. One query (a UNION ALL), cached on the user for the request
    and kept in this process under the user's version (`permissions.user_version`: every write of
    his permissions, and a move of an organisation he holds one in, makes a new one), so most
    pages read no scope at all (issue 21)."""
    if not user.is_authenticated:
        return {}
    cached = getattr(user, "_scope", None)
    if cached is None:
        # The version is read before the rows: a change committed after this read is kept under
        # a newer version, never under this one.
        version = current(user)
        kept = _kept_scopes.get(user.pk) if version is not None else None
        if kept is not None and kept[0] == version:
            cached = {codename: list(keys) for codename, keys in kept[1].items()}
        else:
            cached = _read_scope(user)
            if version is not None:
                if len(_kept_scopes) >= _KEPT_SCOPES_MAX:
                    _kept_scopes.clear()
                _kept_scopes[user.pk] = (version, {codename: tuple(keys) for codename, keys in cached.items()})
        user._scope = cached
    return cached


# {user id: (his version, his scope)}: plain paths and ids, no model instance. A version is a random
# token replaced at every change, in every process (Redis), so a scope kept here under an old one
# is never read again; with PER_USER_CACHE off (no shared versions) nothing is kept.
_kept_scopes: dict[int, tuple[str, dict[str, tuple]]] = {}
_KEPT_SCOPES_MAX = 4096


def _read_scope(user) -> dict[str, list]:
    scope: dict[str, list] = {}
    on_orgs = OrganizationUserObjectPermission.objects.filter(user=user).values_list(
        "permission__codename", "content_object__path")
    on_dossiers = (
        DossierUserObjectPermission.objects.filter(user=user, permission__codename=roles.VIEW_DOSSIER)
        .annotate(codename=Value(roles.VIEW_DOSSIER, output_field=CharField()),
                  key=Cast("content_object_id", output_field=CharField()))
        .values_list("codename", "key")
    )
    for codename, key in on_orgs.union(on_dossiers, all=True):
        scope.setdefault(codename, []).append(key)
    for codename, keys in scope.items():
        scope[codename] = sorted(int(k) for k in keys) if codename == roles.VIEW_DOSSIER else _outermost(keys)
    return scope


def holds(user, codename: str) -> bool:
    """The user holds this organisation permission somewhere (no query once the scope is loaded)."""
    return user.is_authenticated and (user.is_superuser or bool(scope_of(user).get(codename)))


def forget_scope(user) -> None:
    """After a grant or revocation: the next check reads the permissions again, in this request
    and (a new version, `permissions.user_version`) in every other."""
    bump(user.pk)
    for attr in ("_scope", "_active_roles", "_user_version"):
        if hasattr(user, attr):
            delattr(user, attr)


def _outermost(paths: list[str]) -> list[str]:
    """Drop paths inside another one: "1.2." covers "1.2.7."."""
    kept: list[str] = []
    for path in sorted(set(paths)):
        if not kept or not path.startswith(kept[-1]):
            kept.append(path)
    return kept


def _under(paths: list[str], field: str = "cell__path") -> Q:
    condition = Q(pk__in=[])
    for path in paths:
        condition |= Q(**{f"{field}__startswith": path})
    return condition


def visible_dossiers(user, queryset: QuerySet[Dossier] | None = None) -> QuerySet[Dossier]:
    """Dossiers the user may open: the subtrees he may view; as a union officer, the candidates
    he proposed there; as mentor or introducer, the cases he holds a per-dossier permission on."""
    qs = Dossier.objects.all() if queryset is None else queryset
    if not user.is_authenticated:
        return qs.none()
    if user.is_superuser:
        return qs
    scope = scope_of(user)
    condition = _under(scope.get(roles.VIEW, []))
    proposed = scope.get(roles.PROPOSE, [])
    if proposed:
        condition |= Q(created_by=user) & _under(proposed)
    # The mentor's own cases as literal ids (a handful): with no such case the condition stays a
    # plain path prefix, which PostgreSQL answers from the path index, cell by cell.
    if scope.get(roles.VIEW_DOSSIER):
        condition |= Q(pk__in=scope[roles.VIEW_DOSSIER])
    return qs.filter(condition)


def organizations_with(user, codename: str) -> QuerySet[Organization]:
    """The organisations where the user holds the permission, directly or from above."""
    if user.is_superuser:
        return Organization.objects.all()
    return Organization.objects.filter(_under(scope_of(user).get(codename, []), field="path"))


def scope_roots(user) -> list[str] | None:
    """The paths of the organisations at the top of the user's scope, each covering its subtree;
    None for an administrator, who sees every tree."""
    if user.is_superuser:
        return None
    return _outermost([p for codename, paths in scope_of(user).items() if codename != roles.VIEW_DOSSIER
                       for p in paths])


def visible_organizations(user) -> QuerySet[Organization]:
    """Organisations under any of the user's permissions."""
    roots = scope_roots(user)
    if roots is None:
        return Organization.objects.all()
    return Organization.objects.filter(_under(roots, field="path"))


def access_dossier(user, pk, queryset: QuerySet[Dossier] | None = None) -> Dossier:
    """The dossier if the user may see it; 404 otherwise, so an outsider learns nothing."""
    try:
        return visible_dossiers(user, queryset).get(pk=pk)
    except (Dossier.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def access_dossier_prepared(user, pk, *, key: str, build: Callable[[], QuerySet[Dossier]], lead: Sequence,
                            server_prepared: bool = False) -> Dossier:
    """`access_dossier(user, pk, queryset=build())` with its SQL written once per process for each
    shape of scope (`dossiers.prepared`): the dossier page's query, whose compiling cost more CPU
    than PostgreSQL's answer. `key` names `build()`'s shape, `lead` its parameters that come before
    the WHERE's (its annotations'). The scope's parameters are written here as Django writes them
    (`visible_dossiers`'s condition, in its order); the first call of each shape checks them
    against the compiler's, and a shape for which they differ is never kept. `server_prepared`: on
    PostgreSQL, planned once per connection (`dossiers.prepared.cursor`): the scope's parameters
    are ids and path prefixes, which the server types; the caller says `lead`'s are too."""
    connection = connections[Dossier._default_manager.db]
    low, high = connection.ops.integer_field_range(Dossier._meta.pk.get_internal_type())
    # An id outside the column's range is answered by Django without a query (no such dossier).
    if not isinstance(pk, int) or not low <= pk <= high or not user.is_authenticated:
        return access_dossier(user, pk, queryset=build())
    if user.is_superuser:
        shape, params = "all", []
    else:
        scope = scope_of(user)
        view, proposed = scope.get(roles.VIEW, []), scope.get(roles.PROPOSE, [])
        # As the IN lookup writes its list: each value once, in its order.
        ids = list(dict.fromkeys(scope.get(roles.VIEW_DOSSIER, [])))
        if not (view or proposed or ids):
            raise Http404
        like = connection.ops.prep_for_like_query
        params = [f"{like(path)}%" for path in view]
        if proposed:
            params += [user.pk, *(f"{like(path)}%" for path in proposed)]
        params += ids
        shape = f"{len(view)}.{len(proposed)}.{len(ids)}"
    found = prepared.rows(f"{key}:{shape}", Dossier,
                          lambda: visible_dossiers(user, build()).filter(pk=pk).order_by(), [*lead, *params, pk],
                          server_prepared=server_prepared)
    if not found:
        raise Http404
    return found[0]


__all__ = ["access_dossier_prepared", "Role", "SUBTREE_ROLES", "access_dossier", "active_roles", "forget_scope", "holds", "organizations_with",
           "scope_of", "scope_roots", "visible_dossiers", "visible_organizations"]
