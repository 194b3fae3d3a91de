"""Helpers shared by the importer tests: where the seed reports are (no Django needed)."""

from __future__ import annotations

import os
from pathlib import Path

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures"
REPO = HERE.parents[2]

SEED_NAMES = {
    "000": "000_520ba1514e952c3f.txt",
    "001": "001_919fb9ac42d83f1b.txt",
    "002": "002_f0cb354646481d1b.txt",
    "003": "003_ac25b3e62e126634.txt",
    "004": "004_9f85a604be6ac1d9.txt",
}


def seeds_dir() -> Path:
    """Where the five seed reports are: $REPORT_SEEDS_DIR, the repo's seeds/, /work/shared/seeds."""
    candidates = [os.environ.get("REPORT_SEEDS_DIR"), REPO / "seeds", REPO.parent / "shared" / "seeds"]
    for candidate in candidates:
        if candidate and all((Path(candidate) / n).is_file() for n in SEED_NAMES.values()):
            return Path(candidate)
    raise RuntimeError("Seed reports not found (looked in $REPORT_SEEDS_DIR, seeds/, /work/shared/seeds)")


def seed_path(key: str) -> Path:
    return seeds_dir() / SEED_NAMES[key]


def seed_bytes(key: str) -> bytes:
    return seed_path(key).read_bytes()


def seed_text(key: str) -> str:
    return seed_bytes(key).decode("utf-8")
