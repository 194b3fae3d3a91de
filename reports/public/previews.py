"""Preview images for shared links (og:image): a 1200×630 PNG drawn on the server.

A report's image names the portal, the city, its region and the year, and counts the items of
the four sections; a city's counts them over its published reports and gives their years; the
portal's own (home, lists) gives the number of published reports and cities.

Only what is published is drawn: each view reads from Report.objects.published(), so a draft or
a withdrawn report has no image (404). An image is made on request and kept like a page, by the
public page cache (portal/page_cache.py, see urls.py): under the generations of its city (or of
the lists), so the one of a report that has since changed or been withdrawn is never served
again, and a browser or a link-preview service revalidates it by its ETag. The database stays
the only truth; nothing is written on disk.

Text is set in DejaVu Sans (Debian: fonts-dejavu-core; the Dockerfile and .ci/run install it),
which has Cyrillic; without it the image is still made, with Pillow's own font.
"""

import functools
import hashlib
import io
import logging
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Count, Max, Min
from django.http import Http404, HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_safe

from portal.text import plain_text

from ..models import SECTIONS, Report
from .sharing import IMAGE_HEIGHT, IMAGE_WIDTH, LICENCE_NAME

logger = logging.getLogger(__name__)

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
REGULAR, BOLD = "DejaVuSans.ttf", "DejaVuSans-Bold.ttf"

BRAND, INK, MUTED, SOFT, LINE, WHITE = "#1f4e79", "#1d2733", "#4a5868", "#f3f6f9", "#d6dde5", "#ffffff"
MARGIN = 64
BAND = 104  # the portal's band at the top
CARD_GAP = 24
CARD_TOP, CARD_HEIGHT = 352, 184


@functools.cache
def font(name: str, size: int):
    """DejaVu at this size (Pillow also looks for the file by name among the system's fonts), or
    Pillow's built-in font if there is none (said once in the log)."""
    from PIL import ImageFont

    path = FONT_DIR / name
    try:
        return ImageFont.truetype(str(path), size)
    except OSError:
        _warn_missing_font(path)
        return ImageFont.load_default(size)


@functools.cache
def _warn_missing_font(path: Path) -> None:
    logger.warning("Preview images: font %s not found (install fonts-dejavu-core); using Pillow's own.", path)


def _width(draw, text: str, face) -> float:
    return draw.textlength(text, font=face)


def _wrap(draw, text: str, face, width: int) -> list[str]:
    """Words into lines no wider than `width` (a word longer than a line stays whole). Only plain
    spaces break: a no-break space keeps «2 отчёта» or «· 2020» together."""
    lines, line = [], ""
    for word in (w for w in text.split(" ") if w):
        candidate = f"{line} {word}".strip()
        if line and _width(draw, candidate, face) > width:
            lines.append(line)
            line = word
        else:
            line = candidate
    if line:
        lines.append(line)
    return lines


def _ellipsize(draw, text: str, face, width: int) -> str:
    if _width(draw, text, face) <= width:
        return text
    while text and _width(draw, text + "…", face) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def fit(draw, text: str, name: str, sizes, width: int, max_lines: int) -> tuple:
    """(font, lines): the largest of `sizes` at which `text` takes at most `max_lines` lines of
    `width`; at the smallest, the last line is cut with «…» and every line is cut to the width."""
    for size in sizes:
        face = font(name, size)
        lines = _wrap(draw, text, face, width)
        if len(lines) <= max_lines and all(_width(draw, line, face) <= width for line in lines):
            return face, lines
    lines = _wrap(draw, text, face, width)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1] + " " + "…"
    return face, [_ellipsize(draw, line, face, width) for line in lines]


def _line_height(face) -> int:
    return int(getattr(face, "size", 16) * 1.22)


def _draw_lines(draw, lines, face, x: int, y: int, fill) -> int:
    """Draw the lines from (x, y); returns the y below them."""
    for line in lines:
        draw.text((x, y), line, font=face, fill=fill)
        y += _line_height(face)
    return y


