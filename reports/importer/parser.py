"""Parser of city report documents (plain text or .docx) — pure Python, no Django.

Public API::

    parse_text(text, *, source="") -> ParsedReport
    parse_bytes(data, *, filename="") -> ParsedReport   # .docx by zip magic or filename
    parse_file(path) -> ParsedReport
    ParseError, ParsedReport, ParsedItem

Anything that cannot be imported raises ``ParseError`` (a ``ValueError``) with a Russian
message naming the place («строка N» for text, «абзац N» for .docx); no other exception
type escapes the ``parse_*`` functions.

Rules (the lead engineer documents these for users)
---------------------------------------------------
Input. UTF-8 (with or without BOM), UTF-16 with BOM, or Windows-1251 (accepted only if
the result looks like Russian text); LF / CRLF / CR. Soft hyphens and zero-width
characters are removed, all exotic spaces and tabs become a space, spaces are
collapsed, a dash with spaces around it becomes « – », "…" / “…” / „…“ become «…» when
every quote's role is unambiguous (otherwise quotes are left as written).

Structure. The first non-empty line is the municipality (written in capitals; it is
proper-cased: «ЛЕНИНСК-КУЗНЕЦКИЙ» → «Ленинск-Кузнецкий»; a prefix «ГОРОД», «Г.»,
«ГОРОДСКОЙ ОКРУГ», «МУНИЦИПАЛЬНОЕ ОБРАЗОВАНИЕ» is dropped). Section headings are
recognised by meaning (case, «?», «в/на», «году/год», a leading «1.» do not matter):
achievements («Что наиболее значительное удалось сделать … в 2020 году» — gives the
report year, required), tasks («Какие задачи стоят в 2021 году» / «… на 2021 год»),
and the requests to the Association, which start at a lead-in such as «Размещение на
сайте Ассоциации … методических рекомендаций … по направлениям:», «Конференции …
необходимы …», «Вопросы для обсуждения:», «Курсы повышения квалификации … необходимы»,
«Темы и вопросы для включения в образовательную программу:» (they also end the tasks
section), or at a heading addressed to the Association («Предложения в адрес
Ассоциации») or a questionnaire question about such a topic («Какие темы вы предложили
бы для обсуждения на конференции?»). A heading «Проблемы» / «Какие трудности возникли»
opens a problems section. Text before the achievements heading, and under any other
question heading («Как вы оцениваете …?»), is not imported: it is listed in ``skipped``
(the unknown section ends at the next heading or request lead-in, with a warning).

Paragraphs and items. Paragraphs are separated by blank lines (in .docx: Word
paragraphs); the lines of a paragraph are joined with a space (if the document is not
hard-wrapped — at least a fifth of its lines are longer than 150 characters — a line
is joined to the previous one only if it starts in lower case after an unfinished
sentence). A paragraph cut by a page break is joined back when the next one starts
with a lower-case letter, is not a list item, and the previous one does not end with
. ! ? ; : or «…» (so a paragraph ending with «:» followed by a lower-case paragraph is a
lead-in, see below, not a page break). Every list item (- – — • * ·,
«1.», «1)», «а)», Word list paragraphs) is a separate item; the marker is removed.
Item text: trailing «;», «,» and «:» are dropped, a final «.» is kept; the first letter
is kept as written (list items often start in lower case — capitalise when displaying).
``ParsedItem.line`` is where the item itself starts (for a prefixed list item: the item).

Lead-ins (a paragraph ending with «:» followed by list items, or by paragraphs that
start in lower case — those are treated as list items without markers):
* a pure label — «Задачи, поставленные на 2026 год:», a tasks sub-heading, or a
  request-block lead-in like «Вопросы для обсуждения:» — is not an item; it is noted in
  ``skipped`` (a request lead-in's meaning is carried by the proposals' ``kind``);
* a lead-in that carries content — «Повышение социальной активности населения … через:»
  — is prefixed, as written and with its colon, to every item it introduces, so that
  each item reads as the complete sentence the author wrote: «Повышение … через:
  повышение уровня информированности граждан …». A note in ``skipped`` says so. A list
  item that itself ends with «:» and is followed by more items is an item (colon
  dropped) and also prefixes the following items: «… через: поддержку и развитие …
  инициатив: содействие развитию …». A lead-in followed by no items is an item itself;
* request statements without a colon («Конференции … необходимы сотрудникам ОМСУ …»,
  «Курсы повышения квалификации … необходимы (доступные по стоимости, …)») are kept as
  proposals of their kind — they carry meaning.

Problems. A paragraph of the achievements section that describes difficulties or failed
plans («К сожалению, … не реализованных планов …», «… сложно продвигается …») is a
problem: a small scored classifier over stems (``classify.problem_score``) with
counter-markers for «решение проблем», «недопущение распространения …», «отсутствие
конфликтов» and the like.

Tasks get ``year`` = the year in the tasks heading (or a tasks sub-heading), else the
report year + 1. Proposals get ``kind`` from the block they are in: methodology,
conference, training; under a generic heading («Предложения в адрес Ассоциации») the
kind is guessed from the item's own words, else "other".

``warnings`` (Russian): no tasks section, empty sections, a tasks year that does not
follow the report year, repeated headings, unrecognised sections, a lower-case
municipality name.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from .assemble import Assembler
from .blocks import read_text
from .docx_reader import read_docx
from .model import UNIT_LINE, UNIT_PARAGRAPH, ParsedItem, ParsedReport, ParseError
from .normalize import decode_bytes

__all__ = ["ParseError", "ParsedItem", "ParsedReport", "parse_bytes", "parse_file", "parse_text"]

_ZIP_MAGIC = b"PK\x03\x04"
_UNSUPPORTED = (
    (b"\xd0\xcf\x11\xe0", "Формат .doc (Word 97–2003) не поддерживается: сохраните документ как .docx"),
    (b"%PDF", "Формат PDF не поддерживается: загрузите отчёт в формате .docx или .txt"),
    (b"{\\rtf", "Формат RTF не поддерживается: сохраните документ как .docx или .txt"),
)


def _guarded(run: Callable[[], ParsedReport], source: str) -> ParsedReport:
    """Run a parse; attach the source name to errors; turn any bug into a ParseError."""
    try:
        return run()
    except ParseError as exc:
        if source and not exc.source:
            raise ParseError(exc.message, exc.line, unit=exc.unit, source=source) from None
        raise
    except Exception as exc:  # safety net: an upload must never crash the caller
        raise ParseError(
            f"Внутренняя ошибка при разборе документа ({type(exc).__name__}); сообщите администратору портала",
            source=source,
            internal=True,
        ) from exc


def parse_text(text: str, *, source: str = "") -> ParsedReport:
    """Parse a report given as a str (already decoded)."""

    def run() -> ParsedReport:
        if not isinstance(text, str):
            raise ParseError("Ожидался текст отчёта (строка), получено: " + type(text).__name__)
        return Assembler(read_text(text), UNIT_LINE).run()

    return _guarded(run, source)


def _is_docx(data: bytes, filename: str) -> bool:
    return data.startswith(_ZIP_MAGIC) or filename.lower().endswith(".docx")


def parse_bytes(data: bytes, *, filename: str = "") -> ParsedReport:
    """Parse an uploaded file's content: .docx (zip) or text in UTF-8 / UTF-16 / cp1251."""

    def run() -> ParsedReport:
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise ParseError("Ожидалось содержимое файла (байты), получено: " + type(data).__name__)
        raw = bytes(data)
        if not raw.strip():
            raise ParseError("Файл пуст: в нём нет ни одной непустой строки")
        if _is_docx(raw, filename or ""):
            if not raw.startswith(_ZIP_MAGIC):
                raise ParseError(
                    "Файл .docx повреждён: это не zip-архив, каким должен быть документ Word", unit=UNIT_PARAGRAPH
                )
            return Assembler(read_docx(raw), UNIT_PARAGRAPH).run()
        for magic, message in _UNSUPPORTED:
            if raw.startswith(magic):
                raise ParseError(message)
        return Assembler(read_text(decode_bytes(raw)), UNIT_LINE).run()

    return _guarded(run, filename or "")


def parse_file(path: str | os.PathLike) -> ParsedReport:
    """Read a file from disk and parse it (see ``parse_bytes``)."""
    try:
        name = Path(path).name
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise ParseError(f"Файл «{path}» не найден") from None
    except IsADirectoryError:
        raise ParseError(f"«{path}» — это папка, а не файл") from None
    except PermissionError:
        raise ParseError(f"Нет прав на чтение файла «{path}»") from None
    except (OSError, TypeError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or exc
        raise ParseError(f"Не удалось прочитать файл «{path}»: {reason}") from None
    return parse_bytes(data, filename=name)
