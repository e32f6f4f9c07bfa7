"""An tòa đăng nhập, inside "Roles and access": the logins locked now (an organisation board officer
unlocks those of his subtree), the second factor of an account (an administrator resets it), and the
log of both for the board and the inspection committee. Every change goes through accounts.services."""

from __future__ import annotations

import ipaddress

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from accounts import lockout, second_factor
from accounts.models import SecurityEvent
from accounts.services import (
    accounts_in_scope,
    address_unlock,
    is_administrator,
    login_unlock,
    second_factor_reset,
)
from dossiers.formatting import vn_name
from dossiers.refusals import Refusal
from permissions import roles
from permissions.scoping import holds, organizations_with
from ui.pages import PageMixin, errors_as_messages

PAGE_SIZE = 25


class ReasonForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("Reason"), max_length=500,
                           help_text=gettext_lazy("e.g. the person called and was identified."))


class AddressForm(ReasonForm):
    ip = forms.GenericIPAddressField(label=gettext_lazy("Address"))


def _require_manager(user) -> None:
    if not (user.is_superuser or holds(user, roles.MANAGE_ROLES)):
        raise PermissionDenied(_("Only organisation board officers and administrators look after logins."))


class LoginSecurityView(PageMixin, TemplateView):
    """The logins locked now in the officer's subtree, an account found by its login name, and
    (superusers) the addresses locked now."""

    template_name = "web/roles/security.html"

    def prepare(self, request, *args, **kwargs):
        _require_manager(request.user)

    def get_context_data(self, **kwargs):
        user = self.request.user
        in_scope = accounts_in_scope(user)
        locked = lockout.locked_logins("username")
        accounts = {a.username: a for a in in_scope.filter(username__in=[row.value for row in locked])}
        rows = [(row, accounts[row.value]) for row in locked if row.value in accounts]
        q = self.request.GET.get("q", "").strip()
        found = in_scope.filter(username__iexact=q).first() if q else None
        ctx = super().get_context_data(**kwargs)
        ctx.update(rows=rows, q=q, found=found, administrator=is_administrator(user),
                   addresses=lockout.locked_logins("ip_address") if user.is_superuser else [],
                   address_form=AddressForm())
        if found is not None:
            ctx.update(found_until=lockout.locked_until(username=found.username),
                       found_has_device=bool(second_factor.has_device(found)),
                       found_required=second_factor.is_required(found))
        return ctx


class _AccountPage(PageMixin, TemplateView):
    """An account in the officer's subtree (404 outside it, for anyone)."""

    def prepare(self, request, *args, pk, **kwargs):
        try:
            self.account = accounts_in_scope(request.user).get(pk=pk)
        except (get_user_model().DoesNotExist, ValueError):
            raise Http404 from None

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.setdefault("form", ReasonForm())
        ctx["account"] = self.account
        return ctx


class UnlockView(_AccountPage):
    template_name = "web/roles/unlock.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["until"] = lockout.locked_until(username=self.account.username)
        return ctx

    def post(self, request, *args, **kwargs):
        form = ReasonForm(request.POST)
        if form.is_valid():
            try:
                login_unlock(user=self.account, actor=request.user, note=form.cleaned_data["note"])
            except Refusal as exc:
                for reason in exc.reasons:
                    form.add_error(None, reason)
            else:
                messages.success(request, _("%(user)s can log in again.") % {"user": vn_name(self.account)})
                return HttpResponseRedirect(reverse("roles:security"))
        return self.render_to_response(self.get_context_data(form=form))


class SecondFactorResetView(_AccountPage):
    template_name = "web/roles/otp_reset.html"

    def prepare(self, request, *args, pk, **kwargs):
        super().prepare(request, *args, pk=pk, **kwargs)
        if not is_administrator(request.user):
            raise PermissionDenied(_("Only a system administrator may reset a second factor."))

    def post(self, request, *args, **kwargs):
        form = ReasonForm(request.POST)
        if form.is_valid():
            try:
                second_factor_reset(user=self.account, actor=request.user, note=form.cleaned_data["note"])
            except Refusal as exc:
                for reason in exc.reasons:
                    form.add_error(None, reason)
            else:
                messages.success(request, _("The second factor of %(user)s was removed: a new app is set up at "
                                            "the next login.") % {"user": vn_name(self.account)})
                return HttpResponseRedirect(reverse("roles:security"))
        return self.render_to_response(self.get_context_data(form=form))


class AddressUnlockView(PageMixin, TemplateView):
    """POST only (a button on the login security page): a superuser unlocks an address."""

    http_method_names = ["post"]

    def prepare(self, request, *args, **kwargs):
        if not request.user.is_superuser:
            raise PermissionDenied(_("Only a system administrator may unlock an address."))

    def post(self, request, *args, **kwargs):
        form = AddressForm(request.POST)
        if form.is_valid():
            ip = str(ipaddress.ip_address(form.cleaned_data["ip"]))
            try:
                address_unlock(ip=ip, actor=request.user, note=form.cleaned_data["note"])
            except Refusal as exc:
                for reason in exc.reasons:
                    messages.error(request, reason)
            else:
                messages.success(request, _("The address %(ip)s can log in again.") % {"ip": ip})
        else:
            errors_as_messages(request, form)
        return HttpResponseRedirect(reverse("roles:security"))


class SecurityLogView(PageMixin, TemplateView):
    """Every unlock and second-factor change in the subtree: for the board and for inspection."""

    template_name = "web/roles/security_log.html"

    def prepare(self, request, *args, **kwargs):
        if not (holds(request.user, roles.MANAGE_ROLES) or holds(request.user, roles.READ_LOG)):
            raise PermissionDenied(_("Only organisation board officers and the inspection committee see this log."))

    def get_context_data(self, **kwargs):
        user = self.request.user
        if user.is_superuser:
            qs = SecurityEvent.objects.all()
        else:
            orgs = organizations_with(user, roles.MANAGE_ROLES) | organizations_with(user, roles.READ_LOG)
            qs = SecurityEvent.objects.filter(organization__in=orgs.values("pk"))
        qs = qs.select_related("actor", "user", "organization").order_by("-at", "-pk")
        page = Paginator(qs, PAGE_SIZE).get_page(self.request.GET.get("page"))
        ctx = super().get_context_data(**kwargs)
        ctx.update(page_obj=page, events=page.object_list)
        return ctx


__all__ = ["AddressUnlockView", "LoginSecurityView", "SecondFactorResetView", "SecurityLogView", "UnlockView"]
