"""How the portal compares Russian words and names, defined once.

Used by search (reports.search.text), by SQLite's LIKE/lower() replacements (portal/sqlite.py),
and wherever a name typed by a person is matched to a stored one (the importer, the upload form,
the data generator). No Django here: the importer's parser uses it too.
"""


def fold(text: str) -> str:
    """Case-folded, with «ё» read as «е»: «Ёлкино», «ЕЛКИНО» and «елкино» are the same."""
    return text.casefold().replace("ё", "е")
