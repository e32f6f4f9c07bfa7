"""Phân quyền: organisation board officers grant and revoke roles in their subtree; the log of role
changes; the log of personal data reads for the inspection committee. Each page checks the
permission first (403 without it anywhere), then the scope (404 for an object outside it)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from dossiers.formatting import vn_name
from dossiers.models import Organization
from dossiers.refusals import Refusal
from permissions import roles
from permissions.models import PersonalDataRead, Role, RoleAssignment, RoleChange
from permissions.scoping import holds, organizations_with
from permissions.services import role_grant, role_revoke
from ui.pages import PageMixin

from .forms import date_field

PAGE_SIZE = 25


def _require(user, codename: str, message: str) -> None:
    if not (user.is_superuser or holds(user, codename)):
        raise PermissionDenied(message)


def _under(queryset, user, codename: str, field: str):
    """Rows whose organisation lies under one of the user's organisations for the permission."""
    if user.is_superuser:
        return queryset
    return queryset.filter(**{f"{field}__in": organizations_with(user, codename).values("pk")})


# --- Forms ------------------------------------------------------------------------------------


class OrganizationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Organization) -> str:
        depth = obj.path.count(".") - 1
        return "\u2003" * max(depth - self.top_depth, 0) + obj.name


class GrantForm(forms.Form):
    username = forms.CharField(label=gettext_lazy("Login name"), max_length=150,
                               help_text=gettext_lazy("The account of the person who takes the role."))
    role = forms.ChoiceField(label=gettext_lazy("Role"))
    organization = OrganizationChoiceField(label=gettext_lazy("For the organisation"), queryset=Organization.objects.none())
    note = forms.CharField(label=gettext_lazy("Reason"), max_length=500, required=False,
                           help_text=gettext_lazy("e.g. the decision that appoints the person."))

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        grantable = roles.GRANTABLE + ([Role.ADMIN] if actor.is_superuser else [])
        self.fields["role"].choices = [("", "—")] + [(r.value, r.label) for r in grantable]
        orgs = organizations_with(actor, roles.MANAGE_ROLES).order_by("path")
        field = self.fields["organization"]
        field.queryset = orgs
        first = orgs.first()
        field.top_depth = (first.path.count(".") - 1) if first else 0

    def clean_username(self) -> object:
        name = self.cleaned_data["username"].strip()
        user = get_user_model().objects.filter(username__iexact=name).first()
        if user is None:
            raise forms.ValidationError(_("There is no account “%(name)s”.") % {"name": name})
        return user


class RevokeForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("Reason"), max_length=500,
                           help_text=gettext_lazy("e.g. moved to another cell, end of term."))


class ReadFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("User"), required=False)
    dossier = forms.IntegerField(label=gettext_lazy("Dossier number"), required=False, min_value=1)
    since = date_field(gettext_lazy("From"), required=False)
    until = date_field(gettext_lazy("To"), required=False)


def _user_filter(q: str, prefix: str = "user__") -> Q:
    q = q.strip()
    if not q:
        return Q()
    return (Q(**{f"{prefix}username__icontains": q}) | Q(**{f"{prefix}last_name__icontains": q})
            | Q(**{f"{prefix}first_name__icontains": q}))


# --- Pages ------------------------------------------------------------------------------------


class RoleListView(PageMixin, TemplateView):
    """The roles held in the officer's subtree, current first; revoked ones on request."""

    template_name = "web/roles/role_list.html"

    def prepare(self, request, *args, **kwargs):
        _require(request.user, roles.MANAGE_ROLES, _("Only organisation board officers manage roles."))

    def get_context_data(self, **kwargs):
        user = self.request.user
        params = self.request.GET
        qs = _under(RoleAssignment.objects.all(), user, roles.MANAGE_ROLES, "organization")
        if params.get("revoked") != "1":
            qs = qs.filter(revoked_at__isnull=True)
        if params.get("role") in Role.values:
            qs = qs.filter(role=params["role"])
        q = params.get("q", "").strip()
        if q:
            qs = qs.filter(_user_filter(q) | Q(organization__name__icontains=q))
        qs = qs.select_related("user", "organization", "granted_by").order_by("organization__path", "role", "user__pk")
        page = Paginator(qs, PAGE_SIZE).get_page(params.get("page"))
        ctx = super().get_context_data(**kwargs)
        ctx.update(page_obj=page, assignments=page.object_list, roles=list(Role), chosen_role=params.get("role", ""),
                   q=params.get("q", ""), show_revoked=params.get("revoked") == "1")
        return ctx


