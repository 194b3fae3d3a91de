"""The stored public form of published reports and municipalities: how it is made, kept and read.

A report's page body (header, contents and every section) in each language, its open-data
document (the API's JSON), and a city page's body in each language are rendered when what
they show changes — by reports.publication, in the transaction of the change — and stored
(reports.public.models). A public page then reads one row instead of rendering a report.

Each row carries a *stamp* of what made it: its template or serializer, the translations of
its language, the time zone and a version number of this module. After a release that
changes any of these, `manage.py render_public_pages` renders the rows again; a row still
missing or out of date when a visitor asks for it is rendered then, stored and served
(never the old one).

Rendering locks the rows it renders from (the report, then the municipality), so a rendering
made on read cannot overwrite a newer one stored by a change committed meanwhile.
"""

import functools
import hashlib
import inspect
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import django
from django.conf import settings
from django.db import transaction
from django.db.models import FilteredRelation, Q, prefetch_related_objects
from django.template.loader import get_template, render_to_string
from django.utils import timezone, translation

from portal.db import CompiledQuery

from ..models import SECTIONS, Municipality, Report
from ..outcomes.plan import fulfilment
from ..status import Status
from .models import MunicipalityRendering, RenderingFormat, ReportRendering

# Bump when the Python below changes what a rendering contains.
RENDERING_VERSION = 2  # 2: outcomes of the tasks set for the year (reports.outcomes)
REPORT_TEMPLATE = "public/_report_body.html"
MUNICIPALITY_TEMPLATE = "public/_municipality_body.html"
BATCH = 200
HTML, JSON = RenderingFormat.HTML, RenderingFormat.JSON


def languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


# --- stamps ------------------------------------------------------------------------------------


def _catalogs(language: str) -> list[Path]:
    return sorted(
        path for root in settings.LOCALE_PATHS for path in (Path(root) / language / "LC_MESSAGES").glob("*.mo")
    )


def _sources(subject: str, format: str, language: str) -> list[Path]:
    """The files whose content decides a rendering: the sections of a report (reports.models.SECTIONS),
    and its template and translations, or its serializer."""
    sections = Path(inspect.getfile(sys.modules[Report.__module__]))
    if format == HTML:
        template = REPORT_TEMPLATE if subject == "report" else MUNICIPALITY_TEMPLATE
        return [sections, Path(get_template(template).origin.name), *_catalogs(language)]
    from ..api import serializers

    return [sections, Path(inspect.getfile(serializers))]


@functools.lru_cache(maxsize=64)
def _cached_stamp(subject: str, format: str, language: str, _mtimes: tuple = ()) -> str:
    digest = hashlib.sha1(
        f"{RENDERING_VERSION}|{django.get_version()}|{settings.TIME_ZONE}|{subject}|{format}|{language}".encode()
    )
    for path in _sources(subject, format, language):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def stamp(subject: str, format: str, language: str = "") -> str:
    """What makes a rendering of `subject` ("report" or "municipality") in this format and language.
    Computed once per process; in development (DEBUG) again whenever one of its files changes, so
    an edited template shows at once."""
    mtimes = ()
    if settings.DEBUG:
        mtimes = tuple(path.stat().st_mtime_ns for path in _sources(subject, format, language))
    return _cached_stamp(subject, format, language, mtimes)


# --- making them -------------------------------------------------------------------------------


def report_body_html(report: Report, query: str = "", preview: bool = False) -> str:
    """The body of a report page (sections prefetched). With `query`, the words are marked (such a
    body is rendered for one visitor and never stored). `preview`: the back office's preview of a
    report that is not published (reports/admin/preview.py), never stored either."""
    from .. import search

    sections = []
    for section in SECTIONS:
        items = list(getattr(report, section.key).all())
        if query:
            for item in items:
                item.highlighted = search.highlight(item.text, query)
        sections.append({"key": section.key, "title": section.title, "items": items})
    outcomes = list(report.outcomes.all())  # only the publishable ones (outcome_prefetch)
    context = {
        "report": report,
        "sections": sections,
        "query": query,
        "preview": preview,
        "outcomes": outcomes,
        "fulfilment": fulfilment(outcomes),
    }
    return render_to_string(REPORT_TEMPLATE, context)


def report_documents(reports: list[Report]) -> list[str]:
    """The open-data documents of reports (sections prefetched): ReportDetailSerializer's output,
    with the page's path in `url` (the API makes it absolute for each request). One serializer
    for the batch: building one per report costs more than the documents."""
    from ..api.serializers import ReportDetailSerializer

    data = ReportDetailSerializer(reports, many=True).data
    return [json.dumps(document, ensure_ascii=False, separators=(",", ":")) for document in data]


