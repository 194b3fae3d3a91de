"""In a real browser: the Content-Security-Policy breaks nothing, and the protective pages
(login lockout, password reset, database outage) read well on a phone and a monitor."""

import re

import pytest
from django.db import OperationalError
from playwright.sync_api import expect

from reports.status import Status
from tests.conftest import PASSWORD

from .helpers import login, screenshots

pytestmark = pytest.mark.browser


def _watch_csp(page):
    """Collect the browser's own reports of anything the policy blocked."""
    violations = []
    page.on(
        "console",
        lambda msg: (
            "Content Security Policy" in msg.text and violations.append(f"{page.url}: {msg.text[:90]} {msg.location}")
        ),
    )
    page.on("pageerror", lambda err: violations.append(f"page error: {err}"))
    return violations


def test_public_pages_and_back_office_run_under_the_policy(page, editor, make_report):
    report = make_report(status=Status.PUBLISHED)
    draft = make_report(year=2025)
    violations = _watch_csp(page)
    for url in [
        "/",
        "/reports/?year=2024",
        report.get_absolute_url(),
        "/municipalities/",
        "/search/?q=форум",
        "/api/",
        f"/api/reports/{report.pk}/?format=api",
    ]:
        response = page.goto(url)
        assert response.status == 200, url
        assert "default-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_load_state("load")
    login(page, editor)
    page.goto(f"/admin/reports/report/{draft.pk}/change/")
    # The report form's own script (a static file now) ran: its Russian "add" links are there.
    expect(page.get_by_text("Добавить ещё одно достижение")).to_be_visible()
    assert violations == []


def test_lockout_page_then_unlock_by_the_association_editor(new_page, make_user, reviewer, settings):
    user = make_user("ivanova", email="ivanova@example.org")
    user.is_staff = True
    user.save()
    # The Association editor is already signed in (from the same address; the wait below is
    # for the name ivanova from it, and sessions already open stay open anyway).
    staff = new_page()
    login(staff, reviewer)
    page = new_page()
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        page.goto("/admin/login/?next=/admin/")
        page.get_by_label("Имя пользователя").fill("ivanova")
        page.get_by_label("Пароль").fill("не тот пароль")
        page.get_by_role("button", name="Войти").click()
    expect(page.get_by_role("heading", name="Вход временно заблокирован")).to_be_visible()
    expect(page.get_by_text("Попробуйте снова через 1 минуту")).to_be_visible()
    screenshots(page, "login-locked")

    staff.goto("/admin/accounts/user/")
    row = staff.locator("#result_list tr", has_text="ivanova")
    expect(row.locator("td.field-login_locked img[alt='True']")).to_have_count(1)
    screenshots(staff, "users-locked-column")
    row.locator("input[type=checkbox]").check()
    staff.locator("select[name=action]").select_option("unlock_login")
    staff.get_by_role("button", name=re.compile("Выполнить|Go")).click()
    expect(staff.get_by_text("Блокировка входа снята: 1 пользователь может войти снова.")).to_be_visible()

    page.goto("/admin/login/?next=/admin/")
    page.get_by_label("Имя пользователя").fill("ivanova")
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))


def test_password_reset_pages(page, make_user):
    make_user("petrova", email="petrova@example.org")
    page.goto("/admin/login/")
    page.get_by_role("link", name=re.compile("Забыли")).click()
    expect(page.get_by_role("heading", name="Восстановление пароля")).to_be_visible()
    screenshots(page, "password-reset-form")
    page.get_by_label(re.compile("Адрес электронной почты|E-mail", re.I)).fill("nobody@example.org")
    page.get_by_role("button", name=re.compile("Восстановить")).click()
    expect(page).to_have_url(re.compile(r"/admin/password_reset/done/$"))
    screenshots(page, "password-reset-sent")


def test_database_outage_page(page, monkeypatch):
    from reports.models import ReportQuerySet

    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(ReportQuerySet, "published", refuse)
    response = page.goto("/")
    assert response.status == 503
    assert response.headers["retry-after"] == "30"
    expect(page.get_by_role("heading", name="Сайт временно недоступен")).to_be_visible()
    screenshots(page, "database-unavailable")
