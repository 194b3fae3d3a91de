"""Parser of city report documents (plain text or .docx) — pure Python, no Django.

Public API::

    parse_text(text, *, source="") -> ParsedReport
    parse_bytes(data, *, filename="") -> ParsedReport   # .docx by zip magic or filename
    parse_file(path) -> ParsedReport
    ParseError, ParsedReport, ParsedItem

Anything that cannot be imported raises ``ParseError`` (a ``ValueError``) with a Russian
message naming the place («строка N» for text, «абзац N» for .docx); no other exception
type escapes the ``parse_*`` functions.

The rules — which encodings, how the municipality, the year and the sections are found, how
paragraphs, list items, lead-ins, problems, task years and proposal kinds are read — are in
docs/importing.md (for editors and developers alike).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from .assemble import Assembler
from .blocks import read_text
from .docx_reader import read_docx
from .model import UNIT_LINE, UNIT_PARAGRAPH, Message, ParsedItem, ParsedReport, ParseError, gettext_noop
from .normalize import decode_bytes

__all__ = ["ParseError", "ParsedItem", "ParsedReport", "parse_bytes", "parse_file", "parse_text"]

_ZIP_MAGIC = b"PK\x03\x04"
_UNSUPPORTED = (
    (b"\xd0\xcf\x11\xe0", gettext_noop("Формат .doc (Word 97–2003) не поддерживается: сохраните документ как .docx")),
    (b"%PDF", gettext_noop("Формат PDF не поддерживается: загрузите отчёт в формате .docx или .txt")),
    (b"{\\rtf", gettext_noop("Формат RTF не поддерживается: сохраните документ как .docx или .txt")),
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
            Message(
                gettext_noop("Внутренняя ошибка при разборе документа (%(error)s); сообщите администратору портала"),
                error=type(exc).__name__,
            ),
            source=source,
            internal=True,
        ) from exc


def parse_text(text: str, *, source: str = "") -> ParsedReport:
    """Parse a report given as a str (already decoded)."""

    def run() -> ParsedReport:
        if not isinstance(text, str):
            raise ParseError(
                Message(gettext_noop("Ожидался текст отчёта (строка), получено: %(type)s"), type=type(text).__name__)
            )
        return Assembler(read_text(text), UNIT_LINE).run()

    return _guarded(run, source)


def _is_docx(data: bytes, filename: str) -> bool:
    return data.startswith(_ZIP_MAGIC) or filename.lower().endswith(".docx")


def parse_bytes(data: bytes, *, filename: str = "") -> ParsedReport:
    """Parse an uploaded file's content: .docx (zip) or text in UTF-8 / UTF-16 / cp1251."""

    def run() -> ParsedReport:
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise ParseError(
                Message(
                    gettext_noop("Ожидалось содержимое файла (байты), получено: %(type)s"), type=type(data).__name__
                )
            )
        raw = bytes(data)
        if not raw.strip():
            raise ParseError(Message(gettext_noop("Файл пуст: в нём нет ни одной непустой строки")))
        if _is_docx(raw, filename or ""):
            if not raw.startswith(_ZIP_MAGIC):
                raise ParseError(
                    Message(gettext_noop("Файл .docx повреждён: это не zip-архив, каким должен быть документ Word")),
                    unit=UNIT_PARAGRAPH,
                )
            return Assembler(read_docx(raw), UNIT_PARAGRAPH).run()
        for magic, message in _UNSUPPORTED:
            if raw.startswith(magic):
                raise ParseError(Message(message))
        return Assembler(read_text(decode_bytes(raw)), UNIT_LINE).run()

    return _guarded(run, filename or "")


def parse_file(path: str | os.PathLike) -> ParsedReport:
    """Read a file from disk and parse it (see ``parse_bytes``)."""
    try:
        name = Path(path).name
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise ParseError(Message(gettext_noop("Файл «%(path)s» не найден"), path=str(path))) from None
    except IsADirectoryError:
        raise ParseError(Message(gettext_noop("«%(path)s» — это папка, а не файл"), path=str(path))) from None
    except PermissionError:
        raise ParseError(Message(gettext_noop("Нет прав на чтение файла «%(path)s»"), path=str(path))) from None
    except (OSError, TypeError, ValueError) as exc:
        reason = str(getattr(exc, "strerror", None) or exc)
        raise ParseError(
            Message(gettext_noop("Не удалось прочитать файл «%(path)s»: %(reason)s"), path=str(path), reason=reason)
        ) from None
    return parse_bytes(data, filename=name)
