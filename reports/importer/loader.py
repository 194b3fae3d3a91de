"""Store a parsed report in the database: atomic and idempotent.

One document → one transaction. A report that already exists for the
municipality and year is left untouched (re-running an import changes
nothing) unless `replace` is asked for, which replaces a draft's items and
refuses anything past draft. Unknown municipalities are created and reported,
so the directory can be completed later.
"""

from dataclasses import dataclass, field
from pathlib import Path

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from portal.text import fold, slugify_ru
from themes import assign as theme_assign

from .. import workflow
from ..concurrency import claim_version
from ..directory import DEFAULT_CSV, lookup
from ..models import ITEM_MODELS, SECTIONS, Municipality, ProposalKind, Report
from ..status import Status
from .parser import ParsedReport

CREATED, REPLACED, UNCHANGED = "created", "replaced", "unchanged"


class ImportRefused(Exception):
    """The document is fine but cannot be stored (e.g. it would replace a published report)."""


@dataclass
class ImportResult:
    outcome: str
    report: Report
    municipality_created: bool = False
    counts: dict = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return self.outcome != UNCHANGED


def section_counts(parsed: ParsedReport) -> dict:
    return {section.key: len(getattr(parsed, section.key)) for section in SECTIONS}


def find_municipality(name: str):
    """Case- and «ё»-insensitive match on the name (both databases)."""
    wanted = fold(name.strip())
    for municipality in Municipality.objects.filter(name__iexact=name.strip()):
        return municipality
    for municipality in Municipality.objects.all().only("id", "name"):
        if fold(municipality.name) == wanted:
            return Municipality.objects.get(pk=municipality.pk)
    return None


def ensure_municipality(name: str, region: str = "", website: str = "") -> tuple[Municipality, bool]:
    existing = find_municipality(name)
    if existing is not None:
        return existing, False
    base = slugify_ru(name)
    slug, n = base, 2
    while Municipality.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return Municipality.objects.create(name=name.strip(), slug=slug, region=region, website=website), True


def store_report(
    parsed: ParsedReport,
    *,
    user=None,
    municipality: Municipality | None = None,
    publish: bool = False,
    replace: bool = False,
    replaceable: tuple = (Status.DRAFT,),
    expected_version: int | None = None,
    change_reason: str = "",
    directory: Path | None = DEFAULT_CSV,
) -> ImportResult:
    """Create (or, with `replace`, refill a draft) report from `parsed`, atomically. A new
    municipality gets its region and website from the municipality `directory` (a CSV).

    `replaceable`: the statuses a report may be replaced in (the command: drafts only; the upload
    page: whatever the city may edit). `expected_version`: the version the person saw when they
    confirmed the replacement; if the report was saved since, StaleReportError is raised and
    nothing changes (reports/concurrency.py). `change_reason` goes into the history rows."""
    with transaction.atomic():
        created_municipality = False
        if municipality is None:
            region, website = lookup(parsed.municipality, directory)
            municipality, created_municipality = ensure_municipality(parsed.municipality, region, website)
        report = (
            Report.objects.select_for_update()
            .filter(municipality=municipality, year=parsed.year)
            .select_related("municipality")
            .first()
        )
        counts = section_counts(parsed)
        if report is not None and not replace:
            return ImportResult(UNCHANGED, report, created_municipality, counts)
        if report is not None:
            if report.status not in replaceable:
                if tuple(replaceable) == (Status.DRAFT,):
                    refusal = _("отчёт %(report)s уже есть в статусе «%(status)s»; заменить можно только черновик")
                else:
                    refusal = _(
                        "отчёт %(report)s уже есть в статусе «%(status)s»; заменить можно только черновик "
                        "или отчёт, возвращённый на доработку"
                    )
                raise ImportRefused(refusal % {"report": report, "status": report.get_status_display()})
            version = report.version if expected_version is None else expected_version
            report.version = claim_version(report.pk, version)  # StaleReportError: saved by someone since
            report._history_user = user
            report._change_reason = change_reason[:100] or None
            report.save(update_fields=["version", "updated_at"])  # a history row: "replaced from a file"
            for model in ITEM_MODELS:
                for item in model.objects.filter(report=report):
                    item._history_user = user
                    item._change_reason = change_reason[:100] or None
                    item.delete()
            outcome = REPLACED
        else:
            report = Report(municipality=municipality, year=parsed.year, created_by=user)
            report._history_user = user
            try:
                with transaction.atomic():
                    report.save()
            except IntegrityError:
                # Someone created the same municipality/year a moment ago (the unique constraint).
                raise ImportRefused(
                    _("отчёт %(municipality)s за %(year)s год только что создал кто-то другой")
                    % {"municipality": municipality, "year": parsed.year}
                ) from None
            outcome = CREATED
        _create_items(report, parsed, user, change_reason[:100] or None)
        theme_assign.suggest_for_reports([report.pk])  # before publishing: the page shows them
        if publish:
            report = workflow.publish_archive(report, comment=_("Импортирован из архива опубликованных отчётов."))
        return ImportResult(outcome, report, created_municipality, counts)


def _create_items(report: Report, parsed: ParsedReport, user, change_reason: str | None = None) -> None:
    rows = [
        section.model(report=report, text=item.text, position=n, **_own_fields(section, item, report))
        for section in SECTIONS
        for n, item in enumerate(getattr(parsed, section.key), 1)
    ]
    # Saved one by one (a report has tens of items, not thousands) so simple-history records each.
    for row in rows:
        row._history_user = user
        row._change_reason = change_reason
        row.save()


def _own_fields(section, item, report) -> dict:
    """An item's fields besides its text (ReportSection.fields), from what the parser read: a task
    without a year is for the year after the report's; a proposal of a kind we do not know is "other"."""
    values = {}
    if "year" in section.fields:
        values["year"] = item.year or report.year + 1
    if "kind" in section.fields:
        values["kind"] = item.kind if item.kind in ProposalKind.values else ProposalKind.OTHER
    return values
