"""Hồ sơ đề nghị kết nạp: one PDF for the higher committee — a cover page, a table of contents,
then every issued document (its latest version) and every signed scan, in the order of
domain.md §5.4 (documents.catalogue.BUNDLE_SECTIONS). Images become A4 pages."""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone

from dossiers.formatting import vn_date, vn_short_date
from dossiers.models import Dossier

from . import rendering
from .catalogue import BUNDLE_SECTIONS
from .context import committee_name, organisations, upper
from .models import IssuedDocument, ScanKind, SignedScan

A4 = (595.28, 841.89)  # points
IMAGE_MARGIN = 28.35  # 10 mm


@dataclass
class Entry:
    section: str
    title: str
    detail: str
    kind: str  # "issued" or "scan"
    content: bytes
    content_type: str = ScanKind.PDF
    pages: int = 0
    start: int = 0


def bundle_entries(dossier: Dossier, issued: QuerySet | None = None, scans: QuerySet | None = None) -> list[Entry]:
    """The bundle's documents in order: for each section, the issued forms, then the scans."""
    issued = IssuedDocument.objects.filter(dossier=dossier) if issued is None else issued
    scans = SignedScan.objects.filter(dossier=dossier) if scans is None else scans
    latest: dict[tuple[str, str], IssuedDocument] = {}
    for doc in issued.order_by("version"):
        latest[(doc.form_code, doc.subject)] = doc
    scan_list = list(scans.order_by("uploaded_at", "id"))
    entries: list[Entry] = []
    for key, title, forms in BUNDLE_SECTIONS:
        for (code, _subject), doc in sorted(latest.items(), key=lambda item: (item[0][0], item[0][1])):
            if code in forms:
                detail = ", ".join(p for p in (f"số {doc.number}" if doc.number else "",
                                               f"ngày {vn_short_date(doc.document_date)}") if p)
                entries.append(Entry(key, title, detail, "issued", bytes(doc.pdf)))
        for scan in scan_list:
            if scan.section == key:
                entries.append(Entry(key, title, f"bản chụp có chữ ký: {scan.filename}", "scan", bytes(scan.content),
                                     scan.content_type))
    return entries


def image_pages(content: bytes):
    """A JPEG/PNG scan as one A4 page, the image fitted inside 10 mm margins and centred."""
    from PIL import Image, ImageOps
    from pypdf import PageObject, PdfReader, Transformation

    with Image.open(io.BytesIO(content)) as opened:
        image = ImageOps.exif_transpose(opened)
        if image.mode in ("RGBA", "LA", "P"):
            image = image.convert("RGBA")
            background = Image.new("RGB", image.size, "white")
            background.paste(image, mask=image.split()[-1])
            image = background
        elif image.mode != "RGB":
            image = image.convert("RGB")
        width, height = image.size
        scale = min((A4[0] - 2 * IMAGE_MARGIN) / width, (A4[1] - 2 * IMAGE_MARGIN) / height)
        buffer = io.BytesIO()
        image.save(buffer, "PDF", resolution=72 / scale)
    source = PdfReader(io.BytesIO(buffer.getvalue())).pages[0]
    page = PageObject.create_blank_page(width=A4[0], height=A4[1])
    w, h = float(source.mediabox.width), float(source.mediabox.height)
    page.merge_transformed_page(source, Transformation().translate((A4[0] - w) / 2, (A4[1] - h) / 2))
    return [page]


def _pages(entry: Entry):
    from pypdf import PdfReader

    if entry.content_type == ScanKind.PDF:
        return list(PdfReader(io.BytesIO(entry.content)).pages)
    return image_pages(entry.content)


def _front(dossier: Dossier, entries: list[Entry], today) -> bytes:
    orgs = organisations(dossier)
    grassroots = orgs["grassroots"]
    data = {
        "candidate": dossier.candidate.full_name, "candidate_upper": upper(dossier.candidate.full_name),
        "birth": vn_date(dossier.candidate.birth_date), "cell": dossier.cell.name,
        "grassroots": committee_name(grassroots) if grassroots else "",
        "state": str(dossier.get_state_display()), "date": vn_date(today),
        "place": dossier.cell.place_name,
        "rows": [{"n": i + 1, "title": e.title, "detail": e.detail, "page": e.start} for i, e in enumerate(entries)],
    }
    html = render_to_string("documents/pdf/bundle_front.html",
                            {"doc": data, "created": rendering.w3c(timezone.now())})
    return rendering.html_to_pdf(html)


def bundle_pdf(*, dossier: Dossier) -> bytes:
    """The whole dossier as one PDF with bookmarks; page numbers in the table of contents count
    the bundle's sheets from the cover."""
    from pypdf import PdfReader, PdfWriter

    today = timezone.localdate()
    entries = bundle_entries(dossier)
    page_lists = [_pages(e) for e in entries]
    for entry, pages in zip(entries, page_lists, strict=True):
        entry.pages = len(pages)
    # Two passes: the table of contents' own length decides where the documents start.
    front_pages = len(PdfReader(io.BytesIO(_front(dossier, entries, today))).pages)
    for _attempt in range(2):
        start = front_pages + 1
        for entry in entries:
            entry.start, start = start, start + entry.pages
        front = _front(dossier, entries, today)
        measured = len(PdfReader(io.BytesIO(front)).pages)
        if measured == front_pages:
            break
        front_pages = measured
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(front)))
    for entry, pages in zip(entries, page_lists, strict=True):
        first = len(writer.pages)
        for page in pages:
            writer.add_page(page)
        writer.add_outline_item(title=f"{entry.title} {entry.detail}".strip(), page_number=first)
    writer.add_metadata({"/Title": f"Hồ sơ kết nạp đảng viên: {dossier.candidate.full_name}",
                         "/Producer": "phattriendangvien"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
