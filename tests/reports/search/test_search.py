"""search(), matching_report_ids() and highlight() over the five seed reports (and a few built
ones), on whichever database the suite runs on — the expectations are the same for both."""

import pytest
from django.utils.safestring import SafeString

from reports import search
from reports.models import Report
from reports.search.models import SearchDocument
from reports.status import Status

from .conftest import SECRET, names

pytestmark = pytest.mark.django_db

SAYAN_2018, SAYAN_2025 = ("Саяногорск", 2018), ("Саяногорск", 2025)
LESOSIBIRSK, LENINSK, KOGALYM = ("Лесосибирск", 2020), ("Ленинск-Кузнецкий", 2020), ("Когалым", 2020)


def ids(query, reports=None):
    return set(search.matching_report_ids(query, reports))


# --- Russian morphology, case, «ё» -----------------------------------------------------------


def test_pandemic_finds_the_other_word_form(seeds, hidden):
    hits = search.search("пандемия")

    assert names(hits) == [LESOSIBIRSK]  # the text says «пандемии»
    assert "<mark>пандемии</mark>" in hits[0].snippet
    assert hits[0].section == "achievements" and hits[0].section_label == "Достижения"


@pytest.mark.parametrize("query", ["тос", "ТОС", "Тос"])
def test_abbreviation_in_any_case(query, seeds, hidden):
    hits = search.search(query)

    assert set(names(hits)) == {SAYAN_2018, SAYAN_2025, LESOSIBIRSK, LENINSK}
    for hit in hits:
        assert "<mark>ТОС</mark>" in hit.snippet


def test_upper_case_municipality_name_finds_its_report_first(seeds, hidden, build):
    other = build("Абакан", 2024, achievements=["Изучен опыт Когалыма: делегация побывала в Когалыме"])

    hits = search.search("КОГАЛЫМ")

    assert names(hits) == [KOGALYM, ("Абакан", 2024)]
    assert hits[1].report == other
    assert "<mark>Когалыма</mark>" in hits[1].snippet and "<mark>Когалыме</mark>" in hits[1].snippet


def test_a_municipality_name_weighs_more_than_mentions_in_text(build):
    named = build("Черногорск", 2020, achievements=["Открыт новый сквер"])
    mentions = build("Абакан", 2021, achievements=["Опыт Черногорска изучен, встреча в Черногорске"])

    hits = search.search("черногорск")

    assert [hit.report for hit in hits] == [named, mentions]  # 3 × 1 name match > 2 mentions
    assert (hits[0].section, hits[0].section_label) == ("municipality", "Муниципалитет")
    assert hits[0].snippet == "<mark>Черногорск</mark>"


def test_kazachestvo_finds_the_instrumental_case(seeds, hidden):
    # Snowball: «казачество», «казачеством» → «казачеств»; «казачьей» (Саяногорск 2018) → «казач».
    hits = search.search("казачество")

    assert names(hits) == [SAYAN_2025]
    assert "<mark>казачеством</mark>" in hits[0].snippet
    assert hits[0].section == "proposals"


def test_adjective_as_last_word_also_finds_as_prefix(seeds, hidden):
    # «казачий» → «казач», the last word matches as a prefix: «казачьей» and «казачеством».
    assert set(names(search.search("казачий"))) == {SAYAN_2018, SAYAN_2025}


@pytest.mark.parametrize("query", ["объединённый", "объединенный", "ОБЪЕДИНЁННОГО"])
def test_yo_equals_ye_both_ways(query, build):
    with_yo = build("Абакан", 2021, achievements=["Создан Объединённый совет ТОС"])
    with_ye = build("Черногорск", 2022, problems=["Объединенный совет пока не собирался"])

    hits = search.search(query)

    assert {hit.report for hit in hits} == {with_yo, with_ye}
    snippets = {hit.report: str(hit.snippet) for hit in hits}
    assert "<mark>Объединённый</mark>" in snippets[with_yo]  # shown as written
    assert "<mark>Объединенный</mark>" in snippets[with_ye]


# --- sections, snippets, escaping ------------------------------------------------------------


@pytest.mark.parametrize(
    "query, report, section, label",
    [
        ("реестровые", SAYAN_2025, "proposals", "Запросы к Ассоциации"),
        ("пенсионеры", SAYAN_2025, "problems", "Проблемы"),
        ("Означенное", SAYAN_2018, "tasks", "Задачи на следующий год"),
        ("кинологическими", LESOSIBIRSK, "achievements", "Достижения"),
    ],
)
def test_the_best_matching_section_is_named(query, report, section, label, seeds, hidden):
    hits = search.search(query)

    assert names(hits) == [report]
    assert (hits[0].section, hits[0].section_label) == (section, label)


def test_the_snippet_shows_the_subject_not_the_city_mentioned_everywhere(seeds):
    hits = search.search("Саяногорск казачество")

    # Every term must be in the report, not in one paragraph: the name is in the report's
    # municipality and tasks, «казачеством» in its proposals.
    assert names(hits) == [SAYAN_2025]
    assert hits[0].section == "proposals"
    assert "<mark>казачеством</mark>" in hits[0].snippet


