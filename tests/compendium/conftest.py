import io
import re
import subprocess

import pytest
from pypdf import PdfReader

from reports.models import Achievement, Municipality, Problem, Proposal, Report, Task
from reports.status import Status

DRAFT_SECRET = "черновиктайна"
WITHDRAWN_SECRET = "отозванотайна"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def pdf_pages(data: bytes) -> list[str]:
    """The text of each page, by pdftotext (poppler-utils): pypdf loses the whole line of a glyph
    the fonts lack (an emoji drawn as .notdef), pdftotext keeps it. pypdf counts the pages."""
    text = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()
    pages = text.split("\f")[: len(PdfReader(io.BytesIO(data)).pages)]
    return pages


def squeeze(text: str) -> str:
    """Text as compared: no whitespace, no hyphens of hyphenation (U+2010 at a line's end)."""
    return re.sub(r"\s+", "", text.replace("\u2010\n", "").replace("\u00ad", ""))


@pytest.fixture
def year_reports(make_report, moderator):
    """2024: two published cities in two regions, one draft and one withdrawn with secret words."""
    krasnoyarsk = Municipality.objects.create(name="Лесосибирск", slug="lesosibirsk", region="Красноярский край")
    abakan = Municipality.objects.create(name="Абакан", slug="abakan", region="Республика Хакасия")
    draft_city = Municipality.objects.create(name="Черновикград", slug="draft-city", region="Тайный край")
    gone_city = Municipality.objects.create(name="Отозванск", slug="gone-city", region="Отозванный край")
    published = [
        make_report(Status.PUBLISHED, municipality=krasnoyarsk, year=2024, city=moderator),
        make_report(Status.PUBLISHED, municipality=abakan, year=2024, city=moderator),
    ]
    draft = make_report(Status.DRAFT, municipality=draft_city, year=2024, city=moderator)
    Achievement.objects.filter(report=draft).update(text=f"{DRAFT_SECRET} в черновике")
    gone = make_report(Status.WITHDRAWN, municipality=gone_city, year=2024, city=moderator)
    Achievement.objects.filter(report=gone).update(text=f"{WITHDRAWN_SECRET} в отозванном")
    return [Report.objects.get(pk=r.pk) for r in published]


def item_texts(report) -> list[str]:
    return [i.text for model in (Achievement, Problem, Task, Proposal) for i in model.objects.filter(report=report)]
