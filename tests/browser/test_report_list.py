"""The back office's report list fits a 1280 px screen without sideways scrolling, for a city
editor and for the Association (issue 14, item 6), with long names, every status and dates."""

import pytest
from playwright.sync_api import expect

from accounts.roles import MUNICIPAL_EDITORS
from reports.models import Municipality
from reports.status import Status

from .helpers import AT_1280, login, screenshots

pytestmark = pytest.mark.browser

AT = {"width": 1280, "height": 800}


@pytest.fixture
def many_reports(make_report, make_user, city_editor, sayan):
    """Reports in every status, of cities with long names in regions with long names."""
    long_names = [
        ("Петропавловск-Камчатский", "Ханты-Мансийский автономный округ — Югра"),
        ("Ленинск-Кузнецкий", "Кемеровская область — Кузбасс"),
        ("Комсомольск-на-Амуре", "Республика Саха (Якутия)"),
    ]
    statuses = list(Status)
    for n, (name, region) in enumerate(long_names):
        municipality = Municipality.objects.create(name=name, slug=f"city-{n}", region=region)
        their_editor = make_user(f"editor{n}", MUNICIPAL_EDITORS, [municipality])
        for year, status in zip((2024, 2023), statuses[n : n + 2]):
            make_report(status=status, municipality=municipality, year=year, city=their_editor)
    for year, status in zip((2025, 2024, 2023, 2022, 2021), statuses):
        make_report(status=status, municipality=sayan, year=year)


def assert_fits(page):
    sizes = page.evaluate(
        """() => {
            const table = document.querySelector('#result_list');
            return {
                page: document.scrollingElement.scrollWidth, window: window.innerWidth,
                table: table.scrollWidth, box: table.parentElement.clientWidth,
            };
        }"""
    )
    assert sizes["page"] <= sizes["window"], sizes
    assert sizes["table"] <= sizes["box"], sizes


@pytest.mark.parametrize("who", ["editor", "reviewer"])
def test_the_report_list_fits_1280_px(page, request, many_reports, who):
    person = request.getfixturevalue(who)
    page.set_viewport_size(AT)
    login(page, person)
    page.goto("/admin/reports/report/")
    expect(page.locator("#result_list tbody tr").first).to_be_visible()
    expect(page.locator("#nav-sidebar")).to_be_visible()  # with the menu open, as a person sees it
    expect(page.locator("#changelist-filter")).to_be_visible()
    expect(page.locator("#result_list")).to_contain_text("Возвращён на доработку")
    assert_fits(page)
    expect(page.locator("#result_list thead th")).to_have_count(4)
    if who == "reviewer":
        expect(page.locator("#result_list")).to_contain_text("Петропавловск-Камчатский — 2024")
        expect(page.locator(".report-region").first).to_be_visible()
    else:
        expect(page.locator(".report-region")).to_have_count(0)
    screenshots(page, f"report-list-{who}", viewports=AT_1280)
