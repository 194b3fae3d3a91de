"""Issue 14, item 7: «Версии и сравнение» opens on the comparison a reviewer needs — what the city
changed since the report was returned, or what changed since it was last published — not on two
versions that are the same; versions are numbered and their times have seconds."""

import re

import pytest
from django.urls import reverse

from reports import workflow
from reports.admin.versions import comparisons, numbered, preselected
from reports.status import Status

pytestmark = pytest.mark.django_db

OLD = "Проведён форум ТОС 2024"  # make_report's achievement
NEW = "Проведён форум ТОС 2024: 120 участников"


def returned_and_resubmitted(make_report, city_editor, moderator):
    report = make_report(Status.SUBMITTED)
    report = workflow.request_changes(report, moderator, "Добавьте цифры")
    report.achievements.update(text=NEW)
    return workflow.submit(report, city_editor)


def test_returned_and_resubmitted_opens_on_what_the_city_changed(login, make_report, city_editor, moderator):
    report = returned_and_resubmitted(make_report, city_editor, moderator)

    response = login("moderator").get(reverse("admin:reports_report_versions", args=[report.pk]))

    assert response.status_code == 200
    chosen = response.context["chosen"]
    assert chosen.key == "returned"
    assert (chosen.old.number, chosen.old.to_status) == (2, Status.CHANGES_REQUESTED)
    assert (chosen.new.number, chosen.new.to_status) == (3, Status.SUBMITTED)
    lines = {(line.op, line.text) for s in chosen.sections for line in s.lines}
    assert ("removed", OLD) in lines and ("added", NEW) in lines
    page = response.content.decode()
    assert "Что изменилось после возврата на доработку" in page
    # The table's radios say the same: from the return, to the resubmission.
    assert re.search(rf'name="from" value="{chosen.old.pk}" checked', page)
    assert re.search(rf'name="to" value="{chosen.new.pk}" checked', page)
    # Seconds, and the numbers the versions are known by.
    assert re.search(r"\d\d\.\d\d\.\d{4} \d\d:\d\d:\d\d", page)
    assert "версия 3" in page and "версия 1" in page


def test_published_then_edited_opens_on_what_changed_since_publication(login, make_report, moderator):
    report = make_report(Status.PUBLISHED)
    report.achievements.update(text=NEW)  # the Association corrects the published report

    response = login("moderator").get(reverse("admin:reports_report_versions", args=[report.pk]))

    chosen = response.context["chosen"]
    assert chosen.key == "published" and chosen.new is None and chosen.changed


def test_a_comparison_without_changes_is_not_preselected_when_another_has_some(make_report, city_editor, moderator):
    report = returned_and_resubmitted(make_report, city_editor, moderator)
    events = numbered(report)

    found = {c.key: c for c in comparisons(report, events)}

    assert not found["latest"].changed  # the resubmission is what the report is now
    assert found["returned"].changed
    assert preselected(list(found.values())).key == "returned"


def test_nothing_changed_says_so(login, make_report):
    report = make_report(Status.SUBMITTED)

    page = login("moderator").get(reverse("admin:reports_report_versions", args=[report.pk])).content.decode()

    assert "Изменений нет: версии совпадают." in page


def test_another_comparison_can_be_chosen(login, make_report, city_editor, moderator):
    report = returned_and_resubmitted(make_report, city_editor, moderator)

    response = login("moderator").get(reverse("admin:reports_report_versions", args=[report.pk]), {"compare": "latest"})

    assert response.context["chosen"].key == "latest"


def test_diff_page_without_choices_shows_the_preselected_comparison(login, make_report, city_editor, moderator):
    report = returned_and_resubmitted(make_report, city_editor, moderator)

    response = login("moderator").get(reverse("admin:reports_report_version_diff", args=[report.pk]))

    assert response.context["changed"]
    assert response.context["old_label"].startswith("версия 2 — Возвращён на доработку, ")
    assert response.context["new_label"].startswith("версия 3 — На проверке, ")


@pytest.mark.parametrize("value", ["abc", "999999", "²"])
def test_diff_page_refuses_what_is_not_a_version_of_this_report(value, login, make_report):
    report = make_report(Status.SUBMITTED)
    url = reverse("admin:reports_report_version_diff", args=[report.pk])

    assert login("moderator").get(url, {"from": value}).status_code == 404


def test_status_panel_shows_no_number_the_versions_page_does_not_know(login, make_report):
    report = make_report(Status.SUBMITTED)

    page = login("moderator").get(reverse("admin:reports_report_change", args=[report.pk])).content.decode()

    assert not re.search(r"версия \d", page)  # Report.version is the lost-update counter, not a version
