"""The export pages. Thin: `exports.access` decides who exports which subtree (404 outside it),
`exports.selectors` reads, `exports.files` writes the file, `exports.services` records it."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from dossiers.formatting import vn_date
from dossiers.models import OrgLevel
from ui.pages import PageMixin
from ui.spreadsheets import CSV_TYPE, XLSX_TYPE

from . import access, files, selectors
from .forms import ExportForm
from .models import ExportFormat, ExportKind
from .services import export_record

PREVIEW_ROWS = 50


class ExportView(PageMixin, TemplateView):
    """`/exports/`: the members admitted or recognised in a period in an organisation's subtree,
    for the party-member database, or the period's supplement list; how many are new and how many
    were exported before; POST writes the file (XLSX or CSV) and records the export."""

    template_name = "exports/export.html"

    def prepare(self, request, *args, **kwargs):
        data = request.POST if request.method == "POST" else request.GET
        if not access.may_export(request.user):
            if data.get("org"):
                raise Http404
            raise PermissionDenied
        self.today = timezone.localdate()
        self.organization = access.export_organization(request.user, data.get("org"))
        bound = any(k in data for k in ("kind", "start", "end"))
        self.form = ExportForm(data if bound else None, today=self.today)
        self.kind, self.period, self.include_exported = self.form.choice()

    # --- what the export holds ---

    def members(self):
        return selectors.members_of(kind=self.kind, organization=self.organization, period=self.period)

    def changes(self):
        return selectors.changes(organization=self.organization, period=self.period)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        if self.kind == ExportKind.SUPPLEMENT:
            changes = self.changes()
            total = changes.count()
            ctx.update(total=total, preview=list(changes[:PREVIEW_ROWS]), exported=set())
        else:
            members = self.members()
            exported = selectors.exported_ids(kind=self.kind, dossiers=members)
            total = members.count()
            ctx.update(total=total, exported=exported, repeated=len(exported), new=total - len(exported),
                       preview=list(members[:PREVIEW_ROWS]))
        ctx.update(
            organization=self.organization, form=self.form, kind=self.kind, period=self.period,
            kind_label=ExportKind(self.kind).label,
            include_exported=self.include_exported, is_supplement=self.kind == ExportKind.SUPPLEMENT,
            organizations=access.export_organizations(self.request.user).exclude(level=OrgLevel.CELL)
            .order_by("path").only("pk", "name"),
            period_text=_("from %(start)s until %(end)s") % {"start": vn_date(self.period.start),
                                                          "end": vn_date(self.period.end)},
            preview_rows=PREVIEW_ROWS, may_read_log=access.may_read_log(self.request.user),
        )
        return ctx

    def post(self, request, *args, **kwargs):
        if self.form.is_bound and not self.form.is_valid():
            return self.render_to_response(self.get_context_data())
        file_format = ExportFormat.CSV if request.POST.get("format") == ExportFormat.CSV else ExportFormat.XLSX
        already: set[int] = set()
        if self.kind == ExportKind.SUPPLEMENT:
            items, columns = self.changes(), files.change_columns()
            ids = list(items.values_list("dossier_id", flat=True))
        else:
            items, columns = self.members(), files.member_columns()
            already = selectors.exported_ids(kind=self.kind, dossiers=items)
            if not self.include_exported:
                items = selectors.not_exported(kind=self.kind, dossiers=items)
            ids = list(items.values_list("pk", flat=True))
        if not ids:
            period = _("from %(start)s until %(end)s") % {"start": vn_date(self.period.start),
                                                        "end": vn_date(self.period.end)}
            if already and not self.include_exported:
                messages.warning(request, _(
                    "Nothing new to export %(period)s: every member was exported before. Tick “Also export again "
                    "those already exported” to export them again.") % {"period": period})
            else:
                messages.warning(request, _("Nothing to export %(period)s.") % {"period": period})
            return HttpResponseRedirect(f"{request.path}?{self.query()}")
        rows = items.iterator(chunk_size=2000)
        sheet = str(ExportKind(self.kind).label)
        written = (files.write_csv(columns, rows) if file_format == ExportFormat.CSV
                   else files.write_xlsx(columns, rows, sheet_title=sheet))
        filename = (f"{self.kind}-{self.organization.pk}-{self.period.start:%Y%m%d}-{self.period.end:%Y%m%d}"
                    f".{file_format}")
        export_record(user=request.user, kind=self.kind, file_format=file_format, organization=self.organization,
                      filename=filename, sha256=written.sha256, size=written.size, rows=written.rows,
                      dossier_ids=ids, already_exported=already, period_start=self.period.start,
                      period_end=self.period.end, include_exported=self.include_exported)
        written.file.seek(0)
        return FileResponse(written.file, as_attachment=True, filename=filename,
                            content_type=CSV_TYPE if file_format == ExportFormat.CSV else XLSX_TYPE)

    def query(self) -> str:
        return urlencode({"org": self.organization.pk, "kind": self.kind, "start": self.period.start.isoformat(),
                          "end": self.period.end.isoformat(), **({"include_exported": "on"}
                                                                 if self.include_exported else {})})


class ExportLogView(PageMixin, TemplateView):
    """`/exports/log/`: every export of the user's subtrees (who, when, what, the file's hash), for
    the inspection committee and the organisation board."""

    template_name = "exports/log.html"
    paginate_by = 50

    def prepare(self, request, *args, **kwargs):
        if not access.may_read_log(request.user):
            raise PermissionDenied

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        page = Paginator(selectors.records(access.visible_records(self.request.user)), self.paginate_by) \
            .get_page(self.request.GET.get("page"))
        ctx.update(page_obj=page, records=page.object_list, may_export=access.may_export(self.request.user))
        return ctx


class ExportRecordView(PageMixin, TemplateView):
    """`/exports/log/<id>/`: one export and the members it held; 404 outside the reader's subtrees."""

    template_name = "exports/record.html"

    def prepare(self, request, *args, **kwargs):
        self.record = access.record_for(request.user, kwargs["pk"])

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        members = self.record.members.select_related("dossier__candidate", "dossier__cell")
        ctx.update(record=self.record, members=list(members))
        return ctx
