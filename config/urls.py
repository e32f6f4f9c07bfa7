from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from web.site import site

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # viewflow's frontend: "/" and "/dossiers/…" (web.site).
    path("", site.urls),
]
