"""Plan → fact end to end (issue 16): the city marks what became of last year's tasks in its draft,
and once the report is published, the city page shows each year's plan with its outcomes."""

import re

import pytest
from playwright.sync_api import expect

from reports import workflow
from reports.models import Achievement, Report, Task
from reports.status import Status

from .helpers import AT_1280, login, screenshots, section

pytestmark = pytest.mark.browser

TASKS = [
    "Провести II городской форум территориального общественного самоуправления с участием соседних муниципалитетов",
    "Создать совет председателей ТОС при главе города",
    "Обучить 20 старших по домам основам проектной работы",
    "Запустить конкурс малых грантов для инициативных групп жителей",
]
SECTION = "5. Как выполнены задачи, поставленные на этот год"


@pytest.fixture
def plan(make_report, sayan, editor, reviewer):
    """Саяногорск: a published report about 2024 with four tasks for 2025, and the draft about 2025."""
    old = make_report(Status.DRAFT, municipality=sayan, year=2024, items=False)
    Achievement.objects.create(report=old, text="Проведён первый городской форум ТОС", position=1)
    for n, text in enumerate(TASKS, 1):
        Task.objects.create(report=old, text=text, year=2025, position=n)
    old = workflow.perform(old, editor, "submit", "")
    workflow.perform(old, reviewer, "publish", "")
    draft = make_report(Status.DRAFT, municipality=sayan, year=2025, items=False)
    Achievement.objects.create(report=draft, text="Проведён второй форум ТОС, 300 участников", position=1)
    Task.objects.create(report=draft, text="Открыть ресурсный центр для ТОС", year=2026, position=1)
    return draft


def test_the_city_marks_outcomes_and_the_city_page_shows_them(page, new_page, plan, editor, reviewer):
    login(page, editor)
    page.goto(f"/admin/reports/report/{plan.pk}/change/")
    outcomes = section(page, SECTION)
    expect(outcomes).to_be_visible()
    expect(outcomes.get_by_text(TASKS[0])).to_be_visible()
    selects = outcomes.locator("select")
    expect(selects).to_have_count(4)
    selects.nth(0).select_option(label="выполнена")
    outcomes.locator("textarea").nth(0).fill("Форум прошёл 14 мая, 320 участников из 5 городов")
    selects.nth(1).select_option(label="выполнена частично")
    outcomes.locator("textarea").nth(1).fill("Положение о совете принято, первое заседание — в 2026 году")
    selects.nth(2).select_option(label="перенесена")
    screenshots(page, "outcomes-admin-inline", viewports=AT_1280)
    page.get_by_role("button", name="Сохранить и продолжить редактирование").first.click()
    expect(page.locator(".messagelist")).to_contain_text("Сохранено: отчёт «")
    assert [row.outcome for row in plan.outcomes.order_by("position")] == ["done", "partly", "carried_over", ""]

    report = workflow.perform(Report.objects.get(pk=plan.pk), editor, "submit", "")
    workflow.perform(report, reviewer, "publish", "")

    reader = new_page()
    reader.goto("/municipalities/sayanogorsk/")
    expect(reader.get_by_text("Выполнено 1 из 4 задач")).to_be_visible()
    expect(reader.get_by_text("Отчёта за 2026 год на портале нет.")).to_be_visible()
    expect(reader.locator(".outcome-badge", has_text=re.compile("итог не указан"))).to_have_count(1)
    screenshots(reader, "outcomes-municipality-page", viewports=AT_1280)
    reader.goto("/reports/sayanogorsk/2025/#outcomes")
    expect(reader.get_by_role("heading", name="Выполнение задач на 2025 год")).to_be_visible()
    screenshots(reader, "outcomes-report-page", viewports=AT_1280)
