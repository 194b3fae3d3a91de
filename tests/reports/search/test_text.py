"""reports.search.text: normalisation, tokens, Snowball stems, stop words, query terms (no database)."""

import pytest

from reports.search import text
from reports.search.text import Term, normalize, query_terms, stem, term_counts, tokens


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("Объединённый", "объединенный"),
        ("ЁЛКА", "елка"),
        ("КОГАЛЫМ", "когалым"),
        ("ﬁnal", "final"),  # NFKC: ligature
        ("ＴＯＳ ２０２０", "tos 2020"),  # NFKC: full-width
        ("Straße", "strasse"),  # case folding, not lower()
        ("за\u0301мок", "замок"),  # a stress accent is not part of the word
        ("и\u0306ога", "йога"),  # a decomposed «й» is composed
        ("ка\u00adзаче\u200bство", "казачество"),  # soft hyphen, zero-width space
    ],
)
def test_normalize(raw, expected):
    assert normalize(raw) == expected


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("г.Саяногорск, ТОС!", ["г", "саяногорск", "тос"]),
        ("«Ленинск-Кузнецкий» (ОМСУ); СОНКО/НКО…", ["ленинск", "кузнецкий", "омсу", "сонко", "нко"]),
        ("V форум ТОС-2019", ["v", "форум", "тос", "2019"]),
        ("5G, COVID-19 и 300-летие", ["5", "g", "covid", "19", "и", "300", "летие"]),
        ("snake_case", ["snake", "case"]),
        ("— … ,,, !!!", []),
        ("", []),
    ],
)
def test_tokens_split_on_anything_but_letters_and_digits(raw, expected):
    assert tokens(raw) == expected


def test_abbreviations_stay_whole_tokens():
    assert [stem(t) for t in tokens("ТОС НКО")] == ["тос", "нко"]
    assert stem("сонко") == stem("СОНКО".casefold())


@pytest.mark.parametrize(
    "a, b",
    [
        ("пандемия", "пандемии"),
        ("казачество", "казачеством"),
        ("объединенный", "объединенного"),
        ("форум", "форума"),
        ("организация", "организации"),
    ],
)
def test_word_forms_share_a_stem(a, b):
    assert stem(a) == stem(b)


def test_what_snowball_does_not_join():
    # «казачьей» (adjective) is not a form of «казачество»: different stems; the prefix rule
    # of the last query word joins them one way only («казачий» → «казач…» ⊃ «казачеств»).
    assert stem("казачьей") == "казач"
    assert stem("казачество") == "казачеств"
    # The nominative of «Когалым» loses its ending; the other cases keep it — the prefix rule
    # makes «Когалым» find «Когалыма» (see test_search).
    assert (stem("когалым"), stem("когалыма"), stem("когалыме")) == ("когал", "когалым", "когалым")


def test_latin_words_use_the_english_stemmer_and_digits_stay():
    assert stem("meetings") == "meet"
    assert stem("2020") == "2020"


def test_stop_words_are_postgresqls_lists():
    for word in "и в на с по для о об к из у за от до не а но что как".split():
        assert word in text.STOP_WORDS
    assert "ее" in text.STOP_WORDS and "еще" in text.STOP_WORDS  # written as normalised (ё → е)
    assert "the" in text.STOP_WORDS and "тос" not in text.STOP_WORDS


def test_query_drops_stop_words():
    assert [t.stem for t in query_terms("работа с ТОС и НКО в городе")] == ["работ", "тос", "нко", "город"]


@pytest.mark.parametrize("query", ["и", "а", "и а в", "и не", "The and of"])
def test_query_of_stop_words_only_has_no_terms(query):
    assert query_terms(query) == []
    assert text.only_stop_words(query)


def test_last_word_is_a_prefix_if_its_stem_is_long_enough():
    assert [(t.stem, t.prefix) for t in query_terms("ТОС Когалым")] == [("тос", False), ("когал", True)]
    assert [(t.stem, t.prefix) for t in query_terms("Когалым ТОС")] == [("когал", False), ("тос", False)]
    assert [(t.stem, t.prefix) for t in query_terms("форум 2020")] == [("форум", False), ("2020", False)]
    assert [(t.stem, t.prefix) for t in query_terms("казачество и")] == [("казачеств", True)]


def test_query_terms_are_distinct_and_capped():
    assert [t.stem for t in query_terms("форум форума ФОРУМЫ")] == ["форум"]
    many = " ".join(f"слово{n}" for n in range(50))
    assert len(query_terms(many)) == text.MAX_QUERY_TERMS


@pytest.mark.parametrize("query", ["", "   ", "\n\t", "!!! — …", None])
def test_empty_query_has_no_terms(query):
    assert query_terms(query) == []


def test_term_counts_count_each_stem_once_for_the_first_term():
    terms = [Term("форум", "форум"), Term("форумный", "форумн", prefix=True)]
    assert term_counts(["форум", "форумн", "тос", "форум", "форумнее"], terms) == [2, 2]
    assert term_counts(["тос"], terms) == [0, 0]


# --- letters of the other alphabet that look the same -------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("пpoект", "проект"),  # Latin p and o in a Cyrillic word
        ("Пpоект", "Проект"),  # case kept
        ("СУБCИДИИ", "СУБСИДИИ"),
        ("aбрикос", "абрикос"),
        ("ТOС", "ТОС"),
        ("Hовый", "Новый"),  # a capital Latin H looks like «Н»
        ("cоvid", "covid"),  # a Cyrillic «о» in a Latin word
        ("Kоgalym", "Kogalym"),
        ("TOC", "TOC"),  # all Latin: a Latin word
        ("ТОС", "ТОС"),
        ("проеkt", "проеkt"),  # a Latin «t» has no Cyrillic twin, «п» no Latin one: left as written
        ("форум-2019 и COVID", "форум-2019 и COVID"),
        ("пpoект и cоvid", "проект и covid"),
    ],
)
def test_cyrillic_twins(raw, expected):
    assert text.cyrillic_twins(raw) == expected


def test_a_word_with_latin_lookalikes_has_the_tokens_and_stem_of_the_cyrillic_one():
    assert tokens("Пpoект ТOС") == tokens("Проект ТОС") == ["проект", "тос"]
    assert text.indexed_text("субcидии") == text.indexed_text("субсидии")
    assert [t.stem for t in query_terms("oбщественность")] == [stem("общественность")]


def test_stop_words_are_not_indexed():
    indexed = text.indexed_text("Форум в ТОС и НКО")
    assert indexed.stems == " форум тос нко "
    assert indexed.content == "форум тос нко"
    assert text.indexed_text("и а в не") is None  # no word to find it by


def test_vocabulary_words():
    assert text.vocabulary_words("Форум ТОС в Абакане, 2024 год: ещё 5 форумов; Ёлка и ёлки") == {
        "форум",
        "тос",
        "абакане",
        "год",
        "форумов",
        "елка",
        "елки",
    }
    assert text.vocabulary_words("и в 2024 ТО") == set()
