"""Fixtures for the end-to-end tests: headless Debian Chromium (Playwright) against live_server.

Not the pytest-playwright plugin's fixtures: those would launch a browser that
Playwright downloads. Here `browser` launches the system Chromium once per
session, and `page` / `new_page` open fresh browser contexts (one per person
in a test, so two people can be logged in side by side).
"""

import os

import pytest

# Playwright's sync API runs an event loop in the test thread; Django then refuses
# ORM calls from that thread (SynchronousOnlyOperation) unless told it is safe.
# It is: the ORM calls here are ordinary synchronous ones (Django's documented switch).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WIDE = {"width": 1440, "height": 900}
# Generous for a slow CI machine, short enough that a broken selector fails fast.
TIMEOUT_MS = 15_000


def _unavailable(reason: str):
    """Skip locally; in CI (CI=true) a missing browser is an error, not a silent skip."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} — CI=true, so the browser tests must run.", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        _unavailable(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - playwright is in the [test] extra
        _unavailable("Playwright for Python is not installed (pip install -e '.[test]')")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server):
    """new_page() -> a Page in a fresh context (own cookies), base URL = the live server."""
    contexts = []

    def make():
        context = browser.new_context(
            base_url=live_server.url, viewport=WIDE, locale="ru-RU", timezone_id="Asia/Krasnoyarsk"
        )
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture
def editor(city_editor):
    """The Саяногорск editor, with a real name (as the timeline shows it)."""
    city_editor.first_name, city_editor.last_name = "Ирина", "Петрова"
    city_editor.save(update_fields=["first_name", "last_name"])
    return city_editor


@pytest.fixture
def reviewer(moderator):
    """The Association editor, with a real name."""
    moderator.first_name, moderator.last_name = "Олег", "Смирнов"
    moderator.save(update_fields=["first_name", "last_name"])
    return moderator
