"""The documents pages, inside viewflow's shell like the rest of the web app. Thin: scope from
`permissions.scoping` (404 outside it), roles from `permissions.actions` (the form's step), every
write through `documents.services`."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from dossiers import steps
from dossiers.models import Dossier, Meeting
from permissions import roles
from permissions.models import PersonalDataRead
from permissions.scoping import access_dossier, organizations_with, visible_dossiers
from permissions.selectors import dossier_for_page
from permissions.services import personal_data_read
from ui.pages import PageMixin, errors_as_messages, posted_id

from . import services
from .bundle import bundle_pdf
from .catalogue import BY_SLUG, SCAN_STEPS
from .minutes import minutes_pdf
from .models import BundleJob, IssuedDocument, JobStatus, SignedScan
from .panels import default_signer, form_rows, may_issue, may_upload

SIGNER_TITLES = [("Bí thư", gettext_lazy("Secretary")), ("Phó Bí thư", gettext_lazy("Deputy secretary"))]


class IssueForm(forms.Form):
    subject = forms.CharField(required=False, widget=forms.HiddenInput)
    signer = forms.CharField(label=gettext_lazy("Signer (for papers that record none)"), max_length=120,
                             required=False)
    signer_title = forms.ChoiceField(label=gettext_lazy("Signer's position"), choices=SIGNER_TITLES, required=False)
    reason = forms.CharField(label=gettext_lazy("Reason for re-issue"), max_length=255, required=False)


class ScanForm(forms.Form):
    step = forms.ChoiceField(label=gettext_lazy("The step this scan proves"))
    file = forms.FileField(label=gettext_lazy("Signed scan (PDF, JPEG or PNG)"))
    note = forms.CharField(label=gettext_lazy("Note"), max_length=255, required=False)

    def __init__(self, *args, steps: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["step"].choices = steps


def _pdf(content: bytes, filename: str, *, inline: bool = True, content_type: str = "application/pdf") -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'{"inline" if inline else "attachment"}; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _back(request, dossier: Dossier) -> HttpResponseRedirect:
    target = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("documents:dossier", args=[dossier.pk])
    return HttpResponseRedirect(target)


def scan_steps(user, dossier: Dossier) -> list[tuple[str, str]]:
    """The steps the user may attach a scan to, with their labels."""
    return [(name, str(steps.STEPS[name].label)) for name in SCAN_STEPS
            if name in steps.STEPS and may_upload(user, dossier, name)]


class DossierDocumentsView(PageMixin, TemplateView):
    """`/documents/dossier/<pk>/`: the forms (issued versions, or what is missing), the scans, the bundle."""

    template_name = "documents/dossier_documents.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        dossier = dossier_for_page(user=user, pk=self.kwargs["pk"])
        choices = scan_steps(user, dossier)
        ctx = super().get_context_data(**kwargs)
        ctx.update(
            dossier=dossier,
            rows=form_rows(user, dossier),
            # The minutes of the cell meetings that voted on this dossier, beside their resolutions.
            meetings=list(Meeting.objects.filter(votes__dossier=dossier).distinct().order_by("date", "pk")),
            scans=list(SignedScan.objects.filter(dossier=dossier).defer("content").select_related("uploaded_by")),
            scan_form=ScanForm(steps=choices) if choices else None,
            step_labels={name: str(step.label) for name, step in steps.STEPS.items()},
            default_signer=default_signer(user),
            signer_titles=SIGNER_TITLES,
            upload_limit_mb=f"{services.upload_limit() / 1_000_000:g}".replace(".", ","),
        )
        return ctx


class IssueView(PageMixin, View):
    """POST: issue (or re-issue) a form of the dossier; refusals come back as messages."""

    def post(self, request, pk, slug):
        dossier = dossier_for_page(user=request.user, pk=pk)
        form_def = BY_SLUG.get(slug)
        if form_def is None or form_def.draft:
            raise Http404
        if not may_issue(request.user, dossier, form_def):
            raise PermissionDenied(_("Only the roles of the step “%(step)s” issue %(form)s.") % {
                "step": steps.STEPS[form_def.step].label, "form": form_def.code})
        form = IssueForm(request.POST)
        form.is_valid()
        data = form.cleaned_data
        options = {"signer": data.get("signer") or default_signer(request.user),
                   "signer_title": data.get("signer_title") or ""}
        try:
            doc = services.document_issue(dossier=dossier, form=form_def, actor=request.user,
                                          subject=data.get("subject") or "", options=options,
                                          reason=data.get("reason") or "")
        except services.Refusal as exc:
            for reason in exc.reasons:
                messages.error(request, str(reason))
        else:
            messages.success(request, _("Issued %(form)s%(number)s, version %(version)s.") % {
                "form": doc.form_code, "number": f" số {doc.number}" if doc.number else "", "version": doc.version})
        return _back(request, dossier)


class DraftView(PageMixin, View):
    """GET: the 1-KNĐ / 2-KNĐ draft the candidate copies by hand (never stored)."""

    def get(self, request, pk, slug):
        dossier = dossier_for_page(user=request.user, pk=pk)
        form_def = BY_SLUG.get(slug)
        if form_def is None or not form_def.draft:
            raise Http404
        if not may_issue(request.user, dossier, form_def):
            raise PermissionDenied(_("Only the roles of the step “%(step)s” print this draft.") % {
                "step": steps.STEPS[form_def.step].label})
        try:
            pdf = services.document_draft(dossier=dossier, form=form_def)
        except services.Refusal as exc:
            for reason in exc.reasons:
                messages.error(request, str(reason))
            return HttpResponseRedirect(reverse("documents:dossier", args=[dossier.pk]))
        _log_read(request, dossier, form_def.code)
        return _pdf(pdf, f"{form_def.slug}-ban-nhap-hs{dossier.pk}.pdf")


def _log_read(request, dossier: Dossier, detail: str) -> None:
    """A document carries the candidate's personal data: its download is a logged read."""
    personal_data_read(user=request.user, dossier=dossier, what=PersonalDataRead.What.DOCUMENT, detail=str(detail))


