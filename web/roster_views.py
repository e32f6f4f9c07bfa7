"""Danh sách đảng viên: a cell's roster on a date, its changes, its meetings; the cell's
secretaries keep it (each change is one service call)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from dossiers import roster, services
from dossiers.models import Meeting, MeetingFormat, MemberExit, Organization, OrgLevel, PartyMember, Presence, Sex
from dossiers.refusals import Refusal
from permissions import roles
from permissions.scoping import organizations_with
from ui.forms import WebForm, date_field, long_text_field, text_field
from ui.pages import PageMixin, errors_as_messages, posted_id


def roster_cells(user):
    return organizations_with(user, roles.VIEW).filter(level=OrgLevel.CELL)


def may_keep_roster(user, cell: Organization) -> bool:
    return organizations_with(user, roles.ACT_CELL).filter(pk=cell.pk).exists()


class MemberForm(WebForm):
    full_name = text_field(gettext_lazy("Full name"), max_length=120)
    sex = forms.ChoiceField(label=gettext_lazy("Sex"), choices=Sex.choices)
    birth_date = date_field(gettext_lazy("Date of birth"), required=False)
    joined_on = date_field(gettext_lazy("Date of admission to the Party"))
    official_since = date_field(gettext_lazy("Date of becoming official"), required=False,
                                help_text=gettext_lazy("Empty for a probationary member."))
    in_cell_since = date_field(gettext_lazy("On the cell's roster since"), required=False,
                               help_text=gettext_lazy("For a member transferred in; empty otherwise."))
    transferred_from = text_field(gettext_lazy("Transferred from"), required=False)
    position = text_field(gettext_lazy("Position"), required=False, max_length=120)


class LeaveForm(WebForm):
    on = date_field(gettext_lazy("Date"), today=True)
    reason = forms.ChoiceField(label=gettext_lazy("Reason"),
                               choices=[c for c in MemberExit.choices if c[0] != MemberExit.REMOVED])


class OnForm(WebForm):
    on = date_field(gettext_lazy("Date"), today=True)


class ExemptForm(WebForm):
    since = date_field(gettext_lazy("Exempted since"), today=True)
    reason = text_field(gettext_lazy("Reason for the exemption"))


class MeetingForm(WebForm):
    date = date_field(gettext_lazy("Meeting date"), today=True)
    format = forms.ChoiceField(label=gettext_lazy("Meeting format"), choices=MeetingFormat.choices,
                               initial=MeetingFormat.IN_PERSON)
    chaired_by = text_field(gettext_lazy("Chaired by"), max_length=120)
    minutes_by = text_field(gettext_lazy("Minutes taken by"), max_length=120)
    note = long_text_field(gettext_lazy("Note"), required=False)

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.members = members
        for m in members:
            self.fields[f"presence_{m.pk}"] = forms.ChoiceField(
                label=m.full_name, choices=Presence.choices, initial=Presence.IN_PERSON, widget=forms.RadioSelect)

    def attendance(self) -> dict[int, str]:
        return {m.pk: self.cleaned_data[f"presence_{m.pk}"] for m in self.members}

    def presence_fields(self):
        return [self[f"presence_{m.pk}"] for m in self.members]

    def meeting_fields(self):
        return [self[name] for name in ("date", "format", "chaired_by", "minutes_by", "note")]


class CellMixin(PageMixin):
    def prepare(self, request, *args, pk, **kwargs):
        # Scope first: a cell outside the organisations whose dossiers the user reads is not there
        # (404); a union officer or a mentor reads no roster.
        qs = roster_cells(request.user)
        try:
            self.cell = qs.select_related("parent").get(pk=pk)
        except (Organization.DoesNotExist, ValueError):
            raise Http404 from None
        self.may_edit = may_keep_roster(request.user, self.cell)

    def refuse_unless_keeper(self):
        if not self.may_edit:
            raise PermissionDenied(_("Only the cell's secretaries keep its roster."))


def _day(raw: str | None) -> dt.date:
    try:
        return dt.date.fromisoformat(raw) if raw else timezone.localdate()
    except ValueError:
        return timezone.localdate()


class RosterView(CellMixin, TemplateView):
    template_name = "web/roster.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        day = _day(self.request.GET.get("on"))
        members = list(roster.roster_on(self.cell, day))
        for m in members:
            m.official_then, m.exempt_then = roster.is_official(m, day), roster.is_exempt(m, day)
        changes = (PartyMember.history.filter(cell_id=self.cell.pk).select_related("history_user")
                   .order_by("-history_date")[:30])
        ctx.update(
            cell=self.cell, day=day, members=members, counts=roster.counts_on(self.cell, day),
            base=roster.vote_base_on(self.cell, day), changes=changes, may_edit=self.may_edit,
            meetings=Meeting.objects.filter(cell=self.cell).order_by("-date", "-id")[:20],
            member_form=kwargs.get("member_form") or MemberForm(), leave_form=LeaveForm(), exempt_form=ExemptForm(),
        )
        return ctx


ACTIONS = {"add", "leave", "exempt", "end_exemption", "kept"}


class RosterActView(CellMixin, TemplateView):
    """POST one change of the roster; GET goes back to the roster."""

    template_name = "web/roster.html"

    def get(self, request, *args, **kwargs):
        return HttpResponseRedirect(reverse("roster:cell", args=[self.cell.pk]))

    def member(self):
        return get_object_or_404(PartyMember, pk=posted_id(self.request.POST.get("member")), cell=self.cell)

    def post(self, request, *args, **kwargs):
        self.refuse_unless_keeper()
        action = request.POST.get("action")
        if action not in ACTIONS:
            messages.error(request, _("Unknown action."))
            return self.get(request)
        try:
            if action == "add":
                form = MemberForm(request.POST)
                if not form.is_valid():
                    return self.render_invalid(form)
                try:
                    member = services.member_add(cell=self.cell, actor=request.user, **form.cleaned_data)
                except Refusal as exc:
                    # Keep what was typed: the reasons above the same form.
                    for reason in exc.reasons:
                        form.add_error(None, reason)
                    return self.render_invalid(form)
                messages.success(request, _("%(name)s was entered on the roster.") % {"name": member.full_name})
            elif action == "kept":
                services.roster_declare_kept(cell=self.cell, actor=request.user)
                messages.success(request, _("The roster is kept: vote bases are counted from it."))
            else:
                member = self.member()
                form = {"leave": LeaveForm, "exempt": ExemptForm, "end_exemption": OnForm}[action](request.POST)
                if not form.is_valid():
                    errors_as_messages(request, form)
                    return self.get(request)
                data = form.cleaned_data
                if action == "leave":
                    services.member_leave(member=member, on=data["on"], reason=data["reason"], actor=request.user)
                elif action == "exempt":
                    services.member_exempt(member=member, since=data["since"], reason=data["reason"],
                                           actor=request.user)
                else:
                    services.member_end_exemption(member=member, on=data["on"], actor=request.user)
                messages.success(request, _("The roster was updated."))
        except Refusal as exc:
            for reason in exc.reasons:
                messages.error(request, reason)
        return self.get(request)

    def render_invalid(self, form):
        view = RosterView()
        view.setup(self.request, pk=self.cell.pk)
        view.cell, view.may_edit = self.cell, self.may_edit
        return view.render_to_response(view.get_context_data(member_form=form))


class MeetingCreateView(CellMixin, TemplateView):
    template_name = "web/meeting_form.html"

    @cached_property
    def day(self) -> dt.date:
        return _day(self.request.POST.get("date") or self.request.GET.get("date"))

    def form(self, data=None):
        return MeetingForm(data, members=list(roster.roster_on(self.cell, self.day)),
                           initial={"date": self.day})

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        self.refuse_unless_keeper()
        ctx.update(cell=self.cell, form=kwargs.get("form") or self.form(), base=roster.vote_base_on(self.cell, self.day))
        return ctx

    def post(self, request, *args, **kwargs):
        self.refuse_unless_keeper()
        form = self.form(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                meeting = services.meeting_record(
                    cell=self.cell, date=data["date"], format=data["format"], chaired_by=data["chaired_by"],
                    minutes_by=data["minutes_by"], attendance=form.attendance(), actor=request.user, note=data["note"])
            except Refusal as exc:
                for reason in exc.reasons:
                    form.add_error(None, reason)
            else:
                messages.success(request, _("The meeting of %(date)s was recorded.") % {
                    "date": meeting.date.strftime("%d/%m/%Y")})
                return HttpResponseRedirect(reverse("roster:cell", args=[self.cell.pk]))
        return self.render_to_response(self.get_context_data(form=form))


class RosterIndexView(PageMixin, TemplateView):
    """The cells whose roster the user may read; one cell goes straight to its roster."""

    template_name = "web/roster_index.html"

    def get(self, request, *args, **kwargs):
        cells = list(roster_cells(request.user).select_related("parent").order_by("path")[:200])
        committees = list(organizations_with(request.user, roles.VIEW).filter(
            level__in=[OrgLevel.GRASSROOTS, OrgLevel.SUB_COMMITTEE]).order_by("path")[:200])
        if len(cells) == 1 and not committees:
            return HttpResponseRedirect(reverse("roster:cell", args=[cells[0].pk]))
        return self.render_to_response(self.get_context_data(cells=cells, committees=committees))


class SeatForm(WebForm):
    full_name = text_field(gettext_lazy("Full name"), max_length=120)
    position = text_field(gettext_lazy("Position"), required=False, max_length=120)
    since = date_field(gettext_lazy("Member of the committee since"), today=True)


class CommitteeView(PageMixin, TemplateView):
    """Ủy viên cấp ủy: a grassroots committee's members on a date (the base of its votes), kept by
    the committee itself."""

    template_name = "web/committee.html"

    def prepare(self, request, *args, pk, **kwargs):
        qs = organizations_with(request.user, roles.VIEW).filter(
            level__in=[OrgLevel.GRASSROOTS, OrgLevel.SUB_COMMITTEE])
        try:
            self.organization = qs.get(pk=pk)
        except (Organization.DoesNotExist, ValueError):
            raise Http404 from None
        self.may_edit = organizations_with(request.user, roles.ACT_COMMITTEE).filter(pk=pk).exists()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        day = _day(self.request.GET.get("on"))
        ctx.update(organization=self.organization, day=day, may_edit=self.may_edit,
                   seats=self.organization.committee_seats.order_by("until", "since", "full_name"),
                   base=roster.committee_base_on(self.organization, day),
                   form=kwargs.get("form") or SeatForm(), end_form=OnForm())
        return ctx

    def post(self, request, *args, **kwargs):
        if not self.may_edit:
            raise PermissionDenied(_("Only the committee keeps the list of its members."))
        try:
            if request.POST.get("action") == "end":
                seat = get_object_or_404(self.organization.committee_seats, pk=posted_id(request.POST.get("seat")))
                form = OnForm(request.POST)
                if form.is_valid():
                    services.committee_seat_end(seat=seat, on=form.cleaned_data["on"], actor=request.user)
                    messages.success(request, _("The committee's members were updated."))
                else:
                    errors_as_messages(request, form)
            else:
                form = SeatForm(request.POST)
                if not form.is_valid():
                    return self.render_to_response(self.get_context_data(form=form))
                services.committee_seat_add(organization=self.organization, actor=request.user, **form.cleaned_data)
                messages.success(request, _("The committee's members were updated."))
        except Refusal as exc:
            for reason in exc.reasons:
                messages.error(request, reason)
        return HttpResponseRedirect(reverse("roster:committee", args=[self.organization.pk]))
