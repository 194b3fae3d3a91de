"""PDF of the compendium and of single reports, from HTML templates with WeasyPrint.

WeasyPrint keeps the layout of every page of a document in memory until it is written (about
0.6 MB a page): a year of 350 cities is over a thousand pages. So the compendium is laid out in
parts — the front matter (cover, foreword, contents, statistics), the cities in chunks of
CHUNK_CITIES, the annexes — each written to a temporary PDF and let go, then joined with pypdf.
Each part starts its page counter where the previous one ended; where each region and city
landed is read from the parts' anchors, and the contents and the index of cities are rendered
with those numbers (the front matter twice: first to learn how long it is). The contents'
entries and the index link to their pages, and the PDF's outline (bookmarks) lists the
chapters, regions and cities."""

import logging
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from .content import Book, CityReport

# WeasyPrint logs a line for every page it lays out (INFO): 1,300 lines a compendium.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

CHUNK_CITIES = 25
PLACEHOLDER = "0000"  # as wide as any page number while the real ones are not known
PX_TO_PT = 0.75


def html_document(html: str):
    from weasyprint import HTML

    # Every stylesheet is inline and every image an inline SVG: no base URL, nothing fetched.
    return HTML(string=html, base_url=None).render()


@dataclass
class TocEntry:
    level: int
    anchor: str
    title: str
    page: str = PLACEHOLDER


def _toc(book: Book, pages: dict[str, int]) -> list[TocEntry]:
    def page(anchor):
        return str(pages[anchor]) if anchor in pages else PLACEHOLDER

    entries = []
    if book.foreword:
        entries.append(TocEntry(1, "foreword", book.foreword.title))
    entries.append(TocEntry(1, "statistics", _("Год в цифрах")))
    for region in book.regions:
        entries.append(TocEntry(1, region.anchor, region.name))
        entries += [TocEntry(2, city.anchor, city.name) for city in region.cities]
    entries.append(TocEntry(1, "annex-needs", _("Приложение 1. Запросы городов к Ассоциации")))
    entries.append(TocEntry(1, "annex-index", _("Приложение 2. Указатель городов")))
    for entry in entries:
        entry.page = page(entry.anchor)
    return entries


def _chunks(book: Book):
    """[(region or None, city)] in chunks of CHUNK_CITIES; a region is named before its first city."""
    parts = []
    for region in book.regions:
        for n, city in enumerate(region.cities):
            parts.append((region if n == 0 else None, city))
    return [parts[start : start + CHUNK_CITIES] for start in range(0, len(parts), CHUNK_CITIES)]


