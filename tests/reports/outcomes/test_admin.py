"""The report form's fifth part: the tasks set for the year and their outcomes (reports/admin/outcomes.py)."""

import pytest

from reports import workflow
from reports.models import Report
from reports.outcomes.models import TaskOutcome
from reports.status import Status
from tests.reports.admin.helpers import (
    admin_urls,
    assert_login_redirect,
    assert_refused,
    form_fields,
    report_form_data,
    select_options,
    text_of,
)

from .conftest import COUNCIL, FORUM, TRAINING, rows, walk

pytestmark = pytest.mark.django_db

HEADING = "5. Как выполнены задачи, поставленные на этот год"


@pytest.fixture
def fresh_2025(plan_2024, make_report, sayan):
    """Саяногорск's draft about 2025, its rows not made yet (nobody has opened it)."""
    return make_report(Status.DRAFT, municipality=sayan, year=2025)


def post_form(client, report, **changes):
    """Open the report's form, change some fields, post it as the browser would."""
    url = admin_urls(report)["change"]
    response = client.get(url)
    assert response.status_code == 200
    data = form_fields(response, form_id="report_form")
    data.update(changes)
    return client.post(url, data)


def values(report):
    return [(r.task_text, r.outcome, r.comment) for r in rows(report)]


# --- the ladder ----------------------------------------------------------------------------------


def test_anonymous_is_sent_to_login_and_nothing_is_made(client, fresh_2025):
    url = admin_urls(fresh_2025)["change"]
    assert_login_redirect(client.get(url), url)
    assert rows(fresh_2025) == []


def test_editor_of_another_city_is_refused_and_nothing_is_made(login, fresh_2025):
    client = login("other")
    response = client.get(admin_urls(fresh_2025)["change"])
    assert_refused(client, response, "missing", FORUM, COUNCIL)
    assert rows(fresh_2025) == []


def test_staff_without_role_gets_403_and_nothing_is_made(login, fresh_2025):
    response = login("norole").get(admin_urls(fresh_2025)["change"])
    assert response.status_code == 403
    assert COUNCIL not in text_of(response)
    assert rows(fresh_2025) == []


@pytest.mark.parametrize("who", ["city", "moderator"])
def test_the_people_allowed_see_the_tasks_to_mark(who, login, fresh_2025):
    response = login(who).get(admin_urls(fresh_2025)["change"])
    assert response.status_code == 200
    html = text_of(response)
    assert HEADING in html
    for text in (FORUM, COUNCIL, TRAINING):
        assert text in html
    assert "из отчёта за 2024 год" in html
    # Opening made the rows; each has an outcome select with «не указан» first, and a comment box.
    assert len(rows(fresh_2025)) == 3
    options = select_options(response, "outcomes-0-outcome")
    assert options[0] == ("", "— итог не указан —")
    assert [value for value, _label in options[1:]] == ["done", "partly", "not_done", "dropped", "carried_over"]
    assert 'name="outcomes-0-comment"' in html
    # No hand-made rows: no "add" link, no "delete" box; the task is read-only.
    assert 'name="outcomes-0-DELETE"' not in html
    assert 'name="outcomes-0-task_text"' not in html
    assert 'id="outcomes-empty"' not in html


def test_hidden_when_no_tasks_were_set_for_the_year(login, make_report, sayan):
    report = make_report(Status.DRAFT, municipality=sayan, year=2025)  # no 2024 report at all
    response = login("city").get(admin_urls(report)["change"])
    assert response.status_code == 200
    assert HEADING not in text_of(response)
    assert "outcomes-TOTAL_FORMS" not in text_of(response)


def test_not_made_for_a_report_past_the_city(login, fresh_2025, city_editor, moderator):
    report = workflow.perform(fresh_2025, city_editor, "submit", "")
    assert login("moderator").get(admin_urls(report)["change"]).status_code == 200
    assert rows(report) == []  # reviewed as submitted: the list is not changed under the reviewer


# --- writing them ---------------------------------------------------------------------------------


def test_the_city_marks_outcomes_on_its_draft(login, fresh_2025, city_editor):
    client = login("city")
    version = Report.objects.get(pk=fresh_2025.pk).version
    response = post_form(
        client,
        fresh_2025,
        **{
            "outcomes-0-outcome": "done",
            "outcomes-0-comment": "  Форум прошёл в мае\u200b ",
            "outcomes-2-outcome": "carried_over",
        },
    )
    assert response.status_code == 302, text_of(response)
    assert values(fresh_2025) == [
        (FORUM, "done", "Форум прошёл в мае"),  # plain text, as every field of the form
        (COUNCIL, "", ""),
        (TRAINING, "carried_over", ""),
    ]
    assert Report.objects.get(pk=fresh_2025.pk).version == version + 1
    last = TaskOutcome.history.filter(task_text=FORUM).order_by("-history_id").first()
    assert last.outcome == "done" and last.history_user == city_editor


def test_the_city_cannot_mark_them_after_submitting(login, fresh_2025, city_editor):
    client = login("city")
    client.get(admin_urls(fresh_2025)["change"])  # rows made
    report = workflow.perform(fresh_2025, city_editor, "submit", "")
    response = client.get(admin_urls(report)["change"])
    assert response.status_code == 200
    assert COUNCIL in text_of(response)  # shown, read-only
    assert 'name="outcomes-0-outcome"' not in text_of(response)
    data = report_form_data(report, **{"outcomes-TOTAL_FORMS": 3, "outcomes-INITIAL_FORMS": 3})
    for index, row in enumerate(rows(report)):
        data.update({f"outcomes-{index}-id": row.pk, f"outcomes-{index}-outcome": "done"})
    response = client.post(admin_urls(report)["change"], data)
    assert response.status_code == 403
    assert {outcome for _t, outcome, _c in values(report)} == {""}


