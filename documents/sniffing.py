"""What an uploaded file really is, read from its first bytes (never from its name or the
browser's word), then opened to make sure it is whole.

Opening is bounded (issue 18 §5): a PDF is parsed only as far as its page tree, with every pypdf
decompression limit set to PDF_MAX_INFLATED_BYTES, so a decompression bomb (a small stream that
inflates to gigabytes) stops at the limit instead of filling the memory; page content is never
decoded here. An image is measured from its header and refused above IMAGE_MAX_PIXELS before any
pixel is decoded."""

from __future__ import annotations

import io

from django.conf import settings

from .models import ScanKind

MAGIC = [
    (b"%PDF-", ScanKind.PDF),
    (b"\x89PNG\r\n\x1a\n", ScanKind.PNG),
    (b"\xff\xd8\xff", ScanKind.JPEG),
]


class TooLargeInside(Exception):
    """The file is small but expands beyond the limits when opened (a decompression bomb)."""


def sniff(head: bytes) -> str | None:
    """The content type of a PDF, PNG or JPEG by its magic bytes; None for anything else."""
    for magic, kind in MAGIC:
        if head.startswith(magic):
            return kind.value
    return None


def pdf_limits():
    """pypdf's limits for untrusted PDFs, for the current context only (a contextvar)."""
    from pypdf import apply_configuration

    limit = settings.PDF_MAX_INFLATED_BYTES
    return apply_configuration(
        maximum_declared_stream_length=limit, array_based_stream_maximum_output_length=limit,
        jbig2_maximum_output_length=limit, lzw_maximum_output_length=limit, run_length_maximum_output_length=limit,
        zlib_maximum_output_length=limit, brotli_maximum_output_length=limit, image_maximum_buffer_size=limit,
        stream_decoding_work_maximum_length=limit, xmp_maximum_input_length=min(limit, 5_000_000),
        zlib_maximum_recovery_input_length=min(limit, 1_000_000), array_maximum_element_count=100_000,
        page_tree_maximum_entries=10_000, page_tree_maximum_page_entries=100_000,
    )


def opens(content: bytes, kind: str) -> bool:
    """The file parses as what its magic bytes claim: a PDF with pages, an image whose header is
    whole. Raises TooLargeInside for a file that inflates beyond the limits."""
    if kind == ScanKind.PDF:
        from pypdf import PdfReader
        from pypdf.errors import LimitReachedError

        try:
            with pdf_limits():
                # The page count walks the page tree (objects, object streams, the cross-reference
                # stream): bounded decompression, and no page's content stream is read.
                return len(PdfReader(io.BytesIO(content)).pages) > 0
        except LimitReachedError:
            raise TooLargeInside from None
        except Exception:  # noqa: BLE001 — any parser error means "not a usable scan"
            return False
    from PIL import Image

    try:
        with Image.open(io.BytesIO(content)) as image:
            width, height = image.size
            if width * height > settings.IMAGE_MAX_PIXELS:
                raise TooLargeInside
            image.verify()
        return True
    except (TooLargeInside, Image.DecompressionBombError):
        raise TooLargeInside from None
    except Exception:  # noqa: BLE001 — any parser error means "not a usable scan"
        return False


