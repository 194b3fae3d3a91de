"""Text normalisation for search: the one definition used by the index and by queries.

Pure Python, no Django. A text is cut into *words* (runs of letters and digits, as
written — kept with their offsets so matches can be marked in the original text);
each word is *normalised* (NFKC, invisible characters and stress marks dropped,
case folded, «ё» → «е») and split into *tokens* (a run of letters, or a run of
digits); each token is *stemmed* with Snowball: Latin (ASCII) tokens with the
English stemmer, digits as they are, every other token — Cyrillic above all — with
the Russian one. These are exactly PostgreSQL's rules for the `russian` text search
configuration (asciiword → english_stem, numbers → simple, word → russian_stem), and
``STOP_WORDS`` is PostgreSQL's own russian + english stop-word list, so the SQLite
index (our stems) and the PostgreSQL one (to_tsvector('russian', …) of our tokens)
hold the same terms.

A query is normalised the same way (``query_terms``): stop words are dropped unless
the query has nothing else; the last word also matches as a prefix (a stem of at
least ``MIN_PREFIX`` letters: «когалым» → «когал…» also finds «Когалыма»).
"""

import functools
import re
import threading
import unicodedata
from dataclasses import dataclass, replace

import snowballstemmer

from portal.text import INVISIBLE, fold

# A word of the original text: a letter or digit, then letters/digits with any combining
# marks (stress accents, a decomposed «й») and invisible characters (soft hyphen, zero-width
# spaces/joiners, BOM) inside it.
_IN_WORD = (
    "\u0300-\u036f\u0483-\u0489\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"  # combining marks
    "\u00ad\u200b-\u200d\u2060\ufeff"  # invisible
)
_WORD_RE = re.compile(rf"[^\W_](?:[^\W_]|[{_IN_WORD}])*")
_TOKEN_RE = re.compile(r"[^\W\d_]+|\d+")
_INVISIBLE = dict.fromkeys(map(ord, INVISIBLE))

# Longer "words" are not words (base64, hashes); PostgreSQL would refuse them anyway.
MAX_TOKEN_LENGTH = 100
# A query uses at most this many distinct terms (keeps the SQL small whatever is typed).
MAX_QUERY_TERMS = 10
# The last query word matches as a prefix only if its stem is at least this long
# («когал» → «когалым», «когалымск»; but «лес» must not find «Лесосибирск»).
MIN_PREFIX = 4

# PostgreSQL 15 share/tsearch_data/russian.stop and english.stop (Snowball's lists), as is.
RUSSIAN_STOP_WORDS = frozenset(
    """
    и в во не что он на я с со как а то все она так его но да ты к у же вы за бы по только ее мне
    было вот от меня еще нет о из ему теперь когда даже ну вдруг ли если уже или ни быть был него до
    вас нибудь опять уж вам ведь там потом себя ничего ей может они тут где есть надо ней для мы тебя
    их чем была сам чтоб без будто чего раз тоже себе под будет ж тогда кто этот того потому этого
    какой совсем ним здесь этом один почти мой тем чтобы нее сейчас были куда зачем всех никогда можно
    при наконец два об другой хоть после над больше тот через эти нас про всего них какая много разве
    три эту моя впрочем хорошо свою этой перед иногда лучше чуть том нельзя такой им более всегда
    конечно всю между
    """.split()
)
ENGLISH_STOP_WORDS = frozenset(
    """
    i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she
    her hers herself it its itself they them their theirs themselves what which who whom this that
    these those am is are was were be been being have has had having do does did doing a an the and
    but if or because as until while of at by for with about against between into through during
    before after above below to from up down in out on off over under again further then once here
    there when where why how all any both each few more most other some such no nor not only own same
    so than too very s t can will just don should now
    """.split()
)
STOP_WORDS = RUSSIAN_STOP_WORDS | ENGLISH_STOP_WORDS


def normalize(text: str) -> str:
    """NFKC, without invisible characters and combining marks, case-folded, «ё» → «е»."""
    text = unicodedata.normalize("NFKC", text).translate(_INVISIBLE)
    # What NFKC could not compose (a stress accent over a vowel) is not part of the word.
    text = "".join(ch for ch in text if unicodedata.category(ch) not in ("Mn", "Me"))
    return fold(text)


