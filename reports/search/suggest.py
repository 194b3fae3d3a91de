"""«Возможно, вы искали …»: a query corrected from the words of the published reports.

Two kinds of correction, of the query as typed (its other words, spaces and case kept):

* a word of mixed scripts («субcидии» with a Latin «c»): the index and the query read it as
  its one-script twin (text.cyrillic_twins), so the search has already found the word; the
  suggestion shows the spelling it searched;
* when the search found nothing: each query word that no published report has (a term that
  alone matches nothing) is replaced by a near word of the vocabulary (SearchWord: the words
  of the published reports, with in how many reports each is) — one edit away (a letter
  changed, added, dropped, or two neighbours swapped: «субсидйи» → «субсидии»,
  «обшественность» → «общественность»), or two for words of TWO_EDITS_FROM letters or more;
  the fewest edits first, then the word of more reports.

A corrected query is suggested only if it finds published reports (the search decides, so a
word that only a draft has is never suggested); if the nearest words do not, the next nearest
are tried (ALTERNATIVES ways in all, in the same query). Cost, whatever the size of the
archive: none for a query that found something; otherwise one query to tell the unknown words
(none for a one-word query), one to look up every one-edit variant of them by primary key, one
more only for long words that have no such variant (NEAR_CANDIDATES at most, compared in
Python), and one to tell which corrected query finds reports.
"""

from collections import Counter
from dataclasses import dataclass

from django.db import connection
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from . import query as search_query
from . import text as search_text
from .models import SearchWord

CYRILLIC = "абвгдежзийклмнопрстуфхцчшщъыьэюя"  # «ё» is «е» in the index
LATIN = "abcdefghijklmnopqrstuvwxyz"
# Words this long or longer may be two edits away from the suggestion, shorter ones one.
TWO_EDITS_FROM = 7
# Two edits away, the words compared are those of the same first letters and about the same
# length that hold one third of the rest of the word as typed (two edits leave one of the three
# whole): a few hundred or thousand in a national vocabulary (which may hold twenty thousand words
# beginning with «об» of 11 to 15 letters). At most this many of them per word, those of the
# most reports.
NEAR_CANDIDATES = 2000
# How many corrections of each word are tried (ranked), in one query, until one finds something.
ALTERNATIVES = 3


@dataclass(frozen=True)
class Suggestion:
    query: str  # what to search: the query as typed with the corrected words
    html: SafeString  # the same, escaped, each corrected word in <b>
    twins: bool  # a word mixed Latin and Cyrillic letters (read as one script)


def suggest(query: str, found: int | None = None) -> Suggestion | None:
    """The suggestion for a query (see the module docstring), or None. `found`: how many reports
    the query itself found, if the caller has counted them already."""
    query = query or ""
    if search_text.only_stop_words(query):
        return None
    fixed = search_text.cyrillic_twins(query)  # letter for letter: the words keep their places
    twins = {
        (start, end): fixed[start:end]
        for start, end, _tokens in search_text.words(query)
        if fixed[start:end] != query[start:end]
    }
    if found is None:
        found = search_query.count(query, cap=0)
    if found:
        return _suggestion(query, twins, bool(twins)) if twins else None
    candidates = [_suggestion(query, {**twins, **corrections}, bool(twins)) for corrections in _corrections(fixed)]
    finds = _exist([search_text.query_terms(candidate.query) for candidate in candidates])
    return next((candidate for candidate, there in zip(candidates, finds) if there), None)


def _suggestion(query: str, changes: dict, twins: bool) -> Suggestion:
    text, html, at = [], [], 0
    for (start, end), word in sorted(changes.items()):
        text += [query[at:start], word]
        html += [escape(query[at:start]), f"<b>{escape(word)}</b>"]
        at = end
    text.append(query[at:])
    html.append(escape(query[at:]))
    return Suggestion(query="".join(text).strip(), html=mark_safe("".join(html).strip()), twins=twins)  # noqa: S308


def _corrections(query: str) -> list[dict]:
    """Ways to correct the query, best first: each {(start, end): word} for the words of the query
    that no published report has (the other words are left alone) — the first with every word's
    nearest vocabulary word, the next with the next nearest, and so on (ALTERNATIVES at most)."""
    terms = {term.stem: term for term in search_text.query_terms(query)}
    typed = []  # (start, end, token) of the words that may be corrected
    for start, end, tokens in search_text.words(query):
        if len(tokens) == 1 and search_text.is_vocabulary_word(tokens[0]) and search_text.stem(tokens[0]) in terms:
            typed.append((start, end, tokens[0]))
    if not typed:
        return []
    if len(terms) == 1:
        unknown = set(terms)  # the query found nothing
    else:
        unknown = {stem for stem, there in zip(terms, _exist([[term] for term in terms.values()])) if not there}
    typed = [(start, end, token) for start, end, token in typed if search_text.stem(token) in unknown]
    nearest = _nearest({token for _start, _end, token in typed})
    typed = [(start, end, token) for start, end, token in typed if token in nearest]
    if not typed:
        return []
    ways = max(len(nearest[token]) for _start, _end, token in typed)
    return [
        {
            (start, end): _same_case(query[start:end], nearest[token][min(n, len(nearest[token]) - 1)])
            for start, end, token in typed
        }
        for n in range(ways)
    ]


