"""End-to-end: the back office in headless Chromium, as the officials use it.

A city editor writes and submits a report, the Association returns it with a
comment, the city fixes it, the Association publishes it; versions are
compared; and one city cannot open another city's report. Every step goes
through the real pages (login form included) of a live server.

Screenshots land in artifacts/screenshots/ (see helpers.screenshots).
"""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from reports import workflow
from reports.models import Report
from reports.status import Status

from .helpers import add_row, do_transition, login, screenshots, section, status_badge

ACHIEVEMENTS = [
    "Проведён городской форум ТОС: 240 участников из 18 микрорайонов",
    "Запущена платформа обратной связи «Решаем вместе»",
]
PROBLEM = "Трудно привлечь молодёжь в советы микрорайонов"
TASKS = [
    "Провести школу активного горожанина",
    "Обновить положение о публичных слушаниях",
]
PROPOSAL = "Курс для специалистов, работающих с НКО и ТОС"
TRAINING = "Обучение: темы курсов"

CHANGES_COMMENT = "Уточните в достижениях число участников форума и откуда они."
# make_report's first achievement is "Проведён форум ТОС {year}"; the city rewrites it.
YEAR = 2024
OLD_ACHIEVEMENT = f"Проведён форум ТОС {YEAR}"
NEW_ACHIEVEMENT = f"Проведён форум ТОС {YEAR}: 120 участников из 14 городов Сибири"


def save_and_continue(page: Page) -> None:
    # save_on_top: the buttons are above and below the form; either will do.
    page.get_by_role("button", name="Сохранить и продолжить редактирование").first.click()


def rework(report, editor, moderator) -> Report:
    """What test 2 does through the pages, done directly: return, fix, resubmit, publish."""
    report = workflow.request_changes(report, moderator, CHANGES_COMMENT)
    achievement = report.achievements.get(text=OLD_ACHIEVEMENT)
    achievement.text = NEW_ACHIEVEMENT
    achievement.save()
    report = workflow.submit(report, editor)
    return workflow.publish(report, moderator)


# --- 1 ------------------------------------------------------------------------------------


@pytest.mark.browser
def test_city_editor_writes_and_submits_a_report(page, editor, sayan):
    year = timezone.localdate().year - 1
    login(page, editor)

    expect(page.get_by_role("heading", name="Мои отчёты")).to_be_visible()
    expect(page.get_by_text("Отчётов пока нет.")).to_be_visible()
    screenshots(page, "start-city")
    page.get_by_role("link", name=f"Написать отчёт за {year} год").click()
    expect(page).to_have_url(re.compile(r"/admin/reports/report/add/"))

    year_field = page.get_by_label("Отчётный год")
    expect(year_field).to_have_value(str(year))  # the start page's link fills it in
    year_field.fill(str(year))

    achievements = section(page, "1. Что удалось сделать за год")
    # The page's own wording, not Django's «Добавить еще один Достижение».
    expect(achievements.get_by_role("button", name="Добавить ещё одно достижение")).to_be_visible()
    achievements.get_by_role("textbox").nth(0).fill(ACHIEVEMENTS[0])
    add_row(achievements)
    achievements.get_by_role("textbox").nth(1).fill(ACHIEVEMENTS[1])

    section(page, "2. Что не получилось").get_by_role("textbox").first.fill(PROBLEM)

    tasks = section(page, "3. Задачи на следующий год")
    tasks.get_by_role("textbox").nth(0).fill(TASKS[0])
    add_row(tasks)
    tasks.get_by_role("textbox").nth(1).fill(TASKS[1])

    proposals = section(page, "4. Что нужно от Ассоциации")
    proposals.get_by_role("combobox").first.select_option(label=TRAINING)
    proposals.get_by_role("textbox").first.fill(PROPOSAL)

    screenshots(page, "report-form-filled")
    save_and_continue(page)

    expect(page.locator(".messagelist")).to_contain_text("Добавлено: отчёт «")
    expect(status_badge(page)).to_have_text("Черновик")

    do_transition(page, "Отправить на проверку")
    expect(status_badge(page)).to_have_text("На проверке")
    # Submitted: the city can no longer edit it, and the timeline shows the step.
    expect(page.get_by_role("button", name="Сохранить и продолжить редактирование")).to_have_count(0)
    expect(page.locator(".timeline-list")).to_contain_text("Петрова")
    screenshots(page, "report-submitted")

    report = Report.objects.get(municipality=sayan, year=year)
    assert report.status == Status.SUBMITTED
    assert report.submitted_by == editor
    assert list(report.achievements.values_list("position", "text")) == [(1, ACHIEVEMENTS[0]), (2, ACHIEVEMENTS[1])]
    assert list(report.problems.values_list("position", "text")) == [(1, PROBLEM)]
    assert list(report.tasks.values_list("position", "text", "year")) == [
        (1, TASKS[0], year + 1),
        (2, TASKS[1], year + 1),
    ]
    assert list(report.proposals.values_list("position", "kind", "text")) == [(1, "training", PROPOSAL)]


