"""End-to-end: the search page in headless Chromium — «Возможно, вы искали …» for a misspelt word
and for Latin letters inside a Russian word, what a query of stop words only is told, and the
exact phrase ranked first. Screenshots at 1280 px and 390 px (artifacts/screenshots/search-*)."""

import re

import pytest
from playwright.sync_api import Page, expect

from reports import workflow
from reports.models import Achievement, Municipality, Problem, Report
from reports.status import Status

from .helpers import AT_1280, screenshots

pytestmark = pytest.mark.browser


@pytest.fixture
def reports(transactional_db, moderator):
    """Published reports (indexed as on a real server: on_commit runs) and a draft with words of
    its own."""

    def make(name, slug, status=Status.PUBLISHED, achievements=(), problems=()):
        municipality = Municipality.objects.create(name=name, slug=slug, region="Республика Хакасия")
        report = Report.objects.create(municipality=municipality, year=2024, created_by=moderator)
        for position, text in enumerate(achievements, 1):
            Achievement.objects.create(report=report, text=text, position=position)
        for position, text in enumerate(problems, 1):
            Problem.objects.create(report=report, text=text, position=position)
        report = workflow.submit(report, moderator)
        if status == Status.PUBLISHED:
            report = workflow.publish(report, moderator)
        return report

    return {
        "abakan": make(
            "Абакан",
            "abakan",
            achievements=["Прошёл летний форум молодёжи", "Получены субсидии на работу с общественностью"],
            problems=["Общественность мало знает о субсидиях"],
        ),
        "biysk": make(
            "Бийск",
            "biysk",
            achievements=["Летний лагерь работал все смены, летний спорт, летний отдых", "Форум волонтёров, форум ТОС"],
        ),
        "draft": make(
            "Черногорск", "chernogorsk", Status.SUBMITTED, achievements=["Субсидия для кинологического клуба"]
        ),
    }


def search_for(page: Page, words: str) -> None:
    form = page.get_by_role("search").last
    form.get_by_label("Что ищем").fill(words)
    form.get_by_role("button", name="Найти").click()
    expect(page).to_have_url(re.compile(r"/search/\?q="))


def test_a_misspelt_word_gets_did_you_mean(page: Page, reports):
    page.goto("/search/")
    search_for(page, "субсидйи")

    suggestion = page.locator(".search-suggestion")
    expect(suggestion).to_have_text(re.compile(r"^\s*Возможно, вы искали:\s*субсидии\s*$"))
    expect(suggestion.locator("b")).to_have_text("субсидии")
    expect(page.get_by_role("status")).to_contain_text("Найдено 0 отчётов")
    expect(page.get_by_text("Ничего не нашлось")).to_be_visible()
    screenshots(page, "search-did-you-mean", viewports=AT_1280)

    suggestion.get_by_role("link", name="субсидии").click()
    expect(page).to_have_url(re.compile(r"/search/\?q=%D1%81%D1%83%D0%B1%D1%81%D0%B8%D0%B4%D0%B8%D0%B8$"))
    expect(page.get_by_label("Что ищем")).to_have_value("субсидии")
    expect(page.locator(".search-hit")).to_have_count(1)
    expect(page.get_by_role("link", name="Абакан, 2024")).to_be_visible()
    expect(page.locator(".search-suggestion")).to_have_count(0)


def test_a_draft_word_is_not_suggested(page: Page, reports):
    page.goto("/search/?q=кинологичесского")
    expect(page.get_by_text("Ничего не нашлось")).to_be_visible()
    expect(page.locator(".search-suggestion")).to_have_count(0)


def test_latin_letters_in_a_russian_word_find_it_and_are_shown(page: Page, reports):
    page.goto("/search/")
    search_for(page, "oбщественность")  # a Latin «o»

    expect(page.locator(".search-hit")).to_have_count(1)
    expect(page.locator(".search-hit mark").first).to_have_text(re.compile("^общественност", re.I))
    suggestion = page.locator(".search-suggestion")
    expect(suggestion).to_contain_text("Возможно, вы искали: общественность")
    expect(suggestion).to_contain_text("смешаны латинские и русские буквы")
    screenshots(page, "search-latin-letters", viewports=AT_1280)


@pytest.mark.parametrize("words", ["и", "а", "и а в"])
def test_stop_words_alone_are_told_so(page: Page, reports, words):
    page.goto("/search/")
    search_for(page, words)

    status = page.get_by_role("status")
    expect(status).to_have_count(1)
    expect(status).to_contain_text("Запрос состоит только из служебных слов")
    expect(status).to_contain_text("по ним не ищем")
    expect(page.locator(".search-hit")).to_have_count(0)
    expect(page.get_by_text("Ничего не нашлось")).to_have_count(0)
    if words == "и а в":
        screenshots(page, "search-stop-words", viewports=AT_1280)


def test_the_exact_phrase_comes_first(page: Page, reports):
    page.goto("/search/")
    search_for(page, "летний форум")

    hits = page.locator(".search-hit")
    expect(hits).to_have_count(2)
    # Бийск mentions both words more often, far apart; Абакан has them as typed.
    expect(hits.nth(0).get_by_role("heading")).to_have_text("Абакан, 2024")
    expect(hits.nth(0).locator(".hit-meta")).to_contain_text("фраза целиком")
    expect(hits.nth(1).get_by_role("heading")).to_have_text("Бийск, 2024")
    expect(hits.nth(1).locator(".hit-meta")).not_to_contain_text("фраза целиком")
    screenshots(page, "search-phrase-first", viewports=AT_1280)