def _exist(term_lists) -> list[bool]:
    """For each list of terms: does a published report have them all? One query of EXISTS, through
    the search's own index (none for no list)."""
    if not term_lists:
        return []
    parts, params = [], []
    for terms in term_lists:
        if not terms:
            parts.append("FALSE" if connection.vendor == "postgresql" else "0")
            continue
        sql, found = search_query._matching(terms, None).order_by().values("report_id")[:1].query.sql_with_params()
        parts.append(f"EXISTS ({sql})")
        params.extend(found)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(parts)}", params)
        return [bool(there) for there in cursor.fetchone()]


def _nearest(tokens: set[str]) -> dict[str, list[str]]:
    """{token: up to ALTERNATIVES vocabulary words near it, nearest first}, for the tokens that
    have any: one edit away, or (for long words without such a word) two."""
    variants = {}
    for token in tokens:
        for variant in _edits(token):
            variants.setdefault(variant, []).append(token)
    found: dict[str, list[tuple]] = {}
    if variants:
        for word, reports in SearchWord.objects.filter(_word_in(list(variants))).values_list("word", "reports"):
            for token in variants[word]:
                found.setdefault(token, []).append((1, -reports, word))
    longer = sorted(token for token in tokens if token not in found and len(token) >= TWO_EDITS_FROM)
    if longer:
        q = Q()
        for token in longer:
            q |= Q(head=token[: SearchWord.HEAD], length__range=(len(token) - 2, len(token) + 2)) & _a_third_of(token)
        rows = SearchWord.objects.filter(q).order_by("-reports", "word").values_list("word", "reports")
        letters = {token: (set(token), Counter(token)) for token in longer}
        for word, reports in rows[: NEAR_CANDIDATES * len(longer)]:
            for token in longer:
                if word[: SearchWord.HEAD] == token[: SearchWord.HEAD] and _may_be_near(word, *letters[token]):
                    distance = _distance(token, word, 2)
                    if distance <= 2:
                        found.setdefault(token, []).append((distance, -reports, word))
    return {token: [word for _d, _r, word in sorted(ranked)[:ALTERNATIVES]] for token, ranked in found.items()}


def _may_be_near(word: str, letters: set, counts: Counter) -> bool:
    """Cheap tests a word two edits away passes (most words do not, and the distance costs
    more): two edits change at most four letters of the set of letters, and take away at most
    two letters and add at most two (as a bag of letters)."""
    if len(letters ^ set(word)) > 4:
        return False
    other = Counter(word)
    return sum((counts - other).values()) <= 2 and sum((other - counts).values()) <= 2


def _a_third_of(token: str) -> Q:
    """A word that holds one of the three thirds of the token after its head as written."""
    rest = token[SearchWord.HEAD :]
    size = -(-len(rest) // 3)
    q = Q()
    for start in range(0, len(rest), size):
        q |= Q(word__contains=rest[start : start + size])
    return q


def _word_in(words: list[str]):
    """SearchWord.word among these words: one array parameter on PostgreSQL (a thousand variants
    are planned as one index scan), IN elsewhere."""
    if connection.vendor == "postgresql":
        column = connection.ops.quote_name(SearchWord._meta.get_field("word").column)
        return RawSQL(f"{column} = ANY(%s)", (words,), output_field=BooleanField())
    return Q(word__in=words)


def _edits(word: str) -> set[str]:
    """Every word one edit away (a letter changed, added or dropped, two neighbours swapped), in
    the word's own alphabet; none for a word of letters of neither alphabet."""
    alphabet = CYRILLIC if all(c in CYRILLIC for c in word) else LATIN if all(c in LATIN for c in word) else ""
    if not alphabet:
        return set()
    splits = [(word[:n], word[n:]) for n in range(len(word) + 1)]
    found = {a + b[1:] for a, b in splits if b}
    found |= {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    found |= {a + c + b[1:] for a, b in splits if b for c in alphabet}
    found |= {a + c + b for a, b in splits for c in alphabet}
    return {w for w in found if len(w) >= search_text.MIN_WORD} - {word}


def _distance(a: str, b: str, limit: int) -> int:
    """The optimal string alignment distance of a and b (edits as in _edits), or limit + 1 if it
    is more than limit: only the cells within `limit` of the diagonal are computed."""
    n, m = len(a), len(b)
    over = limit + 1
    if abs(n - m) > limit:
        return over
    before = None
    previous = [j if j <= limit else over for j in range(m + 1)]
    for i in range(1, n + 1):
        current = [over] * (m + 1)
        if i <= limit:
            current[0] = i
        lowest = current[0]
        for j in range(max(1, i - limit), min(m, i + limit) + 1):
            value = min(previous[j - 1] + (a[i - 1] != b[j - 1]), previous[j] + 1, current[j - 1] + 1)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                value = min(value, before[j - 2] + 1)
            current[j] = min(value, over)
            lowest = min(lowest, current[j])
        if lowest > limit:
            return over
        before, previous = previous, current
    return previous[m]


def _same_case(typed: str, word: str) -> str:
    """The suggested word in the case the word was typed in («Обшественность» → «Общественность»)."""
    if len(typed) > 1 and typed.isupper():
        return word.upper()
    if typed[:1].isupper():
        return word[:1].upper() + word[1:]
    return word
