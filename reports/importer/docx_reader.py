"""Reading .docx (via python-docx / lxml) into blocks.

Body elements are walked in document order: paragraphs, and tables (each cell's
paragraphs, row by row, cell by cell), including content controls (``w:sdt``).
Numbering is by paragraph: every ``w:p`` met on the way — empty ones and those inside
table cells included — gets the next number, and that number is the «абзац N» of
messages and ``ParsedItem.line``.

Paragraph text is collected by hand rather than with ``Paragraph.text`` because the
latter drops page breaks (gluing the words around them) and would pull in text boxes.
"""

from __future__ import annotations

import io
import itertools
import zipfile

from .blocks import finish, group_to_blocks
from .limits import MAX_DOCX_MEMBERS, MAX_DOCX_PARAGRAPHS, MAX_DOCX_RATIO, MAX_DOCX_UNPACKED
from .model import UNIT_PARAGRAPH, Block, Message, ParseError, gettext_noop
from .normalize import normalize_chars

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
# Subtrees of a paragraph whose text is not the paragraph's own text.
_SKIP = {_W + "pPr", _W + "rPr", _W + "del", _W + "txbxContent", _W + "p", _MC_FALLBACK}
_HEADING_STYLES = ("heading", "title", "заголовок", "название")
_LIST_STYLES = ("list", "список", "маркированный", "нумерованный")


def _paragraph_text(p) -> str:
    parts: list[str] = []

    def walk(el) -> None:
        for child in el:
            tag = child.tag
            if not isinstance(tag, str) or tag in _SKIP:
                continue
            if tag == _W + "t":
                parts.append(child.text or "")
            elif tag in (_W + "tab", _W + "ptab"):
                parts.append(" ")
            elif tag == _W + "noBreakHyphen":
                parts.append("-")
            elif tag == _W + "cr":
                parts.append("\n")
            elif tag == _W + "br":
                # A line break separates lines; a page/column break separates words.
                parts.append("\n" if child.get(_W + "type", "textWrapping") == "textWrapping" else " ")
            else:
                walk(child)

    walk(p)
    return "".join(parts)


def _style_table(document) -> dict[str, tuple[str, bool, bool]]:
    """styleId → (lower-case name, has numbering, is an outline level / heading)."""
    raw: dict[str, tuple[str, str | None, bool, bool]] = {}
    for style in document.styles.element.findall(_W + "style"):
        sid = style.get(_W + "styleId") or ""
        name_el = style.find(_W + "name")
        based_el = style.find(_W + "basedOn")
        ppr = style.find(_W + "pPr")
        raw[sid] = (
            (name_el.get(_W + "val") or "").lower() if name_el is not None else "",
            based_el.get(_W + "val") if based_el is not None else None,
            ppr is not None and ppr.find(_W + "numPr") is not None,
            ppr is not None and ppr.find(_W + "outlineLvl") is not None,
        )
    table = {}
    for sid, (name, based, has_num, outline) in raw.items():
        seen = {sid}
        while based and based in raw and based not in seen:  # inherit along basedOn
            seen.add(based)
            _, next_based, b_num, b_outline = raw[based]
            has_num, outline, based = has_num or b_num, outline or b_outline, next_based
        table[sid] = (name, has_num, outline)
    return table


def _paragraph_props(p, styles) -> tuple[bool, bool]:
    """(is a list item, is a heading) from direct formatting and the paragraph style."""
    ppr = p.find(_W + "pPr")
    style_id = ""
    has_num = outline = False
    if ppr is not None:
        style_el = ppr.find(_W + "pStyle")
        style_id = style_el.get(_W + "val", "") if style_el is not None else ""
        has_num = ppr.find(_W + "numPr") is not None
        outline_el = ppr.find(_W + "outlineLvl")
        # Level 9 means "body text" in Word.
        outline = outline_el is not None and outline_el.get(_W + "val") != "9"
    name, style_num, style_outline = styles.get(style_id, (style_id.lower(), False, False))
    heading = outline or style_outline or name.startswith(_HEADING_STYLES)
    listed = has_num or style_num or any(word in name for word in _LIST_STYLES)
    return listed and not heading, heading


def check_archive(data: bytes) -> None:
    """Refuse a .docx whose archive would unpack to too much, from its table of contents alone."""
    try:
        members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return  # not a readable archive: python-docx says so below, with its own message
    too_big = Message(
        gettext_noop(
            "Файл .docx распаковывается в слишком большой объём (%(size)s МБ) — это не похоже на отчёт; "
            "пересохраните документ в Word или загрузите текст как .txt"
        ),
        size=sum(m.file_size for m in members) // (1024 * 1024),
    )
    if len(members) > MAX_DOCX_MEMBERS:
        raise ParseError(
            Message(
                gettext_noop(
                    "Файл .docx состоит из %(count)s частей (допускается до %(limit)s) — это не похоже на отчёт"
                ),
                count=len(members),
                limit=MAX_DOCX_MEMBERS,
            ),
            unit=UNIT_PARAGRAPH,
        )
    if sum(m.file_size for m in members) > MAX_DOCX_UNPACKED:
        raise ParseError(too_big, unit=UNIT_PARAGRAPH)
    for member in members:
        if member.file_size > 1024 * 1024 and member.file_size > MAX_DOCX_RATIO * max(member.compress_size, 1):
            raise ParseError(too_big, unit=UNIT_PARAGRAPH)


def read_docx(data: bytes) -> list[Block]:
    check_archive(data)
    try:
        import docx  # python-docx; imported lazily so that plain text needs only stdlib

        document = docx.Document(io.BytesIO(data))
        body = document.element.body
        styles = _style_table(document)
    except Exception as exc:  # zipfile.BadZipFile, KeyError, lxml errors, ValueError…
        raise ParseError(
            Message(
                gettext_noop(
                    "Файл .docx повреждён или не является документом Word (%(error)s); "
                    "пересохраните его в Word или загрузите как .txt"
                ),
                error=type(exc).__name__,
            ),
            unit=UNIT_PARAGRAPH,
        ) from None

    counter = itertools.count(1)
    blocks: list[Block] = []

    def paragraph(p, container) -> None:
        number = next(counter)
        if number > MAX_DOCX_PARAGRAPHS:
            raise ParseError(
                Message(
                    gettext_noop("В документе больше %(limit)s абзацев — это не похоже на отчёт города"),
                    limit=MAX_DOCX_PARAGRAPHS,
                ),
                number,
                unit=UNIT_PARAGRAPH,
            )
        listed, heading = _paragraph_props(p, styles)
        lines = normalize_chars(_paragraph_text(p)).split("\n")
        group = [(number, " ".join(line.split())) for line in lines]
        group_to_blocks(group, blocks, list_item=listed, heading=heading, container=container)

    def walk(parent, container) -> None:
        for el in parent:
            if el.tag == _W + "p":
                paragraph(el, container)
            elif el.tag == _W + "tbl":
                for row in el.findall(_W + "tr"):
                    for cell in row.findall(_W + "tc"):
                        walk(cell, cell)
            elif el.tag in (_W + "sdt", _W + "sdtContent", _W + "customXml", _W + "ins"):
                walk(el, container)
            # sectPr, bookmarks and the like carry no text

    try:
        walk(body, None)
    except ParseError:
        raise
    except Exception as exc:  # malformed XML structures the walk did not expect
        raise ParseError(
            Message(
                gettext_noop("Не удалось прочитать содержимое .docx (%(error)s): файл повреждён"),
                error=type(exc).__name__,
            ),
            next(counter) - 1 or None,
            unit=UNIT_PARAGRAPH,
        ) from None
    return finish(blocks)
