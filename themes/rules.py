"""The keyword rules of themes and how a text is matched against them. Pure Python, no Django.

A theme's rules are its `keywords` text, one rule a line. A rule is a word or a phrase; it
matches a text that has the same words in a row, in any grammatical form: both sides are cut
into words and stemmed exactly as search does (reports.search.text: Snowball, «ё» = «е», case
folded), so «общественный совет» matches «общественных советов» and «Общественным Советом».
A word ending in «*» matches any word that begins with it, as written («волонтёр*»: «волонтёры»,
«волонтёрский», «волонтёрство»). Lines starting with «#» are comments.

The same Python decides on SQLite and PostgreSQL: nothing here asks the database.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from reports.search.text import stem, tokens

COMMENT = "#"
PREFIX = "*"
# A prefix shorter than this would match half the language («по*», «об*»).
MIN_PREFIX = 3

# Why a line is not a rule (the admin words them for people).
NO_WORDS, SHORT_PREFIX = "no-words", "short-prefix"


@dataclass(frozen=True)
class Word:
    """One word of a rule: its stem, or (prefix) the beginning of the word as written, normalised."""

    text: str
    prefix: bool = False

    def matches(self, token: str, token_stem: str) -> bool:
        return token.startswith(self.text) if self.prefix else token_stem == self.text


@dataclass(frozen=True)
class Rule:
    line: str  # as the editor wrote it
    words: tuple[Word, ...]

    def matches(self, document: "Document") -> bool:
        first = self.words[0]
        if not first.prefix and first.text not in document.stem_set:
            return False  # the common case, at the cost of a set lookup
        size = len(self.words)
        pairs = document.pairs
        for start in range(len(pairs) - size + 1):
            if all(word.matches(*pairs[start + n]) for n, word in enumerate(self.words)):
                return True
        return False


@dataclass(frozen=True)
class LineProblem:
    number: int  # 1, 2, … in the keywords text
    line: str
    reason: str  # NO_WORDS or SHORT_PREFIX


class Document:
    """A text as rules see it: (token, stem) of every word in order (stop words included:
    a phrase is its words in a row, as written)."""

    def __init__(self, text: str):
        self.pairs = [(token, stem(token)) for token in tokens(text or "")]
        self.stem_set = {s for _token, s in self.pairs}


def _lines(keywords: str) -> Iterable[tuple[int, str]]:
    for number, raw in enumerate((keywords or "").splitlines(), 1):
        line = raw.strip()
        if line and not line.startswith(COMMENT):
            yield number, line


def _parse(line: str) -> tuple[Rule | None, str | None]:
    words = []
    for part in line.split():
        prefix = part.endswith(PREFIX)
        found = tokens(part.rstrip(PREFIX))
        if not found:
            continue
        # «национально-культурн*»: the words before the last are whole words, the last a prefix.
        words.extend(Word(stem(token)) for token in found[:-1])
        last = found[-1]
        if prefix and len(last) < MIN_PREFIX:
            return None, SHORT_PREFIX
        words.append(Word(last, prefix=True) if prefix else Word(stem(last)))
    if not words:
        return None, NO_WORDS
    return Rule(line, tuple(words)), None


def parse(keywords: str) -> list[Rule]:
    """The rules of a keywords text (lines that are not rules are left out: see problems())."""
    rules = []
    for _number, line in _lines(keywords):
        rule, _problem = _parse(line)
        if rule is not None:
            rules.append(rule)
    return rules


def problems(keywords: str) -> list[LineProblem]:
    """The lines of a keywords text that are not rules, and why."""
    found = []
    for number, line in _lines(keywords):
        _rule, problem = _parse(line)
        if problem is not None:
            found.append(LineProblem(number, line, problem))
    return found


class Matcher:
    """Suggests themes for texts: built once from every theme's rules, then asked per text.
    `themes` are (key, keywords text) pairs; the key is whatever the caller names a theme by."""

    def __init__(self, themes: Iterable[tuple[object, str]]):
        self.rules = [(key, parse(keywords)) for key, keywords in themes]

    def suggest(self, text: str) -> list:
        """The keys of the themes one of whose rules matches the text, in the themes' order."""
        document = Document(text)
        return [key for key, rules in self.rules if any(rule.matches(document) for rule in rules)]

    def matching_rules(self, text: str) -> list[tuple[object, Rule]]:
        """(key, rule) of every rule that matches the text."""
        document = Document(text)
        return [(key, rule) for key, rules in self.rules for rule in rules if rule.matches(document)]
