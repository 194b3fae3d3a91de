"""Searching the index: which published reports match, in what order, and why.

Semantics (the same on PostgreSQL and SQLite):

* a report matches when every query term occurs in it — in its municipality's name
  or in any of its items (so «Саяногорск казачество» finds Саяногорск's reports
  that speak of «казачеством»); a query of stop words only matches nothing;
* closeness first: a report where one document has the query's terms as a phrase (one
  after another, in the query's order; stop words between them do not count, as they are
  not indexed) ranks above one where they are only near each other (all within a stretch
  of NEAR_WORDS more words than the query has), which ranks above one where they are
  scattered (text.term_hits gives the positions, the same on both databases);
* then the score: a document's is (occurrences of query terms) × (how many different
  terms it has) × 3 for the municipality's name, 1 for an item; a report's is the sum
  over its documents; ties: newer year first, then the municipality's name;
* a hit shows the best document of the report: its section and a snippet.

Which reports match is answered by ReportTerms (one row per report, every word of it):
PostgreSQL with `vector @@ to_tsquery(…) & …` through a GIN index, SQLite with
`stems LIKE '% stem %'`. Ranking looks at the newest CANDIDATES matching reports only:
a common word matches most of the 350,000 reports a national portal may hold, and scoring
every one of them costs seconds; the newest 500 are read off the (year, id) index
in order and stop early. Below that many matches (any real query on a real archive) the
ranking is exact. Their documents are then scored — in SQL from the tsvector's positions
on PostgreSQL, in Python from the stems' order on SQLite. Two queries per search whatever
the number of hits; one (lazy) query for matching_report_ids.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.db.models import F, FloatField, Func, Max, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Collate
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from ..models import Report, published_q
from . import marks
from . import text as search_text
from .models import ReportTerms, SearchDocument, Section

MUNICIPALITY_WEIGHT = 3
# Closeness of a document's matches (see the module docstring): all terms NEAR when they lie
# within a stretch of (number of terms + NEAR_WORDS) indexed words.
SCATTERED, NEAR, PHRASE = 0, 1, 2
NEAR_WORDS = 3
CLOSENESS_LABELS = {PHRASE: _("фраза целиком"), NEAR: _("слова рядом")}
# How many of the matching reports, newest first, a search ranks (see the module docstring).
CANDIDATES = 500
SECTION_ORDER = {key: n for n, key in enumerate(Section.values)}


@dataclass
class Hit:
    report: Report  # with municipality selected
    score: float
    closeness: int  # PHRASE, NEAR or SCATTERED: how close the terms are in its closest document
    section: str  # key of the best-matching section
    section_label: str
    snippet: SafeString
    matches: int  # how many documents of this report matched

    @property
    def closeness_label(self) -> str:
        """«фраза целиком», «слова рядом», or "" for scattered matches (and a one-word query)."""
        return str(CLOSENESS_LABELS.get(self.closeness, ""))


def _postgres() -> bool:
    return connection.vendor == "postgresql"


# --- matching a term -----------------------------------------------------------------------


def _tsquery(term: search_text.Term) -> SearchQuery:
    # Tokens are letters or digits only, so they are safe in to_tsquery syntax.
    return SearchQuery(term.token + (":*" if term.prefix else ""), config="russian", search_type="raw")


def _all_tsquery(terms) -> SearchQuery:
    combined = _tsquery(terms[0])
    for term in terms[1:]:
        combined = combined & _tsquery(term)
    return combined


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
        return Q(vector=_all_tsquery(terms))
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


def _matches_sql(terms, vector_sql: str, vector_params) -> tuple[str, list]:
    """SQL of a document's matches as rows (t, pos): which term (its index in the query) matched
    at which position — text.term_hits in SQL, from the tsvector's lexemes and positions."""
    conditions, params = [], []
    for term in terms:
        if term.prefix:
            conditions.append("u.lexeme LIKE %s")
            params.append(term.stem + "%")
        else:
            conditions.append("u.lexeme = %s")
            params.append(term.stem)
    case = "CASE " + " ".join(f"WHEN {c} THEN {n}" for n, c in enumerate(conditions)) + " END"
    sql = (
        f"SELECT {case} AS t, p.pos FROM unnest({vector_sql}) AS u "
        f"CROSS JOIN LATERAL unnest(u.positions) AS p(pos) WHERE {' OR '.join(conditions)}"
    )
    return sql, [*params, *vector_params, *params]


class _DocScore(Func):
    """A document's score computed from its tsvector (PostgreSQL): see the module docstring.
    Each lexeme counts for the first term (in query order) it matches, as text.term_hits does."""

    output_field = FloatField()

    def __init__(self, terms):
        super().__init__(F("vector"), F("section"))
        self.terms = terms

    def as_sql(self, compiler, connection, **extra_context):
        vector_sql, vector_params = compiler.compile(self.source_expressions[0])
        section_sql, section_params = compiler.compile(self.source_expressions[1])
        matches, params = _matches_sql(self.terms, vector_sql, vector_params)
        sql = (
            f"((CASE WHEN {section_sql} = %s THEN {MUNICIPALITY_WEIGHT} ELSE 1 END) * "
            f"(SELECT COUNT(*) * COUNT(DISTINCT m.t) FROM ({matches}) AS m))::double precision"
        )
        return sql, [*section_params, Section.MUNICIPALITY, *params]


