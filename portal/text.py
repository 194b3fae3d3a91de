"""How the portal compares and spells Russian words and names, defined once.

`plain_text()` is what every way in (the importer, the back-office forms) stores of typed or
pasted text, and what the feed writes out of older rows. `fold()` is used by search (reports.search.text), by SQLite's LIKE/lower() replacements
(portal/sqlite.py), and wherever a name typed by a person is matched to a stored one (the
importer, the upload form, the data generator). `slugify_ru()` makes a city's web address from
its name (the importer, the data generator). No Django here: the importer's parser uses it too.
"""

import re
import unicodedata

# Dropped outright: soft hyphen, zero-width space/joiners, word joiner, BOM, LRM/RLM.
INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff\u200e\u200f"
# Every kind of horizontal space (and tab, vertical tab, form feed…) becomes a plain space.
SPACES = (
    "\t\x0b\x0c\x85\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
    "\u200a\u2028\u2029\u202f\u205f\u3000"
)
_PLAIN = {
    **dict.fromkeys(map(ord, INVISIBLE), None),
    **{ord(c): " " for c in SPACES},
    ord("\u2010"): "-",  # hyphen
    ord("\u2011"): "-",  # non-breaking hyphen
    ord("\u2012"): "–",  # figure dash
    ord("\u2015"): "—",  # horizontal bar
}


def plain_text(text: str) -> str:
    """Text as a person meant it: line breaks as "\\n", every kind of space a space, no invisible
    or control characters (other control characters become spaces). A vertical tab pasted from
    Word would otherwise be stored, and XML — the feed — cannot carry it."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(_PLAIN)
    return "".join(" " if c != "\n" and unicodedata.category(c) in ("Cc", "Cs") else c for c in text)


def fold(text: str) -> str:
    """Case-folded, with «ё» read as «е»: «Ёлкино», «ЕЛКИНО» and «елкино» are the same."""
    return text.casefold().replace("ё", "е")


_TRANSLIT = {
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "g",
    "д": "d",
    "е": "e",
    "ё": "e",
    "ж": "zh",
    "з": "z",
    "и": "i",
    "й": "y",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ф": "f",
    "х": "kh",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "щ": "shch",
    "ъ": "",
    "ы": "y",
    "ь": "",
    "э": "e",
    "ю": "yu",
    "я": "ya",
}


def slugify_ru(name: str) -> str:
    """«Ленинск-Кузнецкий» → "leninsk-kuznetskiy" (ASCII, for addresses)."""
    latin = "".join(_TRANSLIT.get(ch, ch) for ch in name.lower())
    slug = re.sub(r"[^a-z0-9]+", "-", latin).strip("-")
    return slug or "municipality"