def municipality_body_html(municipality: Municipality, reports: list[Report]) -> str:
    """The body of a city page: its published reports by year (newest first) and, year by year,
    the tasks it set — each with its outcome as the report about its year marks it — beside what
    it reported about that year (sections and outcomes prefetched)."""
    by_year = {r.year: r for r in reports}
    # (year of the answering report, task id) → its outcome row. Keyed by year too: a row left in a
    # report after its task was moved to another year answers for nothing on this page.
    marked = {(r.year, row.task_id): row for r in reports for row in r.outcomes.all() if row.task_id}
    plans = []
    for report in sorted(reports, key=lambda r: r.year):
        tasks = list(report.tasks.all())
        if tasks:
            target = report.year + 1
            answered = []
            for task in tasks:
                task.answered_in = by_year.get(task.year)  # None: no report about that year yet
                task.outcome_row = marked.get((task.year, task.pk)) if task.answered_in else None
                if task.answered_in:
                    answered.append(task.outcome_row)
            plans.append(
                {
                    "planned_in": report,
                    "year": target,
                    "tasks": tasks,
                    "outcome": by_year.get(target),
                    "fulfilment": fulfilment(answered),
                }
            )
    context = {"municipality": municipality, "reports": reports, "plans": list(reversed(plans))}
    return render_to_string(MUNICIPALITY_TEMPLATE, context)


def _report_rows(reports: list[Report], now) -> list[ReportRendering]:
    rows = []
    for language in languages():
        made_by = stamp("report", HTML, language)
        with translation.override(language):
            for report in reports:
                rows.append(
                    ReportRendering(
                        report=report,
                        format=HTML,
                        language=language,
                        content=report_body_html(report),
                        stamp=made_by,
                        rendered_at=now,
                    )
                )
    made_by = stamp("report", JSON)
    for report, content in zip(reports, report_documents(reports)):
        rows.append(
            ReportRendering(report=report, format=JSON, language="", content=content, stamp=made_by, rendered_at=now)
        )
    return rows


def _store(model, rows, key: str) -> None:
    model.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=[key, "format", "language"],
        update_fields=["content", "stamp", "rendered_at"],
    )


def refresh_reports(report_ids, *, municipalities: bool = True) -> set[int]:
    """Store the renderings of these reports as they are now, or delete them for reports that are
    not published; then (unless told not to) those of their municipalities, whose pages list the
    reports. Must run inside a transaction (locks the rows). Returns the municipalities' ids."""
    ids = sorted(set(report_ids))
    municipality_ids = set()
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        rows = list(
            Report.objects.select_for_update(of=("self",))
            .filter(pk__in=batch)
            .select_related("municipality")
            .order_by("pk")
        )
        municipality_ids.update(r.municipality_id for r in rows)
        published = [r for r in rows if r.status == Status.PUBLISHED]
        ReportRendering.objects.filter(report_id__in=batch).exclude(report_id__in=[r.pk for r in published]).delete()
        if published:
            prefetch_related_objects(published, *Report.objects.section_prefetches())
            now = timezone.now()
            _store(ReportRendering, _report_rows(published, now), "report")
    if municipalities:
        refresh_municipalities(municipality_ids)
    return municipality_ids


def refresh_municipalities(municipality_ids) -> None:
    """Store the page bodies of these municipalities as they are now (or delete them for a city
    without published reports). Must run inside a transaction (locks the municipality rows)."""
    ids = sorted(set(municipality_ids))
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        cities = list(Municipality.objects.select_for_update().filter(pk__in=batch).order_by("pk"))
        reports = {}
        for report in Report.objects.published_with_sections().filter(municipality_id__in=batch).order_by("-year"):
            reports.setdefault(report.municipality_id, []).append(report)
        MunicipalityRendering.objects.filter(municipality_id__in=batch).exclude(
            municipality_id__in=list(reports)
        ).delete()
        now, rows = timezone.now(), []
        for city in cities:
            if city.pk not in reports:
                continue
            for report in reports[city.pk]:
                report.municipality = city  # no query per report for get_absolute_url
            for language in languages():
                with translation.override(language):
                    content = municipality_body_html(city, reports[city.pk])
                rows.append(
                    MunicipalityRendering(
                        municipality=city,
                        format=HTML,
                        language=language,
                        content=content,
                        stamp=stamp("municipality", HTML, language),
                        rendered_at=now,
                    )
                )
        if rows:
            _store(MunicipalityRendering, rows, "municipality")


