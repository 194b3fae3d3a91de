"""«Возможно, вы искали …» (reports.search.suggest) and the vocabulary it corrects from, on
whichever database the suite runs on — the expectations are the same for both."""

from collections import Counter
from functools import partial

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports import search, workflow
from reports.models import Report
from reports.search import index
from reports.search.models import ReportTerms, SearchWord
from reports.search.suggest import _distance, _edits
from reports.status import Status
from tests.reports.helpers import public_change

pytestmark = pytest.mark.django_db


def vocabulary() -> dict[str, int]:
    return dict(SearchWord.objects.values_list("word", "reports"))


def recounted() -> dict[str, int]:
    """The vocabulary as it should be: the words of the published reports' documents, counted by
    report (straight from the texts, not from the index's own bookkeeping)."""
    from reports.search import text as search_text
    from reports.search.models import SearchDocument

    words: dict[int, set] = {}
    for report_id, text in SearchDocument.objects.filter(report__status=Status.PUBLISHED).values_list(
        "report_id", "text"
    ):
        words.setdefault(report_id, set()).update(search_text.vocabulary_words(text))
    return dict(Counter(word for found in words.values() for word in found))


def suggested(query, found=None):
    suggestion = search.suggest(query, found)
    return suggestion.query if suggestion else None


@pytest.fixture
def subsidies(build):
    """A published report about subsidies and the public, and drafts (and a withdrawn report) with
    words of their own, some of them one letter closer to the typos below than the published ones."""
    published = build(
        "Абакан",
        2024,
        achievements=["Получены субсидии на работу с общественностью", "Общественность участвует в субботниках"],
        problems=["Субсидии приходят поздно"],
    )
    build("Черногорск", 2024, Status.DRAFT, achievements=["Субсидия на ТОС и кинологический клуб"])
    build("Минусинск", 2024, Status.SUBMITTED, achievements=["Работа с обшественностью"])  # sic: a typo
    build("Бийск", 2023, Status.WITHDRAWN, achievements=["Лесопарковая зона"])
    return published


# --- the corrections of the issue ------------------------------------------------------------


@pytest.mark.parametrize(
    "query, expected",
    [
        ("субсидйи", "субсидии"),  # a letter changed
        ("обшественность", "общественность"),
        ("Обшественность", "Общественность"),  # in the case typed
        ("ОБШЕСТВЕННОСТЬ", "ОБЩЕСТВЕННОСТЬ"),
        ("субсдии", "субсидии"),  # a letter dropped
        ("субсиддии", "субсидии"),  # a letter added
        ("субсадии", "субсидии"),
        ("сусбидии", "субсидии"),  # two neighbours swapped
        ("обшественнось", "общественность"),  # two edits in a long word
        ("субсидйи  Абакан", "субсидии  Абакан"),  # the other words as typed
        ("Абакан, субсидйи!", "Абакан, субсидии!"),
        ("субсидйи и обшественность", "субсидии и общественность"),  # two words corrected
    ],
)
def test_a_misspelt_word_is_corrected_from_the_published_words(query, expected, subsidies):
    assert search.search(query) == []
    assert suggested(query) == expected
    assert [hit.report for hit in search.search(expected)] == [subsidies]


def test_the_corrected_words_are_marked_and_the_rest_escaped(subsidies):
    suggestion = search.suggest('"субсидйи" & <Абакан>')
    assert suggestion.query == '"субсидии" & <Абакан>'
    assert suggestion.html == "&quot;<b>субсидии</b>&quot; &amp; &lt;Абакан&gt;"
    assert not suggestion.twins


@pytest.mark.parametrize("latin", ["a", "o", "e", "c", "p", "x", "y"])
def test_a_latin_lookalike_in_a_cyrillic_word_is_read_as_cyrillic(latin, build):
    twin = "аоесрху"["aoecpxy".index(latin)]
    word = f"{twin}брикосы"  # «абрикосы», «обрикосы»… each a word of its own report
    report = build("Абакан", 2024, achievements=[f"Высажены {word} у школы"])
    typed = latin + word[1:]

    hits = search.search(typed)
    suggestion = search.suggest(typed, len(hits))

    assert [hit.report for hit in hits] == [report]  # it simply finds the word
    assert "<mark>" in hits[0].snippet
    assert suggestion.query == word and suggestion.twins  # and shows how it was read
    assert suggestion.html == f"<b>{word}</b>"


