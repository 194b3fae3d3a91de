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

Stop words are not indexed (PostgreSQL's `russian` configuration drops them too), so a
document's *positions* — the n-th word that is not a stop word — are the same in our stems
and in the tsvector, and phrase/proximity ranking agrees on both databases
(``term_hits``). Latin letters that look like Cyrillic ones inside a Cyrillic word («пpoект»
typed with a Latin p and o) are read as their Cyrillic twins, and the other way round in a
Latin word (``cyrillic_twins``): in texts and queries alike.

A query is normalised the same way (``query_terms``): stop words are dropped, and a query
of stop words only searches nothing (``only_stop_words``); the last word also matches as a
prefix (a stem of at least ``MIN_PREFIX`` letters: «когалым» → «когал…» also finds
«Когалыма»). ``vocabulary_words`` are the words a text adds to the vocabulary of "did you
mean" (reports.search.suggest).
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
# Words shorter than this are not in the vocabulary of suggestions (nor corrected).
MIN_WORD = 3
# PostgreSQL keeps a lexeme's positions up to this number (larger ones become it, and repeat
# positions of a lexeme are dropped), and at most MAX_POSITIONS positions per lexeme.
MAX_POSITION = 16383
MAX_POSITIONS = 255

# Letters that look alike in Latin and Cyrillic, by case (before case folding: a Latin «B» looks
# like «В», a Latin «b» like nothing Russian).
_LATIN_LOOKALIKES = "AaBCcEeHKkMOoPpTXxYyë"
_CYRILLIC_LOOKALIKES = "АаВСсЕеНКкМОоРрТХхУуё"
_TO_CYRILLIC = str.maketrans(_LATIN_LOOKALIKES, _CYRILLIC_LOOKALIKES)
_TO_LATIN = str.maketrans(_CYRILLIC_LOOKALIKES, _LATIN_LOOKALIKES)
_LETTERS_RE = re.compile(r"[^\W\d_]+")

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


def _is_cyrillic(ch: str) -> bool:
    return "\u0400" <= ch <= "\u04ff"


def _twins(run: str) -> str:
    """One run of letters with its look-alike letters of the other script replaced, if that makes
    it one script: Cyrillic if it has a Cyrillic letter and every Latin one has a Cyrillic twin,
    else Latin if every Cyrillic one has a Latin twin. Anything else stays as written."""
    cyrillic = [ch for ch in run if _is_cyrillic(ch)]
    if not cyrillic or len(cyrillic) == len(run):
        return run
    others = [ch for ch in run if not _is_cyrillic(ch)]
    if all(ch in _LATIN_LOOKALIKES for ch in others):
        return run.translate(_TO_CYRILLIC)
    if all(ch in _CYRILLIC_LOOKALIKES for ch in cyrillic) and all(ch.isascii() for ch in others):
        return run.translate(_TO_LATIN)
    return run


def cyrillic_twins(text: str) -> str:
    """The text with every word of mixed scripts written in one («пpoект» with a Latin p and o →
    «проект», «cоvid» with a Cyrillic о → «covid»), case kept; other words as they are."""
    return _LETTERS_RE.sub(lambda m: _twins(m.group()), text)


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).translate(_INVISIBLE)
    # What NFKC could not compose (a stress accent over a vowel) is not part of the word.
    return "".join(ch for ch in text if unicodedata.category(ch) not in ("Mn", "Me"))


def normalize(text: str) -> str:
    """NFKC, without invisible characters and combining marks, words of mixed scripts in one
    (cyrillic_twins), case-folded, «ё» → «е»."""
    return fold(cyrillic_twins(_clean(text)))


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
    """What the index stores of one text: its words that are not stop words, in order.
    `stems`: " stem stem … " (matched on SQLite; a word's position is its place in it);
    `content`: the same words as tokens, for PostgreSQL's `russian` configuration (which gives
    the same stems at the same positions). `stop` is always "": stop words are not indexed
    (it stays for writers that still append it to the vector, devtools.synthetic.bulk)."""

    stems: str
    content: str
    stop: str = ""


