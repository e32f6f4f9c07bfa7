"""What an uploaded file really is, read from its first bytes (never from its name or the
browser's word), then opened to make sure it is whole."""

from __future__ import annotations

import io

from .models import ScanKind

MAGIC = [
    (b"%PDF-", ScanKind.PDF),
    (b"\x89PNG\r\n\x1a\n", ScanKind.PNG),
    (b"\xff\xd8\xff", ScanKind.JPEG),
]


def sniff(head: bytes) -> str | None:
    """The content type of a PDF, PNG or JPEG by its magic bytes; None for anything else."""
    for magic, kind in MAGIC:
        if head.startswith(magic):
            return kind.value
    return None


def opens(content: bytes, kind: str) -> bool:
    """The file parses as what its magic bytes claim: a PDF with pages, an image that decodes."""
    try:
        if kind == ScanKind.PDF:
            from pypdf import PdfReader

            return len(PdfReader(io.BytesIO(content)).pages) > 0
        from PIL import Image

        with Image.open(io.BytesIO(content)) as image:
            image.verify()
        return True
    except Exception:  # noqa: BLE001 — any parser error means "not a usable scan"
        return False
