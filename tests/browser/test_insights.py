"""The insights pages in a browser, at 1280 px and on a phone (390 px): screenshots to look at,
no sideways scrolling of the page, the comparison readable side by side within its box."""

import pytest
from playwright.sync_api import expect

from reports.status import Status
from tests.insights.conftest import city, report_with, themes  # noqa: F401 - fixtures

from .helpers import AT_1280, horizontal_overflow, screenshots

pytestmark = pytest.mark.browser

CITIES = [
    ("Саяногорск", "sayanogorsk", "Республика Хакасия"),
    ("Когалым", "kogalym", "Ханты-Мансийский автономный округ — Югра"),
    ("Абакан", "abakan", "Республика Хакасия"),
    ("Красноярск", "krasnoyarsk", "Красноярский край"),
    ("Норильск", "norilsk", "Красноярский край"),
]
REQUESTS = [
    ("methodology", "Методические рекомендации по созданию и поддержке ТОС в частном секторе", "tos"),
    ("conference", "Обсудить на конференции работу с казачьими обществами и национальными общинами", "cossacks"),
    ("training", "Курсы для председателей молодёжных советов и кураторов волонтёров", "youth"),
    ("other", "Прислать контакты коллег, которые ведут реестр некоммерческих организаций", None),
]


@pytest.fixture
def data(transactional_db, city, themes, report_with, sayan, kogalym):  # noqa: F811
    made = {"sayanogorsk": sayan, "kogalym": kogalym}
    for name, slug, region in CITIES:
        if slug not in made:
            made[slug] = city(name, slug, region)
    outcomes = ["done", "done", "partly", "not_done", "carried_over", "dropped", ""]
    for n, (name, slug, _region) in enumerate(CITIES):
        for year in (2021, 2022, 2023, 2024):
            if (n + year) % 5 == 0:
                continue
            chosen = [REQUESTS[(n + year + k) % 4] for k in range(1 + (n + year) % 3)]
            report_with(
                made[slug],
                year,
                [(kind, f"{text} ({name})", [themes[t]] if t else []) for kind, text, t in chosen],
                achievements=[(f"Форум ТОС {year}", [themes["tos"]]), ("Молодёжный совет", [themes["youth"]])],
                outcomes=[(f"Задача {k}", outcomes[(n + year + k) % 7]) for k in range(2 + n % 3)],
            )
    report_with(made["abakan"], 2020, [("other", "черновиктайна", [])], status=Status.DRAFT)
    return made


def test_insights_pages(page, data):
    for url, name in [
        ("/needs/2024/", "insights-needs"),
        ("/needs/", "insights-needs-index"),
        ("/stats/", "insights-stats"),
        ("/", "insights-home"),
        ("/compare/?city=sayanogorsk&city=kogalym&city=krasnoyarsk&year=2024", "insights-compare-year"),
        ("/compare/?city=sayanogorsk&city=kogalym", "insights-compare-all"),
        ("/compare/?city=sayanogorsk&city=sayanogorsk", "insights-compare-message"),
    ]:
        page.goto(url)
        expect(page.locator("h1")).to_be_visible()
        assert "черновиктайна" not in page.content()
        screenshots(page, name, viewports=AT_1280)


def test_compare_on_a_phone_scrolls_in_its_box(page, data):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/compare/?city=sayanogorsk&city=kogalym&city=krasnoyarsk&city=norilsk&year=2023")
    assert horizontal_overflow(page) <= 1
    box = page.locator(".compare-box")
    assert box.evaluate("b => b.scrollWidth > b.clientWidth")  # the columns scroll inside their box
    expect(page.get_by_role("columnheader", name="Норильск")).to_be_attached()
    screenshots(page, "insights-compare-four", viewports=AT_1280)


def test_compare_form_makes_a_shareable_address(page, data):
    page.goto("/compare/")
    page.get_by_label("Город 1").select_option(label="Абакан")
    page.get_by_label("Город 2").select_option(label="Норильск")
    page.get_by_label("Год").select_option("2023")
    page.get_by_role("button", name="Сравнить").click()
    expect(page.get_by_role("columnheader", name="Абакан")).to_be_visible()
    assert "city=abakan" in page.url and "city=norilsk" in page.url and "year=2023" in page.url
