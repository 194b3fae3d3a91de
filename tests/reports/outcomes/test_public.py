"""Outcomes on the public site: the report page, the city page, the API, the downloads — only
published ones, of tasks of published reports."""

import csv
import io
import json

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from reports import workflow
from reports.outcomes.models import TaskOutcome
from reports.public import renderings
from reports.status import Status

from .conftest import COUNCIL, FORUM, LATER, TRAINING, mark, walk

pytestmark = pytest.mark.django_db

SECRET = "секретноепояснение"
CITY = "/municipalities/sayanogorsk/"


@pytest.fixture
def publish(city_editor, moderator, django_capture_on_commit_callbacks):
    def go(report):
        return walk(report, Status.PUBLISHED, city_editor, moderator, django_capture_on_commit_callbacks)

    return go


@pytest.fixture
def published_2025(draft_2025, publish):
    mark(draft_2025, forum=("done", "Форум прошёл в мае"), council="partly")
    return publish(draft_2025)


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def body(html):
    return html[html.index("<main") :]


# --- the report page -------------------------------------------------------------------------------


def test_the_report_page_lists_the_outcomes(client, published_2025):
    html = page(client, published_2025.get_absolute_url())
    assert '<h2 id="outcomes-title">Выполнение задач на 2025 год</h2>' in html
    assert '<a href="#outcomes">Выполнение задач на 2025 год <span class="count">3</span></a>' in html
    assert (
        '<strong>Выполнено 1 из 3 задач</strong>, <span class="outcome-more">частично — 1</span>, '
        '<span class="outcome-more">итог не указан — 1</span>.' in html
    )
    # Badges say it in words, with an icon beside (not colour alone).
    assert (
        '<span class="outcome-badge outcome-done"><span class="outcome-icon" aria-hidden="true">✓</span> выполнена</span>'
        in html
    )
    assert '<span class="outcome-icon" aria-hidden="true">◐</span> выполнена частично</span>' in html
    assert '<span class="outcome-icon" aria-hidden="true">?</span> итог не указан</span>' in html
    assert "Форум прошёл в мае" in html
    assert "(из отчёта за 2024 год)" not in html  # the usual source (the year before) is not repeated
    assert html.index(FORUM + "</span>") < html.index(COUNCIL + "</span>") < html.index(TRAINING + "</span>")


def test_a_report_without_outcomes_has_no_such_section(client, plan_2024):
    html = page(client, plan_2024.get_absolute_url())
    assert 'id="outcomes"' not in html
    assert "Выполнение задач" not in html


# --- the city page ---------------------------------------------------------------------------------


def test_the_city_page_shows_each_plan_with_its_outcomes(client, published_2025):
    html = body(page(client, CITY))
    plan_2025 = html[html.index("Задачи на 2025 год") : html.index("Итоги 2025 года")]
    assert '<strong>Выполнено 1 из 3 задач</strong>, <span class="outcome-more">частично — 1</span>' in plan_2025
    assert '<span class="outcome-icon" aria-hidden="true">✓</span> выполнена</span>' in plan_2025
    assert "Форум прошёл в мае" in plan_2025
    assert '<span class="outcome-icon" aria-hidden="true">?</span> итог не указан</span>' in plan_2025  # TRAINING
    # LATER was set for 2026 in the same report: no report about 2026 yet — said so, not a failure.
    at = plan_2025.index(LATER)
    later = plan_2025[plan_2025.rindex("<li>", 0, at) : plan_2025.index("</li>", at)]
    assert '<span class="outcome-icon" aria-hidden="true">…</span> отчёта за 2026 год ещё нет</span>' in later
    # The 2025 report's own tasks are for 2026: the column beside says there is no such report yet.
    plan_2026 = html[html.index("Задачи на 2026 год") : html.index("Задачи на 2025 год")]
    assert "Отчёта за 2026 год на портале нет." in plan_2026
    assert "outcome-badge" not in plan_2026 and "outcome-share" not in plan_2026


