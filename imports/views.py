"""The import pages: choose the kind and upload → preview → confirm → result. Thin: each view
calls the import service (`imports.services`, through `imports.tasks` for large files) and writes
nothing itself; a run is seen by its importer and, in their subtree, by the inspection role and
the importers above; anyone else gets 404."""

from __future__ import annotations

import hashlib

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from dossiers.models import Organization
from dossiers.refusals import Refusal
from ui.pages import PageMixin

from . import services, tasks
from .exporting import export_scope, exportable, subtree_export
from .models import ImportKind, ImportRun, ImportStatus
from .reading import max_bytes
from .scope import may_import, may_see_records, record_roots
from .workbooks import file_name, template_workbook


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("What the file holds"), choices=ImportKind.choices)
    file = forms.FileField(label=gettext_lazy("File (Excel .xlsx or CSV)"))


def visible_runs(user):
    """The runs the user may see: his own, and those under his inspection or import roles."""
    qs = ImportRun.objects.select_related("user", "organization").defer("content", "report")
    if user.is_superuser:
        return qs
    condition = Q(user=user)
    for path in record_roots(user) or []:
        condition |= Q(organization__path__startswith=path)
    return qs.filter(condition)


class ImportIndexView(PageMixin, TemplateView):
    """`/imports/`: the upload form (for importers), the templates, the record of imports."""

    template_name = "imports/index.html"
    exportable_shown = 100

    def prepare(self, request, *args, **kwargs):
        if not (may_import(request.user) or may_see_records(request.user)):
            raise PermissionDenied

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        page = Paginator(visible_runs(self.request.user), 30).get_page(self.request.GET.get("page"))
        ctx.update(form=kwargs.get("form") or UploadForm(), may_import=may_import(self.request.user),
                   kinds=ImportKind.choices, runs=page.object_list, page_obj=page,
                   exportable=list(exportable(self.request.user)[:self.exportable_shown])
                   if may_import(self.request.user) else [],
                   max_mb=f"{max_bytes() / 1048576:g}")
        return ctx

    def post(self, request):
        if not may_import(request.user):
            raise PermissionDenied
        form = UploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        upload = form.cleaned_data["file"]
        content, digest = b"", ""
        if upload.size > max_bytes():  # recorded as refused by its size, hashed without being kept
            hasher = hashlib.sha256()
            for chunk in upload.chunks():
                hasher.update(chunk)
            digest = hasher.hexdigest()
        else:
            content = upload.read()
        try:
            run = services.import_upload(user=request.user, kind=form.cleaned_data["kind"], file_name=upload.name,
                                         content=content, size=upload.size, digest=digest)
        except Refusal as exc:
            for reason in exc.reasons:
                messages.error(request, reason)
            return self.render_to_response(self.get_context_data(form=form))
        run = tasks.start_check(run)
        return HttpResponseRedirect(reverse("imports:run", args=[run.pk]))


class TemplateDownloadView(PageMixin, View):
    """`/imports/template/?kind=…`: the XLSX template of a kind."""

    def get(self, request):
        kind = request.GET.get("kind", "")
        if kind not in ImportKind.values:
            raise Http404
        response = HttpResponse(template_workbook(kind),
                                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = f'attachment; filename="{file_name(kind)}"'
        return response


class SubtreeExportView(PageMixin, View):
    """`/imports/export/<id>/`: the organisation's subtree as the three import files (a ZIP), for an
    importer within whose scope it is; 404 elsewhere. Reads only (`imports.exporting`)."""

    def get(self, request, pk):
        organization = Organization.objects.filter(pk=pk).first()
        if organization is None or not export_scope(request.user, organization):
            raise Http404
        response = HttpResponse(subtree_export(organization).zip(), content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="du-lieu-nhap-{organization.pk}.zip"'
        return response


class ImportRunView(PageMixin, TemplateView):
    """`/imports/<id>/`: progress (refreshing itself), then the preview with the confirm button, or
    the result."""

    template_name = "imports/run.html"
    shown = 500

    def prepare(self, request, *args, pk=None, **kwargs):
        self.run = visible_runs(request.user).defer(None).filter(pk=pk).first()
        if self.run is None:
            raise Http404

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        run = self.run
        report = run.report or []
        refused = [r for r in report if r["action"] == "refused"]
        others = [r for r in report if r["action"] != "refused"]
        ctx.update(run=run, refused=refused, others=others[:self.shown], more=max(len(others) - self.shown, 0),
                   running=run.in_progress,
                   may_confirm=run.status == ImportStatus.PREVIEWED and run.user_id == self.request.user.pk)
        return ctx


class ImportConfirmView(PageMixin, View):
    """POST `/imports/<id>/confirm/`: write the previewed file (all or nothing)."""

    def prepare(self, request, *args, pk=None, **kwargs):
        self.run = ImportRun.objects.filter(pk=pk, user=request.user).first()
        if self.run is None:
            raise Http404

    def get(self, request, pk):
        return HttpResponseRedirect(reverse("imports:run", args=[pk]))

    def post(self, request, pk):
        try:
            run = tasks.start_import(self.run, request.user)
        except Refusal as exc:
            for reason in exc.reasons:
                messages.error(request, reason)
            return HttpResponseRedirect(reverse("imports:run", args=[pk]))
        if run.status == ImportStatus.DONE:
            messages.success(request, _("The file was imported."))
        elif run.status == ImportStatus.REFUSED:
            messages.error(request, _("The data changed since the preview: some rows are now refused and nothing "
                                      "was written."))
        return HttpResponseRedirect(reverse("imports:run", args=[pk]))
