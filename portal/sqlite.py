"""Unicode-aware LIKE, lower() and upper() for SQLite.

SQLite's built-ins fold case for ASCII only, so `icontains="тос"` would miss
«ТОС» and `Lower("name")` would leave Cyrillic untouched. SQLite lets an
application replace these functions per connection; we do so with Python's
Unicode case folding, and also treat «ё» as «е» in LIKE, as Russian readers
expect. PostgreSQL needs none of this (UPPER/LIKE there are Unicode-aware).
"""

import functools
import re

from .text import fold


@functools.lru_cache(maxsize=512)
def _like_regex(pattern: str, escape: str | None) -> re.Pattern:
    out = []
    chars = iter(fold(pattern))
    for ch in chars:
        if escape and ch == escape:
            out.append(re.escape(next(chars, "")))
        elif ch == "%":
            out.append(".*")
        elif ch == "_":
            out.append(".")
        else:
            out.append(re.escape(ch))
    return re.compile("".join(out), re.DOTALL)


def _like(pattern, value, escape=None):
    if pattern is None or value is None:
        return None
    return 1 if _like_regex(str(pattern), escape).fullmatch(fold(str(value))) else 0


def _lower(value):
    return value.lower() if isinstance(value, str) else value


def _upper(value):
    return value.upper() if isinstance(value, str) else value


def install_unicode_functions(sender, connection, **kwargs):
    """connection_created receiver: plain infrastructure, no business rules."""
    if connection.vendor != "sqlite":
        return
    raw = connection.connection
    raw.create_function("like", 2, _like, deterministic=True)
    raw.create_function("like", 3, _like, deterministic=True)
    raw.create_function("lower", 1, _lower, deterministic=True)
    raw.create_function("upper", 1, _upper, deterministic=True)
