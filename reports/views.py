"""The pages of the reports app. Thin: `reports.access` decides who sees which organisation
(404 outside the user's scope), `reports.stats` computes (inside `replica_reads()`: on the
replica when one is configured, `reports.routing`), `reports.services` writes quotas."""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from dossiers.models import Organization, OrgLevel
from dossiers.refusals import Refusal
from ui.pages import PageMixin

from . import access, charts, exports, stats
from .forms import PeriodForm, QuotaForm
from .models import FIRST_YEAR, LAST_YEAR, AdmissionQuota, QuotaKind
from .periods import Period
from .routing import replica_reads
from .services import quota_remove, quota_set


class Choice(NamedTuple):
    """An organisation offered by the chooser."""

    pk: int
    name: str


def _year(value, default: int) -> int:
    try:
        year = int(value)
    except (TypeError, ValueError):
        return default
    return year if FIRST_YEAR <= year <= LAST_YEAR else default


class StatsPage(PageMixin, TemplateView):
    """Users with a statistics role only (403 otherwise); the organisation of `?org=` if it is
    in the user's scope (404 otherwise), else the user's own."""

    def prepare(self, request, *args, **kwargs):
        if not access.may_see_stats(request.user):
            # A named organisation is outside the scope of someone with no statistics role: 404,
            # like every object outside a user's scope; the bare pages say 403.
            if kwargs.get("pk") is not None or request.GET.get("org"):
                raise Http404
            raise PermissionDenied
        self.today = timezone.localdate()
        self.organization = self.get_organization(request, *args, **kwargs)

    def get_organization(self, request, *args, **kwargs) -> Organization:
        return access.stats_organization(request.user, request.GET.get("org"))

    def organizations(self) -> list[Choice]:
        """The organisations the chooser offers: those in scope above cell level, and the cell of
        a user whose scope is a cell. One query, pk and name only (~19,000 for the whole country)."""
        home = access.home_organization(self.request.user)
        condition = ~Q(level=OrgLevel.CELL)
        if home is not None:
            condition |= Q(pk=home.pk)
        return [Choice(*row) for row in access.stats_organizations(self.request.user).filter(condition)
                .order_by("path").values_list("pk", "name")]

    def breadcrumbs(self) -> list[Organization]:
        """The organisation's ancestors the user may see, root first. One query."""
        ids = [int(part) for part in self.organization.path.split(".") if part][:-1]
        if not ids:
            return []
        found = {o.pk: o for o in access.stats_organizations(self.request.user).filter(pk__in=ids).only("pk", "name")}
        return [found[i] for i in ids if i in found]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx.update(organization=self.organization, organizations=self.organizations(),
                   breadcrumbs=self.breadcrumbs(), today=self.today,
                   may_set_quotas=access.may_set_quotas(user),
                   may_set_this_quota=access.quota_allowed(user, self.organization))
        return ctx


class DashboardView(StatsPage):
    """`/reports/`: this year's progress of the organisation; for a committee, each child's bar
    against its quota (lagging first), the monthly chart and the pipeline; for a cell, its own."""

    template_name = "reports/dashboard.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        year = _year(self.request.GET.get("year"), self.today.year)
        period = Period.year(year)
        as_of = self.today
        org = self.organization
        with replica_reads():
            figures = stats.dashboard(organization=org, year=year, as_of=as_of)
        progress, children, points = figures.progress, figures.children, figures.points
        for child in children:
            child.bar = charts.progress_bar(child)
        ctx.update(
            year=year, period=period, years=year_choices(self.today),
            progress=progress, bar=charts.progress_bar(progress, width=320, height=22),
            children=children, lagging=sum(1 for c in children if c.lagging),
            no_source=sum(1 for c in children if c.no_source),
            monthly=charts.monthly_chart(points), points=points,
            pipeline=charts.pipeline_chart(progress.pipeline_rows),
            is_cell=org.level == OrgLevel.CELL,
        )
        return ctx


