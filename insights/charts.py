"""Charts as SVG, drawn on the server: no JavaScript, nothing the CSP forbids (no style="", no
<style>: colours are presentation attributes, so the SVG looks the same in a page, in a PDF of the
compendium and on its own), readable at a glance and by a screen reader (role="img", <title>,
<desc>; every page shows the figures as a table as well).

Pure: a Chart in, a string out (`render_svg`). Kinds:
- BARS: one bar per label (several series: bars side by side);
- STACKED: the series stacked in one bar per label;
- SHARES: stacked to 100 % (each label's values as shares of their sum);
- LINES: a line per series over the labels (years), each with its own dash and marker shape, so
  that no line is told from another by colour alone;
- HBARS: horizontal bars with long labels on the left (regions, themes).
"""

import math
from dataclasses import dataclass
from html import escape

BARS, STACKED, SHARES, LINES, HBARS = "bars", "stacked", "shares", "lines", "hbars"

# Dark enough for white text and against white (WCAG 3:1 for graphics), distinct in grey too.
PALETTE = ("#1f4e79", "#c77c00", "#2e7d32", "#a33b3b", "#6a4c93", "#5f7482", "#00838f", "#8d6e63")
INK, MUTED, GRID = "#1d2733", "#4a5868", "#d6dde5"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'PT Sans', 'DejaVu Sans', Arial, sans-serif"
WIDTH = 640
FONT_SIZE = 16
SMALL = 14
DASHES = ("", "8 4", "2 3", "10 3 2 3", "4 4", "1 2")


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[float, ...]
    # A colour of its own (outcomes: done green, not done red …); else the palette's next.
    color: str | None = None


@dataclass(frozen=True)
class Chart:
    # Names the chart in addresses and files: /stats/<key>.csv.
    key: str
    title: str
    labels: tuple[str, ...]
    series: tuple[Series, ...]
    # What a value counts («отчётов», «пунктов»); SHARES are drawn in % of this.
    unit: str
    kind: str = BARS
    description: str = ""
    # What the labels are («Год», «Регион»): the heading of their column in the table and the CSV.
    axis: str = ""

    @property
    def is_empty(self) -> bool:
        return not self.labels or not any(v for s in self.series for v in s.values)

    def totals(self) -> tuple[float, ...]:
        return tuple(sum(s.values[i] for s in self.series) for i in range(len(self.labels)))

    def shares(self) -> list[tuple[float, ...]]:
        """Per series, each label's value as a percentage of the label's total (0 for an empty one)."""
        totals = self.totals()
        return [tuple(100 * v / t if t else 0 for v, t in zip(s.values, totals)) for s in self.series]

    def colors(self) -> list[str]:
        return [s.color or PALETTE[i % len(PALETTE)] for i, s in enumerate(self.series)]


def number(value: float) -> str:
    """12 → «12», 12.5 → «12,5» (the Russian decimal comma), thousands with a thin space."""
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", "\u202f")
    return f"{value:,.1f}".replace(",", "\u202f").replace(".", ",")


def percent(value: float) -> str:
    return f"{round(value):d}\u00a0%"


def _e(text) -> str:
    return escape(str(text), quote=True)


def _text_width(text: str, size: int = FONT_SIZE) -> float:
    """A generous estimate of the width of `text` (no font metrics on the server)."""
    return len(str(text)) * size * 0.58


def _wrap(text: str, width: float, size: int = FONT_SIZE, lines: int = 2) -> list[str]:
    """`text` in up to `lines` lines of about `width` pixels, the last one cut with «…»."""
    limit = max(4, int(width / (size * 0.58)))
    words, out, line = str(text).split(), [], ""
    for word in words:
        candidate = f"{line} {word}".strip()
        if len(candidate) <= limit or not line:
            line = candidate
        else:
            out.append(line)
            line = word
    if line:
        out.append(line)
    if len(out) > lines:
        out = out[:lines]
        out[-1] = out[-1][: limit - 1].rstrip() + "…"
    return [part if len(part) <= limit else part[: limit - 1] + "…" for part in out] or [""]


def _nice_max(value: float) -> tuple[float, float]:
    """(The top of the axis, the step of its gridlines): 1, 2 or 5 × 10ⁿ, about four steps."""
    if value <= 0:
        return 1, 1
    raw = value / 4
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    step = max(step, 1) if value >= 1 else step
    return step * math.ceil(value / step), step


def _ink_on(color: str) -> str:
    """White or dark text, whichever reads on `color`."""
    r, g, b = (int(color[i : i + 2], 16) / 255 for i in (1, 3, 5))
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return "#ffffff" if luminance < 0.55 else INK


