"""The search page (/search/): what a query of stop words only is told, «Возможно, вы искали …»,
the closeness of each hit, and what the page costs — on both databases."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import strip_tags

pytestmark = pytest.mark.django_db

STOP_WORDS_MESSAGE = "Запрос состоит только из служебных слов"


def page_text(response) -> str:
    return re.sub(r"\s+", " ", strip_tags(response.content.decode()))


def get(client, q):
    response = client.get("/search/", {"q": q})
    assert response.status_code == 200
    return response


@pytest.fixture
def subsidies(build):
    return build(
        "Абакан",
        2024,
        achievements=["Получены субсидии на работу с общественностью", "Прошёл летний форум молодёжи"],
    )


@pytest.mark.parametrize("q", ["и", "а", "и а в", "И А В", "не, и"])
def test_stop_words_only_are_told_so(client, subsidies, q):
    response = get(client, q)
    text = page_text(response)
    assert STOP_WORDS_MESSAGE in text and "по ним не ищем" in text
    assert response.context["stop_words_only"] is True
    assert response.context["hits"] == [] and response.context["suggestion"] is None
    assert "Найдено" not in text and "Ничего не нашлось" not in text
    assert 'role="status"' in response.content.decode()  # read out by screen readers


def test_a_query_with_a_word_besides_stop_words_searches(client, subsidies):
    response = get(client, "и субсидии")
    assert STOP_WORDS_MESSAGE not in page_text(response)
    assert [hit.report for hit in response.context["hits"]] == [subsidies]


def test_a_misspelt_query_gets_did_you_mean(client, subsidies):
    response = get(client, "субсидйи")
    html = response.content.decode()
    assert response.context["total"] == 0
    assert "Возможно, вы искали: субсидии" in page_text(response)
    assert re.search(
        r'<a lang="ru" href="/search/\?q=%D1%81%D1%83%D0%B1%D1%81%D0%B8%D0%B4%D0%B8%D0%B8"><b>субсидии</b></a>', html
    )
    assert "Ничего не нашлось" in page_text(response)
    followed = client.get("/search/" + response.context["suggestion_url"])
    assert [hit.report for hit in followed.context["hits"]] == [subsidies]
    assert followed.context["suggestion"] is None


def test_latin_lookalikes_find_the_word_and_say_how_it_was_read(client, subsidies):
    response = get(client, "oбщественность")  # a Latin «o»
    text = page_text(response)
    assert [hit.report for hit in response.context["hits"]] == [subsidies]
    assert "Возможно, вы искали: общественность" in text
    assert "смешаны латинские и русские буквы" in text


def test_no_suggestion_for_a_query_that_finds_something(client, subsidies):
    response = get(client, "субсидии")
    assert response.context["suggestion"] is None
    assert "Возможно, вы искали" not in page_text(response)


def test_each_hit_says_how_close_its_words_are(client, subsidies, build):
    build("Бийск", 2024, achievements=["Летний лагерь открыт", "Форум прошёл"])
    response = get(client, "летний форум")
    metas = [
        page_text(type("R", (), {"content": m.encode()}))
        for m in re.findall(r'<p class="hit-meta">.*?</p>', response.content.decode(), re.S)
    ]
    assert len(metas) == 2
    assert "фраза целиком" in metas[0] and "фраза целиком" not in metas[1] and "слова рядом" not in metas[1]


# --- cost ------------------------------------------------------------------------------------------


def count_queries(client, q) -> int:
    with CaptureQueriesContext(connection) as ctx:
        get(client, q)
    return len(ctx.captured_queries)


def test_the_page_costs_the_same_whatever_the_number_of_reports_and_words(client, build):
    build("Абакан", 2024, achievements=["Получены субсидии, общественность довольна"])
    queries = ["субсидии", "субсидйи", "субсидйи Абакан", "обшественнось", "ыъыъыъ", "и а в"]
    few = [count_queries(client, q) for q in queries]
    for n in range(25):
        build(f"Город{n}", 2000 + n, achievements=[f"Субсидии{n} получены, субсидия {n} и общественность {n}"])
    many = [count_queries(client, q) for q in queries]
    assert few == many
    # Found: the count and the page of hits; not found: the count, then which words are unknown
    # (two words or more), their one-edit variants, the near words of a long word without one,
    # and the corrected query's count. Each page also reads the themes of its filter (once per
    # generation when the page cache is on; every time here, where it is off).
    assert few == [4, 4, 5, 5, 3, 1]
    # The stop-word page searches nothing: it costs what the page costs without a query.
    assert count_queries(client, "и а в") == count_queries(client, "")
