"""The pages. Thin: scoping and roles come from `permissions`, rules from `dossiers.gates`, every
change from `dossiers.services`; a view only loads, shows, and hands a valid form to a service."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView
from django_filters.views import FilterView

from documents.panels import ISSUED_FOR_PANEL
from dossiers import gates, steps
from dossiers.loading import Related
from dossiers.models import (
    UNION_RESOLUTION_KINDS,
    CertificateKind,
    Dossier,
)
from dossiers.refusals import Refusal
from dossiers.selectors import dossier_years, grassroots_of
from dossiers.services import candidate_create, candidate_update, dossier_update_details
from exports import files as export_files
from exports import selectors as export_selectors
from exports.models import ExportFormat, ExportKind
from exports.services import export_record
from permissions.models import PersonalDataRead
from permissions.scoping import access_dossier, visible_organizations
from permissions.selectors import creatable_cells, dossier_for_page, dossier_list
from permissions.services import personal_data_read
from ui.filters import SORTS, DossierFilterSet
from ui.pages import PageMixin
from ui.spreadsheets import XLSX_TYPE
from workflows.page import chart_svg, process_tasks, process_view, remember_inbox_count

from . import access, menu
from .forms import (
    CANDIDATE_SECTIONS,
    STEP_FORMS,
    CandidateForm,
    DossierCreateForm,
    DossierDetailsForm,
    relative_formset,
)
from .presenters import (
    LIST_HEADINGS,
    TIMELINE_RECENT,
    documents_html,
    evidence_html,
    field_rows,
    list_rows_html,
    next_step_panel,
    next_steps_html,
    organization_choices,
    process_steps,
    process_steps_html,
    step_label,
    timeline,
    timeline_html,
)

# --- The list ---------------------------------------------------------------------------------


class DossierFilter(DossierFilterSet):
    """The list's filters (`ui.filters`, shared with the API), with the organisation chooser's choices."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.request is not None:
            field = self.form.fields["organization"]
            # Only what is shown changes: validation still accepts any organisation of the queryset.
            field.widget.choices = [("", field.empty_label),
                                    *organization_choices(self.request.user, self.data.get("organization"))]


# The list counts at most this many dossiers past the start of the page's window: "1–25 of more
# than 1,000" instead of counting a province's 12,000 dossiers of a state on every page (80 ms at
# national scale). Pages go on past it: the window moves with the page asked for.
DOSSIER_LIST_COUNT_LIMIT = 1000


