"""The municipality directory (seeds/municipalities.csv): name, region, website."""

import csv
from pathlib import Path

from django.conf import settings
from django.db import transaction

from . import publication
from .importer.loader import ensure_municipality

DEFAULT_CSV = Path(settings.BASE_DIR) / "seeds" / "municipalities.csv"


@transaction.atomic
def load_directory(path: Path = DEFAULT_CSV) -> tuple[int, int]:
    """Create missing municipalities and fill in an empty region/website; never overwrite.

    Returns (created, updated). Idempotent.
    """
    created = updated = 0
    with open(path, encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            name = (row.get("name") or "").strip()
            if not name:
                continue
            region, website = (row.get("region") or "").strip(), (row.get("website") or "").strip()
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
