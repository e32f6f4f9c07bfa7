"""Khóa API: each user makes and revokes their own personal API keys. A key is shown once, when it
is made; only its SHA-256 is kept. Keys are made here only, from a logged-in session (with its
second factor where the user's role needs one): the key is a separate door into the API alone."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from api.models import ApiToken
from api.services import token_create, token_revoke
from dossiers.refusals import Refusal
from ui.forms import date_field
from ui.pages import PageMixin


class TokenForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=80,
                           help_text=gettext_lazy("What the key is for, e.g. the province's member database."))
    expires_on = date_field(gettext_lazy("Valid until"))


class TokenListView(PageMixin, TemplateView):
    template_name = "web/tokens/token_list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.setdefault("form", TokenForm(initial={"expires_on": timezone.localdate() + dt.timedelta(days=90)}))
        ctx.update(tokens=list(ApiToken.objects.filter(user=self.request.user)), now=timezone.now(),
                   max_days=settings.API_TOKEN_MAX_DAYS)
        return ctx

    def post(self, request):
        form = TokenForm(request.POST)
        if form.is_valid():
            try:
                token, raw = token_create(user=request.user, name=form.cleaned_data["name"],
                                          expires_on=form.cleaned_data["expires_on"])
            except Refusal as exc:
                for reason in exc.reasons:
                    form.add_error(None, reason)
            else:
                # Shown on this answer only: never stored, never shown again.
                return self.render_to_response(self.get_context_data(new_key=raw, new_token=token))
        return self.render_to_response(self.get_context_data(form=form))


class TokenRevokeView(PageMixin, TemplateView):
    """POST: revoke one of my keys (another user's key is 404)."""

    http_method_names = ["get", "post"]

    def prepare(self, request, *args, pk, **kwargs):
        self.token = ApiToken.objects.filter(user=request.user, pk=pk).first()
        if self.token is None:
            raise Http404

    def get(self, request, pk):
        return HttpResponseRedirect(reverse("tokens:index"))

    def post(self, request, pk):
        token_revoke(token=self.token, actor=request.user)
        messages.success(request, _("The key «%(name)s» was revoked.") % {"name": self.token.name})
        return HttpResponseRedirect(reverse("tokens:index"))
