"""The body of a report page — its header, table of contents and every section — rendered
once per version of the report and kept in the cache.

The whole-page cache (cache.py) is emptied by every publication anywhere on the portal; the
body of a report changes only when that report does. Its key names everything the body
shows: the report's id, `version` (moved on by every edit of the report or of an item,
reports/concurrency.py), `updated_at` and `published_at`, the municipality's name, region,
website and address, the language and the release (templates, translations). Nothing has to
be invalidated: a changed report simply has another key, and the old body ages out. A
withdrawn report is not found by the view, so its body is never asked for.

With ?q= (words highlighted) the body is rendered every time and not kept.
"""

import hashlib
import logging
import zlib

from django.core.cache import cache
from django.db.models import prefetch_related_objects
from django.template.loader import render_to_string
from django.utils.translation import get_language

from portal.release import release_id

from ..models import Report
from ..versions import SECTIONS

logger = logging.getLogger("reports.public.report_body")

BODY_TIMEOUT = 7 * 24 * 3600
TEMPLATE = "public/_report_body.html"


def body_key(report: Report) -> str:
    m = report.municipality
    stamp = "\n".join(
        str(v)
        for v in (
            report.pk, report.version, report.year, report.updated_at.isoformat(),
            report.published_at.isoformat() if report.published_at else "",
            m.name, m.slug, m.region, m.website, get_language(), release_id(),
        )
    )
    return "report-body:" + hashlib.sha1(stamp.encode()).hexdigest()


def _render(request, report: Report, query: str) -> str:
    from .. import search as search_engine

    prefetch_related_objects([report], *Report.objects.section_prefetches())
    sections = []
    for key, title in SECTIONS:
        items = list(getattr(report, key).all())
        if query:
            for item in items:
                item.highlighted = search_engine.highlight(item.text, query)
        sections.append({"key": key, "title": title, "items": items})
    return render_to_string(TEMPLATE, {"report": report, "sections": sections, "query": query}, request)


def rendered_body(request, report: Report, query: str = "") -> tuple[str, bool]:
    """(HTML of the body, whether it came from the cache). A cache outage costs a render."""
    if query:
        return _render(request, report, query), False
    key = body_key(report)
    try:
        stored = cache.get(key)
    except Exception:  # noqa: BLE001
        logger.warning("report body cache unavailable", exc_info=True)
        stored = None
    if stored is not None:
        return zlib.decompress(stored).decode(), True
    html = _render(request, report, "")
    try:
        # Compressed: a body is 10–60 KB of HTML, about a fifth of that deflated.
        cache.set(key, zlib.compress(html.encode(), 1), BODY_TIMEOUT)
    except Exception:  # noqa: BLE001
        logger.warning("report body cache unavailable", exc_info=True)
    return html, False
