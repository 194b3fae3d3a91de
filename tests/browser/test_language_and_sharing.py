"""End-to-end (issue 14, items 16 and 18): a browser set up in English reads the portal in Russian
until its reader chooses English, which then stays; every page's footer names the licence."""

import io
import time

import pytest
from django.conf import settings
from PIL import Image
from playwright.sync_api import expect

from reports.status import Status

from .conftest import TIMEOUT_MS, WIDE
from .helpers import AT_1280, screenshots

pytestmark = pytest.mark.browser

LICENCE = "https://creativecommons.org/licenses/by/4.0/"


@pytest.fixture
def published(transactional_db, make_report, sayan):
    return make_report(Status.PUBLISHED, municipality=sayan, year=2024)


@pytest.fixture
def english_browser(browser, live_server):
    """A browser whose user set it up in English: it sends Accept-Language: en-US."""
    context = browser.new_context(
        base_url=live_server.url, viewport=WIDE, locale="en-US", timezone_id="Asia/Krasnoyarsk"
    )
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    yield context
    context.close()


def test_an_english_browser_reads_russian_until_english_is_chosen(english_browser, published):
    page = english_browser.new_page()
    assert page.evaluate("navigator.language") == "en-US"
    sent = {}
    page.on("request", lambda request: sent.setdefault("accept-language", request.headers.get("accept-language")))
    page.goto(published.get_absolute_url())
    assert sent["accept-language"].startswith("en-US")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.get_by_role("heading", level=2, name="Достижения")).to_be_visible()

    # The switch in the header.
    page.get_by_role("navigation", name="Язык").get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(f"{page.url.split('/reports/')[0]}{published.get_absolute_url()}")  # back on the page
    expect(page.get_by_role("heading", level=2, name="Achievements")).to_be_visible()

    # The choice is a cookie that outlives the session, and every page follows it.
    cookie = next(c for c in english_browser.cookies() if c["name"] == settings.LANGUAGE_COOKIE_NAME)
    assert cookie["value"] == "en" and cookie["expires"] > time.time() + 300 * 24 * 3600
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="Latest reports")).to_be_visible()

    # A new window of the same browser still reads English; back to Russian with the switch.
    other = english_browser.new_page()
    other.goto("/reports/")
    expect(other.locator("html")).to_have_attribute("lang", "en")
    other.get_by_role("navigation", name="Language").get_by_role("link", name="Русский").click()
    expect(other.locator("html")).to_have_attribute("lang", "ru")
    expect(other.get_by_role("heading", level=1, name="Отчёты городов")).to_be_visible()


def test_the_footer_names_the_licence(page, published):
    page.goto("/")
    footer = page.locator("footer.site-footer")
    link = footer.get_by_role("link", name="CC BY 4.0")
    expect(link).to_be_visible()
    expect(link).to_have_attribute("href", LICENCE)
    expect(link).to_have_attribute("rel", "license")
    expect(footer).to_contain_text("Тексты и данные опубликованных отчётов доступны по лицензии CC BY 4.0")
    screenshots(page, "footer-licence", viewports=AT_1280)

    page.goto(published.get_absolute_url())
    expect(page.locator("footer.site-footer").get_by_role("link", name="CC BY 4.0")).to_be_visible()
    # The page says what a shared link shows, and its preview image is there to fetch.
    image = page.locator('meta[property="og:image"]').get_attribute("content")
    assert image.endswith("/reports/sayanogorsk/2024/preview.png")
    response = page.request.get("/reports/sayanogorsk/2024/preview.png")
    assert response.ok and response.headers["content-type"] == "image/png"
    assert Image.open(io.BytesIO(response.body())).size == (1200, 630)
