"""The statistics' bar charts as PNG for the DOCX (Word shows no SVG from python-docx): drawn with
Pillow and DejaVu Sans, the same bars and values as the SVG of the PDF (sections.Chart)."""

import io
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

from insights.charts import number

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
SCALE = 2  # drawn at twice the size: sharp when printed
BAR, GAP, LABEL_WIDTH, WIDTH = 18, 6, 230, 620


@lru_cache(maxsize=1)
def _font():
    try:
        return ImageFont.truetype(FONT, 11 * SCALE)
    except OSError:  # no DejaVu: Pillow's own font (Latin only, but never a crash)
        return ImageFont.load_default()


def bar_chart_png(chart) -> bytes:
    top = max((value for _label, value in chart.bars), default=0) or 1
    room = WIDTH - LABEL_WIDTH - 60
    height = len(chart.bars) * (BAR + GAP) + GAP
    image = Image.new("RGB", (WIDTH * SCALE, max(height, 1) * SCALE), "white")
    draw, font = ImageDraw.Draw(image), _font()
    for n, (label, value) in enumerate(chart.bars):
        y = GAP + n * (BAR + GAP)
        width = max(1, round(room * value / top)) if value else 0
        short = label if len(label) <= 34 else label[:33] + "…"
        middle = (y + BAR / 2) * SCALE
        draw.text(((LABEL_WIDTH - 8) * SCALE, middle), short, fill="#222222", font=font, anchor="rm")
        if width:
            draw.rectangle(
                (LABEL_WIDTH * SCALE, y * SCALE, (LABEL_WIDTH + width) * SCALE, (y + BAR) * SCALE), fill="#2f5d8a"
            )
        draw.text(((LABEL_WIDTH + width + 6) * SCALE, middle), number(value), fill="#222222", font=font, anchor="lm")
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()
