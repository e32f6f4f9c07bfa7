from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from web import account_views
from web.notice_views import NoticeListView
from web.site import site
from web.views import DossierChartView

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # The admission flow's chart for one dossier (server-rendered SVG, scoped like the dossier page).
    path("dossiers/<int:pk>/process.svg", DossierChartView.as_view(), name="dossier_chart"),
    # The second factor (issue 18 §2): the only pages a user who has not passed it yet may open.
    path("account/two-factor/", include(([
        path("", account_views.TwoFactorView.as_view(), name="two_factor"),
        path("enrol/", account_views.EnrolView.as_view(), name="enrol"),
        path("verify/", account_views.VerifyView.as_view(), name="verify"),
        path("backup-codes/", account_views.BackupCodesView.as_view(), name="backup_codes"),
    ], "account"))),

    # The REST API (issue 20): its schema is the reference, its docs load their scripts from this site.
    path("api/v1/", include("api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api_schema"), name="api_docs"),
    path("notices/", include(([path("", NoticeListView.as_view(), name="list")], "notices"))),
    # viewflow's frontend: "/" and "/dossiers/…" (web.site).
    path("", site.urls),
]

# Django's refusals of a body it will not parse (too big, too many fields), in Vietnamese.
handler400 = "ops.edge.bad_request"
