"""Give the guardian object permissions to the roles and helpers that existed before them."""

from django.db import migrations

# Frozen copy of permissions.roles.ROLE_PERMISSIONS at the time of this migration.
ROLE_PERMISSIONS = {
    "cell_secretary": ("view_org_dossiers", "act_as_cell"),
    "cell_deputy": ("view_org_dossiers", "act_as_cell"),
    "grassroots_committee": ("view_org_dossiers", "act_as_committee"),
    "approver": ("view_org_dossiers", "approve_admissions"),
    "org_board": ("view_org_dossiers", "manage_roles"),
    "union_officer": ("propose_candidates",),
    "auditor": ("view_org_dossiers", "read_access_log"),
    "admin": ("view_org_dossiers", "manage_roles", "read_access_log"),
}


def backfill(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    RoleAssignment = apps.get_model("permissions", "RoleAssignment")
    if not RoleAssignment.objects.exists():
        return  # a new database: the services grant as they go
    OrgPerm = apps.get_model("permissions", "OrganizationUserObjectPermission")
    DossierPerm = apps.get_model("permissions", "DossierUserObjectPermission")
    Mentor = apps.get_model("dossiers", "Mentor")
    Introducer = apps.get_model("dossiers", "Introducer")
    org_type, _ = ContentType.objects.get_or_create(app_label="dossiers", model="organization")
    dossier_type, _ = ContentType.objects.get_or_create(app_label="dossiers", model="dossier")
    perms = {}
    for codenames in ROLE_PERMISSIONS.values():
        for codename in codenames:
            perms[codename], _ = Permission.objects.get_or_create(
                content_type=org_type, codename=codename, defaults={"name": codename.replace("_", " ")})
    view_dossier, _ = Permission.objects.get_or_create(
        content_type=dossier_type, codename="view_dossier", defaults={"name": "Can view dossier"})
    rows = set()
    for a in RoleAssignment.objects.filter(revoked_at__isnull=True):
        for codename in ROLE_PERMISSIONS.get(a.role, ()):
            rows.add((a.user_id, perms[codename].pk, a.organization_id))
    OrgPerm.objects.bulk_create(
        [OrgPerm(user_id=u, permission_id=p, content_object_id=o) for u, p, o in sorted(rows)], ignore_conflicts=True)
    helpers = set()
    for model in (Mentor, Introducer):
        for dossier_id, user_id in model.objects.filter(ended_on__isnull=True, member__user__isnull=False).values_list(
                "dossier_id", "member__user_id"):
            helpers.add((user_id, dossier_id))
    DossierPerm.objects.bulk_create(
        [DossierPerm(user_id=u, permission_id=view_dossier.pk, content_object_id=d) for u, d in sorted(helpers)],
        ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("permissions", "0002_guardian_role_changes_and_reads"),
        ("dossiers", "0002_organization_permissions"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