def _open(chart: Chart, height: float, prefix: str) -> list[str]:
    title_id, desc_id = f"{prefix}-title", f"{prefix}-desc"
    description = chart.description or chart.title
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" role="img" viewBox="0 0 {WIDTH} {height:.0f}" '
        f'width="{WIDTH}" height="{height:.0f}" aria-labelledby="{title_id} {desc_id}" '
        f'font-family="{FONT}" font-size="{FONT_SIZE}" fill="{INK}">',
        f'<title id="{title_id}">{_e(chart.title)}</title>',
        f'<desc id="{desc_id}">{_e(description)}</desc>',
        f'<rect width="{WIDTH}" height="{height:.0f}" fill="#ffffff"/>',
    ]


def _legend(chart: Chart, top: float, lines: bool = False) -> tuple[list[str], float]:
    """The legend from `top` down, wrapped into rows: (its elements, its height)."""
    if len(chart.series) < 2:
        return [], 0
    parts, x, y, row = [], 16.0, top, 22
    for i, (series, color) in enumerate(zip(chart.series, chart.colors())):
        width = 34 + _text_width(series.name, SMALL) + 18
        if x + width > WIDTH - 8 and x > 16:
            x, y = 16.0, y + row
        if lines:
            dash = DASHES[i % len(DASHES)]
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            parts.append(
                f'<line x1="{x:.1f}" y1="{y + 8:.1f}" x2="{x + 26:.1f}" y2="{y + 8:.1f}" stroke="{color}" '
                f'stroke-width="3"{dash_attr}/>'
            )
            parts.append(_marker(i, x + 13, y + 8, color))
        else:
            parts.append(f'<rect x="{x:.1f}" y="{y + 1:.1f}" width="14" height="14" rx="2" fill="{color}"/>')
        parts.append(
            f'<text x="{x + (32 if lines else 20):.1f}" y="{y + 13:.1f}" font-size="{SMALL}">{_e(series.name)}</text>'
        )
        x += width
    return parts, y + row - top + 4


def _marker(i: int, x: float, y: float, color: str) -> str:
    """A marker of its own shape per series: circle, square, triangle, diamond, …"""
    shape = i % 4
    if shape == 0:
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4.5" fill="{color}"/>'
    if shape == 1:
        return f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="{color}"/>'
    if shape == 2:
        return f'<path d="M{x:.1f} {y - 5.5:.1f}L{x + 5:.1f} {y + 4:.1f}L{x - 5:.1f} {y + 4:.1f}Z" fill="{color}"/>'
    return f'<path d="M{x:.1f} {y - 5.5:.1f}L{x + 5.5:.1f} {y:.1f}L{x:.1f} {y + 5.5:.1f}L{x - 5.5:.1f} {y:.1f}Z" fill="{color}"/>'


