"""Issue 18 §5: an uploaded file that is small but inflates to hundreds of MB (a decompression bomb)
is checked in bounded time and memory: a bomb where the page tree must be inflated is refused in
Vietnamese; a bomb in a page's content is never inflated (validation does not read page content);
an image is measured from its header, never decoded beyond IMAGE_MAX_PIXELS."""

import functools
import io
import struct
import time
import tracemalloc
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from pypdf import PdfReader

from builders.templates import dossier_copy
from documents import services
from documents.models import SignedScan
from dossiers.models import State
from dossiers.refusals import Refusal

INFLATED = 300_000_000


def deflated_zeros(prefix: bytes, total: int) -> bytes:
    """zlib data of `prefix` followed by zeros up to `total` bytes, built in chunks (~300 KB for 300 MB)."""
    compressor = zlib.compressobj(9)
    out = [compressor.compress(prefix)]
    chunk = b"\0" * (1 << 20)
    left = total - len(prefix)
    while left > 0:
        out.append(compressor.compress(chunk[: min(left, len(chunk))]))
        left -= len(chunk)
    out.append(compressor.flush())
    return b"".join(out)


def _pdf(objects: list[bytes], root: int, xref_stream: bool = False, compressed: dict | None = None) -> bytes:
    """A PDF of the numbered objects (1..n); with `compressed` ({obj: (stream_obj, index)}) the
    cross-reference is a stream and those objects live in an object stream."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for number, body in enumerate(objects, start=1):
        if body is None:
            continue
        offsets[number] = out.tell()
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    size = len(objects) + 1
    if not xref_stream:
        start = out.tell()
        out.write(b"xref\n0 %d\n0000000000 65535 f \n" % size)
        for number in range(1, size):
            out.write(b"%010d 00000 n \n" % offsets[number])
        out.write(b"trailer\n<</Size %d/Root %d 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (size, root, start))
        return out.getvalue()
    compressed = compressed or {}
    xref_number = size
    start = out.tell()
    rows = [struct.pack(">BIH", 0, 0, 65535)]
    for number in range(1, size):
        if number in compressed:
            rows.append(struct.pack(">BIH", 2, *compressed[number]))
        else:
            rows.append(struct.pack(">BIH", 1, offsets[number], 0))
    rows.append(struct.pack(">BIH", 1, start, 0))
    data = b"".join(rows)
    out.write(b"%d 0 obj\n<</Type/XRef/Size %d/W[1 4 2]/Root %d 0 R/Length %d>>\nstream\n"
              % (xref_number, size + 1, root, len(data)) + data + b"\nendstream\nendobj\n")
    out.write(b"startxref\n%d\n%%%%EOF\n" % start)
    return out.getvalue()


@functools.cache
def bomb_in_the_page_tree() -> bytes:
    """The Pages and Page objects inside an object stream that inflates to 300 MB: counting the
    pages needs that stream."""
    pages = b"<</Type/Pages/Kids[3 0 R]/Count 1>>"
    page = b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>"
    header = b"2 0 3 %d " % len(pages)
    header = header.ljust(20)
    data = deflated_zeros(header + pages + b" " + page + b" ", INFLATED)
    objstm = (b"<</Type/ObjStm/N 2/First %d/Filter/FlateDecode/Length %d>>\nstream\n" % (len(header), len(data))
              + data + b"\nendstream")
    return _pdf([b"<</Type/Catalog/Pages 2 0 R>>", None, None, objstm], root=1, xref_stream=True,
                compressed={2: (4, 0), 3: (4, 1)})


@functools.cache
def bomb_in_the_page_content() -> bytes:
    data = deflated_zeros(b"q Q ", INFLATED)
    return _pdf([
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R>>",
        b"<</Filter/FlateDecode/Length %d>>\nstream\n" % len(data) + data + b"\nendstream",
    ], root=1)


def png_header_only(width: int, height: int) -> bytes:
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 1000)) + chunk(b"IEND", b"")


@pytest.fixture
def dossier(cell_a, secretary_a):
    return dossier_copy(State.HIGHER_APPROVAL, cell=cell_a, actor=secretary_a)


def upload(dossier, actor, name, content):
    return services.scan_upload(dossier=dossier, step="record_branch_vote", actor=actor,
                                upload=SimpleUploadedFile(name, content))


def measured(call):
    tracemalloc.start()
    started = time.perf_counter()
    try:
        result = call()
    except Exception as error:  # noqa: BLE001 — measured either way
        result = error
    seconds = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return result, seconds, peak


def test_the_test_files_are_real_bombs():
    assert len(bomb_in_the_page_tree()) < 1_000_000 and len(bomb_in_the_page_content()) < 1_000_000
    # The page-content bomb is a valid PDF whose one stream inflates to 300 MB.
    stream = PdfReader(io.BytesIO(bomb_in_the_page_content())).pages[0]["/Contents"].get_object()
    assert len(stream._data) < 1_000_000 and inflated_size(stream._data) == INFLATED


def inflated_size(data: bytes) -> int:
    """What `data` inflates to, counted a megabyte at a time."""
    inflater, total = zlib.decompressobj(), 0
    while data:
        total += len(inflater.decompress(data, 1 << 20))
        data = inflater.unconsumed_tail
    return total


def test_a_pdf_whose_page_tree_inflates_to_300_mb_is_refused_quickly_with_bounded_memory(dossier, secretary_a, settings):
    content = bomb_in_the_page_tree()
    with translation.override("vi"):
        result, seconds, peak = measured(lambda: upload(dossier, secretary_a, "bom.pdf", content))
    assert isinstance(result, Refusal)
    assert "bom giải nén" in str(result)
    assert seconds < 5
    assert peak < 3 * settings.PDF_MAX_INFLATED_BYTES + 10 * len(content)
    assert SignedScan.objects.count() == 0


def test_a_smaller_inflation_limit_bounds_the_memory_further(dossier, secretary_a, settings):
    settings.PDF_MAX_INFLATED_BYTES = 4 * 1024 * 1024
    result, _seconds, peak = measured(lambda: upload(dossier, secretary_a, "bom.pdf", bomb_in_the_page_tree()))
    assert isinstance(result, Refusal) and peak < 20 * 1024 * 1024


def test_a_pdf_whose_page_content_inflates_to_300_mb_is_checked_without_inflating_it(dossier, secretary_a):
    content = bomb_in_the_page_content()
    scan, seconds, peak = measured(lambda: upload(dossier, secretary_a, "noi-dung.pdf", content))
    assert isinstance(scan, SignedScan) and bytes(scan.content) == content
    assert seconds < 2 and peak < 20 * len(content) + 10 * 1024 * 1024


def test_an_image_over_the_pixel_limit_is_refused_from_its_header(dossier, secretary_a, settings):
    content = png_header_only(8000, 8000)  # 64 million pixels > IMAGE_MAX_PIXELS (50 million)
    with translation.override("vi"):
        result, seconds, peak = measured(lambda: upload(dossier, secretary_a, "anh.png", content))
    assert isinstance(result, Refusal) and "bom giải nén" in str(result)
    assert seconds < 1 and peak < 5 * 1024 * 1024
    assert SignedScan.objects.count() == 0