class _DocCloseness(Func):
    """PHRASE, NEAR or SCATTERED for a document that has every term (PostgreSQL): _closeness in SQL.
    A phrase: matches of terms 0, 1, … k-1 at positions p, p+1, … p+k-1 — one value of pos - t
    shared by all k terms. Near: a stretch of k + NEAR_WORDS positions, starting at a match,
    that holds all k terms."""

    output_field = FloatField()

    def __init__(self, terms):
        super().__init__(F("vector"))
        self.terms = terms

    def as_sql(self, compiler, connection, **extra_context):
        vector_sql, vector_params = compiler.compile(self.source_expressions[0])
        matches, params = _matches_sql(self.terms, vector_sql, vector_params)
        k = len(self.terms)
        sql = (
            f"(WITH m AS ({matches}) SELECT CASE "
            f"WHEN EXISTS (SELECT 1 FROM m GROUP BY m.pos - m.t HAVING COUNT(DISTINCT m.t) = {k}) THEN {PHRASE} "
            f"WHEN EXISTS (SELECT 1 FROM m AS a WHERE (SELECT COUNT(DISTINCT b.t) FROM m AS b "
            f"WHERE b.pos >= a.pos AND b.pos < a.pos + {k + NEAR_WORDS}) = {k}) THEN {NEAR} "
            f"ELSE {SCATTERED} END)::double precision"
        )
        return sql, params


def _closeness(hits, k: int) -> int:
    """PHRASE, NEAR or SCATTERED: how close a document's matches (text.term_hits) of k terms are."""
    if k < 2 or len({t for t, _p in hits}) < k:
        return SCATTERED
    offsets = defaultdict(set)
    for t, p in hits:
        offsets[p - t].add(t)
    if any(len(found) == k for found in offsets.values()):
        return PHRASE
    ordered = sorted(hits, key=lambda hit: hit[1])
    for n, (_t, start) in enumerate(ordered):
        inside = set()
        for t, p in ordered[n:]:
            if p >= start + k + NEAR_WORDS:
                break
            inside.add(t)
        if len(inside) == k:
            return NEAR
    return SCATTERED


def _score(section: str, hits) -> float:
    distinct = len({t for t, _p in hits})
    return float(len(hits) * distinct * (MUNICIPALITY_WEIGHT if section == Section.MUNICIPALITY else 1))


def _best(docs, terms):
    """The document to show: the most query terms, then the closest, then the rarest terms in this
    report (a city's name is in many of its items, the subject in few), the highest score, the
    earliest place."""
    hits = {doc.pk: search_text.term_hits(doc.stems.split(), terms) for doc in docs}
    counts = {pk: {t for t, _p in found} for pk, found in hits.items()}
    frequency = [sum(1 for doc in docs if n in counts[doc.pk]) for n in range(len(terms))]

    def key(doc):
        found = counts[doc.pk]
        return (
            len(found),
            _closeness(hits[doc.pk], len(terms)),
            sum(1 / frequency[n] for n in found),
            _score(doc.section, hits[doc.pk]),
            -SECTION_ORDER.get(doc.section, len(SECTION_ORDER)),
            -doc.position,
        )

    return max(docs, key=key)


def _ranked(terms, reports, limit) -> list[tuple[int, int, float]]:
    """[(report id, closeness, score)] of the candidates, best first: one query."""
    if _postgres():
        docs = SearchDocument.objects.filter(_any_term_q(terms))
        # Ranked per candidate report in a correlated subquery: grouping the documents themselves
        # would sort the rows with their tsvectors (megabytes, spilled to disk) before summing.
        # The rank is ARRAY[closeness, score] (arrays compare element by element); closeness is
        # worked out only for documents that have every term.
        closeness = (
            Coalesce(Max(_DocCloseness(terms), filter=Q(vector=_all_tsquery(terms))), 0.0)
            if len(terms) > 1
            else Value(0.0, output_field=FloatField())
        )
        rank = (
            docs.filter(report_id=OuterRef("pk"))
            .order_by()
            .values("report_id")
            .annotate(
                rank=Func(
                    closeness,
                    Sum(_DocScore(terms)),
                    template="ARRAY[%(expressions)s]",
                    output_field=ArrayField(FloatField()),
                )
            )
            .values("rank")
        )
        rows = (
            Report.objects.filter(pk__in=_candidates(terms, reports))
            .annotate(rank=Subquery(rank, output_field=ArrayField(FloatField())))
            .order_by(F("rank").desc(nulls_last=True), "-year", Collate("municipality__name", "C"), "pk")
            .values_list("pk", "rank")
        )
        rows = rows[:limit] if limit is not None else rows
        return [(pk, int(rank[0]), rank[1]) if rank else (pk, SCATTERED, 0.0) for pk, rank in rows]
    docs = SearchDocument.objects.filter(_any_term_q(terms), report_id__in=_candidates(terms, reports))
    scores, closeness, keys = defaultdict(float), defaultdict(int), {}
    fields = ("report_id", "section", "stems", "report__year", "report__municipality__name")
    for report_id, section, stems, year, name in docs.values_list(*fields):
        hits = search_text.term_hits(stems.split(), terms)
        scores[report_id] += _score(section, hits)
        closeness[report_id] = max(closeness[report_id], _closeness(hits, len(terms)))
        keys[report_id] = (year, name)
    order = sorted(scores, key=lambda pk: (-closeness[pk], -scores[pk], -keys[pk][0], keys[pk][1], pk))
    if limit is not None:
        order = order[:limit]
    return [(pk, closeness[pk], scores[pk]) for pk in order]


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
    ids = [pk for pk, _closeness, _score in ranked]
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
    for pk, closeness, score in ranked:
        found = docs.get(pk)
        if not found:  # unpublished between the two queries
            continue
        best = _best(found, terms)
        hits.append(
            Hit(
                report=best.report,
                score=float(score),
                closeness=closeness,
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
