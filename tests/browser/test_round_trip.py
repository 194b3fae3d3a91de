"""End-to-end: the whole editorial round trip, through the pages only.

A city editor writes the 2026 report of Саяногорск and submits it; the Association
returns it with a comment; the city corrects it and resubmits; the Association
publishes it. Until then an anonymous visitor finds nothing and gets a 404 at the
report's public address; afterwards the public search finds it by another form of a
word that occurs nowhere else, and the public page shows the corrected text.

Three people, three browser contexts (own cookies), one live server. The five
seed reports are published first, so the new report joins real data (and the
city's page pairs the 2025 report's plans with the 2026 results).
"""

import re

import pytest
from playwright.sync_api import Page, expect

from reports.models import Report
from reports.status import Status
from tests.reports.importer.helpers import SEED_NAMES, seed_path

from .helpers import do_transition, login, screenshots, section, status_badge

pytestmark = pytest.mark.browser

YEAR = 2026
TITLE = f"Саяногорск — {YEAR}"  # how the back office names the report
PUBLIC_URL = f"/reports/sayanogorsk/{YEAR}/"
# «светоплощадка» occurs in no seed report; the visitor searches for another form of it.
WORD, OTHER_FORM = "светоплощадка", "светоплощадки"
FIRST_TEXT = "Во дворе на улице Металлургов открыта светоплощадка для молодёжных проектов ТОС"
CORRECTED_TEXT = (
    "Во дворе на улице Металлургов открыта светоплощадка для молодёжных проектов ТОС: "
    "за полгода 36 мероприятий, 1 150 участников из 9 микрорайонов"
)
TASK = "Провести фестиваль дворовых проектов ТОС"
COMMENT = "Напишите, сколько мероприятий прошло и сколько жителей в них участвовали."


@pytest.fixture
def seeds(transactional_db, sayan):
    from reports.directory import load_directory
    from reports.importer.loader import store_report
    from reports.importer.parser import parse_file

    load_directory()
    return [store_report(parse_file(seed_path(key)), publish=True).report for key in SEED_NAMES]


def save_and_continue(page: Page) -> None:
    page.get_by_role("button", name="Сохранить и продолжить редактирование").first.click()
    expect(page.locator(".messagelist")).to_contain_text(re.compile("(Добавлено|Сохранено): "))


# --- the visitor ---------------------------------------------------------------------------


def search_from_home(page: Page, words: str) -> None:
    page.goto("/")
    search = page.get_by_role("search")
    search.get_by_label("Найти в отчётах").fill(words)
    search.get_by_role("button", name="Найти").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Поиск по отчётам")


def assert_not_public(visitor: Page) -> None:
    """Not published yet: the search finds nothing, the address is a 404, no trace in the lists."""
    for words in (OTHER_FORM, WORD):
        search_from_home(visitor, words)
        expect(visitor.get_by_role("status")).to_have_text("Найдено 0 отчётов")
        expect(visitor.get_by_text("Ничего не нашлось.")).to_be_visible()
        expect(visitor.locator(".search-hit")).to_have_count(0)
    response = visitor.goto(PUBLIC_URL)
    assert response.status == 404, response.status
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Такой страницы нет")
    assert WORD not in visitor.content()
    visitor.goto("/municipalities/sayanogorsk/")
    expect(visitor.locator(".timeline .timeline-year")).to_have_text(["2025", "2018"])
    visitor.goto("/reports/")
    expect(visitor.locator(".report-card")).to_have_count(5)  # the seeds only
    expect(visitor.get_by_role("link", name=f"Саяногорск, {YEAR}")).to_have_count(0)


