"""Read-side queries for the pages, within the user's scope: each loads what a page shows in a
fixed number of queries.

The gates (`dossiers.gates`) read `.all()` of the evidence relations and filter in Python, so a
dossier loaded here can be checked for every step without touching the database again.
"""

from __future__ import annotations

from django.db.models import OuterRef, Q, QuerySet, Subquery

from dossiers.loading import Related, load_related
from dossiers.models import (
    Dossier,
    DossierHistory,
    Organization,
    OrgLevel,
    PartyMember,
)
from dossiers.selectors import link_ancestors

from .models import Role
from .scoping import ACTIVE_ROLES, access_dossier_prepared, active_roles, active_roles_unread, visible_dossiers

# Roles that may put a person on a cell's source list (step 1 of shared/domain.md §2).
CREATE_ROLES = {Role.CELL_SECRETARY, Role.CELL_DEPUTY, Role.UNION_OFFICER}


def dossier_list(*, user) -> QuerySet[Dossier]:
    """The dossiers the user may see, with what a list row shows: one query per page."""
    # The date the latest act took effect (a meeting, a decision), not when someone typed it in.
    last_change = (DossierHistory.objects.filter(dossier=OuterRef("pk")).order_by("-effective_on", "-id")
                   .values("effective_on")[:1])
    # Only the columns a row prints: the dossier, its candidate and its cell are wide rows (about
    # 60 columns in all), which cost more to send and to build than the page's query itself.
    return (
        visible_dossiers(user)
        .select_related("candidate", "cell")
        .only(*LIST_COLUMNS)
        .annotate(last_change=Subquery(last_change))
    )


LIST_COLUMNS = ("id", "state", "spotted_on", "candidate__full_name", "candidate__birth_date", "cell__name")


def dossier_for_page(*, user, pk, also: tuple[Related, ...] = ()) -> Dossier:
    """The dossier with every piece of evidence its page and its gates read; 404 outside the
    user's scope. Two queries whatever the database size and the dossier's history: the dossier
    (with candidate, cell and its ancestors, member, ceremony, and the viewer's party member id)
    and its evidence relations together (`dossiers.loading`: one per relation cost a dossier page
    eleven queries); a third for the cell's ancestors in a tree deeper than the levels allowed.
    `also`: more relations a page reads, in the evidence's query."""
    def queryset():
        viewer_member = PartyMember.objects.filter(user_id=user.pk).values("pk")[:1]
        return (Dossier.objects.select_related("candidate", "cell", "member", "ceremony", CELL_ANCESTORS)
                .annotate(viewer_member_id=Subquery(viewer_member)))

    # Its SQL written once per process for each shape of scope (the viewer's member id comes first),
    # planned once per connection on PostgreSQL: planning its joins cost the server ~0.5 ms, several
    # times running it (issue 21).
    dossier = access_dossier_prepared(user, pk, key="permissions.selectors.dossier_for_page", build=queryset,
                                      lead=[user.pk], server_prepared=True)
    # The viewer's roles with the evidence (the page's next steps and documents ask which he holds
    # over the dossier): one query less than reading them apart (issue 21).
    load_related(dossier, [*EVIDENCE, *also], more=[(user, [ACTIVE_ROLES])] if active_roles_unread(user) else [])
    if not _up_to_the_root(dossier.cell):
        link_ancestors(dossier.cell)
    _remember_viewer_member(user, dossier)
    return dossier


# The cell's parents with the dossier, as deep as the tree goes (a cell under a sub-committee: four
# levels up to the province): the page walks up to the grassroots organisation, the district and the
# province (the documents panel's issuers). Its SQL written once and planned once, the joins cost
# nothing to compile or plan; read apart, the ancestors cost a query of their own (issue 21).
CELL_ANCESTORS = "cell__parent__parent__parent__parent"


def _up_to_the_root(org: Organization) -> bool:
    """The parent chain of `org` is loaded up to an organisation without a parent."""
    parent = Organization._meta.get_field("parent")
    while org.parent_id is not None:
        if not parent.is_cached(org):
            return False
        org = org.parent
    return True


# What `dossier_for_page` loads with the dossier, in the orders the page and the gates read.
EVIDENCE = [
    Related("certificates", order=("start_date",)),
    Related("introducers", order=("assigned_on",), joins=("member",)),
    Related("mentors", order=("assigned_on",), joins=("member",)),
    Related("acts", order=("date",)),
    Related("verifications", joins=("relative",)),
    Related("candidate.relatives", order=("kind", "birth_year")),
    Related("opinions"),
    Related("votes", order=("meeting_date",)),
    Related("progress_reports", order=("period_end",), joins=("mentor",)),
    Related("self_reviews"),
]
# The whole history with its actors, for a reader that prints all of it (the API's dossier); the
# dossier page prints the latest actions only and asks for those.
HISTORY = Related("events", order=("at",), joins=("actor",))


def _remember_viewer_member(user, dossier: Dossier) -> None:
    """Cache `user.party_member` from the annotation, so that `permissions.actions.roles_over`
    (which asks whether the user mentors this dossier) costs no query of its own."""
    rel = user._meta.get_field("party_member")
    if rel.is_cached(user):
        return
    member_id = dossier.viewer_member_id
    member = None
    if member_id is not None:
        known = [m.member for m in dossier.mentors.all()] + [i.member for i in dossier.introducers.all()]
        member = next((m for m in known if m.pk == member_id), None)
        if member is None:
            # Other fields load on first access, like a deferred queryset row.
            member = PartyMember.from_db(dossier._state.db, ["id", "user_id"], [member_id, user.pk])
    rel.set_cached_value(user, member)


def creatable_cells(*, user) -> QuerySet[Organization]:
    """Cells where the user may open a dossier: under an organisation where they hold a
    creating role (superusers: every cell)."""
    cells = Organization.objects.filter(level=OrgLevel.CELL)
    if user.is_superuser:
        return cells.order_by("path")
    condition = Q(pk__in=[])
    for assignment in active_roles(user):
        if assignment.role in CREATE_ROLES:
            condition |= Q(path__startswith=assignment.organization.path)
    return cells.filter(condition).order_by("path")