# --- reading them ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportPage:
    id: int
    year: int
    municipality_id: int
    name: str
    slug: str
    region: str
    # When it was published: the printed page's running line says it (compendium's print.css).
    published_at: object
    body: str
    # The number of items of each section, in the order of SECTIONS (the page's sharing summary).
    counts: tuple[int, ...] = ()


# Sample values for the queries compiled once per process (portal.db.CompiledQuery).
_SLUG, _YEAR, _ID, _LANGUAGE = "\x01slug", 32_717, -1_000_002, "\x01language"  # each valid for its field

_REPORT_PAGE = CompiledQuery(
    lambda slug, year, language: (
        Report.objects.published()
        .filter(municipality__slug=slug, year=year)
        .annotate(
            shown=FilteredRelation("renderings", condition=Q(renderings__format=HTML, renderings__language=language)),
            **Report.objects.section_sizes(),
        )
        .values_list(
            "pk",
            "year",
            "municipality_id",
            "municipality__name",
            "municipality__slug",
            "municipality__region",
            "published_at",
            *(section.count_name for section in SECTIONS),
            "shown__content",
            "shown__stamp",
        )
        .order_by()[:1]
    ),
    slug=_SLUG,
    year=_YEAR,
    language=_LANGUAGE,
)


def report_page(slug: str, year: int, language: str) -> ReportPage | None:
    """A published report's page body in `language` with what the page around it shows; None if no
    such report is published. One query, plus a rendering when the stored one is missing or old."""
    row = next(iter(_REPORT_PAGE.rows(slug=slug, year=year, language=language)), None)
    if row is None:
        return None
    *values, content, made_by = row
    fields, counts = values[: -len(SECTIONS)], values[-len(SECTIONS) :]
    if made_by != stamp("report", HTML, language):
        content = _render_on_read(ReportRendering, "report", row[0], HTML, language)
        if content is None:  # withdrawn meanwhile
            return None
    return ReportPage(*fields, body=content, counts=tuple(counts))


_REPORT_DOCUMENT = CompiledQuery(
    lambda pk: (
        Report.objects.published()
        .filter(pk=pk)
        .annotate(shown=FilteredRelation("renderings", condition=Q(renderings__format=JSON)))
        .values_list("shown__content", "shown__stamp")
        .order_by()[:1]
    ),
    pk=_ID,
)


def report_document_for(report_id: int) -> dict | None:
    """The stored open-data document of a published report (None if it is not published)."""
    row = next(iter(_REPORT_DOCUMENT.rows(pk=report_id)), None)
    if row is None:
        return None
    content, made_by = row
    if made_by != stamp("report", JSON):
        content = _render_on_read(ReportRendering, "report", report_id, JSON, "")
        if content is None:
            return None
    return json.loads(content)


@dataclass(frozen=True)
class MunicipalityPage:
    id: int
    name: str
    slug: str
    region: str
    body: str


_MUNICIPALITY_PAGE = CompiledQuery(
    lambda slug, language: (
        Municipality.objects.filter(slug=slug)
        .annotate(
            shown=FilteredRelation("renderings", condition=Q(renderings__format=HTML, renderings__language=language))
        )
        .values_list("pk", "name", "slug", "region", "shown__content", "shown__stamp")
        .order_by()[:1]
    ),
    slug=_SLUG,
    language=_LANGUAGE,
)


def municipality_page(slug: str, language: str) -> MunicipalityPage | None:
    """A city page's body; None if the city has no published report. One query when stored."""
    row = next(iter(_MUNICIPALITY_PAGE.rows(slug=slug, language=language)), None)
    if row is None:
        return None
    *values, content, made_by = row
    if made_by != stamp("municipality", HTML, language):
        # Missing: not rendered yet, or the city has no published report (then there is none to render).
        content = _render_on_read(MunicipalityRendering, "municipality", row[0], HTML, language)
        if content is None:
            return None
    return MunicipalityPage(*values, body=content)


def _render_on_read(model, subject: str, pk: int, format: str, language: str) -> str | None:
    """Render the renderings of one report or municipality now (locking its rows, so a change
    committed meanwhile wins) and return the one asked for; None if there is none to make."""
    with transaction.atomic():
        if subject == "report":
            refresh_reports([pk], municipalities=False)
            found = model.objects.filter(report_id=pk, format=format, language=language)
        else:
            refresh_municipalities([pk])
            found = model.objects.filter(municipality_id=pk, format=format, language=language)
        return found.values_list("content", flat=True).first()
