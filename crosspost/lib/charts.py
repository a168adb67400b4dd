"""Charts as inline SVG, drawn on the server: no script, no third party, readable without CSS.

Each chart carries a text alternative (`aria-label` plus a <title>), and the screens that show
one also show its numbers in a table, so nothing is only in the picture.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

COLOURS = ("#1f6fb2", "#c2410c", "#15803d", "#7c3aed")


def _n(value: float) -> str:
    return f"{value:.1f}"


def _scale_top(value: float) -> int:
    """A round number at or above `value` for the top of the axis."""
    if value <= 0:
        return 1
    step = 10 ** (len(str(int(value))) - 1)
    for factor in (1, 2, 2.5, 5, 10):
        if value <= step * factor:
            return int(step * factor)
    return int(step * 10)


def line_chart(labels: Sequence[str], series: Sequence[tuple[str, Sequence[float]]], *, title: str,
               width: int = 720, height: int = 220) -> SafeString:
    """Lines over `labels` (e.g. days), one per (name, values); the y axis starts at zero."""
    left, right, top, bottom = 48, 12, 12, 28
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = _scale_top(max((max(values, default=0) for _, values in series), default=0))
    count = max(len(labels), 1)

    def x(i: int) -> float:
        return left + (plot_w * i / (count - 1) if count > 1 else plot_w / 2)

    def y(v: float) -> float:
        return top + plot_h - plot_h * v / peak

    parts = [format_html('<svg class="chart" viewBox="0 0 {} {}" width="100%" role="img" aria-label="{}" '
                         'xmlns="http://www.w3.org/2000/svg"><title>{}</title>', width, height, title, title)]
    for fraction in (0, 0.5, 1):
        value = peak * fraction
        parts.append(format_html(
            '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="#d0d7de" stroke-width="1"/>'
            '<text x="{}" y="{}" font-size="11" text-anchor="end" fill="#444">{}</text>',
            left, width - right, _n(y(value)), _n(y(value)), left - 6, _n(y(value) + 4), f"{value:,.0f}"))
    ticks = sorted({0, count - 1, *range(0, count, max(1, count // 6))})
    for i in ticks:
        if i < len(labels):
            parts.append(format_html('<text x="{}" y="{}" font-size="11" text-anchor="middle" fill="#444">{}</text>',
                                     _n(x(i)), height - 8, labels[i]))
    legend_x = left + 8
    for n, (name, values) in enumerate(series):
        colour = COLOURS[n % len(COLOURS)]
        points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(values))
        parts.append(format_html('<polyline fill="none" stroke="{}" stroke-width="2" points="{}"><title>{}</title>'
                                 '</polyline>', colour, points, name))
        parts.append(format_html('<text x="{}" y="{}" font-size="12" fill="{}">{}</text>',
                                 legend_x, top + 12, colour, name))
        # Each name gets the room it takes (about 7 units a character at this size), so long
        # ones such as site names do not run into the next; short ones keep the old spacing.
        legend_x += max(120, 7 * len(name) + 16)
    parts.append(mark_safe("</svg>"))  # noqa: S308 - a constant
    return mark_safe("".join(str(p) for p in parts))  # noqa: S308 - every part above is escaped


def sparkline(values: Sequence[float], *, title: str, width: int = 120, height: int = 28) -> SafeString:
    """A small line without axes, for the dashboard's panels."""
    peak = max(max(values, default=0), 1)
    count = max(len(values), 1)
    points = " ".join(
        f"{(width - 2) * i / max(count - 1, 1) + 1:.1f},{height - 2 - (height - 4) * v / peak:.1f}"
        for i, v in enumerate(values))
    return mark_safe(  # noqa: S308 - the title is escaped, the points are numbers
        f'<svg class="sparkline" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
        f'<polyline fill="none" stroke="{COLOURS[0]}" stroke-width="2" points="{points}"/></svg>')