def test_snippet_is_about_thirty_words_around_the_first_match(build):
    before = " ".join(f"слово{n}" for n in range(40))
    after = " ".join(f"хвост{n}" for n in range(40))
    build("Абакан", 2020, achievements=[f"{before} Проведён форум ТОС. {after}"])

    snippet = str(search.search("тос")[0].snippet)

    assert snippet.startswith("…") and snippet.endswith("…")
    assert "форум <mark>ТОС</mark>." in snippet
    assert 25 <= len(snippet.split()) <= 35
    assert "слово0 " not in snippet and "хвост39" not in snippet


def test_short_text_is_shown_whole(build):
    build("Абакан", 2020, achievements=["Проведён форум ТОС."])
    assert search.search("форум")[0].snippet == "Проведён <mark>форум</mark> ТОС."


def test_html_in_text_and_query_is_escaped(build):
    build("Абакан", 2020, achievements=["<script>alert('ТОС')</script> & <b>форум</b>"])

    for query in ["тос", "<script>ТОС</script>", "<b>форум"]:
        hits = search.search(query)
        assert len(hits) == 1, query
        snippet = hits[0].snippet
        assert isinstance(snippet, SafeString)
        assert "<script" not in snippet and "<b>" not in snippet and "</b>" not in snippet
        assert "&lt;" in snippet and "&amp;" in snippet
    assert search.search("тос")[0].snippet == (
        "&lt;script&gt;alert(&#x27;<mark>ТОС</mark>&#x27;)&lt;/script&gt; &amp; &lt;b&gt;форум&lt;/b&gt;"
    )
    # The query's own words are searched: «script» is a word of this text too.
    assert "&lt;<mark>script</mark>&gt;" in search.search("<script>ТОС</script>")[0].snippet


# --- what is not found -----------------------------------------------------------------------


@pytest.mark.parametrize("query", ["космодром", "ыъыъыъ", "qwertyuiop", "тос космодром", "12345"])
def test_nonsense_finds_nothing(query, seeds):
    assert search.search(query) == []
    assert ids(query) == set()


@pytest.mark.parametrize("query", ["", "   ", "\n", "— … !!!"])
def test_empty_query_finds_nothing(query, seeds):
    assert search.search(query) == []
    assert ids(query) == set()


@pytest.mark.parametrize("query", [SECRET, "Секретград1", "Секретград4", f"{SECRET} ТОС", f"ТОС {SECRET}"])
def test_unpublished_reports_are_never_found(query, seeds, hidden):
    assert search.search(query) == []
    assert search.search(query, reports=Report.objects.all()) == []
    assert ids(query, Report.objects.filter(pk__in=[r.pk for r in hidden.values()])) == set()


def test_unpublished_reports_are_not_in_the_index(seeds, hidden):
    assert not SearchDocument.objects.exclude(report__status=Status.PUBLISHED).exists()
    hidden_ids = {r.pk for r in hidden.values()}
    for query in ["тос", "форум", "пандемия", "казачество"]:
        assert not {hit.report.pk for hit in search.search(query)} & hidden_ids


# --- ranking and semantics -------------------------------------------------------------------


def test_all_words_must_be_in_the_report(seeds):
    assert set(names(search.search("форум ТОС"))) == {SAYAN_2018, SAYAN_2025}
    assert search.search("пандемия казачество") == []


def test_a_report_with_the_terms_together_ranks_above_one_with_them_apart(build):
    together = build("Абакан", 2020, achievements=["Проведён форум ТОС"])
    apart = build("Черногорск", 2024, achievements=["Проведён форум", "Создан ТОС"])
    only_one = build("Минусинск", 2024, achievements=["Проведён форум"])

    hits = search.search("форум ТОС")

    assert [hit.report for hit in hits] == [together, apart]
    assert only_one not in [hit.report for hit in hits]
    assert hits[0].score > hits[1].score


def test_more_mentions_rank_higher_and_ties_go_to_the_newer_year(build):
    once_old = build("Абакан", 2019, achievements=["Форум ТОС"])
    twice = build("Абакан", 2020, achievements=["ТОС и снова ТОС"])
    once_new = build("Абакан", 2021, achievements=["Форум ТОС"])

    assert [hit.report for hit in search.search("тос")] == [twice, once_new, once_old]


def test_seed_ranking(seeds):
    hits = search.search("тос")
    assert names(hits)[:2] == [SAYAN_2025, SAYAN_2018]
    assert all(a.score >= b.score for a, b in zip(hits, hits[1:]))
    assert hits[0].matches == 5  # documents of Саяногорск 2025 that mention ТОС


def test_limit_cuts_the_ranking(seeds):
    full = search.search("тос")
    assert [h.report for h in search.search("тос", limit=2)] == [h.report for h in full[:2]]
    assert search.search("тос", limit=0) == []


def test_stop_words_do_not_narrow_the_query(seeds):
    assert names(search.search("в ТОС")) == names(search.search("ТОС"))


