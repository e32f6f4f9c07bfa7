"""Read-side queries that need no user's scope: the tree walked without queries, the years on
record. What a user may see is selected one layer up, in `permissions.selectors`."""

from __future__ import annotations

from django.db import connection

from .models import (
    Dossier,
    Organization,
    OrgLevel,
)


def dossier_years(*, user) -> list[int]:
    """The years the list's year filter offers, newest first: from the first year on record to the
    last. Read from the ends of the year index (one query, no scan: listing the distinct years of a
    user's dossiers read every one of them, 40–90 ms for a province)."""
    if not user.is_authenticated:
        return []
    # The SQL written once: Django's aggregate() cost ~0.3 ms of CPU on every list page (a clone,
    # an aggregation query, its compiler) for a statement that never changes; this is its SQL.
    with connection.cursor() as cursor:
        cursor.execute(_YEARS_SQL)
        first, last = cursor.fetchone()
    if first is None:
        return []
    return list(range(last, first - 1, -1))


_YEARS_SQL = 'SELECT MIN({year}), MAX({year}) FROM {table}'.format(
    year=connection.ops.quote_name(Dossier._meta.get_field("year").column),
    table=connection.ops.quote_name(Dossier._meta.db_table))


def link_ancestors(org: Organization) -> None:
    """Load the organisation's ancestors (one query, by the ids in its path) and link them as its
    parent chain, so that walking up to the grassroots organisation, the district and the province
    (the documents panel's issuers) costs nothing more. Joined into the dossier's own query, the
    four levels cost PostgreSQL's planner and Django's compiler 4 ms more than this query."""
    child = org
    for parent in reversed(org.ancestors()):
        if child.parent_id != parent.pk:
            break
        child.parent = parent
        child = parent


def grassroots_of(cell: Organization) -> Organization | None:
    """The grassroots organisation of a cell (its parent, or its grandparent under a
    sub-committee; itself for a grassroots cell), read from the select_related parents without a
    query: what `Organization.grassroots()` answers for a cell, given the tree's allowed levels."""
    if cell.level == OrgLevel.GRASSROOTS:
        return cell
    parent = cell.parent if cell.parent_id else None
    if parent is not None and parent.level == OrgLevel.SUB_COMMITTEE:
        parent = parent.parent if parent.parent_id else None
    return parent if parent is not None and parent.level == OrgLevel.GRASSROOTS else None


