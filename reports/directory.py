"""The municipality directory (seeds/municipalities.csv): name, region, website.

`load_directory` puts it into the database (load_demo); `lookup` gives the region and website
of one city by its name, so that every way a new municipality is created — an imported or an
uploaded report — fills them in from the same file.
"""

import csv
import functools
from pathlib import Path

from django.conf import settings
from django.db import transaction

from portal.text import fold

from . import publication

DEFAULT_CSV = Path(settings.BASE_DIR) / "seeds" / "municipalities.csv"


def _rows(path: Path):
    with open(path, encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            name = (row.get("name") or "").strip()
            if name:
                yield name, (row.get("region") or "").strip(), (row.get("website") or "").strip()


@functools.lru_cache(maxsize=8)
def _entries(path: str, mtime: float) -> dict[str, tuple[str, str]]:
    return {fold(name): (region, website) for name, region, website in _rows(Path(path))}


def lookup(name: str, path: Path | None = DEFAULT_CSV) -> tuple[str, str]:
    """(region, website) of the city called `name` in the directory (case and «ё» aside), or
    ("", "") if it is not there or there is no directory."""
    if path is None or not Path(path).is_file():
        return "", ""
    return _entries(str(path), Path(path).stat().st_mtime).get(fold(name.strip()), ("", ""))


@transaction.atomic
def load_directory(path: Path = DEFAULT_CSV) -> tuple[int, int]:
    """Create missing municipalities and fill in an empty region/website; never overwrite.

    Returns (created, updated). Idempotent.
    """
    from .importer.loader import ensure_municipality  # (the loader looks cities up here)

    created = updated = 0
    for name, region, website in _rows(path):
        municipality, is_new = ensure_municipality(name, region=region, website=website)
        if is_new:
            created += 1
            continue
        changed = []
        if region and not municipality.region:
            municipality.region = region
            changed.append("region")
        if website and not municipality.website:
            municipality.website = website
            changed.append("website")
        if changed:
            municipality.save(update_fields=changed)
            publication.municipality_changed(municipality.pk)
            updated += 1
    return created, updated
