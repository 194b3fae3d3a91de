"""How many report items each rule of a theme matches (the theme admin shows it, and warns about a
rule that would tag more than half of all items). Reads every item's text: fine for the
Association's reports (thousands of items); a national-scale database would want a sample."""

from reports.models import ITEM_MODELS

from .rules import Document, parse

# A rule that matches more than this share of all items tags nearly everything: the admin warns.
TOO_BROAD = 0.5
BATCH = 2000


def _texts():
    for model in ITEM_MODELS:
        last = 0
        while True:
            rows = list(model.objects.filter(pk__gt=last).order_by("pk").values_list("pk", "text")[:BATCH])
            if not rows:
                break
            for _pk, text in rows:
                yield text
            last = rows[-1][0]


def rule_counts(keywords: str) -> tuple[int, list[tuple[str, int]]]:
    """(the number of all items, [(rule line, how many items it matches)] in the rules' order)."""
    rules = parse(keywords)
    counts = [0] * len(rules)
    total = 0
    for text in _texts():
        total += 1
        if rules:
            document = Document(text)
            for n, rule in enumerate(rules):
                counts[n] += rule.matches(document)
    return total, [(rule.line, n) for rule, n in zip(rules, counts)]


def too_broad(total: int, counts: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """The rules that match more than TOO_BROAD of all items."""
    return [(line, n) for line, n in counts if total and n > total * TOO_BROAD]