class CappedPaginator(Paginator):
    """A paginator that counts at most `count_limit` rows of the window holding the page asked for
    (pages 1–40 count up to 1,000 rows, pages 41–80 up to 2,000…), plus one to know whether more
    follow. `count_is_capped` says the count is a lower bound; every page stays reachable through
    "Next", which the extra row provides on the window's last page."""

    def __init__(self, *args, count_limit: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.count_limit = max(int(count_limit or DOSSIER_LIST_COUNT_LIMIT), self.per_page)
        self.count_is_capped = False
        self._number_hint = 1

    def validate_number(self, number):
        # The page asked for chooses the window, before anything is counted.
        if "count" not in self.__dict__:
            try:
                self._number_hint = max(1, int(number))
            except (TypeError, ValueError):
                pass
        return super().validate_number(number)

    @cached_property
    def counted_up_to(self) -> int:
        """The size of the window counted: a multiple of the limit reaching past the page asked for."""
        end = self._number_hint * self.per_page
        return self.count_limit * -(-end // self.count_limit)

    @cached_property
    def count(self) -> int:
        limit = self.counted_up_to
        rows = self.object_list
        if self._number_hint == 1 and hasattr(rows, "values") and not self.orphans:
            # The first page's rows are read anyway: read them first, and a list shorter than a
            # page (a cell's inbox, queue or dossiers) needs no COUNT at all.
            self._first_rows = list(rows[: self.per_page])
            if len(self._first_rows) < self.per_page:
                return len(self._first_rows)
        if hasattr(rows, "values"):
            # COUNT over a LIMITed subquery of the ids: no ordering, no row annotations.
            n = rows.order_by().values("pk")[: limit + 1].count()
        else:
            n = min(len(rows), limit + 1)
        self.count_is_capped = n > limit
        return n

    def page(self, number):
        number = self.validate_number(number)
        first = getattr(self, "_first_rows", None)
        if number == 1 and first is not None:
            return self._get_page(first, number, self)
        return super().page(number)

    @property
    def count_floor(self) -> int:
        """What the page can say for sure: "more than" this many when capped, exactly this many otherwise."""
        count = self.count  # counting is what tells whether the count is capped
        return self.counted_up_to if self.count_is_capped else count

    @property
    def pages_floor(self) -> int:
        """The pages known to be full when the count is capped (the total otherwise)."""
        num_pages = self.num_pages  # counts, which tells whether the count is capped
        return self.counted_up_to // self.per_page if self.count_is_capped else num_pages


class DossierListView(PageMixin, FilterView):
    filterset_class = DossierFilter
    template_name = "web/dossier_list.html"
    paginate_by = 25
    paginator_class = CappedPaginator
    strict = True

    def get_paginator(self, queryset, per_page, orphans=0, allow_empty_first_page=True, **kwargs):
        limit = getattr(settings, "DOSSIER_LIST_COUNT_LIMIT", DOSSIER_LIST_COUNT_LIMIT)
        return super().get_paginator(queryset, per_page, orphans=orphans,
                                     allow_empty_first_page=allow_empty_first_page, count_limit=limit, **kwargs)

    def get_queryset(self):
        return dossier_list(user=self.request.user).order_by(*SORTS[""])

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        kwargs["years"] = dossier_years(user=self.request.user)
        return kwargs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        # The menu's kept entry (web.menu: the same rule, no roles query once kept).
        ctx["may_create"] = menu.entries(self.request.user)["may_create_dossier"]
        # The rows' markup is written in Python (web.presenters.list_rows_html): the template's
        # loop over 25 rows × 6 cells cost more than the page's SQL.
        rows = list(ctx["object_list"])
        ctx["object_list"] = rows
        if ctx.get("page_obj") is not None:
            ctx["page_obj"].object_list = rows
        ctx["headings"] = [str(label) for label in LIST_HEADINGS]
        ctx["rows_html"] = list_rows_html(rows)
        return ctx


class DossierExportView(DossierListView):
    """`/export.xlsx`: exactly the rows of the list with its filters (same filterset, same scope,
    same order), every page, as XLSX; recorded in the export log (one row per export)."""

    def get(self, request, *args, **kwargs):
        filterset = self.get_filterset(self.get_filterset_class())
        if not filterset.is_bound or filterset.is_valid() or not self.get_strict():
            rows = filterset.qs
        else:
            rows = filterset.queryset.none()
        today = timezone.localdate()
        written = export_files.write_xlsx(
            export_files.case_columns(today=today),
            export_selectors.case_list(rows).iterator(chunk_size=2000),
            sheet_title=_("Admission dossiers"), number_rows=True,
        )
        chosen = filterset.form.cleaned_data.get("organization") if filterset.is_bound and filterset.is_valid() \
            else None
        organization = chosen or visible_organizations(request.user).order_by("path").first()
        filename = f"ho-so-ket-nap-{today:%Y%m%d}.xlsx"
        export_record(user=request.user, kind=ExportKind.CASE_LIST, file_format=ExportFormat.XLSX,
                      organization=organization, filename=filename, sha256=written.sha256, size=written.size,
                      rows=written.rows, filters=request.GET.urlencode())
        written.file.seek(0)
        return FileResponse(written.file, as_attachment=True, filename=filename, content_type=XLSX_TYPE)


# --- The dossier page -------------------------------------------------------------------------


# The dossier page reads the latest actions of the history, one more than it prints to know
# whether earlier ones follow (its timeline is as long for a case of ten years as for one of a week).
# With the columns the timeline prints (`presenters.timeline`): not the action's evidence (JSON), nor
# the actor's password hash and the rest of his row.
RECENT_EVENTS = Related(
    "events", order=("at",), joins=("actor",), to_attr="recent_events", last=TIMELINE_RECENT + 1,
    fields=("dossier", "at", "actor", "effective_on", "action", "from_state", "to_state", "note"),
    join_fields=(("actor", ("username", "first_name", "last_name")),),
)


class DossierDetailView(PageMixin, TemplateView):
    template_name = "web/dossier_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        d = dossier_for_page(user=user, pk=self.kwargs["pk"], also=(ISSUED_FOR_PANEL, RECENT_EVENTS))
        # The page shows the candidate's and the relatives' personal history: a logged read.
        personal_data_read(user=user, dossier=d, what=PersonalDataRead.What.DOSSIER_PAGE)
        today = timezone.localdate()
        acts = list(d.acts.all())
        act_by_vote = {a.vote_id: a for a in acts if a.vote_id}
        votes = [(v, act_by_vote.get(v.pk)) for v in d.votes.all()]
        # One query: the process view, the task history, and the menu badge's count.
        tasks = process_tasks(d, viewer=user)
        remember_inbox_count(self.request, tasks)
        process = process_view(tasks)
        # The latest items only, and one more to know whether earlier ones follow.
        events = timeline(d.recent_events, process.history, limit=TIMELINE_RECENT + 1)
        shown_events = events[:TIMELINE_RECENT]
        steps_rows = process_steps(process)
        panel = next_step_panel(user, d, today)
        # The evidence, step by step, as the page shows it (and `presenters.evidence_html` writes it).
        evidence = dict(
            certificates=[c for c in d.certificates.all() if c.kind == CertificateKind.AWARENESS],
            new_member_certificates=[c for c in d.certificates.all() if c.kind == CertificateKind.NEW_MEMBER],
            mentors=list(d.mentors.all()),
            introducers=list(d.introducers.all()),
            union_resolutions=[a for a in acts if a.kind in UNION_RESOLUTION_KINDS],
            verifications=list(d.verifications.all()),
            opinions=list(d.opinions.all()),
            progress_reports=list(d.progress_reports.all()),
            self_reviews=list(d.self_reviews.all()),
            votes=votes,
            acts=[a for a in acts if a.kind not in UNION_RESOLUTION_KINDS],
            ceremony=getattr(d, "ceremony", None),
        )
        ctx = super().get_context_data(**kwargs)
        ctx.update(
            dossier=d,
            candidate=d.candidate,
            grassroots=grassroots_of(d.cell),
            **evidence,
            documents=acts,
            events=shown_events,
            earlier_events=len(events) > TIMELINE_RECENT,
            timeline_skip=TIMELINE_RECENT,
            process=process,
            process_steps=steps_rows,
            panel=panel,
            # The page's sections written in Python (`web.presenters`): the template's loops, with
            # a tag or filter per field, cost more than building what they print.
            panel_html=next_steps_html(panel),
            process_steps_html=process_steps_html(steps_rows),
            evidence_html=evidence_html(dossier=d, **evidence),
            documents_html=documents_html(acts),
            events_html=timeline_html(shown_events),
            today=today,
            may_edit=access.may_edit(user, d),
        )
        return ctx


class DossierTimelineView(PageMixin, TemplateView):
    """`/dossiers/<pk>/timeline/`: the dossier's whole timeline, scoped and logged as the dossier
    page is (its actions' notes are personal data). The dossier page loads it into its folded
    "earlier history" (a Turbo frame, `?skip=` the items the page already prints); without
    scripts it is a page of its own."""

    template_name = "web/dossier_timeline.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        d = access_dossier(user, self.kwargs["pk"], queryset=Dossier.objects.select_related("candidate"))
        personal_data_read(user=user, dossier=d, what=PersonalDataRead.What.DOSSIER_PAGE, detail="timeline")
        tasks = process_tasks(d, viewer=user)
        remember_inbox_count(self.request, tasks)
        events = d.events.select_related("actor").order_by("at", "pk")
        try:
            skip = max(0, int(self.request.GET.get("skip", 0)))
        except ValueError:
            skip = 0
        ctx = super().get_context_data(**kwargs)
        items = timeline(events, process_view(tasks).history)[skip:]
        ctx.update(dossier=d, candidate=d.candidate, events=items, events_html=timeline_html(items), skipped=skip)
        return ctx


class DossierBackgroundView(PageMixin, TemplateView):
    """`/dossiers/<pk>/background/`: the candidate's personal history and relatives, scoped and
    logged as the dossier page is. The dossier page keeps this section folded and loads it when
    its reader unfolds it (a Turbo frame); without scripts it is a page of its own."""

    template_name = "web/dossier_background.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        d = access_dossier(user, self.kwargs["pk"], queryset=Dossier.objects.select_related("candidate"))
        personal_data_read(user=user, dossier=d, what=PersonalDataRead.What.DOSSIER_PAGE, detail="candidate")
        ctx = super().get_context_data(**kwargs)
        ctx.update(
            dossier=d, candidate=d.candidate,
            candidate_sections=[(title, field_rows(d.candidate, names)) for title, names in CANDIDATE_SECTIONS],
            relatives=list(d.candidate.relatives.order_by("kind", "birth_year", "pk")),
        )
        return ctx


class DossierChartView(PageMixin, View):
    """`/dossiers/<pk>/process.svg`: viewflow's chart of the admission flow, this dossier's steps
    coloured; the dossier page loads it only when its reader opens the chart."""

    def get(self, request, pk):
        dossier = access_dossier(request.user, pk, queryset=Dossier.objects.only("pk", "cell"))
        response = HttpResponse(chart_svg(process_tasks(dossier)), content_type="image/svg+xml; charset=utf-8")
        response["Cache-Control"] = "private, no-cache"
        return response


# --- The action pages -------------------------------------------------------------------------


class StepView(PageMixin, TemplateView):
    """`/dossiers/<pk>/act/<step>/`: one view for every step, through `forms.STEP_FORMS`."""

    template_name = "web/step_form.html"

    def prepare(self, request, *args, pk, step, **kwargs):
        if step not in STEP_FORMS:
            raise Http404
        self.dossier = dossier_for_page(user=request.user, pk=pk)
        if not access.may_take_step(request.user, self.dossier, step):
            raise PermissionDenied(
                _("«%(step)s» is done by: %(roles)s.") % {
                    "step": step_label(step), "roles": ", ".join(access.role_labels(step)) or "—"}
            )
        self.step = step
        self.form_class, self.service = STEP_FORMS[step]

    def verdict(self) -> gates.Verdict:
        return steps.check(self.step, self.dossier, timezone.localdate())

    def get_form(self):
        data = self.request.POST if self.request.method == "POST" else None
        return self.form_class(data, dossier=self.dossier)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        verdict = self.verdict()
        ctx.update(dossier=self.dossier, step=self.step, step_label=step_label(self.step),
                   reasons=[str(r) for r in verdict.reasons], warnings=[str(w) for w in verdict.warnings])
        ctx.setdefault("form", self.get_form())
        return ctx

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        if form.is_valid():
            try:
                self.service(dossier=self.dossier, actor=request.user, **form.service_kwargs())
            except Refusal as exc:
                for reason in exc.reasons:
                    form.add_error(None, str(reason))
            else:
                messages.success(request, _("Done: %(step)s.") % {"step": step_label(self.step)})
                return HttpResponseRedirect(reverse("dossiers:detail", args=[self.dossier.pk]))
        return self.render_to_response(self.get_context_data(form=form))


# --- The candidate and the dossier's details --------------------------------------------------


class CandidateCreateView(PageMixin, TemplateView):
    """"Thêm quần chúng vào danh sách nguồn": the candidate, their relatives and the dossier, all or nothing."""

    template_name = "web/candidate_form.html"

    def prepare(self, request, *args, **kwargs):
        if not access.may_create_dossier(request.user):
            raise PermissionDenied(_("Only cell secretaries, deputy secretaries and union officers add candidates."))

    @cached_property
    def cells(self):
        return creatable_cells(user=self.request.user)

    def build(self, data=None):
        return (
            CandidateForm(data, prefix="candidate"),
            relative_formset(extra=4)(data, prefix="relatives"),
            DossierCreateForm(data, prefix="dossier", cells=self.cells),
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        if "form" not in ctx:
            ctx["form"], ctx["relatives"], ctx["dossier_form"] = self.build()
        ctx["creating"] = True
        return ctx

    def post(self, request, *args, **kwargs):
        form, relatives, dossier_form = self.build(request.POST)
        if form.is_valid() and relatives.is_valid() and dossier_form.is_valid():
            data = dossier_form.cleaned_data
            candidate = form.instance
            try:
                dossier = candidate_create(
                    candidate=candidate, relatives=changed_relatives(relatives), cell=data["cell"],
                    source=data["source"], spotted_on=data["spotted_on"], actor=request.user, note=data["note"],
                )
            except Refusal as exc:
                # Nothing was written; show the same input again with the reasons.
                form, relatives, dossier_form = self.build(request.POST)
                form.is_valid(), relatives.is_valid(), dossier_form.is_valid()
                for reason in exc.reasons:
                    dossier_form.add_error(None, str(reason))
            else:
                messages.success(request, _("%(name)s was added to the source list.") % {"name": candidate.full_name})
                return HttpResponseRedirect(reverse("dossiers:detail", args=[dossier.pk]))
        return self.render_to_response(
            self.get_context_data(form=form, relatives=relatives, dossier_form=dossier_form)
        )


def changed_relatives(formset) -> list:
    """The relatives typed or corrected in the formset (blank extra rows and deleted rows left out)."""
    deleted = set(formset.deleted_forms)
    return [f.instance for f in formset.forms if f.has_changed() and f not in deleted]


class EditMixin:
    def prepare(self, request, *args, pk, **kwargs):
        self.dossier = dossier_for_page(user=request.user, pk=pk)
        if not access.may_edit(request.user, self.dossier):
            raise PermissionDenied(_("Only the cell's secretaries edit an open dossier."))


class CandidateUpdateView(EditMixin, PageMixin, TemplateView):
    template_name = "web/candidate_form.html"

    def build(self, data=None):
        candidate = self.dossier.candidate
        return (
            CandidateForm(data, prefix="candidate", instance=candidate),
            relative_formset(extra=1)(data, prefix="relatives", instance=candidate),
        )

    def get(self, request, pk):
        form, relatives = self.build()
        personal_data_read(user=request.user, dossier=self.dossier, what=PersonalDataRead.What.CANDIDATE_FORM)
        return self.render_to_response(self.get_context_data(form=form, relatives=relatives, dossier=self.dossier))

    def post(self, request, pk):
        form, relatives = self.build(request.POST)
        if form.is_valid() and relatives.is_valid():
            try:
                candidate_update(
                    dossier=self.dossier, candidate=form.instance, relatives=changed_relatives(relatives),
                    deleted_relatives=[f.instance for f in relatives.deleted_forms if f.instance.pk],
                    actor=request.user,
                )
            except Refusal as exc:
                for reason in exc.reasons:
                    form.add_error(None, str(reason))
            else:
                messages.success(request, _("The candidate's data was saved."))
                return HttpResponseRedirect(reverse("dossiers:detail", args=[self.dossier.pk]))
        return self.render_to_response(self.get_context_data(form=form, relatives=relatives, dossier=self.dossier))


class DossierUpdateView(EditMixin, PageMixin, TemplateView):
    template_name = "web/dossier_form.html"

    def get(self, request, pk):
        form = DossierDetailsForm(initial=DossierDetailsForm.initial_for(self.dossier))
        return self.render_to_response(self.get_context_data(form=form, dossier=self.dossier))

    def post(self, request, pk):
        form = DossierDetailsForm(request.POST, initial=DossierDetailsForm.initial_for(self.dossier))
        if form.is_valid():
            fields = {name: form.cleaned_data[name] for name in DossierDetailsForm.FIELDS}
            try:
                dossier_update_details(dossier=self.dossier, actor=request.user, note=form.cleaned_data["note"],
                                       **fields)
            except Refusal as exc:
                for reason in exc.reasons:
                    form.add_error(None, str(reason))
            else:
                messages.success(request, _("The dossier's details were saved."))
                return HttpResponseRedirect(reverse("dossiers:detail", args=[self.dossier.pk]))
        return self.render_to_response(self.get_context_data(form=form, dossier=self.dossier))