# --- 2 ------------------------------------------------------------------------------------


@pytest.mark.browser
def test_moderator_requests_changes_city_fixes_moderator_publishes(new_page, make_report, editor, reviewer):
    report = make_report(Status.SUBMITTED, year=YEAR)
    title = str(report)  # "Саяногорск — 2024"

    mod = new_page()
    login(mod, reviewer)
    queue = mod.get_by_role("region", name="Ждут проверки")
    expect(queue).to_be_visible()
    screenshots(mod, "start-moderator")
    queue.get_by_role("link", name=title).click()
    expect(status_badge(mod)).to_have_text("На проверке")

    # The moderator may still edit a submitted report: the button saves the form first (issue 14, item 2).
    mod.locator(".workflow-actions .workflow-button").filter(has_text="Вернуть на доработку").click()
    expect(mod.get_by_role("heading", name="Вернуть на доработку")).to_be_visible()
    mod.get_by_role("button", name="Вернуть на доработку", exact=True).click()
    expect(mod.locator(".errorlist")).to_have_text(
        "Напишите комментарий или замечание хотя бы к одному разделу или пункту: без этого отчёт не вернуть."
    )
    screenshots(mod, "request-changes-error")
    mod.get_by_label("Что нужно исправить").fill(CHANGES_COMMENT)
    mod.get_by_role("button", name="Вернуть на доработку", exact=True).click()
    expect(mod.locator(".messagelist")).to_contain_text("возвращён городу на доработку")
    expect(status_badge(mod)).to_have_text("Возвращён на доработку")

    # The city, in its own browser session.
    city = new_page()
    login(city, editor)
    mine = city.get_by_role("region", name="Мои отчёты")
    expect(mine.get_by_text("Возвращён на доработку")).to_be_visible()
    mine.get_by_role("link", name=title).click()
    expect(status_badge(city)).to_have_text("Возвращён на доработку")
    expect(city.locator(".workflow-last-comment")).to_contain_text(CHANGES_COMMENT)
    expect(city.locator(".timeline-comment").filter(has_text=CHANGES_COMMENT)).to_be_visible()
    screenshots(city, "report-changes-requested")

    achievements = section(city, "1. Что удалось сделать за год")
    first = achievements.get_by_role("textbox").first
    expect(first).to_have_value(OLD_ACHIEVEMENT)
    first.fill(NEW_ACHIEVEMENT)
    save_and_continue(city)
    expect(city.locator(".messagelist")).to_contain_text("Сохранено: отчёт «")
    do_transition(city, "Отправить на проверку")
    expect(status_badge(city)).to_have_text("На проверке")

    mod.goto(report.get_admin_url())
    expect(status_badge(mod)).to_have_text("На проверке")
    do_transition(mod, "Опубликовать")
    expect(status_badge(mod)).to_have_text("Опубликован")
    timeline = mod.locator(".timeline-list")
    expect(timeline.locator(".timeline-comment").filter(has_text=CHANGES_COMMENT)).to_be_visible()
    expect(timeline.locator(".timeline-item")).to_have_count(5)  # 4 steps + "created"
    screenshots(mod, "report-published-timeline")

    report.refresh_from_db()
    assert report.status == Status.PUBLISHED
    assert list(report.achievements.values_list("text", flat=True))[0] == NEW_ACHIEVEMENT
    assert [e.transition for e in report.events.all()] == ["submit", "request_changes", "submit", "publish"]

    # The status panel now leads to the public page (issue 14, item 9).
    mod.get_by_role("link", name="Открыть опубликованный отчёт на сайте").click()
    expect(mod).to_have_url(re.compile(re.escape(report.get_absolute_url()) + "$"))
    expect(mod.get_by_role("heading", level=1)).to_contain_text(report.municipality.name)


# --- 3 ------------------------------------------------------------------------------------


@pytest.mark.browser
def test_versions_diff_shows_what_the_city_changed(page, make_report, editor, reviewer):
    # The report as test 2 leaves it (built directly, so this test stands alone).
    report = rework(make_report(Status.SUBMITTED, year=YEAR), editor, reviewer)

    login(page, reviewer)
    page.goto(report.get_admin_url())
    page.get_by_role("link", name="Версии и сравнение").click()
    expect(page.get_by_role("heading", name=re.compile("^Версии отчёта"))).to_be_visible()

    rows = page.locator("table.portal-table tbody tr")
    expect(rows).to_have_count(5)  # "now" + 4 versions, newest first
    submitted = rows.filter(has_text="На проверке")
    expect(submitted).to_have_count(2)
    first_submitted = submitted.last  # the oldest one
    latest = rows.filter(has_text="Опубликован").first
    first_submitted.get_by_role("radio", name=re.compile("^Было")).check()
    latest.get_by_role("radio", name=re.compile("^Стало")).check()
    screenshots(page, "versions-list")

    page.get_by_role("button", name="Сравнить").click()
    expect(page.get_by_role("heading", name=re.compile("^Сравнение версий"))).to_be_visible()
    removed = page.locator(".diff-removed")
    added = page.locator(".diff-added")
    expect(removed).to_have_count(1)
    expect(removed).to_contain_text(OLD_ACHIEVEMENT)
    expect(added).to_have_count(1)
    expect(added).to_contain_text(NEW_ACHIEVEMENT)
    # The other sections are unchanged.
    expect(page.locator(".diff-equal").filter(has_text="Сложно привлечь молодёжь")).to_have_count(1)
    screenshots(page, "versions-diff")


