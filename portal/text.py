"""How the portal compares and spells Russian words and names, defined once.

`fold()` is used by search (reports.search.text), by SQLite's LIKE/lower() replacements
(portal/sqlite.py), and wherever a name typed by a person is matched to a stored one (the
importer, the upload form, the data generator). `slugify_ru()` makes a city's web address from
its name (the importer, the data generator). No Django here: the importer's parser uses it too.
"""

import re


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
