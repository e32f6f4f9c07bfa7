"""Xác thực hai bước: the user's own pages. The status page, setting up an authenticator app (QR
code drawn on the server), the code page after the password, backup codes shown once. Every change
goes through accounts.services; the session only remembers the secret being set up and marks the
verified device (django_otp.login)."""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from django_otp import login as otp_login

from accounts import second_factor
from accounts.services import app_enrol, backup_codes_renew
from ui.pages import PageMixin

ENROL_KEY = "two_factor_enrol_key"
NEW_CODES = "two_factor_new_codes"


class TokenForm(forms.Form):
    token = forms.CharField(
        label=gettext_lazy("Code"), max_length=16, strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True,
                                      "autocapitalize": "none", "spellcheck": "false"}),
        help_text=gettext_lazy("The 6 digits of your authenticator app, or one of your backup codes."))


def _next(request, default: str = "/") -> str:
    target = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME) or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return default


class TwoFactorView(PageMixin, TemplateView):
    """The user's second factor: whether it is required, set up, passed; links to the other pages."""

    template_name = "web/account/two_factor.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        ctx = super().get_context_data(**kwargs)
        ctx.update(required=second_factor.is_required(user), has_app=second_factor.has_app(user),
                   verified=second_factor.is_verified(user), codes_left=second_factor.backup_codes_left(user))
        return ctx


class EnrolView(PageMixin, TemplateView):
    """Scan the QR code, enter the app's code: the app is saved and the backup codes shown once.
    Replacing a device that is already set up needs this session to have passed it first."""

    template_name = "web/account/enrol.html"

    def prepare(self, request, *args, **kwargs):
        # Whoever can already give a code (an app, backup codes) gives one before replacing it: a
        # stolen password alone never sets up the thief's app.
        self.blocked = not second_factor.is_verified(request.user) and second_factor.has_device(request.user)

    def get(self, request, *args, **kwargs):
        if self.blocked:
            return HttpResponseRedirect(f"{reverse('account:verify')}?{request.GET.urlencode()}")
        return super().get(request, *args, **kwargs)

    def key(self) -> str:
        key = self.request.session.get(ENROL_KEY)
        if not key:
            key = second_factor.new_key()
            self.request.session[ENROL_KEY] = key
        return key

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        key = self.key()
        device = second_factor.preview_device(self.request.user, key)
        ctx.setdefault("form", TokenForm())
        ctx.update(qr=second_factor.qr_svg(device.config_url), secret=second_factor.key_text(key),
                   next=_next(self.request, ""), required=second_factor.is_required(self.request.user))
        return ctx

    def post(self, request, *args, **kwargs):
        if self.blocked:
            return HttpResponseRedirect(reverse("account:verify"))
        form = TokenForm(request.POST)
        if form.is_valid():
            try:
                device, codes = app_enrol(user=request.user, key=self.key(), token=form.cleaned_data["token"])
            except second_factor.TokenRefused as exc:
                form.add_error("token", str(exc))
            else:
                otp_login(request, device)
                request.session.pop(ENROL_KEY, None)
                request.session[NEW_CODES] = codes
                messages.success(request, _("Your authenticator app is set up: it will be asked for at each login."))
                target = _next(request, "")
                query = "?" + urlencode({REDIRECT_FIELD_NAME: target}) if target else ""
                return HttpResponseRedirect(reverse("account:backup_codes") + query)
        return self.render_to_response(self.get_context_data(form=form))


class BackupCodesView(PageMixin, TemplateView):
    """The new backup codes, shown once; new ones on request (only after passing the second factor)."""

    template_name = "web/account/backup_codes.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx.update(codes=self.request.session.pop(NEW_CODES, None), codes_left=second_factor.backup_codes_left(user),
                   verified=second_factor.is_verified(user), has_app=second_factor.has_app(user),
                   next=_next(self.request, ""))
        return ctx

    def post(self, request, *args, **kwargs):
        if not (second_factor.has_app(request.user) and second_factor.is_verified(request.user)):
            messages.error(request, _("Enter a code of your authenticator app first."))
            return HttpResponseRedirect(reverse("account:verify"))
        request.session[NEW_CODES] = backup_codes_renew(user=request.user)
        messages.success(request, _("New backup codes were made; the old ones no longer work."))
        return HttpResponseRedirect(reverse("account:backup_codes"))


class VerifyView(PageMixin, TemplateView):
    """After the password: the code of the app or a backup code (the demo's code while DEBUG is on)."""

    template_name = "registration/verify.html"

    def get(self, request, *args, **kwargs):
        if not second_factor.has_device(request.user):  # nothing to enter a code from: set up an app first
            return HttpResponseRedirect(f"{reverse('account:enrol')}?{request.GET.urlencode()}")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.setdefault("form", TokenForm())
        ctx["next"] = _next(self.request, "")
        return ctx

    def post(self, request, *args, **kwargs):
        form = TokenForm(request.POST)
        if form.is_valid():
            try:
                device = second_factor.check_token(user=request.user, token=form.cleaned_data["token"])
            except second_factor.TokenRefused as exc:
                form.add_error("token", str(exc))
            else:
                otp_login(request, device)
                return HttpResponseRedirect(_next(request))
        return self.render_to_response(self.get_context_data(form=form), status=200)


__all__ = ["BackupCodesView", "EnrolView", "TwoFactorView", "VerifyView"]