def test_latin_lookalikes_in_a_typed_word_inside_a_sentence(subsidies):
    typed = "Пoлучены субcидии"  # Latin «o» and «c»
    assert [hit.report for hit in search.search(typed)] == [subsidies]
    suggestion = search.suggest(typed)
    assert suggestion.query == "Получены субсидии"
    assert suggestion.html == "<b>Получены</b> <b>субсидии</b>"
    assert suggestion.twins


def test_a_latin_word_stays_latin(build):
    build("Абакан", 2024, achievements=["Проект COVID и TOC"])
    assert search.suggest("covid") is None
    assert search.suggest("TOC") is None  # all Latin: not a Cyrillic word


def test_a_lookalike_word_that_is_also_misspelt_is_corrected_too(subsidies):
    assert suggested("oбшественность") == "общественность"  # a Latin «o» and «ш» for «щ»


# --- only the published reports' words --------------------------------------------------------


def test_a_word_only_a_draft_has_is_never_suggested(subsidies):
    # «субсидия» (a draft) is one letter from «субсидйя», «субсидии» (published) two.
    assert suggested("субсидйя") == "субсидии"
    # «обшественностью» is written so in a submitted report only: not a word to search for.
    assert "обшественностью" not in vocabulary()
    assert suggested("кинологичесский") is None  # only the draft has «кинологический»
    assert suggested("кинологический") is None


def test_a_withdrawn_reports_words_leave_the_vocabulary(build, moderator, committed):
    report = build("Абакан", 2024, achievements=["Лесопарковая зона благоустроена"])
    assert vocabulary()["лесопарковая"] == 1
    assert suggested("лесопарковоя") == "лесопарковая"

    with committed():
        workflow.withdraw(Report.objects.get(pk=report.pk), moderator, "ошибка")

    assert "лесопарковая" not in vocabulary()
    assert suggested("лесопарковоя") is None
    assert vocabulary() == recounted() == {}


def test_the_vocabulary_counts_the_published_reports_of_each_word(build, moderator, committed):
    first = build("Абакан", 2024, achievements=["Субсидии получены", "Субсидии и ещё раз субсидии"])
    build("Черногорск", 2024, achievements=["Субсидии не пришли"])
    build("Минусинск", 2024, Status.DRAFT, achievements=["Субсидии в черновике"])
    words = vocabulary()
    assert words["субсидии"] == 2  # reports, not occurrences; not the draft
    assert words["черногорск"] == 1 and "черновике" not in words
    assert "и" not in words and "не" not in words  # stop words
    assert words == recounted()

    with committed():  # withdrawn, changed, published again: the words follow
        first = workflow.withdraw(Report.objects.get(pk=first.pk), moderator, "правка")
        first = workflow.perform(first, moderator, "return_to_draft", "")
        first.achievements.filter(position=2).update(text="Субвенции получены")
        first = workflow.perform(first, moderator, "submit", "")
        workflow.publish(first, moderator)
    assert vocabulary() == recounted()
    assert vocabulary()["субвенции"] == 1 and vocabulary()["субсидии"] == 2

    first.achievements.all().delete()  # an edit of the published report (as the admin makes it)
    public_change(first)
    assert vocabulary() == recounted()
    assert "получены" not in vocabulary() and vocabulary()["субсидии"] == 1


def test_report_terms_keep_each_reports_words(build):
    report = build("Абакан", 2024, achievements=["Форум ТОС в Абакане", "2024: форум"])
    assert ReportTerms.objects.get(report=report).words == "абакан абакане тос форум"


def test_rebuild_recounts_a_vocabulary_changed_behind_its_back(seeds, hidden):
    expected = vocabulary()
    assert expected == recounted() and len(expected) > 500
    SearchWord.objects.filter(word__startswith="о").delete()
    SearchWord.objects.create(word="черновое", head="че", length=8, reports=3)
    SearchWord.objects.filter(word="тос").update(reports=100)

    index.rebuild_index()

    assert vocabulary() == expected


def test_recount_alone(seeds):
    expected = vocabulary()
    SearchWord.objects.all().delete()
    assert index.recount_vocabulary() == len(expected)
    assert vocabulary() == expected