def _columns(chart: Chart, prefix: str) -> str:
    """BARS, STACKED, SHARES and LINES: the labels along the bottom, values up the left."""
    shares = chart.kind == SHARES
    stacked = chart.kind in (STACKED, SHARES)
    values = chart.shares() if shares else [s.values for s in chart.series]
    if shares:
        top_value, step = 100, 25
    elif stacked:
        top_value, step = _nice_max(max(chart.totals(), default=0))
    else:
        top_value, step = _nice_max(max((v for s in values for v in s), default=0))
    left, right, top, plot_h = 56, 16, 28, 220
    plot_w = WIDTH - left - right
    n = len(chart.labels)
    slot = plot_w / max(n, 1)
    label_every = max(1, math.ceil(max((_text_width(label) for label in chart.labels), default=0) / (slot - 4)))
    bottom = top + plot_h
    legend, legend_h = _legend(chart, bottom + 34, lines=chart.kind == LINES)
    height = bottom + 34 + legend_h + 6
    out = _open(chart, height, prefix)

    def y_of(value):
        return bottom - plot_h * value / top_value

    # Gridlines and the values along the left.
    tick = 0.0
    while tick <= top_value + 1e-9:
        y = y_of(tick)
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{WIDTH - right}" y2="{y:.1f}" stroke="{GRID}"/>')
        label = percent(tick) if shares else number(tick)
        out.append(
            f'<text x="{left - 8}" y="{y + 5:.1f}" text-anchor="end" font-size="{SMALL}" fill="{MUTED}">{label}</text>'
        )
        tick += step
    if chart.unit:
        out.append(f'<text x="{left - 48}" y="{top - 12}" font-size="{SMALL}" fill="{MUTED}">{_e(chart.unit)}</text>')
    out.append(f'<line x1="{left}" y1="{bottom}" x2="{WIDTH - right}" y2="{bottom}" stroke="{MUTED}"/>')
    for i, label in enumerate(chart.labels):
        if i % label_every == 0 or i == n - 1 and (n - 1) % label_every > label_every / 2:
            x = left + slot * (i + 0.5)
            out.append(f'<text x="{x:.1f}" y="{bottom + 22}" text-anchor="middle">{_e(label)}</text>')

    colors = chart.colors()
    if chart.kind == LINES:
        for k, (series, color) in enumerate(zip(values, colors)):
            points = [(left + slot * (i + 0.5), y_of(v)) for i, v in enumerate(series)]
            dash = DASHES[k % len(DASHES)]
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            out.append(f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="3"{dash_attr}/>')
            out.extend(_marker(k, x, y, color) for x, y in points)
    elif stacked:
        bar_w = min(slot * 0.7, 72)
        for i in range(n):
            x = left + slot * (i + 0.5) - bar_w / 2
            base = 0.0
            for k, (series, color) in enumerate(zip(values, colors)):
                value = series[i]
                if not value:
                    continue
                y0, y1 = y_of(base), y_of(base + value)
                name = chart.series[k].name
                shown = percent(value) if shares else number(value)
                out.append(
                    f'<rect x="{x:.1f}" y="{y1:.1f}" width="{bar_w:.1f}" height="{y0 - y1:.1f}" fill="{color}" '
                    f'stroke="#ffffff" stroke-width="1"><title>{_e(chart.labels[i])}: {_e(name)} — {shown}</title></rect>'
                )
                if y0 - y1 >= 18 and bar_w >= _text_width(shown, SMALL) + 4:
                    out.append(
                        f'<text x="{x + bar_w / 2:.1f}" y="{(y0 + y1) / 2 + 5:.1f}" text-anchor="middle" '
                        f'font-size="{SMALL}" fill="{_ink_on(color)}">{shown}</text>'
                    )
                base += value
            if not shares and base:
                total = number(base)
                if bar_w >= _text_width(total, SMALL) - 8:
                    out.append(
                        f'<text x="{x + bar_w / 2:.1f}" y="{y_of(base) - 6:.1f}" text-anchor="middle" '
                        f'font-size="{SMALL}" font-weight="600">{total}</text>'
                    )
    else:
        groups = len(values)
        bar_w = min(slot * 0.75 / groups, 64)
        for i in range(n):
            x0 = left + slot * (i + 0.5) - bar_w * groups / 2
            for k, (series, color) in enumerate(zip(values, colors)):
                value = series[i]
                x, y = x0 + k * bar_w, y_of(value)
                name = chart.series[k].name
                out.append(
                    f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w - 1:.1f}" height="{bottom - y:.1f}" fill="{color}">'
                    f"<title>{_e(chart.labels[i])}: {_e(name)} — {number(value)}</title></rect>"
                )
                if bar_w >= _text_width(number(value), SMALL) - 6:
                    out.append(
                        f'<text x="{x + bar_w / 2:.1f}" y="{y - 6:.1f}" text-anchor="middle" font-size="{SMALL}" '
                        f'font-weight="600">{number(value)}</text>'
                    )
    out.extend(legend)
    out.append("</svg>")
    return "".join(out)


def _rows(chart: Chart, prefix: str) -> str:
    """HBARS: one row per label, the label (up to two lines) on the left, the value after the bar."""
    label_w, left_pad, gap = 230, 8, 10
    values = chart.series[0].values if chart.series else ()
    top_value = max(values, default=0) or 1
    bar_left = left_pad + label_w + gap
    bar_room = WIDTH - bar_left - 56
    wrapped = [_wrap(label, label_w) for label in chart.labels]
    heights = [18 * len(lines) + 12 for lines in wrapped]
    height = 12 + sum(heights) + 8
    out = _open(chart, height, prefix)
    color = chart.colors()[0] if chart.series else PALETTE[0]
    y = 12.0
    for label, lines, row_h, value in zip(chart.labels, wrapped, heights, values):
        text_top = y + row_h / 2 - 18 * len(lines) / 2 + 13
        tspans = "".join(
            f'<tspan x="{left_pad + label_w}" y="{text_top + 18 * j:.1f}">{_e(line)}</tspan>'
            for j, line in enumerate(lines)
        )
        out.append(f'<text text-anchor="end">{tspans}</text>')
        width = bar_room * value / top_value
        bar_h = min(row_h - 10, 22)
        bar_y = y + (row_h - bar_h) / 2
        out.append(
            f'<rect x="{bar_left}" y="{bar_y:.1f}" width="{max(width, 1):.1f}" height="{bar_h:.1f}" fill="{color}">'
            f"<title>{_e(label)} — {number(value)}</title></rect>"
        )
        out.append(
            f'<text x="{bar_left + width + 6:.1f}" y="{bar_y + bar_h / 2 + 5:.1f}" font-weight="600">{number(value)}</text>'
        )
        y += row_h
    out.append(f'<line x1="{bar_left}" y1="8" x2="{bar_left}" y2="{height - 6:.0f}" stroke="{MUTED}"/>')
    out.append("</svg>")
    return "".join(out)


def render_svg(chart: Chart, id_prefix: str | None = None) -> str:
    """The chart as an inline <svg> element (a string; mark it safe in a template). `id_prefix`
    keeps the ids of its <title> and <desc> unique when one page shows a chart twice."""
    prefix = id_prefix or f"chart-{chart.key}"
    if chart.kind == HBARS:
        return _rows(chart, prefix)
    return _columns(chart, prefix)
