"""A look at the first page of 6-KNĐ and 9-KNĐ as a person sees it: PNGs in tests/artifacts/
(pypdfium2), compared by eye with the letters in shared/reference/; the test checks the layout's
geometry: header in two columns at the top, the heading on the right, the title centred."""

import io
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from documents import services
from dossiers.models import State

from .factories import dossier_in_state

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


def first_page_png(pdf: bytes, path: Path):
    document = pdfium.PdfDocument(io.BytesIO(bytes(pdf)))
    image = document[0].render(scale=100 / 72).to_pil()
    image.save(path)
    return image


def ink_columns(image, top: int, bottom: int) -> tuple[int, int]:
    """The leftmost and rightmost dark pixel between two rows."""
    gray = image.convert("L")
    xs = [x for y in range(top, bottom) for x in range(gray.width) if gray.getpixel((x, y)) < 128]
    return min(xs), max(xs)


@pytest.mark.parametrize(("code", "name"), [("6-KNĐ", "6-KND"), ("9-KNĐ", "9-KND")])
def test_the_first_page_is_saved_as_png_with_the_two_column_header(cell_a, secretary_a, approver, code, name):
    d = dossier_in_state(State.PROBATION, cell=cell_a, actor=secretary_a)
    doc = services.document_issue(dossier=d, form=code, actor=secretary_a if code == "6-KNĐ" else approver)
    ARTIFACTS.mkdir(exist_ok=True)
    image = first_page_png(doc.pdf, ARTIFACTS / f"{name}-page1.png")
    assert image.size == (827, 1170)  # A4 at 100 dpi
    # 25 mm top margin ≈ 98 px; the header's first line starts right below it.
    left, right = ink_columns(image, 95, 130)
    # 35 mm left margin ≈ 138 px, 15 mm right margin ≈ 59 px: ink stays within the text block.
    assert left >= 130 and right <= 827 - 55
    gray = image.convert("L")
    row = next(y for y in range(95, 140) if any(gray.getpixel((x, y)) < 128 for x in range(500, 770)))
    # The right column (national heading) and the left column (issuer) share the top line.
    assert any(gray.getpixel((x, row + 5)) < 128 for x in range(140, 420))