# --- when there is nothing to suggest ------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "субсидии",  # found: nothing to correct
        "субсидия",  # another form of a published word: found too
        "ыъыъыъ",  # nothing near
        "космодром",
        "и",  # stop words only
        "",
        "   ",
        "2025",
        "субсидии Черногорск",  # each word is published, not together (Черногорск is a draft)
        "субсидии бийск",  # Бийск's only report was withdrawn
    ],
)
def test_no_suggestion(query, subsidies):
    assert search.suggest(query) is None


def test_no_suggestion_that_finds_nothing(build):
    build("Абакан", 2024, achievements=["Субсидии получены"])
    build("Черногорск", 2024, achievements=["Общественность довольна"])
    # Each word has a correction, but no report has both.
    assert suggested("субсидйи обшественность") is None
    assert suggested("субсидйи") == "субсидии"


def test_the_next_nearest_word_when_the_nearest_is_not_with_the_other_words(build):
    build("Абакан", 2024, achievements=["Код доступа выдан"])
    for name in ("Бийск", "Минусинск", "Черногорск"):
        build(name, 2024, achievements=["Кот учёного соседа"])
    assert suggested("кол") == "кот"  # the word of more reports
    assert suggested("кол Абакан") == "код Абакан"  # the one that Абакан's report has


def test_a_known_word_is_not_corrected_even_if_a_near_word_is_commoner(build):
    build("Абакан", 2024, achievements=["Форумы прошли, субсидии получены"])
    for name in ("Бийск", "Минусинск", "Черногорск"):
        build(name, 2024, achievements=["Форума не было"])
    # «форумы» is a word of one report, «форума» of three: only «субсидйи» is corrected.
    assert suggested("форумы субсидйи") == "форумы субсидии"
    assert suggested("форумы ыъыъ") is None


def test_short_words_are_left_alone(build):
    build("Абакан", 2024, achievements=["ТОС и НКО"])
    assert suggested("тсо") == "тос"  # three letters: still one edit
    assert suggested("тс") is None  # two letters: no


# --- cost ------------------------------------------------------------------------------------------


def queries(call):
    with CaptureQueriesContext(connection) as ctx:
        result = call()
    return len(ctx.captured_queries), result


def test_no_query_when_the_search_found_something(subsidies):
    assert queries(lambda: search.suggest("субсидии", found=1)) == (0, None)
    n, suggestion = queries(lambda: search.suggest("субcидии", found=1))
    assert n == 0 and suggestion.query == "субсидии"
    assert queries(lambda: search.suggest("и а в", found=0)) == (0, None)


def test_a_suggestion_costs_the_same_few_queries_whatever_the_vocabulary(subsidies, build):
    cost = [queries(lambda: search.suggest("субсидйи Абакан", found=0))[0]]
    cost.append(queries(lambda: search.suggest("субсидйи", found=0))[0])
    cost.append(queries(lambda: search.suggest("обшественнось", found=0))[0])  # two edits: one query more
    for n in range(30):
        build(f"Город{n}", 2024, achievements=[f"Субсидия{n} субсидиями субсидировали субсидийного{n} сусбидия"])
    assert [queries(partial(search.suggest, q, found=0))[0] for q in ("субсидйи Абакан", "субсидйи")] == cost[:2]
    assert queries(lambda: search.suggest("обшественнось", found=0))[0] == cost[2]
    # Which words are unknown (not for one word), their variants, (the near words,) the corrected count.
    assert cost == [3, 2, 3]


# --- edit distance -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "a, b, distance",
    [
        ("субсидии", "субсидии", 0),
        ("субсидйи", "субсидии", 1),
        ("субсидйи", "субсидий", 1),  # neighbours swapped
        ("субсидйи", "субсидия", 2),
        ("обшественность", "общественность", 1),
        ("обшественнось", "общественность", 2),
        ("обшественост", "общественность", 3),
        ("абв", "абвгде", 3),
        ("", "аб", 2),
    ],
)
def test_distance(a, b, distance):
    assert _distance(a, b, 2) == min(distance, 3)
    assert _distance(b, a, 2) == min(distance, 3)
    assert _distance(a, b, 5) == distance


def test_one_edit_variants():
    found = _edits("кот")
    assert {"кто", "кит", "кол", "скот", "коты"} <= found  # swapped, changed, added
    assert not {"кот", "ко", "от"} & found  # itself; shorter than a vocabulary word
    assert all(len(w) >= 3 for w in found)
    assert "cat" in _edits("cet") and not any(c in "абв" for w in _edits("cet") for c in w)
    assert _edits("кoт") == set()  # mixed scripts: text.cyrillic_twins reads those
