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


def fill_template(data: bytes, year: int, items: dict[str, list[str]]) -> bytes:
    """The Word template (reports/importer/template.py) with `items` ({section key: [texts]}) typed
    in as a person would: into the empty bulleted paragraph under each heading, one bullet each."""
    import io

    import docx

    from reports.importer.template import section_headings

    document = docx.Document(io.BytesIO(data))
    headings = {heading: section.key for section, heading in section_headings(year)}
    current = None
    for paragraph in list(document.paragraphs):
        if paragraph.text in headings:
            current = headings[paragraph.text]
        elif current and paragraph.style.name == "List Bullet" and not paragraph.text:
            texts = items.get(current) or [""]
            paragraph.text = texts[-1]
            for text in texts[:-1]:
                paragraph.insert_paragraph_before(text, style="List Bullet")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