class ReportView(StatsPage):
    """`/reports/report/`: the table of reference/004 for any period and organisation in scope;
    `report.xlsx` and `report.pdf` are the same report."""

    template_name = "reports/report.html"
    output = "html"

    def get(self, request, *args, **kwargs):
        form = PeriodForm(request.GET if "period" in request.GET else None, today=self.today)
        period, as_of = form.period_or_default()
        with replica_reads():
            report = stats.report_for(organization=self.organization, period=period, as_of=as_of)
        if self.output == "xlsx":
            response = HttpResponse(exports.report_xlsx(report), content_type=exports.XLSX_TYPE)
            response["Content-Disposition"] = f'attachment; filename="{exports.report_filename(report, "xlsx")}"'
            return response
        if self.output == "pdf":
            response = HttpResponse(exports.report_pdf(report, base_url=request.build_absolute_uri("/")),
                                    content_type="application/pdf")
            response["Content-Disposition"] = f'inline; filename="{exports.report_filename(report, "pdf")}"'
            return response
        ctx = self.get_context_data(form=form, report=report, title=exports.report_title(report),
                                    query=request.GET.urlencode())
        return self.render_to_response(ctx)


class RankingView(StatsPage):
    """`/reports/ranking/`: the children ranked by completion of the year's quota."""

    template_name = "reports/ranking.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        year = _year(self.request.GET.get("year"), self.today.year)
        with replica_reads():
            rows = stats.ranking(organization=self.organization, period=Period.year(year), as_of=self.today)
        ctx.update(year=year, years=year_choices(self.today), rows=rows)
        return ctx


class AllocationView(StatsPage):
    """`/reports/quotas/`: the organisation's quota against the sum of its children's."""

    template_name = "reports/allocation.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        year = _year(self.request.GET.get("year"), self.today.year)
        with replica_reads():
            allocation = stats.allocation(organization=self.organization, year=year)
        ctx.update(year=year, years=year_choices(self.today), allocation=allocation)
        return ctx


class QuotaEditView(StatsPage):
    """`/reports/quotas/<org>/<year>/`: set, change or withdraw one quota (organisation board)."""

    template_name = "reports/quota_form.html"

    def get_organization(self, request, *args, pk, year, **kwargs) -> Organization:
        org = access.stats_organization(request.user, pk)
        if not access.quota_allowed(request.user, org):
            raise PermissionDenied
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise Http404
        self.year = year
        self.quota = AdmissionQuota.objects.filter(organization=org, year=year).first()
        return org

    def members_base(self) -> int:
        """Members at the end of the previous year (from the rosters kept), or today's figures while
        that year is not over."""
        end = dt.date(self.year - 1, 12, 31)
        if end < timezone.localdate():
            return stats.members_at(self.organization, end)
        return stats.members_of(self.organization)

    def initial(self) -> dict:
        q = self.quota
        if q is None:
            return {"kind": QuotaKind.COUNT, "membership_base": self.members_base()}
        return {"kind": q.kind, "count": q.count, "percent": q.percent, "note": q.note,
                "membership_base": q.membership_base if q.membership_base is not None else self.members_base()}

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=QuotaForm(initial=self.initial())))

    def back_url(self) -> str:
        parent = self.organization.parent_id if self.organization.parent_id else None
        target = parent if parent and access.quota_allowed(self.request.user, self.organization.parent) \
            else self.organization.pk
        return f"{reverse('reports:quotas')}?org={target}&year={self.year}"

    def post(self, request, *args, **kwargs):
        if "remove" in request.POST:
            if self.quota is not None:
                quota_remove(quota=self.quota, actor=request.user)
                messages.success(request, _("The quota was withdrawn."))
            return HttpResponseRedirect(self.back_url())
        form = QuotaForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                quota = quota_set(organization=self.organization, year=self.year, actor=request.user,
                                  count=data["count"], percent=data["percent"],
                                  membership_base=data["membership_base"], note=data["note"])
            except Refusal as refusal:
                for reason in refusal.reasons:
                    form.add_error(None, reason)
            else:
                messages.success(request, _("Quota for %(year)s saved: %(target)s admissions.") % {
                    "year": self.year, "target": quota.target})
                return HttpResponseRedirect(self.back_url())
        return self.render_to_response(self.get_context_data(form=form), status=200)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(year=self.year, quota=self.quota, back_url=self.back_url(),
                   history=list(self.quota.history.select_related("history_user").order_by("-history_date")[:10])
                   if self.quota else [])
        return ctx


def year_choices(today: dt.date) -> range:
    return range(today.year + 1, today.year - 5, -1)