def _word_tokens(word: str) -> list[str]:
    return [t for t in _TOKEN_RE.findall(normalize(word)) if len(t) <= MAX_TOKEN_LENGTH]


def words(text: str):
    """(start, end, tokens) of every word of the original text."""
    for match in _WORD_RE.finditer(text):
        found = _word_tokens(match.group())
        if found:
            yield match.start(), match.end(), found


def tokens(text: str) -> list[str]:
    """The normalised tokens of a text, in order (stop words included)."""
    return [token for _start, _end, found in words(text) for token in found]


_stemmers = threading.local()  # Snowball stemmer objects keep state while stemming: one per thread


def _stemmer(language: str):
    stemmer = getattr(_stemmers, language, None)
    if stemmer is None:
        stemmer = snowballstemmer.stemmer(language)
        setattr(_stemmers, language, stemmer)
    return stemmer


@functools.lru_cache(maxsize=50_000)
def stem(token: str) -> str:
    """The Snowball stem of one normalised token (as PostgreSQL's `russian` configuration stems it)."""
    if token.isdigit():
        return token
    if token.isascii():
        return _stemmer("english").stemWord(token)
    return _stemmer("russian").stemWord(token)


def stems(text: str) -> list[str]:
    return [stem(token) for token in tokens(text)]


def is_stop_word(token: str) -> bool:
    return token in STOP_WORDS


@dataclass(frozen=True)
class IndexedText:
    """What the index stores of one text. `stems`: " stem stem … " of every word, stop words
    included (matched on SQLite). For PostgreSQL's vector, `content`: the tokens that are not
    stop words (for the `russian` configuration) and `stop`: the stems of those that are (for
    `simple`, which keeps them; see index._document)."""

    stems: str
    content: str
    stop: str


def indexed_text(text: str, word_cache: dict | None = None) -> IndexedText | None:
    """The index fields of a text, or None if it has not a single word.

    `word_cache` (a dict the caller keeps) remembers the tokens of each distinct word: the
    synthetic data generator indexes millions of texts made of a few thousand words."""
    found = []
    for match in _WORD_RE.finditer(text):
        word = match.group()
        known = word_cache.get(word) if word_cache is not None else None
        if known is None:
            known = tuple((t, stem(t), is_stop_word(t)) for t in _word_tokens(word))
            if word_cache is not None:
                word_cache[word] = known
        found.extend(known)
    if not found:
        return None
    return IndexedText(
        stems=f" {' '.join(s for _t, s, _stop in found)} ",
        content=" ".join(t for t, _s, stop in found if not stop),
        stop=" ".join(s for _t, s, stop in found if stop),
    )


@dataclass(frozen=True)
class Term:
    """One query term: the token as typed (normalised), its stem, and how it matches."""

    token: str
    stem: str
    prefix: bool = False
    stop: bool = False

    def matches(self, stem_: str) -> bool:
        return stem_.startswith(self.stem) if self.prefix else stem_ == self.stem


def query_terms(query: str) -> list[Term]:
    """The terms of a query: distinct stems in the order typed, stop words dropped unless
    nothing else is left, the last word also as a prefix (see MIN_PREFIX)."""
    found = tokens(query or "")
    content = [t for t in found if t not in STOP_WORDS]
    stop = not content
    chosen = found if stop else content
    terms: dict[str, Term] = {}
    for n, token in enumerate(chosen):
        s = stem(token)
        prefix = n == len(chosen) - 1 and not stop and not token.isdigit() and len(s) >= MIN_PREFIX
        if s in terms:
            if prefix:
                terms[s] = replace(terms[s], prefix=True)
        elif len(terms) < MAX_QUERY_TERMS:
            terms[s] = Term(token, s, prefix=prefix, stop=stop)
    return list(terms.values())


def term_counts(doc_stems, terms: list[Term]) -> list[int]:
    """How many of a document's stems match each term.

    Each stem counts once, for the first term (in query order) it matches — the same
    rule the PostgreSQL score uses (see query._DocScore)."""
    counts = [0] * len(terms)
    for s in doc_stems:
        for n, term in enumerate(terms):
            if term.matches(s):
                counts[n] += 1
                break
    return counts
