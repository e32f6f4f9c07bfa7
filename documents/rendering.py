"""HTML + CSS → PDF with WeasyPrint, in the Party's format (HD 36-HD/VPTW; domain.md §7).

The font (Liberation Serif, metric-compatible with Times New Roman, SIL OFL) ships in
`documents/fonts/` and is loaded by file:// URL, so a PDF is the same on every machine. The
stylesheet and its fonts are parsed once per process; the created/modified dates of the PDF come
from the issue time, so rendering the same data twice gives the same bytes.

Speed: WeasyPrint subsets every embedded font per PDF, with fontTools when the system has no
HarfBuzz-Subset, and most of a form's time went there. So once per machine the shipped fonts are
cut down (in a cache directory, never redistributed) to the Latin and Vietnamese characters,
without hinting and OpenType layout tables (no kerning, as in a word processor's default); the
glyph outlines and advance widths are the shipped ones.
"""

from __future__ import annotations

import atexit
import datetime as dt
import hashlib
import io
import logging
import os
import tempfile
import threading
import warnings
from pathlib import Path

from django.template.loader import render_to_string
from django.utils import timezone

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT_FAMILY = "Liberation Serif"
FONT_FILES = {
    ("normal", "normal"): "LiberationSerif-Regular.ttf",
    ("bold", "normal"): "LiberationSerif-Bold.ttf",
    ("normal", "italic"): "LiberationSerif-Italic.ttf",
    ("bold", "italic"): "LiberationSerif-BoldItalic.ttf",
}
# Latin, Latin-1, Latin Extended-A/B, combining marks, Vietnamese (Latin Extended Additional),
# punctuation, the đồng sign, №.
FONT_RANGES = [(0x20, 0x7E), (0xA0, 0x24F), (0x300, 0x36F), (0x1E00, 0x1EFF), (0x2000, 0x206F),
               (0x20AB, 0x20AC), (0x2116, 0x2116)]
FONT_RECIPE = "1"

# WeasyPrint reports each step and fontTools each table at INFO: noise in the server's log.
for _name in ("weasyprint.progress", "fontTools"):
    logging.getLogger(_name).setLevel(logging.WARNING)


class _NoHarfBuzzNotice(logging.Filter):
    """Without the system's HarfBuzz-Subset WeasyPrint warns on every font of every PDF; the
    fontTools path is the one measured and tested here (see the module's docstring)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "HarfBuzz-Subset" not in record.getMessage()


logging.getLogger("weasyprint").addFilter(_NoHarfBuzzNotice())
warnings.filterwarnings("ignore", message="HarfBuzz-Subset will be required", category=DeprecationWarning)

# A4; front-page margins of domain.md §7: top 25, bottom 25, left 35, right 15 mm. Page numbers from
# page 2, centred over the text block, 10 mm from the top edge.
PAGE_CSS = f"""
@page {{
  size: A4;
  margin: 25mm 15mm 25mm 35mm;
  @top-center {{
    content: counter(page);
    vertical-align: top;
    padding-top: 10mm;
    font-family: "{FONT_FAMILY}";
    font-size: 14pt;
  }}
}}
@page :first {{ @top-center {{ content: none; }} }}
"""


def derived_font_dir() -> Path:
    """The shipped fonts cut down for fast subsetting, made once per machine (see the module's
    docstring). Keyed by the fonts' and fontTools' versions, so a change rebuilds it."""
    from fontTools import subset, version
    from fontTools.ttLib import TTFont

    digest = hashlib.sha256(FONT_RECIPE.encode() + version.encode() + b"fixed-timestamp")
    for name in FONT_FILES.values():
        digest.update((FONT_DIR / name).read_bytes())
    target = Path(os.environ.get("DOCUMENTS_FONT_CACHE", tempfile.gettempdir())) / f"ptdv-fonts-{digest.hexdigest()[:16]}"
    if all((target / name).exists() for name in FONT_FILES.values()):
        return target
    target.mkdir(parents=True, exist_ok=True)
    unicodes = [c for start, end in FONT_RANGES for c in range(start, end + 1)]
    for name in FONT_FILES.values():
        options = subset.Options(hinting=False, desubroutinize=True, layout_features=[], name_IDs=["*"],
                                 name_languages=["*"], notdef_outline=True, glyph_names=False)
        options.drop_tables += ["GSUB", "GPOS", "GDEF", "kern", "FFTM"]
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=unicodes)
        # Keep the shipped font's timestamp: two processes building the cache at once then write
        # identical files, and a document re-rendered later embeds identical bytes.
        font = TTFont(FONT_DIR / name, recalcTimestamp=False)
        subsetter.subset(font)
        out = io.BytesIO()
        font.save(out)
        partial = target / f".{name}.{os.getpid()}"
        partial.write_bytes(out.getvalue())
        partial.replace(target / name)  # atomic: a concurrent process sees the whole file or none
    return target


def font_face_css(font_dir: Path | None = None) -> str:
    font_dir = font_dir or FONT_DIR
    rules = []
    for (weight, style), name in FONT_FILES.items():
        rules.append(
            f'@font-face {{ font-family: "{FONT_FAMILY}"; src: url("{(font_dir / name).as_uri()}"); '
            f"font-weight: {weight}; font-style: {style}; }}"
        )
    return "\n".join(rules)


_lock = threading.Lock()
_shared: dict = {}
# Let WeasyPrint's font configuration go while the interpreter is whole (its __del__ needs cffi).
atexit.register(_shared.clear)


# Every face and weight the forms use, with Vietnamese letters.
WARM_UP_HTML = ("<p>Đảng Cộng sản Việt Nam <b>Quyết định</b> <i>ngày 01 tháng 02 năm 2025</i> "
                "<b><i>Nơi nhận</i></b> 0123456789</p>")


def _stylesheet():
    """(FontConfiguration, CSS) parsed once: loading four TTFs costs more than laying out a form."""
    with _lock:
        if not _shared:
            from weasyprint import CSS
            from weasyprint.text.fonts import FontConfiguration

            font_config = FontConfiguration()
            css_text = font_face_css(derived_font_dir()) + PAGE_CSS + render_to_string("documents/pdf/style.css")
            css = CSS(string=css_text, font_config=font_config, base_url=FONT_DIR.as_uri() + "/")
            # The first document laid out with a new font configuration embeds its fonts slightly
            # differently from every later one; lay one out now so that every real document, the
            # first of a process included, comes out byte for byte the same when re-rendered.
            from weasyprint import HTML

            HTML(string=WARM_UP_HTML).write_pdf(stylesheets=[css], font_config=font_config, pdf_identifier=False)
            _shared["font_config"] = font_config
            _shared["css"] = css
        return _shared["font_config"], _shared["css"]


def w3c(moment: dt.datetime) -> str:
    """The PDF's creation date: the issue time in Vietnam, to the second."""
    local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
    return local.replace(microsecond=0).isoformat()


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML

    font_config, css = _stylesheet()
    return HTML(string=html, base_url=FONT_DIR.as_uri() + "/").write_pdf(
        stylesheets=[css], font_config=font_config, pdf_identifier=False, uncompressed_pdf=False,
    )


def render_html(template: str, data: dict, *, created: dt.datetime) -> str:
    return render_to_string(template, {"doc": data, "created": w3c(created)})


def render_pdf(template: str, data: dict, *, created: dt.datetime) -> bytes:
    return html_to_pdf(render_html(template, data, created=created))