def _site_host() -> str:
    return urlsplit(settings.PORTAL_BASE_URL).netloc or settings.PORTAL_BASE_URL


def draw_preview(title: str, subtitle: str, cards: list[tuple[str, str]], note: str = "") -> bytes:
    """The image: the portal's band, a title (up to two lines), a subtitle, up to four cards of
    (number, label), and the portal's address with the licence at the foot. PNG bytes."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (IMAGE_WIDTH, IMAGE_HEIGHT), WHITE)
    draw = ImageDraw.Draw(image)
    inner = IMAGE_WIDTH - 2 * MARGIN

    # The band: the brand mark and the portal's name.
    draw.rectangle((0, 0, IMAGE_WIDTH, BAND), fill=BRAND)
    mark_face = font(BOLD, 30)
    mark = "АСДГ"
    mark_width = int(_width(draw, mark, mark_face)) + 28
    draw.rounded_rectangle((MARGIN, 28, MARGIN + mark_width, BAND - 28), radius=8, outline=WHITE, width=3)
    draw.text((MARGIN + 14, BAND // 2), mark, font=mark_face, fill=WHITE, anchor="lm")
    name_face, name_lines = fit(draw, _("Портал отчётов АСДГ"), REGULAR, (34, 30, 26), inner - mark_width - 28, 1)
    draw.text((MARGIN + mark_width + 28, BAND // 2), name_lines[0], font=name_face, fill=WHITE, anchor="lm")

    # The title (up to two lines) and the subtitle (up to two lines under a one-line title).
    y = BAND + 40
    title_face, title_lines = fit(draw, title, BOLD, (72, 64, 56, 48, 42), inner, 2)
    y = _draw_lines(draw, title_lines, title_face, MARGIN, y, INK)
    if subtitle:
        face, lines = fit(draw, subtitle, REGULAR, (34, 30, 26), inner, 3 - len(title_lines))
        y = _draw_lines(draw, lines, face, MARGIN, y + 8, MUTED)

    # The cards: a number and what it counts, below the text and above the foot.
    if cards:
        card_width = (inner - CARD_GAP * (len(cards) - 1)) // len(cards)
        top = max(CARD_TOP, y + 28)
        bottom = min(top + CARD_HEIGHT - 24, IMAGE_HEIGHT - 84)
        for index, (number, label) in enumerate(cards):
            left = MARGIN + index * (card_width + CARD_GAP)
            draw.rounded_rectangle((left, top, left + card_width, bottom), radius=14, fill=SOFT, outline=LINE, width=2)
            number_face, number_lines = fit(draw, number, BOLD, (64, 54, 44), card_width - 40, 1)
            draw.text((left + 20, top + 12), number_lines[0], font=number_face, fill=BRAND)
            label_face, label_lines = fit(draw, label, REGULAR, (24, 22, 20, 18), card_width - 40, 2)
            _draw_lines(draw, label_lines, label_face, left + 20, top + 84, INK)

    # The foot: where it is from, and the licence.
    foot_face = font(REGULAR, 24)
    foot_y = IMAGE_HEIGHT - 36
    licence = f"{note} · {LICENCE_NAME}" if note else LICENCE_NAME
    draw.text((IMAGE_WIDTH - MARGIN, foot_y), licence, font=foot_face, fill=MUTED, anchor="rs")
    room = inner - int(_width(draw, licence, foot_face)) - 32
    draw.text(
        (MARGIN, foot_y), _ellipsize(draw, _site_host(), foot_face, room), font=foot_face, fill=MUTED, anchor="ls"
    )

    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _section_cards(counts) -> list[tuple[str, str]]:
    return [(str(n), str(section.title)) for section, n in zip(SECTIONS, counts)]


def _png(content: bytes) -> HttpResponse:
    response = HttpResponse(content, content_type="image/png")
    # What the page cache gives its pages (it replaces these with the same when it keeps the image):
    # revalidated on every use, so an image is never shown past a change or a withdrawal.
    response["ETag"] = '"%s"' % hashlib.sha1(content).hexdigest()[:24]
    response["Cache-Control"] = "public, max-age=0, must-revalidate"
    return response


def _language(request) -> str:
    """The image's language: ?lang= (a link preview carries no cookie), else the request's."""
    code = request.GET.get("lang", "")
    return code if code in dict(settings.LANGUAGES) else translation.get_language()


def _text(value) -> str:
    return " ".join(plain_text(str(value)).split())


@require_safe
def report_preview(request, slug, year):
    """A published report's image (404 for any other)."""
    report = (
        Report.objects.published()
        .filter(municipality__slug=slug, year=year)
        .annotate(**Report.objects.section_sizes())
        .values("year", "municipality__name", "municipality__region", *(s.count_name for s in SECTIONS))
        .first()
    )
    if report is None:
        raise Http404(_("Такого опубликованного отчёта нет."))
    counts = [report[section.count_name] for section in SECTIONS]
    with translation.override(_language(request)):
        subtitle = (_("отчёт за %(year)s год") % {"year": report["year"]}).replace(" ", "\u00a0")
        if report["municipality__region"]:
            subtitle = f"{_text(report['municipality__region'])}\u00a0· {subtitle}"
        content = draw_preview(_text(report["municipality__name"]), subtitle, _section_cards(counts))
    return _png(content)