def test_the_city_page_says_when_the_next_report_is_not_there(client, plan_2024):
    html = body(page(client, CITY))
    plan = html[html.index("Задачи на 2025 год") : html.index("</div>", html.index("Задачи на 2025 год"))]
    assert "Отчёта за 2025 год на портале нет." in plan  # "no report yet", not a failure
    assert "outcome-none" not in plan and "Выполнено" not in plan


def test_the_city_page_of_an_imported_next_report(client, plan_2024, sayan):
    """An old document imported: no outcomes marked — said once, not on every task."""
    from reports.importer.loader import store_report
    from reports.importer.parser import parse_file
    from tests.reports.importer.helpers import seed_path

    with transaction.atomic():
        store_report(parse_file(seed_path("001")), municipality=sayan, publish=True)
    html = body(page(client, CITY))
    assert "В отчёте за 2025 год итоги задач не указаны." in html
    assert "итог не указан</span>" not in html


# --- never what is not published -------------------------------------------------------------------


def everything_public(client, report_id=None):
    """Every public page, download and API answer that could show an outcome."""
    texts = [page(client, CITY), page(client, "/reports/"), page(client, "/reports/export.json")]
    csv_response = client.get("/reports/export.csv")
    texts.append(b"".join(csv_response.streaming_content).decode("utf-8-sig"))
    texts.append(page(client, "/api/reports/"))
    if report_id is not None:
        texts.append(client.get(f"/api/reports/{report_id}/").content.decode())
        texts.append(page(client, "/reports/sayanogorsk/2025/"))
    return "\n".join(texts)


def test_a_drafts_outcomes_never_leak(client, draft_2025):
    mark(draft_2025, forum=("done", SECRET))
    shown = everything_public(client)
    assert SECRET not in shown
    assert "выполнена</span>" not in shown
    assert client.get("/reports/sayanogorsk/2025/").status_code == 404
    assert client.get(f"/api/reports/{draft_2025.pk}/").status_code == 404


@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.APPROVED, Status.CHANGES_REQUESTED, Status.WITHDRAWN])
def test_outcomes_of_a_report_in_any_other_status_never_leak(
    status, client, draft_2025, city_editor, moderator, django_capture_on_commit_callbacks
):
    from tests.conftest import prepare_path

    mark(draft_2025, forum=("done", SECRET))
    prepare_path(status, 2025)
    walk(draft_2025, status, city_editor, moderator, django_capture_on_commit_callbacks)
    assert SECRET not in everything_public(client)


def test_the_old_report_withdrawn_takes_its_tasks_off_the_later_report(
    client, published_2025, plan_2024, moderator, django_capture_on_commit_callbacks
):
    TaskOutcome.objects.filter(report=published_2025, task_text=COUNCIL).update(comment=SECRET)
    with transaction.atomic():
        from reports import publication

        publication.report_changed(published_2025)
    assert SECRET in everything_public(client, published_2025.pk)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.perform(plan_2024, moderator, "withdraw", "ошибка", public_comment="Снят")
    shown = everything_public(client, published_2025.pk)
    assert SECRET not in shown
    assert COUNCIL not in shown
    assert "Выполнение задач на 2025 год" not in shown


# --- the API and the downloads ---------------------------------------------------------------------


def test_the_api_carries_the_outcomes(client, published_2025):
    document = client.get(f"/api/reports/{published_2025.pk}/").json()
    assert document["outcomes"] == [
        {
            "task_id": document["outcomes"][0]["task_id"],
            "planned_in": 2024,
            "task_text": FORUM,
            "outcome": "done",
            "outcome_label": "выполнена",
            "comment": "Форум прошёл в мае",
        },
        {
            "task_id": document["outcomes"][1]["task_id"],
            "planned_in": 2024,
            "task_text": COUNCIL,
            "outcome": "partly",
            "outcome_label": "выполнена частично",
            "comment": "",
        },
        {
            "task_id": document["outcomes"][2]["task_id"],
            "planned_in": 2024,
            "task_text": TRAINING,
            "outcome": None,
            "outcome_label": None,
            "comment": "",
        },
    ]
    tasks = dict(TaskOutcome.objects.filter(report=published_2025).values_list("task_text", "task_id"))
    assert [o["task_id"] for o in document["outcomes"]] == [tasks[FORUM], tasks[COUNCIL], tasks[TRAINING]]
    # The JSON download: the same.
    download = json.loads(page(client, "/reports/export.json?year=2025"))
    assert download["results"][0]["outcomes"] == document["outcomes"]


