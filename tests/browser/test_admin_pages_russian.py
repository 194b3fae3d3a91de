"""Issue 14, items 8, 11 and 12 in the browser: the report's history in words, the back office's
403 and 404 pages, and lists and confirmations in proper Russian. Screenshots at 390, 1280 and
1440 px (artifacts/screenshots/)."""

import re

import pytest
from playwright.sync_api import Page, expect

from reports import workflow
from reports.status import Status

from .helpers import SCREENSHOT_DIR, login, screenshots

OFFICE = {"width": 1280, "height": 800}


def shots(page: Page, name: str) -> None:
    """The narrow and wide screenshots, and one at 1280 px (an ordinary office screen)."""
    screenshots(page, name)
    original = page.viewport_size
    page.set_viewport_size(OFFICE)
    page.screenshot(path=str(SCREENSHOT_DIR / f"{name}-1280.png"), full_page=True, animations="disabled")
    page.set_viewport_size(original)


@pytest.mark.browser
def test_history_of_a_reworked_report_reads_in_words(page, make_report, editor, reviewer):
    report = workflow.request_changes(make_report(Status.SUBMITTED), reviewer, "Добавьте цифры")
    achievement = report.achievements.get()
    achievement.text = "Проведён форум ТОС 2024: 120 участников"
    achievement._history_user = editor
    achievement.save()
    workflow.submit(report, editor)

    login(page, reviewer)
    page.goto(report.get_admin_url())
    page.get_by_role("link", name="История правок").click()

    expect(page.get_by_role("heading", name=re.compile("^История правок"))).to_be_visible()
    table = page.locator("table.report-history")
    expect(table).to_contain_text("Статус: Возвращён на доработку → На проверке")
    expect(table).to_contain_text("Достижение 1: текст изменён")
    expect(table).not_to_contain_text("None")
    expect(table).not_to_contain_text("changes_requested")
    shots(page, "report-history")


@pytest.mark.browser
def test_forbidden_and_missing_pages_inside_the_back_office(page, make_report, editor, other_editor, kogalym):
    own = make_report(Status.SUBMITTED)
    foreign = make_report(Status.DRAFT, municipality=kogalym, city=other_editor)

    login(page, editor)
    page.goto(own.get_admin_url())
    # A typed-in address of the Association's action, coming from the report's page.
    response = page.goto(f"/admin/reports/report/{own.pk}/transition/publish/", referer=page.url)
    assert response.status == 403
    expect(page.get_by_role("heading", name="Нет доступа")).to_be_visible()
    expect(page.get_by_role("link", name="← Вернуться назад")).to_have_attribute(
        "href", re.compile(f"/{own.pk}/change/$")
    )
    shots(page, "admin-403")
    page.get_by_role("link", name="← Вернуться назад").click()
    expect(page).to_have_url(re.compile(f"/{own.pk}/change/$"))

    response = page.goto(f"/admin/reports/report/{foreign.pk}/versions/")
    assert response.status == 404
    expect(page.get_by_role("heading", name="Страница не найдена")).to_be_visible()
    assert "Когалым" not in page.content()
    shots(page, "admin-404")
    page.get_by_role("link", name="На рабочий стол").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))


@pytest.mark.browser
def test_user_list_and_bulk_delete_in_proper_russian(page, reviewer, make_user):
    for name in ("ivanova", "petrova"):
        make_user(name)

    login(page, reviewer)
    page.goto("/admin/accounts/user/")
    expect(page.get_by_role("heading", name="Пользователи", exact=True)).to_be_visible()
    expect(page.locator(".paginator")).to_contain_text("3 пользователя")
    expect(page.get_by_role("link", name="Добавить пользователя")).to_be_visible()
    shots(page, "users-list")

    for name in ("ivanova", "petrova"):
        page.get_by_role("row", name=re.compile(name)).get_by_role("checkbox").check()
    page.get_by_role("combobox", name="Действие").select_option(label="Удалить выбранное (пользователи)")
    page.get_by_role("button", name="Выполнить").click()
    expect(page.locator("#content")).to_contain_text("Удалить выбранное: 2 пользователя?")
    shots(page, "users-delete-selected")
    page.get_by_role("button", name="Да, удалить").click()
    expect(page.locator(".messagelist")).to_contain_text("Удалено: 2 пользователя.")
    expect(page.locator(".paginator")).to_contain_text("1 пользователь")
