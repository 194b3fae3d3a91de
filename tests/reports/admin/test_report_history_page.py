"""Issue 14, item 8: «История правок» of a report speaks Russian and shows what matters — status
names (not `changes_requested`), no `None`, and the items' edits in words."""

import re

import pytest
from django.urls import reverse

from reports import workflow
from reports.models import Achievement, Problem, Task
from reports.status import Status

from .helpers import form_fields

pytestmark = pytest.mark.django_db

WRONG = ["None", "changes_requested", "submitted", "draft", "STATUS", ">status<", "Change reason", "Object"]


def text(response):
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_history_says_in_words_what_happened_to_the_report_and_its_items(login, make_report, moderator):
    report = make_report(Status.DRAFT)
    client = login("city")
    # The city edits through the form: rewrites the achievement, adds a task, deletes the problem.
    change_url = reverse("admin:reports_report_change", args=[report.pk])
    data = form_fields(client.get(change_url))
    data["achievements-0-text"] = "Проведён форум ТОС 2024: 120 участников"
    data["problems-0-DELETE"] = "on"
    data.update(
        {"tasks-TOTAL_FORMS": "2", "tasks-1-position": "", "tasks-1-text": "Обучить старост", "tasks-1-year": "2025"}
    )
    data["_continue"] = "1"
    assert client.post(change_url, data).status_code == 302
    assert Task.objects.filter(report=report).count() == 2
    assert not Problem.objects.filter(report=report).exists()
    report = workflow.submit(report, report.created_by)
    workflow.request_changes(report, moderator, "Добавьте цифры")

    response = login("city").get(reverse("admin:reports_report_history", args=[report.pk]))

    assert response.status_code == 200
    page = text(response)
    assert "История правок: Саяногорск — 2024" in page
    for said in (
        "Статус: Черновик → На проверке",
        "Статус: На проверке → Возвращён на доработку",
        "Достижение 1: текст изменён",
        "Задача 2: новый пункт «Обучить старост»",
        "Проблема 1: пункт удалён «Сложно привлечь молодёжь»",
        "Отчёт создан",
    ):
        assert said in page, said
    for wrong in WRONG:
        assert wrong not in response.content.decode() if wrong.startswith(">") else wrong not in page, wrong
    assert re.search(r"\d\d\.\d\d\.\d{4} \d\d:\d\d:\d\d", page)  # to the second
    # Newest first, and the return is an entry of its own.
    assert page.index("Возвращён на доработку") < page.index("Черновик → На проверке") < page.index("текст изменён")


def test_item_edit_links_to_its_record(login, make_report):
    report = make_report(Status.DRAFT)
    achievement = report.achievements.get()
    achievement.text = "Новый текст"
    achievement.save()
    record = achievement.history.latest("history_date")

    page = login("city").get(reverse("admin:reports_report_history", args=[report.pk])).content.decode()

    assert reverse("admin:reports_achievement_simple_history", args=[achievement.pk, record.history_id]) in page


def test_a_task_year_and_a_move_are_named(login, make_report):
    report = make_report(Status.DRAFT)
    Achievement.objects.create(report=report, text="Второе", position=2)
    task = report.tasks.get()
    task.year = 2027
    task.save()
    moved = report.achievements.get(text="Второе")
    moved.position = 3
    moved.save()

    page = text(login("moderator").get(reverse("admin:reports_report_history", args=[report.pk])))

    assert "Задача 1: год изменён (2025 → 2027)" in page
    assert "Достижение 3: номер изменён (был 2)" in page


def test_item_history_pages_have_no_none_and_no_object_column(login, make_report):
    report = make_report(Status.DRAFT)
    achievement = report.achievements.get()
    achievement.text = "Новый текст"
    achievement.save()

    response = login("city").get(reverse("admin:reports_achievement_history", args=[achievement.pk]))

    assert response.status_code == 200
    page = text(response)
    assert "None" not in page and "Причина изменения" not in page
    assert "Текст:" in page and "Новый текст" in page
    assert "2 записи" in page