@pytest.mark.parametrize("query", ["и", "а", "и а в", "НЕ", "и, а тоже в"])
def test_a_query_of_stop_words_only_finds_nothing(query, build):
    build("Абакан", 2020, achievements=["Встречи проходили не реже раза в месяц, и а также в срок"])
    assert search.only_stop_words(query)
    assert search.search(query) == []
    assert ids(query) == set()
    assert search.count(query) == 0


@pytest.mark.parametrize("query", ["", "  ", "ТОС", "и ТОС", "— … !!!", "2020"])
def test_only_stop_words_is_only_for_stop_words(query):
    assert not search.only_stop_words(query)


# --- restricting and filtering ---------------------------------------------------------------


def test_reports_argument_restricts_and_is_intersected_with_published(seeds, hidden):
    in_2020 = Report.objects.filter(year=2020)
    assert set(names(search.search("тос", reports=in_2020))) == {LESOSIBIRSK, LENINSK}
    assert set(names(search.search("тос", reports=Report.objects.for_public_list().filter(year=2018)))) == {SAYAN_2018}
    assert search.search("тос", reports=Report.objects.none()) == []


@pytest.mark.parametrize("query", ["тос", "пандемия", "КОГАЛЫМ", "форум ТОС", "казачий", "не", "нет такого"])
def test_matching_ids_are_the_search_results(query, seeds, hidden):
    found = {hit.report.pk for hit in search.search(query)}
    assert ids(query) == found
    assert set(Report.objects.filter(pk__in=search.matching_report_ids(query)).values_list("pk", flat=True)) == found


def test_matching_ids_filter_a_public_list(seeds, hidden):
    listed = Report.objects.for_public_list().filter(year=2020)
    filtered = listed.filter(pk__in=search.matching_report_ids("тос", listed))
    assert [(r.municipality.name, r.year) for r in filtered] == [LENINSK, LESOSIBIRSK]


def test_hit_report_comes_with_its_municipality(seeds, django_assert_num_queries):
    hits = search.search("тос")
    with django_assert_num_queries(0):
        assert [hit.report.municipality.slug for hit in hits]


# --- highlight (report page with ?q=) --------------------------------------------------------


def test_highlight_marks_every_matching_word_as_written():
    marked = search.highlight("Работа с ТОС и Казачеством; объединённый совет ТОС.", "тос казачество объединенный")
    assert marked == (
        "Работа с <mark>ТОС</mark> и <mark>Казачеством</mark>; <mark>объединённый</mark> совет <mark>ТОС</mark>."
    )
    assert isinstance(marked, SafeString)


def test_highlight_escapes_and_keeps_line_breaks():
    marked = search.highlight("<i>ТОС</i>\nвторая строка & ещё", "тос")
    assert marked == "&lt;i&gt;<mark>ТОС</mark>&lt;/i&gt;\nвторая строка &amp; ещё"


@pytest.mark.parametrize("query", ["", "  ", "космодром"])
def test_highlight_without_matches_only_escapes(query):
    assert search.highlight("<b>ТОС</b>", query) == "&lt;b&gt;ТОС&lt;/b&gt;"


def test_highlight_marks_hyphenated_parts_and_prefix():
    assert search.highlight("Ленинск-Кузнецкий и Когалыма", "ленинск-кузнецкий когалым") == (
        "<mark>Ленинск</mark>-<mark>Кузнецкий</mark> и <mark>Когалыма</mark>"
    )


# --- many matches: the newest CANDIDATES are ranked ------------------------------------------


def test_ranking_covers_the_newest_candidates_only(build, monkeypatch):
    """With more matches than CANDIDATES, the newest matching reports are ranked; an older report
    scoring higher does not displace them. count() stops past its cap."""
    monkeypatch.setattr(search.query, "CANDIDATES", 2)
    old_best = build("Абакан", 2015, achievements=["Форум, форум и ещё раз форум"])
    newer = build("Бийск", 2020, achievements=["Форум ТОС"])
    newest = build("Чита", 2023, achievements=["Прошёл форум"])
    assert [hit.report for hit in search.search("форум")] == [newest, newer]
    assert search.count("форум") == 3
    assert search.count("форум", cap=2) == 3  # cap + 1: "more than 2"
    assert search.count("форум", cap=5) == 3
    monkeypatch.setattr(search.query, "CANDIDATES", 10)
    assert [hit.report for hit in search.search("форум")] == [old_best, newest, newer]


def test_report_terms_follow_the_documents(build, committed, moderator):
    """One ReportTerms row per published report, gone when it is withdrawn."""
    from reports import workflow
    from reports.search.models import ReportTerms

    report = build("Абакан", 2020, achievements=["Форум ТОС"])
    assert list(ReportTerms.objects.values_list("report_id", "year")) == [(report.pk, 2020)]
    with committed():
        workflow.withdraw(Report.objects.get(pk=report.pk), moderator, comment="ошибка")
    assert not ReportTerms.objects.exists()
    assert search.search("форум") == []
