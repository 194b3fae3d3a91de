"""Building a year's compendium files and keeping them: the one place that writes them.

Files live in MEDIA_ROOT/compendium/ under names that carry their content's hash
(`2024-<sha256 prefix>.pdf`): each is written under a temporary name, flushed, then renamed,
and only then does its CompendiumFile row point at it, so a download reads either the previous
complete file or the new complete one, never half of one. The file before the previous one is
deleted (the previous stays a while for downloads already under way)."""

import hashlib
import logging
import os
import time
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from reports.models import Report, TaskOutcome, published_q

from . import content, locks, pdf
from . import docx as docx_writer
from .models import BuildState, CompendiumFile, FileFormat

logger = logging.getLogger(__name__)
FORMATS = (FileFormat.PDF, FileFormat.DOCX)


def folder() -> Path:
    path = Path(settings.MEDIA_ROOT) / "compendium"
    path.mkdir(parents=True, exist_ok=True)
    return path


def path_of(record: CompendiumFile) -> Path:
    return folder() / record.file_name


def published_stamps(year: int) -> dict[str, str]:
    """{report id: published_at} of the year's published reports, as CompendiumFile.reports records them."""
    # And the published earlier reports whose tasks the year's outcome rows quote (content.CityReport.sources).
    quoted = TaskOutcome.objects.filter(published_q("report__"), report__year=year, task__isnull=False)
    rows = (
        Report.objects.published()
        .filter(Q(year=year) | Q(pk__in=quoted.values("task__report_id")))
        .values_list("pk", "published_at")
    )
    return {str(pk): published_at.isoformat() for pk, published_at in rows}


def servable(record: CompendiumFile, published: dict[str, str]) -> bool:
    """The file holds only reports that are published now, each as published then (not one
    withdrawn, nor withdrawn and published again since): it may be handed out."""
    return all(published.get(pk) == stamp for pk, stamp in record.reports.items())


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _write(book: content.Book, fmt: str) -> tuple[Path, str, int]:
    """The file of one format under its final name; (path, sha256, size)."""
    temporary = folder() / f".{book.year}-{os.getpid()}-{time.monotonic_ns()}.{fmt}.part"
    try:
        if fmt == FileFormat.PDF:
            pdf.write_book(book, temporary)
        else:
            with open(temporary, "wb") as out:
                docx_writer.write_book(book, out)
        with open(temporary, "rb") as f:
            os.fsync(f.fileno())
        sha = _sha256(temporary)
        final = folder() / f"{book.year}-{sha[:16]}.{fmt}"
        os.replace(temporary, final)
        return final, sha, final.stat().st_size
    finally:
        temporary.unlink(missing_ok=True)


def _record(book: content.Book, fmt: str, path: Path, sha: str, size: int, seconds: float) -> bool:
    """Point the year's row at the new file — if every report in it is still published as it was
    (one withdrawn during the build makes the build void). Returns whether it was recorded."""
    with transaction.atomic():
        locks.state(book.year)
        BuildState.objects.select_for_update().get(year=book.year)
        now = published_stamps(book.year)
        if any(now.get(pk) != stamp for pk, stamp in book.stamps.items()):
            path.unlink(missing_ok=True)
            return False
        previous = CompendiumFile.objects.filter(year=book.year, format=fmt).first()
        CompendiumFile.objects.update_or_create(
            year=book.year,
            format=fmt,
            defaults={
                "file_name": path.name,
                "built_at": timezone.now(),
                "seconds": round(seconds, 2),
                "report_count": len(book.cities),
                "size": size,
                "sha256": sha,
                "reports": book.stamps,
            },
        )
    _tidy(book.year, fmt, keep={path.name, previous.file_name if previous else ""})
    return True


def _tidy(year: int, fmt: str, keep: set[str]) -> None:
    for old in folder().glob(f"{year}-*.{fmt}"):
        if old.name not in keep:
            old.unlink(missing_ok=True)


def _forget(year: int) -> None:
    """No published report in the year any more: no files either."""
    for record in CompendiumFile.objects.filter(year=year):
        CompendiumFile.objects.filter(pk=record.pk).delete()
    for fmt in FORMATS:
        _tidy(year, fmt, keep=set())


def build(year: int, formats=FORMATS, attempts: int = 3) -> list[CompendiumFile]:
    """Build the year's files now (the caller holds the year's lease). A report withdrawn during
    the build voids it and it starts again, up to `attempts` times."""
    for _attempt in range(attempts):
        book = content.collect(year)
        if not book.regions:
            _forget(year)
            return []
        done = True
        for fmt in formats:
            started = time.monotonic()
            path, sha, size = _write(book, fmt)
            if not _record(book, fmt, path, sha, size, time.monotonic() - started):
                done = False
                break
        if done:
            return list(CompendiumFile.objects.filter(year=year, format__in=formats))
    raise RuntimeError(f"the reports of {year} kept changing during {attempts} builds")


def build_now(year: int) -> list[CompendiumFile]:
    """Take the year's lease and build (raises locks.Busy if another build runs); the requests
    made before it started are served by it."""
    with locks.lease(year):
        # What this build serves: every request made before it reads the reports.
        started = timezone.now()
        try:
            files = build(year)
        except Exception as error:
            BuildState.objects.filter(year=year).update(last_error=f"{type(error).__name__}: {error}"[:2000])
            logger.exception("Compendium %s could not be built", year)
            raise
        BuildState.objects.filter(year=year).update(built_request=started, last_error="")
        return files