def test_the_api_labels_stay_russian_for_an_english_reader(client, published_2025):
    client.get("/language/", {"language": "en", "next": "/"})
    document = client.get(f"/api/reports/{published_2025.pk}/").json()
    assert document["outcomes"][0]["outcome_label"] == "выполнена"


def test_a_deleted_task_keeps_its_outcome_in_the_api(client, published_2025, plan_2024):
    with transaction.atomic():
        plan_2024.tasks.filter(text=FORUM).delete()
        from reports import publication

        publication.report_changed(plan_2024)
        publication.report_changed(published_2025)
    first = client.get(f"/api/reports/{published_2025.pk}/").json()["outcomes"][0]
    assert (first["task_id"], first["planned_in"], first["task_text"], first["outcome"]) == (None, None, FORUM, "done")


def test_the_csv_carries_the_outcomes(client, published_2025):
    response = client.get("/reports/export.csv", {"year": 2025})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")), delimiter=";"))
    header, data = rows[0], rows[1:]
    assert header[-1] == "Пояснение"
    outcomes = [row for row in data if row[3] == "Выполнение задач на отчётный год"]
    assert outcomes == [
        [
            "Саяногорск",
            "Республика Хакасия",
            "2025",
            "Выполнение задач на отчётный год",
            "выполнена",
            "2025",
            FORUM,
            "Форум прошёл в мае",
        ],
        [
            "Саяногорск",
            "Республика Хакасия",
            "2025",
            "Выполнение задач на отчётный год",
            "выполнена частично",
            "2025",
            COUNCIL,
            "",
        ],
        [
            "Саяногорск",
            "Республика Хакасия",
            "2025",
            "Выполнение задач на отчётный год",
            "итог не указан",
            "2025",
            TRAINING,
            "",
        ],
    ]
    assert all(len(row) == len(header) for row in data)
    assert all(row[-1] == "" for row in data if row[3] != "Выполнение задач на отчётный год")


def test_a_comment_that_looks_like_a_formula_stays_text_in_the_csv(client, published_2025):
    TaskOutcome.objects.filter(report=published_2025, task_text=FORUM).update(comment='=HYPERLINK("x")')
    response = client.get("/reports/export.csv", {"year": 2025})
    assert "'=HYPERLINK" in b"".join(response.streaming_content).decode("utf-8-sig")


# --- queries ------------------------------------------------------------------------------------------


def test_rendering_costs_the_same_for_many_outcomes(published_2025, plan_2024):
    def cost():
        with CaptureQueriesContext(connection) as ctx, transaction.atomic():
            renderings.refresh_reports([published_2025.pk])
        return len(ctx.captured_queries)

    few = cost()
    for k in range(30):
        task = plan_2024.tasks.create(text=f"Ещё задача {k}", year=2025, position=10 + k)
        TaskOutcome.objects.create(
            report=published_2025, task=task, task_text=task.text, position=10 + k, outcome="done"
        )
    assert cost() == few


def test_the_pages_read_one_stored_body(client, published_2025, django_assert_num_queries):
    page(client, CITY)  # stored already; make sure of it
    with django_assert_num_queries(1):
        page(client, CITY)


def test_a_task_from_an_older_report_names_its_source(client, make_report, sayan, publish):
    older = make_report(Status.DRAFT, municipality=sayan, year=2023, items=False)
    older.tasks.create(text="Двухлетняя задача", year=2025, position=1)
    publish(older)
    report = make_report(Status.DRAFT, municipality=sayan, year=2025)
    from reports.outcomes.plan import sync

    sync(report)
    html = page(client, publish(report).get_absolute_url())
    assert 'Двухлетняя задача</span> <span class="task-year">(из отчёта за 2023 год)</span>' in html
