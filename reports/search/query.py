"""Searching the index: which published reports match, in what order, and why.

Semantics (the same on PostgreSQL and SQLite):

* a report matches when every query term occurs in it — in its municipality's name
  or in any of its items (so «Саяногорск казачество» finds Саяногорск's reports
  that speak of «казачеством»);
* a document's score is (occurrences of query terms) × (how many different terms it
  has) × 3 for the municipality's name, 1 for an item; a report's score is the sum
  over its documents; ties: newer year first, then the municipality's name;
* a hit shows the best document of the report: its section and a snippet.

Which reports match is answered by ReportTerms (one row per report, every word of it):
PostgreSQL with `vector @@ to_tsquery(…) & …` through a GIN index, SQLite with
`stems LIKE '% stem %'`. Ranking looks at the newest CANDIDATES matching reports only:
a common word matches most of the 350,000 reports a national portal may hold, and scoring
every one of them costs seconds; the newest 500 are read off the (year, id) index
in order and stop early. Below that many matches (any real query on a real archive) the
ranking is exact. Their documents are then scored — in SQL from the tsvector on
PostgreSQL, in Python on SQLite. Two queries per search whatever the number of hits;
one (lazy) query for matching_report_ids.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.db.models import F, FloatField, Func, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Collate
from django.utils.safestring import SafeString

from ..models import Report, published_q
from . import marks
from . import text as search_text
from .models import ReportTerms, SearchDocument, Section

MUNICIPALITY_WEIGHT = 3
# How many of the matching reports, newest first, a search ranks (see the module docstring).
CANDIDATES = 500
SECTION_ORDER = {key: n for n, key in enumerate(Section.values)}


@dataclass
class Hit:
    report: Report  # with municipality selected
    score: float
    section: str  # key of the best-matching section
    section_label: str
    snippet: SafeString
    matches: int  # how many documents of this report matched


def _postgres() -> bool:
    return connection.vendor == "postgresql"


# --- matching a term -----------------------------------------------------------------------


def _tsquery(term: search_text.Term) -> SearchQuery:
    # Tokens are letters or digits only, so they are safe in to_tsquery syntax.
    if term.stop:
        # Stop words are in the vector as our stems, added with `simple` (see index._document).
        return SearchQuery(term.stem + (":*" if term.prefix else ""), config="simple", search_type="raw")
    return SearchQuery(term.token + (":*" if term.prefix else ""), config="russian", search_type="raw")


def _term_q(term: search_text.Term) -> Q:
    if _postgres():
        return Q(vector=_tsquery(term))
    return Q(stems__contains=f" {term.stem}" if term.prefix else f" {term.stem} ")


def _any_term_q(terms) -> Q:
    if _postgres():
        combined = _tsquery(terms[0])
        for term in terms[1:]:
            combined = combined | _tsquery(term)
        return Q(vector=combined)
    q = Q()
    for term in terms:
        q |= _term_q(term)
    return q


# --- which reports -------------------------------------------------------------------------


def _restrict(qs: QuerySet, field: str, reports) -> QuerySet:
    """`qs` where `field` (a report id) is among `reports` (a queryset of Report, or ids/reports).

    A subquery: a `reports` queryset with aggregate annotations (for_public_list()'s counters)
    brings its joins and GROUP BY along, so pass a plainly filtered one where it matters."""
    if reports is None:
        return qs
    if isinstance(reports, QuerySet):
        return qs.filter(**{f"{field}__in": reports.order_by().values("pk")})
    return qs.filter(**{f"{field}__in": [getattr(r, "pk", r) for r in reports]})


def _all_terms_q(terms) -> Q:
    """A ReportTerms row that has every term (in its municipality's name or any item)."""
    if _postgres():
        combined = _tsquery(terms[0])
        for term in terms[1:]:
            combined = combined & _tsquery(term)
        return Q(vector=combined)
    q = Q()
    for term in terms:
        q &= _term_q(term)
    return q


def _matching(terms, reports) -> QuerySet:
    """ReportTerms of the published reports (among `reports`) that have every term."""
    rows = ReportTerms.objects.filter(_all_terms_q(terms), published_q("report__"))
    return _restrict(rows, "report_id", reports)


def matching_report_ids(query: str, reports=None):
    """Ids of the published reports (among `reports`, a queryset of Report) that match the
    query — a lazy queryset, for Report.objects.filter(pk__in=…). Empty query: none."""
    terms = search_text.query_terms(query)
    if not terms:
        return Report.objects.none().values_list("pk", flat=True)
    return _matching(terms, reports).order_by().values_list("report_id", flat=True)


def count(query: str, reports=None, cap: int | None = None) -> int:
    """How many published reports match; stops counting past `cap` (returns cap + 1 then)."""
    ids = matching_report_ids(query, reports)
    return (ids[: cap + 1] if cap is not None else ids).count()


def _candidates(terms, reports) -> QuerySet:
    """The ids of the newest CANDIDATES matching reports (a subquery)."""
    return _matching(terms, reports).order_by("-year", "-report_id").values("report_id")[:CANDIDATES]


# --- ranking -------------------------------------------------------------------------------


class _DocScore(Func):
    """A document's score computed from its tsvector (PostgreSQL): see the module docstring.
    Each lexeme counts for the first term (in query order) it matches, as text.assign does."""

    output_field = FloatField()

    def __init__(self, terms):
        super().__init__(F("vector"), F("section"))
        self.terms = terms

    def as_sql(self, compiler, connection, **extra_context):
        vector_sql, vector_params = compiler.compile(self.source_expressions[0])
        section_sql, section_params = compiler.compile(self.source_expressions[1])
        conditions, params = [], []
        for term in self.terms:
            if term.prefix:
                conditions.append("u.lexeme LIKE %s")
                params.append(term.stem + "%")
            else:
                conditions.append("u.lexeme = %s")
                params.append(term.stem)
        case = "CASE " + " ".join(f"WHEN {c} THEN {n}" for n, c in enumerate(conditions)) + " END"
        sql = (
            f"((CASE WHEN {section_sql} = %s THEN {MUNICIPALITY_WEIGHT} ELSE 1 END) * "
            f"(SELECT COALESCE(SUM(COALESCE(array_length(u.positions, 1), 1)), 0) * COUNT(DISTINCT {case}) "
            f"FROM unnest({vector_sql}) AS u WHERE {' OR '.join(conditions)}))::double precision"
        )
        return sql, [*section_params, Section.MUNICIPALITY, *params, *vector_params, *params]


def _score(section: str, counts: list[int]) -> float:
    distinct = sum(1 for c in counts if c)
    return float(sum(counts) * distinct * (MUNICIPALITY_WEIGHT if section == Section.MUNICIPALITY else 1))


def _doc_score(section: str, stems: str, terms) -> float:
    return _score(section, search_text.term_counts(stems.split(), terms))


def _best(docs, terms):
    """The document to show: the most query terms, the rarest of them in this report (a city's
    name is in many of its items, the subject in few), the highest score, the earliest place."""
    counts = {doc.pk: search_text.term_counts(doc.stems.split(), terms) for doc in docs}
    frequency = [sum(1 for doc in docs if counts[doc.pk][n]) for n in range(len(terms))]

    def key(doc):
        c = counts[doc.pk]
        return (
            sum(1 for n in c if n),
            sum(1 / frequency[n] for n, k in enumerate(c) if k),
            _score(doc.section, c),
            -SECTION_ORDER.get(doc.section, len(SECTION_ORDER)),
            -doc.position,
        )

    return max(docs, key=key)


def _ranked(terms, reports, limit) -> list[tuple[int, float]]:
    """[(report id, score)] of the candidates, best first: one query."""
    if _postgres():
        docs = SearchDocument.objects.filter(_any_term_q(terms))
        # Scored per candidate report in a correlated subquery: grouping the documents themselves
        # would sort the rows with their tsvectors (megabytes, spilled to disk) before summing.
        score = (
            docs.filter(report_id=OuterRef("pk"))
            .order_by()
            .values("report_id")
            .annotate(score=Sum(_DocScore(terms)))
            .values("score")
        )
        rows = (
            Report.objects.filter(pk__in=_candidates(terms, reports))
            .annotate(score=Subquery(score, output_field=FloatField()))
            .order_by("-score", "-year", Collate("municipality__name", "C"), "pk")
            .values_list("pk", "score")
        )
        return list(rows[:limit] if limit is not None else rows)
    docs = SearchDocument.objects.filter(_any_term_q(terms), report_id__in=_candidates(terms, reports))
    scores, keys = defaultdict(float), {}
    fields = ("report_id", "section", "stems", "report__year", "report__municipality__name")
    for report_id, section, stems, year, name in docs.values_list(*fields):
        scores[report_id] += _doc_score(section, stems, terms)
        keys[report_id] = (year, name)
    order = sorted(scores, key=lambda pk: (-scores[pk], -keys[pk][0], keys[pk][1], pk))
    if limit is not None:
        order = order[:limit]
    return [(pk, scores[pk]) for pk in order]


def search(query: str, reports=None, limit: int | None = None) -> list[Hit]:
    """Published reports matching the query, best first, each with its best snippet.

    `reports` (a queryset of Report) restricts the search; it is always intersected with
    the published reports. Two queries whatever the number of hits (none for an empty query)."""
    terms = search_text.query_terms(query)
    if not terms or (limit is not None and limit <= 0):
        return []
    ranked = _ranked(terms, reports, limit)
    if not ranked:
        return []
    ids = [pk for pk, _score in ranked]
    docs = defaultdict(list)
    rows = (
        SearchDocument.objects.filter(published_q("report__"), report_id__in=ids)
        .filter(_any_term_q(terms))
        .select_related("report__municipality")
        .defer("vector")
    )
    for doc in rows:
        docs[doc.report_id].append(doc)
    hits = []
    for pk, score in ranked:
        found = docs.get(pk)
        if not found:  # unpublished between the two queries
            continue
        best = _best(found, terms)
        hits.append(
            Hit(
                report=best.report,
                score=float(score),
                section=best.section,
                section_label=str(Section(best.section).label),
                snippet=marks.snippet(best.text, terms),
                matches=len(found),
            )
        )
    return hits


def highlight(text: str, query: str) -> SafeString:
    """The text, escaped, with the words matching the query in <mark>…</mark> (for ?q= on a report page)."""
    return marks.mark(text, search_text.query_terms(query))