class IssuedDocumentView(PageMixin, View):
    """GET: an issued document's stored PDF, for anyone who may see its dossier (read-only roles too)."""

    def get(self, request, doc_id):
        dossier_id = IssuedDocument.objects.filter(pk=doc_id).values_list("dossier_id", flat=True).first()
        if dossier_id is None:
            raise Http404
        dossier = access_dossier(request.user, dossier_id, queryset=Dossier.objects.only("pk", "cell"))
        doc = IssuedDocument.objects.get(pk=doc_id)
        _log_read(request, dossier, f"{doc.form_code} v{doc.version}")
        return _pdf(bytes(doc.pdf), doc.filename)


class ScanUploadView(PageMixin, View):
    """POST: attach a signed scan to the step it proves; a refusal stores nothing."""

    def post(self, request, pk):
        dossier = dossier_for_page(user=request.user, pk=pk)
        choices = scan_steps(request.user, dossier)
        if not choices:
            raise PermissionDenied(_("You hold no role that uploads scans for this dossier."))
        form = ScanForm(request.POST, request.FILES, steps=choices)
        if not form.is_valid():
            errors_as_messages(request, form)
            return _back(request, dossier)
        try:
            services.scan_upload(dossier=dossier, step=form.cleaned_data["step"], upload=form.cleaned_data["file"],
                                 actor=request.user, note=form.cleaned_data["note"])
        except services.Refusal as exc:
            for reason in exc.reasons:
                messages.error(request, str(reason))
        else:
            messages.success(request, _("The scan was attached."))
        return _back(request, dossier)


class ScanView(PageMixin, View):
    def get(self, request, scan_id):
        dossier_id = SignedScan.objects.filter(pk=scan_id).values_list("dossier_id", flat=True).first()
        if dossier_id is None:
            raise Http404
        dossier = access_dossier(request.user, dossier_id, queryset=Dossier.objects.only("pk", "cell"))
        scan = SignedScan.objects.get(pk=scan_id)
        _log_read(request, dossier, scan.filename)
        return _pdf(bytes(scan.content), scan.filename.replace('"', ""), content_type=scan.content_type)


class BundleView(PageMixin, View):
    """GET: the dossier's bundle: cover, contents, issued documents and scans (domain.md §5.4)."""

    def get(self, request, pk):
        dossier = access_dossier(request.user, pk, queryset=Dossier.objects.select_related(
            "candidate", "cell", "cell__parent", "cell__parent__parent"))
        _log_read(request, dossier, _("dossier bundle"))
        return _pdf(bundle_pdf(dossier=dossier), f"ho-so-{dossier.pk}.pdf")


class BatchIndexView(PageMixin, TemplateView):
    """`/documents/`: bundles for many dossiers at once, built in the background; my earlier batches."""

    template_name = "documents/batch_index.html"
    LIMIT = 200

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(
            dossiers=list(visible_dossiers(self.request.user).select_related("candidate", "cell")
                          .order_by("cell__path", "candidate__search_name")[: self.LIMIT]),
            jobs=list(BundleJob.objects.filter(created_by=self.request.user).defer("result")[:20]),
        )
        return ctx

    def post(self, request):
        ids = [i for i in map(posted_id, request.POST.getlist("dossiers")) if i]
        dossiers = list(visible_dossiers(request.user).filter(pk__in=ids).order_by("pk"))
        try:
            job = services.bundle_job_start(actor=request.user, dossiers=dossiers)
        except services.Refusal as exc:
            for reason in exc.reasons:
                messages.error(request, str(reason))
            return HttpResponseRedirect(reverse("documents:index"))
        return HttpResponseRedirect(reverse("documents:batch", args=[job.pk]))


class BatchView(PageMixin, TemplateView):
    """`/documents/batches/<id>/`: the job's progress; refreshes itself until it ends."""

    template_name = "documents/batch_detail.html"

    def get_context_data(self, **kwargs):
        job = BundleJob.objects.filter(pk=self.kwargs["job_id"], created_by=self.request.user).defer("result").first()
        if job is None:
            raise Http404
        ctx = super().get_context_data(**kwargs)
        ctx.update(job=job, running=job.status in (JobStatus.QUEUED, JobStatus.RUNNING))
        return ctx


class BatchDownloadView(PageMixin, View):
    def get(self, request, job_id):
        job = BundleJob.objects.filter(pk=job_id, created_by=request.user, status=JobStatus.DONE).first()
        if job is None or job.result is None:
            raise Http404
        return _pdf(bytes(job.result), f"ho-so-dot-{job.pk}.zip", inline=False, content_type="application/zip")


class MeetingMinutesView(PageMixin, View):
    """GET: the minutes of a cell meeting, for anyone who may read the cell's roster."""

    def get(self, request, meeting_id):
        meeting = (Meeting.objects.filter(pk=meeting_id, cell__in=organizations_with(request.user, roles.VIEW))
                   .select_related("cell__parent").first())
        if meeting is None:
            raise Http404
        return _pdf(minutes_pdf(meeting), f"bien-ban-hop-chi-bo-{meeting.pk}.pdf")
