"""Charts drawn on the server as inline SVG: no script, no library, no CDN; readable when printed.

Each function returns markup safe to put in a template (`mark_safe` over escaped labels).
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from dossiers.formatting import vn_number

from .stats import MonthPoint, Progress

BLUE = "#1565c0"
GREEN = "#2e7d32"
RED = "#c62828"
GREY = "#9e9e9e"
LIGHT = "#e3f2fd"


def _num(value) -> str:
    """SVG coordinates: a dot, whatever the locale."""
    return f"{float(value):.1f}".rstrip("0").rstrip(".")


def progress_bar(progress: Progress, *, width: int = 180, height: int = 18) -> SafeString:
    """One organisation's admissions as a bar against its quota (the full width), with a tick
    at the pro-rata target; red when lagging, green when the quota is met."""
    target = progress.target
    title = escape(_("%(admitted)s admitted of a quota of %(target)s") % {
        "admitted": vn_number(progress.admitted), "target": vn_number(target) if target else "—"})
    if not target:
        return mark_safe(
            f'<svg class="reports-bar" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
            f'aria-label="{title}"><title>{title}</title>'
            f'<rect x="0" y="3" width="{width}" height="{height - 6}" fill="none" stroke="{GREY}" stroke-dasharray="3 3"/>'
            f"</svg>"
        )
    fill = GREEN if progress.admitted >= target else (RED if progress.lagging else BLUE)
    filled = min(progress.admitted / target, 1.0) * width
    parts = [
        f'<svg class="reports-bar" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{title}"><title>{title}</title>',
        f'<rect x="0" y="3" width="{width}" height="{height - 6}" fill="{LIGHT}"/>',
        f'<rect x="0" y="3" width="{_num(filled)}" height="{height - 6}" fill="{fill}"/>',
    ]
    if progress.expected is not None and progress.expected < target:
        x = float(progress.expected / target) * width
        parts.append(f'<line x1="{_num(x)}" y1="0" x2="{_num(x)}" y2="{height}" stroke="#212121" stroke-width="2"/>')
    parts.append("</svg>")
    return mark_safe("".join(parts))


def monthly_chart(points: list[MonthPoint], *, width: int = 640, height: int = 260) -> SafeString:
    """Admissions per month (bars), their running total (solid line) and the pro-rata target
    (dashed line) over the twelve months of the year."""
    left, right, top, bottom = 40, 12, 16, 36
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max([p.cumulative or 0 for p in points] + [float(p.target or 0) for p in points] + [1])
    step = plot_w / 12

    def y(value) -> float:
        return top + plot_h - float(value) / peak * plot_h

    title = escape(_("Admissions per month against the pro-rata quota"))
    parts = [
        f'<svg class="reports-chart" width="100%" viewBox="0 0 {width} {height}" role="img" aria-label="{title}">'
        f"<title>{title}</title>",
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}" stroke="{GREY}"/>',
    ]
    for tick in _ticks(peak):
        parts.append(f'<line x1="{left}" y1="{_num(y(tick))}" x2="{width - right}" y2="{_num(y(tick))}" '
                     f'stroke="#eeeeee"/><text x="{left - 6}" y="{_num(y(tick) + 4)}" text-anchor="end" '
                     f'font-size="11" fill="#616161">{vn_number(tick)}</text>')
    for i, p in enumerate(points):
        x = left + i * step
        label = escape(_("M%(month)s") % {"month": p.month})
        parts.append(f'<text x="{_num(x + step / 2)}" y="{height - bottom + 16}" text-anchor="middle" font-size="11" '
                     f'fill="#616161">{label}</text>')
        if p.admitted:
            bar_title = escape(_("Month %(month)s: %(n)s admitted, %(total)s since January") % {
                "month": p.month, "n": vn_number(p.admitted), "total": vn_number(p.cumulative or 0)})
            parts.append(f'<rect x="{_num(x + step * .25)}" y="{_num(y(p.admitted))}" width="{_num(step * .5)}" '
                         f'height="{_num(top + plot_h - y(p.admitted))}" fill="{LIGHT}" stroke="{BLUE}">'
                         f"<title>{bar_title}</title></rect>")
    targets = [(left + (i + 1) * step, p.target) for i, p in enumerate(points) if p.target is not None]
    if targets:
        path = " ".join(f"{_num(x)},{_num(y(t))}" for x, t in [(left, Decimal(0)), *targets])
        parts.append(f'<polyline points="{path}" fill="none" stroke="{RED}" stroke-width="2" stroke-dasharray="6 4"/>')
    actual = [(left + (i + 1) * step, p.cumulative) for i, p in enumerate(points) if p.cumulative is not None]
    if actual:
        path = " ".join(f"{_num(x)},{_num(y(c))}" for x, c in [(left, 0), *actual])
        parts.append(f'<polyline points="{path}" fill="none" stroke="{BLUE}" stroke-width="2.5"/>')
    parts.append("</svg>")
    return mark_safe("".join(parts))


def _ticks(peak: float) -> list[int]:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if peak / step <= 5:
            break
    return list(range(0, int(peak) + 1, step))


def pipeline_chart(rows: list[tuple[str, str, int]], *, width: int = 640, row_height: int = 26) -> SafeString:
    """Dossiers per stage, one horizontal bar each, with the count at its end."""
    label_w = 250
    plot_w = width - label_w - 50
    peak = max([n for _s, _l, n in rows] + [1])
    height = row_height * len(rows) + 4
    title = escape(_("Dossiers per stage"))
    parts = [f'<svg class="reports-chart" width="100%" viewBox="0 0 {width} {height}" role="img" aria-label="{title}">'
             f"<title>{title}</title>"]
    for i, (state, label, n) in enumerate(rows):
        y = i * row_height + 2
        w = n / peak * plot_w
        parts.append(
            f'<text x="{label_w - 8}" y="{y + row_height * .65:.1f}" text-anchor="end" font-size="12" fill="#424242">'
            f"{escape(str(label))}</text>"
            f'<rect class="reports-stage reports-stage--{escape(state)}" x="{label_w}" y="{y + 4}" width="{_num(w)}" '
            f'height="{row_height - 8}" fill="{BLUE if state != "probation" else GREEN}"/>'
            f'<text x="{_num(label_w + w + 6)}" y="{y + row_height * .65:.1f}" font-size="12" fill="#212121">'
            f"{vn_number(n)}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))
