"""Search over published reports: report texts and municipality names, Russian-aware.

«пандемия» finds «пандемии», «тос» finds «ТОС», «е» = «ё», a Latin «с» in «субcидии» is read as
the Cyrillic one. PostgreSQL: full-text search (`russian` configuration, GIN index); SQLite:
the same words as Snowball stems in a normalised column. Both give the same results, in the
same order (an exact phrase first, then the words close together, then the rest). Only
published reports are indexed, returned or suggested from. Views, the API and exports call
exactly these:

    search(query, reports=None, limit=None) -> list[Hit]   # ranks the CANDIDATES newest matches
    count(query, reports=None, cap=None) -> int            # cap + 1 when more than cap match
    matching_report_ids(query, reports=None)   # for Report.objects.filter(pk__in=…)
    only_stop_words(query) -> bool             # «и», «а в»: searches nothing
    suggest(query, found=None) -> Suggestion | None        # «Возможно, вы искали …»
    highlight(text, query) -> SafeString
    index_report(report_id), index_municipality(municipality_id), rebuild_index() -> int
"""

from .index import index_municipality, index_report, rebuild_index
from .query import CANDIDATES, NEAR, PHRASE, SCATTERED, Hit, count, highlight, matching_report_ids, search
from .suggest import Suggestion, suggest
from .text import only_stop_words

__all__ = [
    "CANDIDATES",
    "NEAR",
    "PHRASE",
    "SCATTERED",
    "Hit",
    "Suggestion",
    "count",
    "highlight",
    "index_municipality",
    "index_report",
    "matching_report_ids",
    "only_stop_words",
    "rebuild_index",
    "search",
    "suggest",
]
