"""Read-side queries for the pages, within the user's scope: each loads what a page shows in a
fixed number of queries.

The gates (`dossiers.gates`) read `.all()` of the evidence relations and filter in Python, so a
dossier loaded here can be checked for every step without touching the database again.
"""

from __future__ import annotations

from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery

from dossiers.models import (
    Dossier,
    DossierHistory,
    Introducer,
    Mentor,
    Organization,
    OrgLevel,
    PartyAct,
    PartyMember,
    ProgressReport,
    Relative,
    TrainingCertificate,
    Verification,
    Vote,
)
from dossiers.selectors import link_ancestors

from .models import Role
from .scoping import access_dossier, active_roles, visible_dossiers

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


def dossier_for_page(*, user, pk) -> Dossier:
    """The dossier with every piece of evidence its page and its gates read; 404 outside the
    user's scope. Thirteen queries whatever the database size: the dossier (with candidate, cell,
    member, ceremony, and the viewer's party member id), one per evidence relation, and the cell's
    ancestors."""
    viewer_member = PartyMember.objects.filter(user_id=user.pk).values("pk")[:1]
    # The models order their rows by dossier (or candidate) first, which joins the dossier's (the
    # candidate's) table into every prefetch to sort by its own ordering; for one dossier only the
    # rest of the ordering matters, so it is given here without the join.
    queryset = (
        Dossier.objects.select_related("candidate", "cell", "member", "ceremony")
        .prefetch_related(
            Prefetch("certificates", queryset=TrainingCertificate.objects.order_by("start_date")),
            Prefetch("introducers", queryset=Introducer.objects.select_related("member").order_by("assigned_on", "id")),
            Prefetch("mentors", queryset=Mentor.objects.select_related("member").order_by("assigned_on", "id")),
            Prefetch("acts", queryset=PartyAct.objects.order_by("date", "id")),
            Prefetch("verifications", queryset=Verification.objects.select_related("relative")),
            Prefetch("candidate__relatives", queryset=Relative.objects.order_by("kind", "birth_year")),
            "opinions",
            Prefetch("votes", queryset=Vote.objects.order_by("meeting_date", "id")),
            Prefetch("progress_reports", queryset=ProgressReport.objects.select_related("mentor")
                     .order_by("period_end", "id")),
            "self_reviews",
            Prefetch("events", queryset=DossierHistory.objects.select_related("actor")),
        )
        .annotate(viewer_member_id=Subquery(viewer_member))
    )
    dossier = access_dossier(user, pk, queryset=queryset)
    link_ancestors(dossier.cell)
    _remember_viewer_member(user, dossier)
    return dossier


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