class _Parts:
    """The rendered parts in order: files, their page counts and where the anchors and links are."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.files: list[Path] = []
        self.anchors: dict[str, int] = {}  # anchor → printed page number (1 = the cover)
        self.links: list[tuple[int, str, tuple]] = []  # (page index, anchor, rectangle in px)
        self.pages = 0

    def add(self, name: str, document) -> None:
        first = self.pages + 1
        for n, page in enumerate(document.pages):
            for anchor in page.anchors:
                self.anchors.setdefault(anchor, first + n)
            for kind, target, rectangle, *_rest in page.links:
                if kind == "internal":
                    self.links.append((self.pages + n, target, rectangle))
        path = self.folder / f"{len(self.files):04d}-{name}.pdf"
        document.write_pdf(path)
        self.files.append(path)
        self.pages += len(document.pages)


def _context(book: Book, first_page: int, **extra) -> dict:
    return {
        "year": book.year,
        "first_page": first_page,
        "base_url": settings.PORTAL_BASE_URL,
        **extra,
    }


def _front(book: Book, pages: dict[str, int]):
    context = _context(
        book,
        1,
        built_at=book.built_at,
        city_count=len(book.cities),
        region_count=len({c.region for c in book.cities}),
        foreword=book.foreword,
        foreword_paragraphs=book.foreword_paragraphs,
        toc=_toc(book, pages),
        statistics=book.statistics,
    )
    return html_document(render_to_string("compendium/book_front.html", context))


def _other_parts(record: logging.LogRecord) -> bool:
    """Links of the contents and the index point into other parts (made into links when the parts
    are joined): WeasyPrint would log an error for each."""
    return not str(record.msg).startswith("No anchor")


def write_book(book: Book, target: Path) -> int:
    """Lay out the whole book into `target`; returns its number of pages."""
    logger = logging.getLogger("weasyprint")
    logger.addFilter(_other_parts)
    try:
        with tempfile.TemporaryDirectory(dir=target.parent, prefix=".parts-") as folder:
            known: dict[str, int] = {}
            front_pages = None
            for _attempt in range(3):
                front = _front(book, known)
                if front_pages is not None and len(front.pages) == front_pages:
                    break  # the numbers in the contents are right: they were counted after this length
                front_pages = len(front.pages)
                own = {a: n + 1 for n, page in enumerate(front.pages) for a in page.anchors}
                parts = _Parts(Path(folder) / f"pass{_attempt}")
                parts.folder.mkdir()
                parts.pages = front_pages
                for n, chunk in enumerate(_chunks(book)):
                    html = render_to_string("compendium/book_body.html", _context(book, parts.pages + 1, parts=chunk))
                    parts.add(f"body{n}", html_document(html))
                index = [(city, parts.anchors.get(city.anchor, "")) for city in book.index]
                html = render_to_string(
                    "compendium/book_annex.html", _context(book, parts.pages + 1, needs=book.needs, index=index)
                )
                parts.add("annex", html_document(html))
                known = {**own, **parts.anchors}
            front_parts = _Parts(Path(folder))
            front_parts.add("front", front)
            return _join(book, [*front_parts.files, *parts.files], front_parts.links + parts.links, known, target)
    finally:
        logger.removeFilter(_other_parts)


def _join(book: Book, files: list[Path], links, anchors: dict[str, int], target: Path) -> int:
    from pypdf import PdfWriter
    from pypdf.annotations import Link
    from pypdf.generic import Fit

    writer = PdfWriter()
    for path in files:
        writer.append(str(path), import_outline=False)
    for page_index, anchor, (x1, y1, x2, y2) in links:
        if anchor not in anchors:
            continue
        height = float(writer.pages[page_index].mediabox.height)
        rect = (x1 * PX_TO_PT, height - y2 * PX_TO_PT, x2 * PX_TO_PT, height - y1 * PX_TO_PT)
        writer.add_annotation(page_index, Link(rect=rect, target_page_index=anchors[anchor] - 1, fit=Fit.fit()))
    _outline(writer, book, anchors)
    writer.add_metadata(
        {
            "/Title": _("Сборник отчётов городов АСДГ за %(year)s год") % {"year": book.year},
            "/Author": _("Ассоциация сибирских и дальневосточных городов"),
        }
    )
    writer.page_mode = "/UseOutlines"
    with open(target, "wb") as out:
        writer.write(out)
    return len(writer.pages)


def _outline(writer, book: Book, anchors: dict[str, int]) -> None:
    def add(title, anchor, parent=None):
        if anchor in anchors:
            return writer.add_outline_item(title=title, page_number=anchors[anchor] - 1, parent=parent)
        return None

    if book.foreword:
        add(book.foreword.title, "foreword")
    add(_("Содержание"), "contents")
    add(_("Год в цифрах"), "statistics")
    for region in book.regions:
        parent = add(region.name, region.anchor)
        for city in region.cities:
            add(city.name, city.anchor, parent)
    add(_("Приложение 1. Запросы городов к Ассоциации"), "annex-needs")
    add(_("Приложение 2. Указатель городов"), "annex-index")


# --- a single report ---------------------------------------------------------------------------


def report_pdf(city: CityReport, year: int) -> bytes:
    """One report on A4 with the portal's name, the report's address and its publication date on
    every page (the running heads of templates/compendium/report.html)."""
    context = {"city": city, "year": year, "base_url": settings.PORTAL_BASE_URL}
    return html_document(render_to_string("compendium/report.html", context)).write_pdf()
