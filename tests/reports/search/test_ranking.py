"""Closeness ranks first: the exact phrase, then the words close together, then scattered matches
— on whichever database the suite runs on, with the same expectations for both (the PostgreSQL
twin of the Python scoring is compared with it in test_postgres.py)."""

import pytest

from reports import search
from reports.search import text as search_text
from reports.search.query import NEAR, PHRASE, SCATTERED, _closeness

pytestmark = pytest.mark.django_db


@pytest.fixture
def reports(build):
    """Published reports about «летний форум», from the phrase itself to the words far apart. The
    scattered ones mention the words more often (a higher score): closeness must still win."""
    return {
        "phrase": build("Абакан", 2020, achievements=["Прошёл летний форум молодёжи"]),
        # Stop words between the words are not indexed: still the phrase.
        "phrase across stop words": build("Бийск", 2019, problems=["Провели летний (и не только) форум"]),
        "near": build("Черногорск", 2024, achievements=["Форум открыт каждый летний месяц"]),
        "reversed": build("Минусинск", 2024, achievements=["Форум летний, каникулярный"]),
        "near, other words between": build("Саяногорск", 2024, tasks=["Летний сезон: большой городской форум"]),
        "scattered": build(
            "Абаза",
            2025,
            achievements=[
                "Летний лагерь работал все три смены, летний отдых детей организован, летний спорт тоже; "
                "осенью, в сентябре, в городе прошёл форум, затем ещё один форум и форум волонтёров"
            ],
        ),
        "apart in two items": build(
            "Дивногорск", 2025, achievements=["Летний лагерь, летний отдых", "Форум, форум, форум волонтёров"]
        ),
        "one word only": build("Шарыпово", 2025, achievements=["Форум, форум, форум"]),
    }


def test_the_phrase_then_near_then_scattered(reports):
    hits = search.search("летний форум")
    order = {hit.report: n for n, hit in enumerate(hits)}
    by_report = {hit.report: hit for hit in hits}
    closeness = {name: by_report[report].closeness for name, report in reports.items() if report in by_report}

    assert closeness == {
        "phrase": PHRASE,
        "phrase across stop words": PHRASE,
        "near": NEAR,
        "reversed": NEAR,  # close, but not in the order typed
        "near, other words between": NEAR,
        "scattered": SCATTERED,
        "apart in two items": SCATTERED,
    }
    ranked = sorted(closeness, key=lambda name: order[reports[name]])
    assert ranked[:2] == ["phrase", "phrase across stop words"]  # the same: the higher score, then the year
    assert set(ranked[2:5]) == {"near", "reversed", "near, other words between"}
    assert set(ranked[5:]) == {"scattered", "apart in two items"}
    # The scattered reports score higher than the phrase: closeness ranks first.
    assert by_report[reports["scattered"]].score > by_report[reports["phrase"]].score
    assert [hit.closeness_label for hit in hits[:3]] == ["фраза целиком", "фраза целиком", "слова рядом"]
    assert hits[-1].closeness_label == ""


def test_within_the_same_closeness_the_score_decides(build):
    once = build("Абакан", 2024, achievements=["Прошёл летний форум"])
    twice = build("Бийск", 2020, achievements=["Летний форум и снова летний форум"])
    hits = search.search("летний форум")
    assert [hit.report for hit in hits] == [twice, once]
    assert [hit.closeness for hit in hits] == [PHRASE, PHRASE]


def test_three_words(build):
    phrase = build("Абакан", 2020, achievements=["Совет территориального общественного самоуправления собрался"])
    near = build("Бийск", 2020, achievements=["Самоуправление территориального уровня, общественного"])
    apart = build(
        "Чита",
        2024,
        achievements=["Территориального совета нет", "Общественного мнения нет", "Самоуправления нет"],
    )
    hits = search.search("территориальное общественное самоуправление")
    assert [(hit.report, hit.closeness) for hit in hits] == [(phrase, PHRASE), (near, NEAR), (apart, SCATTERED)]


def test_a_one_word_query_has_no_closeness(build):
    build("Абакан", 2020, achievements=["Летний форум"])
    assert [hit.closeness for hit in search.search("форум")] == [SCATTERED]


def test_the_snippet_is_the_item_with_the_phrase(build):
    build(
        "Абакан",
        2020,
        achievements=["Форум прошёл в январе, а летний лагерь в июле", "Главное: летний форум молодёжи"],
    )
    hit = search.search("летний форум")[0]
    assert hit.closeness == PHRASE
    assert hit.snippet == "Главное: <mark>летний</mark> <mark>форум</mark> молодёжи"


def test_the_last_word_as_a_prefix_makes_a_phrase_too(build):
    report = build("Абакан", 2020, achievements=["Делегация из Когалыма прибыла"])
    hits = search.search("делегация когалым")  # «когалым» → «когал…» finds «Когалыма»
    assert [(hit.report, hit.closeness) for hit in hits] == [(report, PHRASE)]


# --- the closeness of one document (no database) ---------------------------------------------


def closeness(text, query):
    terms = search_text.query_terms(query)
    indexed = search_text.indexed_text(text)
    return _closeness(search_text.term_hits(indexed.stems.split() if indexed else [], terms), len(terms))


@pytest.mark.parametrize(
    "text, query, expected",
    [
        ("летний форум", "летний форум", PHRASE),
        ("летнего форума", "летний форум", PHRASE),  # word forms
        ("летний, а также форум", "летний форум", NEAR),  # «также» is not a stop word
        ("летний и форум", "летний форум", PHRASE),
        ("форум летний", "летний форум", NEAR),
        ("летний синий зелёный красный форум", "летний форум", NEAR),  # three words between: still near
        ("летний синий зелёный красный белый форум", "летний форум", SCATTERED),
        ("летний раз, два, три — и форум", "летний форум", PHRASE),  # «раз», «два», «три», «и»: stop words
        ("летний", "летний форум", SCATTERED),
        ("форум форум форум летний синий зелёный красный белый форум", "летний форум", NEAR),
        ("а б в г", "летний форум", SCATTERED),
    ],
)
def test_closeness_of_a_document(text, query, expected):
    assert closeness(text, query) == expected


def test_positions_skip_stop_words_and_follow_postgresql_limits():
    terms = search_text.query_terms("форум тос")
    stems = search_text.indexed_text("Форум в ТОС и форум").stems.split()
    assert search_text.term_hits(stems, terms) == [(0, 1), (0, 3), (1, 2)]
    long = search_text.indexed_text("тос " * 17_000 + "форум форум").stems.split()
    hits = search_text.term_hits(long, terms)
    assert [p for t, p in hits if t == 1] == list(range(1, 256))  # PostgreSQL keeps 255 positions of a lexeme
    assert [p for t, p in hits if t == 0] == [16383]  # and none past 16383 (two words there: one position)
