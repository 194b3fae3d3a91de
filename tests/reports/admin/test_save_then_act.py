"""«Сохранить и отправить на проверку»: the workflow buttons of a form one may still edit save the
form first, and go on to the confirmation only if it saved; an invalid form loses nothing and
sends nothing (issue 14, item 2)."""

import pytest

from reports.status import Status

from .helpers import admin_urls, report_form_data, text_of, transition_url

pytestmark = pytest.mark.django_db


def test_the_edits_are_saved_then_the_submission_is_confirmed(login, make_report):
    report = make_report(Status.DRAFT)
    client = login("city")

    response = client.post(
        admin_urls(report)["change"],
        report_form_data(report, **{"achievements-0-text": "Исправленный текст достижения", "_then": "submit"}),
    )

    assert response.status_code == 302
    assert response["Location"] == transition_url(report, "submit")
    assert report.achievements.get().text == "Исправленный текст достижения"
    report.refresh_from_db()
    assert report.status == Status.DRAFT  # not yet: the confirmation page asks first
    page = text_of(client.get(response["Location"]))
    assert "Изменения сохранены. Подтвердите действие «Отправить на проверку»." in page


def test_an_invalid_form_is_shown_back_and_nothing_is_sent(login, make_report):
    report = make_report(Status.DRAFT)
    client = login("city")

    response = client.post(
        admin_urls(report)["change"],
        report_form_data(
            report, **{"year": "1800", "achievements-0-text": "Текст, который нельзя потерять", "_then": "submit"}
        ),
    )

    assert response.status_code == 200
    page = text_of(response)
    assert "Текст, который нельзя потерять" in page  # shown back, to correct and save again
    assert "errornote" in page
    report.refresh_from_db()
    assert report.status == Status.DRAFT
    assert report.achievements.get().text == "Проведён форум ТОС 2024"


@pytest.mark.parametrize("name", ["publish", "withdraw", "no-such-action"])
def test_an_action_this_person_may_not_take_just_saves(login, make_report, name):
    report = make_report(Status.DRAFT)
    response = login("city").post(
        admin_urls(report)["change"], report_form_data(report, **{"achievements-0-text": "Новый", "_then": name})
    )
    assert response.status_code == 302
    assert "/transition/" not in response["Location"]
    assert report.achievements.get().text == "Новый"
    report.refresh_from_db()
    assert report.status == Status.DRAFT


def test_the_moderator_editing_a_submitted_report_saves_before_publishing(login, make_report):
    report = make_report(Status.SUBMITTED)
    response = login("moderator").post(
        admin_urls(report)["change"],
        report_form_data(report, **{"problems-0-text": "Уточнено модератором", "_then": "publish"}),
    )
    assert response["Location"] == transition_url(report, "publish")
    assert report.problems.get().text == "Уточнено модератором"


def test_the_report_page_warns_before_unsaved_changes_are_left(login, make_report):
    """The warning itself is the browser's (tests/browser/test_editor_path.py); here: the script
    that asks for it is on the page, and the buttons belong to the form."""
    report = make_report(Status.DRAFT)
    page = text_of(login("city").get(admin_urls(report)["change"]))
    assert "admin_portal/report_form.js" in page
    assert 'form="report_form" name="_then" value="submit"' in page