def test_report_round_trip_from_city_to_public_search(new_page, seeds, editor, reviewer):
    visitor = new_page()

    # 1. The city editor writes the 2026 report and submits it.
    city = new_page()
    login(city, editor)
    # The seeds hold Саяногорск's report for last year: the start page offers to continue that one
    # (issue 14, item 1), so the new year's report is started from the list's «Добавить».
    expect(city.get_by_role("link", name=re.compile(r"^Написать отчёт за"))).to_have_count(0)
    city.goto(city.url.split("/admin/")[0] + "/admin/reports/report/add/")
    expect(city).to_have_url(re.compile(r"/admin/reports/report/add/"))
    city.get_by_label("Отчётный год").fill(str(YEAR))
    section(city, "1. Что удалось сделать за год").get_by_role("textbox").first.fill(FIRST_TEXT)
    section(city, "3. Задачи на следующий год").get_by_role("textbox").first.fill(TASK)
    save_and_continue(city)
    expect(status_badge(city)).to_have_text("Черновик")
    do_transition(city, "Отправить на проверку")
    expect(status_badge(city)).to_have_text("На проверке")

    assert_not_public(visitor)  # submitted is not published

    # 2. The Association returns it with a comment.
    mod = new_page()
    login(mod, reviewer)
    mod.get_by_role("region", name="Ждут проверки").get_by_role("link", name=TITLE).click()
    expect(status_badge(mod)).to_have_text("На проверке")
    # The moderator may still edit a submitted report: the button saves the form first (issue 14, item 2).
    mod.locator(".workflow-actions .workflow-button").filter(has_text="Вернуть на доработку").click()
    mod.get_by_label("Что нужно исправить").fill(COMMENT)
    mod.get_by_role("button", name="Вернуть на доработку", exact=True).click()
    expect(mod.locator(".messagelist")).to_contain_text("возвращён городу на доработку")
    expect(status_badge(mod)).to_have_text("Возвращён на доработку")

    # 3. The city sees the comment, corrects the achievement (the word stays) and resubmits.
    city.goto("/admin/")
    mine = city.get_by_role("region", name="Мои отчёты")
    expect(mine.get_by_text("Возвращён на доработку")).to_be_visible()
    mine.get_by_role("link", name=TITLE).click()
    expect(status_badge(city)).to_have_text("Возвращён на доработку")
    expect(city.locator(".workflow-last-comment")).to_contain_text(COMMENT)
    achievement = section(city, "1. Что удалось сделать за год").get_by_role("textbox").first
    expect(achievement).to_have_value(FIRST_TEXT)
    achievement.fill(CORRECTED_TEXT)
    save_and_continue(city)
    do_transition(city, "Отправить на проверку")
    expect(status_badge(city)).to_have_text("На проверке")

    assert_not_public(visitor)  # resubmitted, still not published

    # 4. The Association publishes it (found again through its own queue).
    mod.goto("/admin/")
    mod.get_by_role("region", name="Ждут проверки").get_by_role("link", name=TITLE).click()
    do_transition(mod, "Опубликовать")
    expect(status_badge(mod)).to_have_text("Опубликован")

    # 5. The visitor finds it by another form of the word and reads the corrected text.
    search_from_home(visitor, OTHER_FORM)
    expect(visitor.get_by_role("status")).to_have_text("Найден 1 отчёт")
    hit = visitor.locator(".search-hit")
    expect(hit).to_have_count(1)
    expect(hit.get_by_role("link")).to_have_text(f"Саяногорск, {YEAR}")
    expect(hit.locator(".hit-meta")).to_contain_text("раздел «Достижения»")
    expect(hit.locator("mark")).to_have_text([WORD])
    screenshots(visitor, "public-round-trip-search")
    hit.get_by_role("link", name=f"Саяногорск, {YEAR}").click()
    expect(visitor).to_have_url(re.compile(rf"{re.escape(PUBLIC_URL)}\?q=.+#achievements$"))
    expect(visitor.get_by_role("heading", level=1)).to_have_text(f"Саяногорск: отчёт за {YEAR} год")
    items = visitor.locator("#achievements .items li")
    expect(items).to_have_text([CORRECTED_TEXT])  # the corrected text, and only it
    expect(items.locator("mark")).to_have_text(WORD)
    expect(visitor.locator("#tasks .items li")).to_have_text([TASK])
    assert COMMENT not in visitor.content()  # the Association's comment is not public

    # The city's page now has 2026, and the 2025 plans are paired with the 2026 results.
    visitor.goto("/municipalities/sayanogorsk/")
    expect(visitor.locator(".timeline .timeline-year")).to_have_text(["2026", "2025", "2018"])
    pair_2026 = visitor.locator(".plan-pair").filter(has=visitor.get_by_role("heading", name=f"Задачи на {YEAR} год"))
    expect(pair_2026).to_contain_text(CORRECTED_TEXT)

    report = Report.objects.get(municipality__slug="sayanogorsk", year=YEAR)
    assert report.status == Status.PUBLISHED
    assert [e.transition for e in report.events.all()] == ["submit", "request_changes", "submit", "publish"]
