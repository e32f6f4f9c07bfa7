"""The viewflow frontend: one Site ("Phát triển đảng viên") with the dossier and task Applications."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from viewflow.urls import Application, Site

from documents.site import DocumentApplication
from exports.site import ExportApplication
from imports.site import ImportApplication
from reports.site import ReportApplication

from . import role_views, roster_views, security_views, task_views, token_views, views


class DossierApplication(Application):
    """Hồ sơ kết nạp: list, page, step forms, the candidate and dossier forms."""

    app_name = "dossiers"
    title = _("Admission dossiers")
    icon = "folder_shared"
    menu_template_name = None  # the site draws the one menu (PartySite)

    index_path = path("", views.DossierListView.as_view(), name="index")
    create_path = path("new/", views.CandidateCreateView.as_view(), name="create")
    export_path = path("export.xlsx", views.DossierExportView.as_view(), name="export")
    detail_path = path("<int:pk>/", views.DossierDetailView.as_view(), name="detail")
    background_path = path("<int:pk>/background/", views.DossierBackgroundView.as_view(), name="background")
    timeline_path = path("<int:pk>/timeline/", views.DossierTimelineView.as_view(), name="timeline")
    edit_path = path("<int:pk>/edit/", views.DossierUpdateView.as_view(), name="edit")
    candidate_path = path("<int:pk>/candidate/", views.CandidateUpdateView.as_view(), name="candidate")
    step_path = path("<int:pk>/act/<str:step>/", views.StepView.as_view(), name="step")


class TaskApplication(Application):
    """Công việc: my tasks, the queue, what I have done; claim, give back, give to someone else."""

    app_name = "tasks"
    title = _("Tasks")
    icon = "assignment"
    url_prefix = "tasks"
    menu_template_name = None  # the site draws the one menu (PartySite)

    index_path = path("", task_views.TaskListView.as_view(kind="inbox"), name="inbox")
    queue_path = path("queue/", task_views.TaskListView.as_view(kind="queue"), name="queue")
    archive_path = path("archive/", task_views.TaskListView.as_view(kind="archive"), name="archive")
    overdue_path = path("overdue/", task_views.TaskListView.as_view(kind="overdue"), name="overdue")
    bulk_claim_path = path("queue/claim/", task_views.BulkClaimView.as_view(), name="claim_bulk")
    claim_path = path("<int:pk>/claim/", task_views.ClaimView.as_view(), name="claim")
    unassign_path = path("<int:pk>/unassign/", task_views.UnassignView.as_view(), name="unassign")
    reassign_path = path("<int:pk>/reassign/", task_views.ReassignView.as_view(), name="reassign")


class RoleApplication(Application):
    """Phân quyền: roles by organisation, the log of their changes, the log of personal data reads."""

    app_name = "roles"
    title = _("Roles and access")
    icon = "admin_panel_settings"
    url_prefix = "roles"
    menu_template_name = None  # the site draws the one menu (PartySite)

    index_path = path("", role_views.RoleListView.as_view(), name="index")
    grant_path = path("grant/", role_views.RoleGrantView.as_view(), name="grant")
    revoke_path = path("<int:pk>/revoke/", role_views.RoleRevokeView.as_view(), name="revoke")
    changes_path = path("changes/", role_views.RoleChangeListView.as_view(), name="changes")
    reads_path = path("reads/", role_views.PersonalDataReadListView.as_view(), name="reads")
    # Login security (issue 18): locked logins, unlock, second-factor reset, their log.
    security_path = path("security/", security_views.LoginSecurityView.as_view(), name="security")
    security_log_path = path("security/log/", security_views.SecurityLogView.as_view(), name="security_log")
    unlock_path = path("security/<int:pk>/unlock/", security_views.UnlockView.as_view(), name="unlock")
    unlock_address_path = path("security/unlock-address/", security_views.AddressUnlockView.as_view(),
                               name="unlock_address")
    otp_reset_path = path("security/<int:pk>/two-factor-reset/", security_views.SecondFactorResetView.as_view(),
                          name="otp_reset")


class RosterApplication(Application):
    """Danh sách đảng viên: each cell's roster on a date, its changes and its meetings."""

    app_name = "roster"
    title = _("Party member rosters")
    icon = "groups"
    url_prefix = "roster"
    menu_template_name = None  # the site draws the one menu (PartySite)

    index_path = path("", roster_views.RosterIndexView.as_view(), name="index")
    cell_path = path("<int:pk>/", roster_views.RosterView.as_view(), name="cell")
    act_path = path("<int:pk>/change/", roster_views.RosterActView.as_view(), name="act")
    meeting_new_path = path("<int:pk>/meetings/new/", roster_views.MeetingCreateView.as_view(), name="meeting_new")
    committee_path = path("committee/<int:pk>/", roster_views.CommitteeView.as_view(), name="committee")


class TokenApplication(Application):
    """Khóa API: the user's own personal API keys (made and revoked from a logged-in session)."""

    app_name = "tokens"
    title = _("API keys")
    icon = "key"
    url_prefix = "api-keys"
    menu_template_name = None  # the site draws the one menu (PartySite)

    index_path = path("", token_views.TokenListView.as_view(), name="index")
    revoke_path = path("<int:pk>/revoke/", token_views.TokenRevokeView.as_view(), name="revoke")


class PartySite(Site):
    # One menu on every page, drawn by the site: viewflow's shell includes the application's menu
    # (none on "/", which belongs to no application) and then the site's, so the applications draw
    # none and the home page's drawer lists the same entries as a dossier page's.
    menu_template_name = "web/menu.html"
    index_path = path("", task_views.HomeView.as_view(), name="index")


site = PartySite(
    title=_("Party member development"),
    viewsets=[DossierApplication(), TaskApplication(), DocumentApplication(), ReportApplication(),
              ExportApplication(), RosterApplication(), ImportApplication(), RoleApplication(), TokenApplication()],
)
