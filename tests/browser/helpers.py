"""Small helpers for the browser tests: log in through the real form, take screenshots."""

import re
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD

SCREENSHOT_DIR = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
VIEWPORTS = {
    "narrow": {"width": 390, "height": 844},  # a phone
    "wide": {"width": 1440, "height": 900},  # an office monitor
}
# A smaller office screen (issue 14: the back office must fit it without sideways scrolling).
AT_1280 = {"narrow": VIEWPORTS["narrow"], "1280": {"width": 1280, "height": 800}}


def login(page: Page, user, password: str = PASSWORD) -> None:
    """Log in through the admin login form and land on the start page."""
    page.goto("/admin/login/?next=/admin/")
    page.get_by_label("Имя пользователя").fill(user.username)
    page.get_by_label("Пароль").fill(password)
    page.get_by_role("button", name="Войти").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))
    expect(page.get_by_role("button", name="Выйти")).to_be_visible()


def horizontal_overflow(page: Page) -> int:
    """How many CSS pixels the page is wider than the window (0 = no sideways scrolling)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def screenshots(page: Page, name: str, *, check_overflow: bool = True, viewports: dict | None = None) -> list[Path]:
    """Full-page screenshots of the current page, narrow and wide:
    artifacts/screenshots/<name>-narrow.png and <name>-wide.png (or one per entry of `viewports`,
    {label: size}, e.g. {"narrow": …, "1280": {"width": 1280, "height": 800}}).

    The narrow one also checks that the page itself does not scroll sideways
    (wide tables may scroll inside their own box; the page must not).
    The window is left at its original size.
    """
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.wait_for_load_state("load")  # the pages' own scripts have run
    original = page.viewport_size
    paths = []
    try:
        for label, size in (viewports or VIEWPORTS).items():
            page.set_viewport_size(size)
            page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
            if check_overflow and label == "narrow":
                overflow = horizontal_overflow(page)
                assert overflow <= 1, f"{name}: the narrow page scrolls sideways by {overflow}px"
            path = SCREENSHOT_DIR / f"{name}-{label}.png"
            page.screenshot(path=str(path), full_page=True, animations="disabled")
            paths.append(path)
    finally:
        if original:
            page.set_viewport_size(original)
    return paths


# --- back-office moves shared by the browser tests -------------------------------------------


def section(page: Page, title: str):
    """One section (inline) of the report form, found by its heading."""
    return page.get_by_role("group", name=re.compile(re.escape(title)))


def add_row(group) -> None:
    """Click the section's «Добавить ещё …» link (added by Django's inline script)."""
    group.get_by_role("button", name=re.compile(r"^\s*Добавить ещ[её]")).click()


def status_badge(page: Page):
    return page.get_by_role("region", name="Статус и действия").locator(".status-badge")


def do_transition(page: Page, action: str) -> None:
    """Click a workflow button on the report page and confirm on the confirmation page. On a form
    this person may still edit the button saves the form first («Сохранить и отправить на
    проверку»); elsewhere it is a link named after the action."""
    page.locator(".workflow-actions .workflow-button").filter(has_text=action).click()
    expect(page.get_by_role("heading", name=action)).to_be_visible()
    page.get_by_role("button", name=action, exact=True).click()
    expect(page.locator(".messagelist .success")).to_contain_text("Отчёт «")