def test_the_moderator_marks_them_while_reviewing(login, fresh_2025, city_editor):
    login("city").get(admin_urls(fresh_2025)["change"])  # rows made
    report = workflow.perform(fresh_2025, city_editor, "submit", "")
    response = post_form(login("moderator"), report, **{"outcomes-1-outcome": "dropped"})
    assert response.status_code == 302, text_of(response)
    assert values(report)[1] == (COUNCIL, "dropped", "")


def test_rows_are_neither_added_nor_deleted_by_hand(login, draft_2025, plan_2024):
    other = TaskOutcome.objects.create(report=plan_2024, task_text="Чужая строка", position=1)
    client = login("city")
    url = admin_urls(draft_2025)["change"]
    data = form_fields(client.get(url), form_id="report_form")
    data.update(
        {
            "outcomes-TOTAL_FORMS": 5,
            "outcomes-0-DELETE": "on",
            "outcomes-3-outcome": "done",  # a hand-made new row
            "outcomes-3-comment": "новая",
            "outcomes-4-id": other.pk,  # a row of another report
            "outcomes-4-outcome": "done",
        }
    )
    response = client.post(url, data)
    assert response.status_code in (200, 302)
    assert values(draft_2025) == [(FORUM, "", ""), (COUNCIL, "", ""), (TRAINING, "", "")]
    assert TaskOutcome.objects.get(pk=other.pk).outcome == ""


def test_a_stale_form_saves_nothing(login, draft_2025, city_editor):
    client = login("city")
    url = admin_urls(draft_2025)["change"]
    data = form_fields(client.get(url), form_id="report_form")
    Report.objects.filter(pk=draft_2025.pk).update(version=99)  # someone saved meanwhile
    data["outcomes-0-outcome"] = "done"
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Отчёт изменил кто-то другой" in text_of(response)
    assert values(draft_2025)[0] == (FORUM, "", "")


def test_a_form_opened_before_the_rows_existed_still_saves(login, fresh_2025):
    """Rows made by someone else opening the report after this form was shown: the form had no
    fifth part, and the rest of it is saved."""
    data = report_form_data(fresh_2025, **{"achievements-0-text": "Новое достижение"})
    login("city").get(admin_urls(fresh_2025)["change"])  # rows made now
    response = login("moderator").post(admin_urls(fresh_2025)["change"], data)
    assert response.status_code == 302, text_of(response)
    assert fresh_2025.achievements.get().text == "Новое достижение"


def test_a_new_report_gets_its_rows(login, plan_2024, sayan):
    response = login("city").post(
        admin_urls(plan_2024)["add"], report_form_data(None, municipality=sayan.pk, year=2025)
    )
    assert response.status_code == 302
    report = Report.objects.get(municipality=sayan, year=2025)
    assert [text for text, _o, _c in values(report)] == [FORUM, COUNCIL, TRAINING]


def test_an_edit_of_a_published_report_reaches_its_page(
    login, draft_2025, city_editor, moderator, client, django_capture_on_commit_callbacks
):
    report = walk(draft_2025, Status.PUBLISHED, city_editor, moderator, django_capture_on_commit_callbacks)
    page = report.get_absolute_url()
    assert "выполнена частично" not in text_of(client.get(page))
    with django_capture_on_commit_callbacks(execute=True):
        response = post_form(login("moderator"), report, **{"outcomes-0-outcome": "partly"})
    assert response.status_code == 302, text_of(response)
    client.logout()
    assert "выполнена частично" in text_of(client.get(page))


# --- versions ---------------------------------------------------------------------------------------


def test_the_versions_page_shows_changed_outcomes(login, draft_2025, city_editor):
    report = workflow.perform(draft_2025, city_editor, "submit", "")  # a version: nothing marked
    client = login("moderator")
    assert (
        post_form(client, report, **{"outcomes-1-outcome": "not_done", "outcomes-1-comment": "нет денег"}).status_code
        == 302
    )
    response = client.get(admin_urls(report)["version_diff"])
    html = text_of(response)
    assert "Выполнение задач на 2025 год" in html
    assert f"[итог не указан] {COUNCIL}" in html
    assert f"[не выполнена] {COUNCIL} — нет денег" in html


def test_the_history_page_says_what_changed(login, fresh_2025):
    client = login("city")
    assert (
        post_form(client, fresh_2025, **{"outcomes-1-outcome": "done", "outcomes-1-comment": "да"}).status_code == 302
    )
    html = text_of(client.get(admin_urls(fresh_2025)["history"]))
    assert "Итог задачи 2: задача из прошлого отчёта добавлена в список" in html
    assert "Итог задачи 2: итог не указан → выполнена" in html
    assert "Итог задачи 2: пояснение изменено" in html
    assert f"«{COUNCIL}»" in html


def test_the_preview_of_a_draft_shows_its_outcomes(login, draft_2025):
    TaskOutcome.objects.filter(report=draft_2025, task_text=FORUM).update(outcome="done", comment="в мае")
    response = login("city").get(f"/admin/reports/report/{draft_2025.pk}/preview/")
    assert response.status_code == 200
    html = text_of(response)
    assert "Выполнение задач на 2025 год" in html
    assert '<span class="outcome-icon" aria-hidden="true">✓</span> выполнена</span>' in html
    assert "public/outcomes" in html  # its styles