@require_safe
def municipality_preview(request, slug):
    """A city's image: its published reports' items summed, and their years (404 without any)."""
    reports = list(
        Report.objects.published()
        .filter(municipality__slug=slug)
        .annotate(**Report.objects.section_sizes())
        .values("year", "municipality__name", "municipality__region", *(s.count_name for s in SECTIONS))
    )
    if not reports:
        raise Http404(_("У этого города пока нет опубликованных отчётов."))
    counts = [sum(r[section.count_name] for r in reports) for section in SECTIONS]
    years = sorted(r["year"] for r in reports)
    span = str(years[0]) if years[0] == years[-1] else f"{years[0]}–{years[-1]}"
    city = reports[0]
    with translation.override(_language(request)):
        counted = ngettext("%(n)s опубликованный отчёт", "%(n)s опубликованных отчётов", len(reports))
        # «2 опубликованных отчёта · 2020–2023» in one piece (no-break spaces), after the region.
        subtitle = f"{counted % {'n': len(reports)}} · {span}".replace(" ", "\u00a0")
        if city["municipality__region"]:
            subtitle = f"{_text(city['municipality__region'])}\u00a0· {subtitle}"
        content = draw_preview(_text(city["municipality__name"]), subtitle, _section_cards(counts))
    return _png(content)


def _counted(n: int, phrase: str) -> tuple[str, str]:
    """(number, what it counts) from a counted phrase of the site («5 городов» → ("5", "городов"))."""
    return str(n), phrase.replace(str(n), "", 1).strip()


@require_safe
def site_preview(request):
    """The portal's image, for the home page and the lists: how many reports and cities, which years."""
    facts = Report.objects.published().aggregate(
        reports=Count("id"), cities=Count("municipality", distinct=True), first=Min("year"), last=Max("year")
    )
    span = ""
    if facts["first"] is not None:
        span = str(facts["first"]) if facts["first"] == facts["last"] else f"{facts['first']}–{facts['last']}"
    with translation.override(_language(request)):
        reports, cities = facts["reports"], facts["cities"]
        cards = [
            _counted(
                reports,
                ngettext("%(n)s опубликованный отчёт", "%(n)s опубликованных отчётов", reports) % {"n": reports},
            ),
            _counted(cities, ngettext("%(n)s город", "%(n)s городов", cities) % {"n": cities}),
        ]
        content = draw_preview(_("Отчёты городов о работе с общественностью"), span, cards)
    return _png(content)
