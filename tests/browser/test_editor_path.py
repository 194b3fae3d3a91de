"""End-to-end, the places where a new city editor or moderator lost work or was misled (issue 14):
the start page's year (item 1), saving before submitting and the unsaved-changes warning (2), the
preview of a draft (4), a withdrawn report's address (15), remarks on items when returning (22)."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from reports import workflow
from reports.models import Report
from reports.status import Status

from .helpers import do_transition, login, screenshots, section, status_badge

pytestmark = pytest.mark.browser

YEAR = timezone.localdate().year - 1  # the year reports are written for now


def test_the_start_page_offers_the_existing_report_not_a_second_one(page, editor, make_report, sayan):
    report = make_report(Status.DRAFT, year=YEAR)
    login(page, editor)

    expect(page.get_by_role("link", name=re.compile("^Написать отчёт за"))).to_have_count(0)
    expect(page.get_by_text(f"Отчёт за {YEAR} год уже есть")).to_be_visible()
    screenshots(page, "start-city-existing-report")
    page.get_by_role("link", name=f"Продолжить отчёт за {YEAR} год").click()
    expect(page).to_have_url(re.compile(rf"/admin/reports/report/{report.pk}/change/"))

    # Typed by hand, the same year again: the error links to the report that exists.
    page.goto(f"/admin/reports/report/add/?year={YEAR}&municipality={sayan.pk}")
    page.get_by_role("button", name="Сохранить и продолжить редактирование").first.click()
    expect(page.get_by_text(f"У этого муниципалитета уже есть отчёт за {YEAR} год.")).to_be_visible()
    screenshots(page, "add-report-duplicate-year")
    page.get_by_role("link", name="Открыть его").click()
    expect(page).to_have_url(re.compile(rf"/admin/reports/report/{report.pk}/change/"))
    assert Report.objects.filter(municipality=sayan, year=YEAR).count() == 1


def test_save_and_submit_keeps_what_was_typed(page, editor, make_report):
    report = make_report(Status.DRAFT)
    login(page, editor)
    page.goto(f"/admin/reports/report/{report.pk}/change/")
    achievements = section(page, "1. Что удалось сделать за год")

    # An invalid form: nothing is sent, and nothing typed is lost.
    page.get_by_label("Отчётный год").fill("1800")
    achievements.get_by_role("textbox").first.fill("Форум ТОС: 120 участников")
    page.get_by_role("button", name="Сохранить и отправить на проверку").click()
    expect(page.locator(".errornote")).to_be_visible()
    expect(achievements.get_by_role("textbox").first).to_have_value("Форум ТОС: 120 участников")
    expect(status_badge(page)).to_have_text("Черновик")

    page.get_by_label("Отчётный год").fill(str(report.year))
    page.get_by_role("button", name="Сохранить и отправить на проверку").click()
    expect(page.get_by_role("heading", name="Отправить на проверку")).to_be_visible()
    expect(page.locator(".messagelist")).to_contain_text("Изменения сохранены.")
    screenshots(page, "save-and-submit-confirm")
    page.get_by_role("button", name="Отправить на проверку", exact=True).click()
    expect(status_badge(page)).to_have_text("На проверке")
    assert report.achievements.get().text == "Форум ТОС: 120 участников"


def test_leaving_the_form_with_unsaved_changes_asks_first(page, editor, make_report):
    report = make_report(Status.DRAFT)
    login(page, editor)
    page.goto(f"/admin/reports/report/{report.pk}/change/")
    dialogs = []

    def dismiss(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()  # «stay on the page»

    page.on("dialog", dismiss)
    # Leaving an untouched form asks nothing.
    page.get_by_role("link", name="Версии и сравнение").click()
    expect(page).to_have_url(re.compile(r"/versions/$"))
    assert dialogs == []
    page.go_back()

    box = section(page, "2. Что не получилось").get_by_role("textbox").first
    box.click()
    page.keyboard.type(" — и ещё одна трудность")
    page.get_by_role("link", name="Версии и сравнение").click()
    page.wait_for_timeout(500)
    assert dialogs == ["beforeunload"]
    expect(page).to_have_url(re.compile(r"/change/$"))  # stayed, with the text
    expect(box).to_have_value(re.compile("и ещё одна трудность$"))


def test_the_preview_of_a_draft(page, editor, make_report):
    report = make_report(Status.DRAFT)
    login(page, editor)
    page.goto(f"/admin/reports/report/{report.pk}/change/")
    page.get_by_role("link", name="Предпросмотр на сайте").click()

    expect(page.get_by_text("Предпросмотр. Этот отчёт не опубликован.")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile(r"Саяногорск: отчёт за 2024 год"))).to_be_visible()
    expect(page.get_by_text("Проведён форум ТОС 2024")).to_be_visible()
    screenshots(page, "preview-draft")
    page.get_by_role("link", name="← Вернуться к отчёту в кабинете").click()
    expect(page).to_have_url(re.compile(rf"/admin/reports/report/{report.pk}/change/"))


def test_a_withdrawn_reports_address_says_when_and_why(new_page, reviewer, make_report):
    report = make_report(Status.PUBLISHED)
    moderator = new_page()
    login(moderator, reviewer)
    moderator.goto(f"/admin/reports/report/{report.pk}/change/")
    moderator.locator(".workflow-actions .workflow-button").filter(has_text="Снять с публикации").click()
    moderator.get_by_label("Причина (это увидит город)").fill("Внутреннее: цифры расходятся")
    moderator.get_by_label(re.compile("Пояснение для читателей сайта")).fill("Город готовит исправленную версию.")
    screenshots(moderator, "withdraw-with-explanation")
    moderator.get_by_role("button", name="Снять с публикации", exact=True).click()
    expect(status_badge(moderator)).to_have_text("Снят с публикации")

    visitor = new_page()
    response = visitor.goto(report.get_absolute_url())
    assert response.status == 410
    expect(visitor.get_by_role("heading", level=1)).to_contain_text("снят с публикации")
    expect(visitor.get_by_text("Город готовит исправленную версию.")).to_be_visible()
    expect(visitor.get_by_text("цифры расходятся")).to_have_count(0)
    screenshots(visitor, "report-gone")


def test_a_remark_on_an_item_reaches_the_city_next_to_it(new_page, editor, reviewer, make_report):
    report = make_report(Status.SUBMITTED)
    moderator = new_page()
    login(moderator, reviewer)
    moderator.goto(f"/admin/reports/report/{report.pk}/change/")
    moderator.locator(".workflow-actions .workflow-button").filter(has_text="Вернуть на доработку").click()
    moderator.locator("summary", has_text="Достижения").click()  # open the section's remarks
    moderator.get_by_label(re.compile(r"^Достижение 1:")).fill("Сколько человек пришло на форум?")
    screenshots(moderator, "return-with-remarks")
    moderator.get_by_role("button", name="Вернуть на доработку", exact=True).click()
    expect(status_badge(moderator)).to_have_text("Возвращён на доработку")

    city = new_page()
    login(city, editor)
    city.goto(f"/admin/reports/report/{report.pk}/change/")
    row = section(city, "1. Что удалось сделать за год").locator("tr.form-row").first
    expect(row.locator(".reviewer-note")).to_contain_text("Сколько человек пришло на форум?")
    expect(city.locator(".workflow-notes")).to_contain_text("Достижение 1")
    screenshots(city, "city-sees-remarks")
    # The city answers it and sends the report again with one button.
    row.get_by_role("textbox").first.fill("Проведён форум ТОС 2024: 140 участников")
    do_transition(city, "Отправить на проверку")
    expect(status_badge(city)).to_have_text("На проверке")
    assert workflow.TRANSITIONS["submit"].label == "Отправить на проверку"