@pytest.mark.browser
def test_versions_page_opens_on_what_the_city_changed_since_the_return(page, make_report, editor, reviewer):
    """Issue 14, item 7: returned, fixed and resubmitted — the reviewer sees the city's changes at once."""
    report = workflow.request_changes(make_report(Status.SUBMITTED, year=YEAR), reviewer, CHANGES_COMMENT)
    report.achievements.filter(text=OLD_ACHIEVEMENT).update(text=NEW_ACHIEVEMENT)
    report = workflow.submit(report, editor)

    login(page, reviewer)
    page.goto(report.get_admin_url())
    expect(page.get_by_role("region", name="Статус и действия")).not_to_contain_text("версия")
    page.get_by_role("link", name="Версии и сравнение").click()

    comparison = page.get_by_role("region", name="Что изменилось после возврата на доработку")
    expect(comparison).to_be_visible()
    expect(comparison).to_contain_text(
        re.compile(r"Было: версия 2 — Возвращён на доработку, \d\d\.\d\d\.\d{4} \d\d:\d\d:\d\d")
    )
    expect(comparison).to_contain_text("Стало: версия 3 — На проверке")
    expect(comparison.locator(".diff-removed")).to_have_count(1)
    expect(comparison.locator(".diff-removed")).to_contain_text(OLD_ACHIEVEMENT)
    expect(comparison.locator(".diff-added")).to_have_count(1)
    expect(comparison.locator(".diff-added")).to_contain_text(NEW_ACHIEVEMENT)
    # The table below is set to the same two versions.
    expect(page.get_by_role("radio", name="Было: версия 2")).to_be_checked()
    expect(page.get_by_role("radio", name="Стало: версия 3")).to_be_checked()
    screenshots(page, "versions-since-returned")

    page.get_by_role("button", name="Сравнить выбранные").click()
    expect(page.get_by_role("heading", name=re.compile("^Сравнение версий"))).to_be_visible()
    expect(page.locator(".diff-added")).to_contain_text(NEW_ACHIEVEMENT)
    screenshots(page, "versions-diff-since-returned")


# --- 4 ------------------------------------------------------------------------------------


@pytest.mark.browser
def test_city_editor_cannot_open_another_citys_report(page, make_report, editor, other_editor, kogalym):
    secret = "Когалымский секрет: итоги закрытого совещания"
    foreign = make_report(Status.DRAFT, municipality=kogalym, city=other_editor, year=YEAR)
    foreign.achievements.update(text=secret)

    login(page, editor)
    expect(page.get_by_role("region", name="Мои отчёты")).not_to_contain_text("Когалым")

    # Not listed anywhere…
    for url in ("/admin/reports/report/", "/admin/reports/achievement/"):
        page.goto(url)
        expect(page.locator("#changelist")).to_be_visible()
        assert "Когалым" not in page.content(), url
        assert secret not in page.content(), url

    # …and not reachable by a typed-in address either.
    for url in (
        foreign.get_admin_url(),
        f"/admin/reports/report/{foreign.pk}/versions/",
        f"/admin/reports/report/{foreign.pk}/history/",
        f"/admin/reports/achievement/{foreign.achievements.get().pk}/change/",
    ):
        response = page.goto(url)
        assert secret not in page.content(), url
        assert "Когалым — " not in page.content(), url
        # Refused, not found, or sent back to the start page with "not found".
        assert response.status in (403, 404) or page.url.endswith("/admin/"), (url, response.status, page.url)


def test_city_editor_recalls_a_submitted_report_and_edits_it_again(page, editor, make_report):
    """Issue 14, item 3: until the Association acts, the city may take its report back."""
    report = make_report(Status.SUBMITTED)
    login(page, editor)
    page.goto(f"/admin/reports/report/{report.pk}/change/")
    expect(status_badge(page)).to_have_text("На проверке")
    do_transition(page, "Отозвать с проверки")
    expect(page.locator(".messagelist")).to_contain_text("отозван с проверки и снова черновик")
    expect(status_badge(page)).to_have_text("Черновик")
    expect(page.get_by_role("button", name="Сохранить и продолжить редактирование").first).to_be_visible()
    screenshots(page, "report-recalled")
    report.refresh_from_db()
    assert report.status == Status.DRAFT
    assert [e.transition for e in report.events.all()][-1] == "recall"