class RoleGrantView(PageMixin, TemplateView):
    template_name = "web/roles/role_grant.html"

    def prepare(self, request, *args, **kwargs):
        _require(request.user, roles.MANAGE_ROLES, _("Only organisation board officers manage roles."))

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.setdefault("form", GrantForm(actor=self.request.user, initial={
            "username": self.request.GET.get("username", "")}))
        return ctx

    def post(self, request, *args, **kwargs):
        form = GrantForm(request.POST, actor=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                assignment = role_grant(user=data["username"], role=data["role"], organization=data["organization"],
                                        actor=request.user, note=data["note"])
            except Refusal as exc:
                for reason in exc.reasons:
                    form.add_error(None, reason)
            else:
                messages.success(request, _("%(user)s is now %(role)s of %(org)s.") % {
                    "user": vn_name(assignment.user),
                    "role": assignment.get_role_display(), "org": assignment.organization.name})
                return HttpResponseRedirect(reverse("roles:index"))
        return self.render_to_response(self.get_context_data(form=form))


class RoleRevokeView(PageMixin, TemplateView):
    template_name = "web/roles/role_revoke.html"

    def prepare(self, request, *args, pk, **kwargs):
        # Scope first: an assignment outside the officer's subtree is not there (404), for anyone.
        qs = _under(RoleAssignment.objects.select_related("user", "organization"), request.user,
                    roles.MANAGE_ROLES, "organization")
        try:
            self.assignment = qs.get(pk=pk)
        except (RoleAssignment.DoesNotExist, ValueError):
            raise Http404 from None

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.setdefault("form", RevokeForm())
        ctx["assignment"] = self.assignment
        return ctx

    def post(self, request, *args, **kwargs):
        form = RevokeForm(request.POST)
        if form.is_valid():
            try:
                role_revoke(assignment=self.assignment, actor=request.user, note=form.cleaned_data["note"])
            except Refusal as exc:
                for reason in exc.reasons:
                    form.add_error(None, reason)
            else:
                messages.success(request, _("The role was revoked."))
                return HttpResponseRedirect(reverse("roles:index"))
        return self.render_to_response(self.get_context_data(form=form))


class RoleChangeListView(PageMixin, TemplateView):
    """Every grant and revocation in the subtree: for the board that made them and for inspection."""

    template_name = "web/roles/role_changes.html"

    def prepare(self, request, *args, **kwargs):
        if not (holds(request.user, roles.MANAGE_ROLES) or holds(request.user, roles.READ_LOG)):
            raise PermissionDenied(_("Only organisation board officers and the inspection committee see this log."))

    def get_context_data(self, **kwargs):
        user = self.request.user
        if user.is_superuser:
            qs = RoleChange.objects.all()
        else:
            orgs = organizations_with(user, roles.MANAGE_ROLES) | organizations_with(user, roles.READ_LOG)
            qs = RoleChange.objects.filter(organization__in=orgs.values("pk"))
        qs = qs.filter(_user_filter(self.request.GET.get("q", "")))
        qs = qs.select_related("actor", "user", "organization").order_by("-at", "-pk")
        page = Paginator(qs, PAGE_SIZE).get_page(self.request.GET.get("page"))
        ctx = super().get_context_data(**kwargs)
        ctx.update(page_obj=page, changes=page.object_list, q=self.request.GET.get("q", ""))
        return ctx


class PersonalDataReadListView(PageMixin, TemplateView):
    """Luật 91/2025/QH15: who opened which dossier's personal data, when; for the inspection committee."""

    template_name = "web/roles/reads.html"

    def prepare(self, request, *args, **kwargs):
        _require(request.user, roles.READ_LOG, _("Only the inspection committee reads this log."))

    def get_context_data(self, **kwargs):
        user = self.request.user
        form = ReadFilterForm(self.request.GET or None)
        qs = PersonalDataRead.objects.all()
        if not user.is_superuser:
            qs = qs.filter(dossier__cell__in=organizations_with(user, roles.READ_LOG).values("pk"))
        if form.is_valid():
            data = form.cleaned_data
            qs = qs.filter(_user_filter(data.get("q") or ""))
            if data.get("dossier"):
                qs = qs.filter(dossier_id=data["dossier"])
            if data.get("since"):
                qs = qs.filter(at__date__gte=data["since"])
            if data.get("until"):
                qs = qs.filter(at__date__lte=data["until"])
        qs = qs.select_related("user", "dossier__candidate", "dossier__cell").order_by("-at", "-pk")
        page = Paginator(qs, PAGE_SIZE).get_page(self.request.GET.get("page"))
        ctx = super().get_context_data(**kwargs)
        ctx.update(page_obj=page, reads=page.object_list, form=form)
        return ctx


__all__ = ["PersonalDataReadListView", "RoleChangeListView", "RoleGrantView", "RoleListView", "RoleRevokeView"]
