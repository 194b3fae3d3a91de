"""Decoding and character-level normalisation of report text.

* ``decode_bytes`` — UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1251,
  which is only accepted when the result looks like Russian text.
* ``normalize_chars`` — line endings, invisible characters, exotic spaces and hyphens.
* ``normalize_fragment`` — per-paragraph clean-up: spaces, spaced dashes, quotes.
* ``proper_case`` — «ЛЕНИНСК-КУЗНЕЦКИЙ» → «Ленинск-Кузнецкий».
"""

from __future__ import annotations

import codecs
import re
import unicodedata

from portal.text import plain_text

from .model import Message, ParseError, gettext_noop

_SPACED_DASH = re.compile(r"(?<=\S) +[-–—]+ +(?=\S)")
_MULTISPACE = re.compile(r" {2,}")

_QUOTES = '"“”„'
_OPEN_CONTEXT = "([{«—–-/ "
_CLOSE_CONTEXT = ".,;:!?)]}»…-–—/ "


def _line_of(data: bytes, pos: int) -> int:
    return data.count(b"\n", 0, pos) + 1 if b"\n" in data else data.count(b"\r", 0, pos) + 1


def decode_bytes(data: bytes) -> str:
    """Bytes of a text document → str, or ParseError saying why it is not readable text."""
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8) :].decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ParseError(
                Message(gettext_noop("Файл помечен как UTF-8, но содержит байты, недопустимые в этой кодировке")),
                _line_of(data, exc.start),
            ) from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise ParseError(
                Message(gettext_noop("Файл помечен как UTF-16, но повреждён: его не удалось прочитать"))
            ) from None
    nul = data.find(b"\x00")
    if nul >= 0:
        raise ParseError(
            Message(
                gettext_noop(
                    "Файл двоичный (содержит нулевые байты), а не текстовый документ; загрузите отчёт в формате .txt или .docx"
                )
            ),
            _line_of(data, nul),
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad_line = _line_of(data, exc.start)
    try:
        text = data.decode("cp1251")
    except UnicodeDecodeError:
        text = None
    if text is None or not looks_russian(text):
        raise ParseError(
            Message(
                gettext_noop(
                    "Не удалось определить кодировку: текст не в UTF-8 (первый недопустимый байт — "
                    "в этой строке), а в Windows-1251 он не похож на русский текст"
                )
            ),
            bad_line,
        )
    return text


def looks_russian(text: str) -> bool:
    """Is this (cp1251-decoded) text plausibly Russian prose rather than noise or mojibake?"""
    if any(unicodedata.category(c) == "Cc" and c not in "\t\n\r\x0b\x0c" for c in text):
        return False
    letters = [c for c in text if c.isalpha()]
    cyrillic = [c for c in letters if "\u0400" <= c <= "\u04ff"]
    if len(cyrillic) < 3 or len(cyrillic) < 0.5 * len(letters):
        return False
    # Ordinary characters of Russian prose; cp1251 noise brings ‚ƒ„†‡€‰ and friends.
    ordinary = sum(1 for c in text if c.isalnum() or c.isspace() or c in ".,;:!?-–—«»\"'()[]/%№*+=_…")
    if ordinary < 0.9 * len(text):
        return False
    if len(text) >= 50 and sum(c.isspace() for c in text) < 0.05 * len(text):
        return False
    # UTF-8 Russian misread as cp1251 is full of «Р» and «С» (lead bytes D0/D1).
    if text.count("Р") + text.count("С") > 0.25 * len(cyrillic):
        return False
    return True


def normalize_chars(text: str) -> str:
    """Unify line endings to LF; drop invisible characters; unify spaces and odd hyphens.

    Other control characters become spaces; NUL is rejected (it means a binary file).
    """
    nul = text.find("\x00")
    if nul >= 0:
        raise ParseError(
            Message(gettext_noop("Текст содержит нулевые символы — похоже, это двоичный файл, а не текстовый отчёт")),
            text.count("\n", 0, nul) + 1,
        )
    return plain_text(text)


def normalize_fragment(text: str) -> str:
    """Collapse spaces, turn a spaced dash between words into « – », pair up quotes."""
    text = _MULTISPACE.sub(" ", text.strip())
    text = _SPACED_DASH.sub(" – ", text)
    return normalize_quotes(text)


def normalize_quotes(text: str) -> str:
    """Replace "…", “…”, „…“ with «…» — only when every quote's role is unambiguous.

    The role of a quote comes from its neighbours (opening: after a space or bracket and
    before a non-space; closing: the mirror image). If any quote is ambiguous or the
    quotes do not nest properly, the text is left exactly as written.
    """
    if not any(c in _QUOTES for c in text):
        return text
    roles: list[tuple[int, bool]] = []
    for i, c in enumerate(text):
        if c not in _QUOTES:
            continue
        before = text[i - 1] if i > 0 else " "
        after = text[i + 1] if i + 1 < len(text) else " "
        opening = (before in _OPEN_CONTEXT or before in _QUOTES) and not after.isspace()
        closing = not before.isspace() and (after in _CLOSE_CONTEXT or after in _QUOTES)
        if opening == closing:
            return text
        roles.append((i, opening))
    depth = 0
    for _, opening in roles:
        depth += 1 if opening else -1
        if depth < 0:
            return text
    if depth:
        return text
    chars = list(text)
    for i, opening in roles:
        chars[i] = "«" if opening else "»"
    return "".join(chars)


_PARTICLES = {"на", "в", "во", "над", "под", "у", "и", "де", "ла", "при", "за"}
_CITY_PREFIX = re.compile(
    r"^(?:(?:муниципальное\s+образование|городской\s+округ|город|гор\.|г\.)(?:\s+|(?<=\.)))+",
    re.IGNORECASE,
)


def proper_case(name: str) -> str:
    """Proper-case a municipality name written in capitals (or all lower-case).

    «ЛЕНИНСК-КУЗНЕЦКИЙ» → «Ленинск-Кузнецкий», «КОМСОМОЛЬСК-НА-АМУРЕ» → «Комсомольск-на-Амуре»,
    «ГОРОД КОГАЛЫМ», «Г.КОГАЛЫМ», «ГОРОДСКОЙ ОКРУГ ГОРОД КОГАЛЫМ» → «Когалым».
    Mixed-case names are kept as written (only the prefix is removed).
    """
    name = re.sub(r"(?<=\w)\s*[–—]\s*(?=\w)", "-", name.strip())
    name = name.strip(" .,;:«»\"'")
    name = _CITY_PREFIX.sub("", name).strip() or name
    if name not in (name.upper(), name.lower()):
        return name
    parts = re.split(r"([\s-]+)", name.lower())
    out = []
    for idx, part in enumerate(parts):
        if idx and part in _PARTICLES:
            out.append(part)
        else:
            out.append(part[:1].upper() + part[1:])
    return "".join(out)
