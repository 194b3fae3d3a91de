"""Search over published reports: report texts and municipality names, Russian-aware.

«пандемия» finds «пандемии», «тос» finds «ТОС», «е» = «ё». PostgreSQL: full-text search
(`russian` configuration, GIN index); SQLite: the same words as Snowball stems in a
normalised column. Both give the same results. Only published reports are indexed or
returned. Views, the API and exports call exactly these:

    search(query, reports=None, limit=None) -> list[Hit]   # ranks the CANDIDATES newest matches
    count(query, reports=None, cap=None) -> int            # cap + 1 when more than cap match
    matching_report_ids(query, reports=None)   # for Report.objects.filter(pk__in=…)
    highlight(text, query) -> SafeString
    index_report(report_id), index_municipality(municipality_id), rebuild_index() -> int
"""

from .index import index_municipality, index_report, rebuild_index
from .query import CANDIDATES, Hit, count, highlight, matching_report_ids, search

__all__ = [
    "CANDIDATES",
    "Hit",
    "count",
    "highlight",
    "index_municipality",
    "index_report",
    "matching_report_ids",
    "rebuild_index",
    "search",
]