def indexed_text(text: str, word_cache: dict | None = None) -> IndexedText | None:
    """The index fields of a text, or None if it has no word but stop words.

    `word_cache` (a dict the caller keeps) remembers the tokens of each distinct word: the
    synthetic data generator indexes millions of texts made of a few thousand words."""
    found = []
    for match in _WORD_RE.finditer(text):
        word = match.group()
        known = word_cache.get(word) if word_cache is not None else None
        if known is None:
            known = tuple((t, stem(t)) for t in _word_tokens(word) if not is_stop_word(t))
            if word_cache is not None:
                word_cache[word] = known
        found.extend(known)
    if not found:
        return None
    return IndexedText(
        stems=f" {' '.join(s for _t, s in found)} ",
        content=" ".join(t for t, _s in found),
    )


def is_vocabulary_word(token: str) -> bool:
    """A word "did you mean" may suggest: letters only, MIN_WORD or more, not a stop word."""
    return len(token) >= MIN_WORD and token.isalpha() and not is_stop_word(token)


def vocabulary_words(text: str, word_cache: dict | None = None) -> set[str]:
    """The distinct vocabulary words of a text (normalised tokens: «ё» as «е», lower case)."""
    found = set()
    for match in _WORD_RE.finditer(text):
        word = match.group()
        known = word_cache.get(word) if word_cache is not None else None
        if known is None:
            known = tuple(t for t in _word_tokens(word) if is_vocabulary_word(t))
            if word_cache is not None:
                word_cache[word] = known
        found.update(known)
    return found


@dataclass(frozen=True)
class Term:
    """One query term: the token as typed (normalised), its stem, and how it matches."""

    token: str
    stem: str
    prefix: bool = False

    def matches(self, stem_: str) -> bool:
        return stem_.startswith(self.stem) if self.prefix else stem_ == self.stem


def only_stop_words(query: str) -> bool:
    """The query has words, and every one is a stop word («и», «а в»): it searches nothing."""
    found = tokens(query or "")
    return bool(found) and all(is_stop_word(t) for t in found)


def query_terms(query: str) -> list[Term]:
    """The terms of a query: distinct stems in the order typed, stop words dropped (none left:
    no terms, see only_stop_words), the last word also as a prefix (see MIN_PREFIX)."""
    content = [t for t in tokens(query or "") if not is_stop_word(t)]
    terms: dict[str, Term] = {}
    for n, token in enumerate(content):
        s = stem(token)
        prefix = n == len(content) - 1 and not token.isdigit() and len(s) >= MIN_PREFIX
        if s in terms:
            if prefix:
                terms[s] = replace(terms[s], prefix=True)
        elif len(terms) < MAX_QUERY_TERMS:
            terms[s] = Term(token, s, prefix=prefix)
    return list(terms.values())


def positions(doc_stems) -> dict[str, list[int]]:
    """{stem: its positions (1, 2, …)} in a document, as PostgreSQL's tsvector of the same words
    holds them: none past MAX_POSITION (the words there share it), at most MAX_POSITIONS each."""
    found: dict[str, list[int]] = {}
    for n, s in enumerate(doc_stems, 1):
        at = found.setdefault(s, [])
        p = min(n, MAX_POSITION)
        if len(at) < MAX_POSITIONS and (not at or at[-1] != p):
            at.append(p)
    return found


def term_hits(doc_stems, terms: list[Term]) -> list[tuple[int, int]]:
    """(term, position) of every match in a document: which query term (its index) matched at
    which position (1, 2, … — the n-th indexed word of the document).

    Positions are as PostgreSQL's tsvector keeps them (see MAX_POSITION, MAX_POSITIONS), and
    each stem counts for the first term (in query order) it matches — the same rule as the
    PostgreSQL score (see query._Matches), so both databases rank alike."""
    hits = []
    for s, at in positions(doc_stems).items():
        for n, term in enumerate(terms):
            if term.matches(s):
                hits.extend((n, p) for p in at)
                break
    return hits


def term_counts(doc_stems, terms: list[Term]) -> list[int]:
    """How many times each term matches a document (term_hits, counted)."""
    counts = [0] * len(terms)
    for n, _p in term_hits(doc_stems, terms):
        counts[n] += 1
    return counts
