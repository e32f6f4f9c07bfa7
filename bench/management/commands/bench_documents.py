"""`manage.py bench_documents`: the time of one form and of a 15-document bundle (issue 5 targets:
≤ 0.3 s per form, ≤ 2 s per bundle). Everything it writes is rolled back."""

from __future__ import annotations

import io
import statistics
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from documents import rendering, services
from documents.bundle import bundle_pdf
from documents.catalogue import BY_CODE, ISSUABLE
from documents.models import IssuedDocument
from dossiers.models import Dossier, State


def _png_scan(label: str) -> io.BytesIO:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (1240, 1754), "white")  # A4 at 150 dpi
    ImageDraw.Draw(image).text((100, 100), label, fill="black")
    out = io.BytesIO()
    image.save(out, "PNG")
    out.name, out.size = f"{label}.png", out.tell()
    out.seek(0)
    return out


class Command(BaseCommand):
    help = "Time one form (6-KNĐ) and a 15-document dossier bundle; nothing is kept."

    def add_arguments(self, parser):
        parser.add_argument("--dossier", type=int, help="a recognised dossier (default: the first one)")
        parser.add_argument("--repeat", type=int, default=5, help="renderings of the form to time")

    def handle(self, *args, dossier=None, repeat=5, **options):
        qs = Dossier.objects.filter(state=State.RECOGNIZED)
        d = qs.filter(pk=dossier).first() if dossier else qs.order_by("pk").first()
        if d is None:
            raise CommandError("No recognised dossier: run `manage.py seed_demo` first, or pass --dossier.")
        rendering._stylesheet()  # fonts parsed once per process, as in a running server
        with transaction.atomic():
            self._bench(d, repeat)
            transaction.set_rollback(True)  # measured, not kept

    def _bench(self, d: Dossier, repeat: int) -> None:
        form = BY_CODE["6-KNĐ"]
        built = services.document_check(dossier=d, form=form, options={"signer": "Bench"})
        if built.errors:
            raise CommandError("; ".join(str(e) for e in built.errors))
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            rendering.render_pdf(form.template, dict(built.data, number="Số 1-NQ/CB"), created=timezone.now())
            times.append(time.perf_counter() - start)
        self.stdout.write(f"one form (6-KNĐ): median {statistics.median(times) * 1000:.0f} ms, "
                          f"best {min(times) * 1000:.0f} ms over {repeat} renderings (target ≤ 300 ms)")
        # Issue every form the dossier supports, then top up with scans to 15 documents.
        start = time.perf_counter()
        issued = 0
        for f in ISSUABLE:
            for subject, _name in f.subjects(d):
                if not services.document_check(dossier=d, form=f, subject=subject, options={"signer": "Bench"}).errors:
                    services.document_issue(dossier=d, form=f, subject=subject, actor=None,
                                            options={"signer": "Bench"})
                    issued += 1
        issue_time = time.perf_counter() - start
        scans = 0
        for step in ("complete_training", "record_application", "record_personal_history", "conclude_verification",
                     "record_new_member_certificate"):
            if issued + scans >= 15:
                break
            services.scan_upload(dossier=d, step=step, upload=_png_scan(step), actor=None)
            scans += 1
        count = IssuedDocument.objects.filter(dossier=d).values("form_code", "subject").distinct().count() + scans
        start = time.perf_counter()
        pdf = bundle_pdf(dossier=d)
        bundle_time = time.perf_counter() - start
        self.stdout.write(f"issuing {issued} forms: {issue_time:.2f} s ({issue_time / max(issued, 1) * 1000:.0f} ms each)")
        self.stdout.write(f"bundle of {count} documents ({issued} issued, {scans} scans), {len(pdf) // 1024} KB: "
                          f"{bundle_time:.2f} s (target ≤ 2 s)")
