"""Marking matches in the original text: <mark> around every word whose stem matches a
query term; everything else escaped. Never returns unescaped user text."""

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from . import text as search_text

SNIPPET_WORDS = 30
BEFORE_MATCH = 8
ELLIPSIS = "…"


def _marked_words(text: str, terms) -> list[tuple[int, int, bool]]:
    return [
        (start, end, any(term.matches(search_text.stem(t)) for t in found for term in terms))
        for start, end, found in search_text.words(text)
    ]


def _render(text: str, spans, start: int, end: int, collapse: bool) -> str:
    out, at = [], start
    for a, b, marked in spans:
        if not marked or a < start or b > end:
            continue
        out.append(escape(_space(text[at:a], collapse)))
        out.append(f"<mark>{escape(text[a:b])}</mark>")
        at = b
    out.append(escape(_space(text[at:end], collapse)))
    return "".join(out)


def _space(part: str, collapse: bool) -> str:
    return re.sub(r"\s+", " ", part) if collapse else part


def mark(text: str, terms) -> SafeString:
    """The whole text, escaped, with matches marked."""
    text = text or ""
    if not terms:
        return escape(text)
    return mark_safe(_render(text, _marked_words(text, terms), 0, len(text), collapse=False))


def snippet(text: str, terms, size: int = SNIPPET_WORDS) -> SafeString:
    """About `size` words around the first match (from the start if none), «…» where cut."""
    text = text or ""
    spans = _marked_words(text, terms)
    if not spans:
        return escape(" ".join(text.split()))
    first = next((n for n, (_a, _b, marked) in enumerate(spans) if marked), 0)
    lo = max(0, first - BEFORE_MATCH)
    hi = min(len(spans), lo + size)
    lo = max(0, hi - size)
    start = spans[lo][0] if lo > 0 else 0
    end = spans[hi - 1][1] if hi < len(spans) else len(text)
    body = _render(text, spans, start, end, collapse=True).strip()
    return mark_safe((ELLIPSIS if lo > 0 else "") + body + (ELLIPSIS if hi < len(spans) else ""))
