"""simple-history pages are object-scoped, and a revert is an ordinary, checked save."""

import pytest
from django.urls import reverse

from reports.models import Achievement, Problem, Proposal, Report, Task
from reports.status import Status

from .helpers import admin_urls, form_fields, item_admin_urls, item_form_data, report_state, text_of

pytestmark = pytest.mark.django_db

STALE = "Отчёт изменил кто-то другой, пока вы его редактировали"
OLD_TEXT = "Старая формулировка достижения"
NEW_TEXT = "Новая формулировка достижения"
RELATED = {Achievement: "achievements", Problem: "problems", Task: "tasks", Proposal: "proposals"}


# --- history of a deleted report -----------------------------------------------------------


@pytest.fixture
def deleted_kogalym_report(make_report, kogalym, other_editor, login):
    """A Когалым draft, deleted through the admin by the moderator."""
    report = make_report(Status.DRAFT, municipality=kogalym, city=other_editor, year=2019)
    achievement = report.achievements.get()
    urls = admin_urls(report)
    item_urls = item_admin_urls(achievement)
    response = login("moderator").post(urls["delete"], {"post": "yes"})
    assert response.status_code == 302
    assert not Report.objects.filter(pk=report.pk).exists()
    assert report.history.filter(history_type="-").exists()  # what the history page falls back to
    return report, urls, item_urls


@pytest.mark.parametrize("page", ["history", "history_record"])
def test_history_of_deleted_foreign_report_is_refused(page, deleted_kogalym_report, login):
    report, urls, _item_urls = deleted_kogalym_report

    response = login("city").get(urls[page])

    assert response.status_code == 404  # as if it never existed (issue 14, item 11)
    assert "Когалым" not in text_of(response)


@pytest.mark.parametrize("who", ["other", "moderator"])
def test_history_of_deleted_report_stays_readable_for_those_who_saw_it(who, deleted_kogalym_report, login):
    report, urls, _item_urls = deleted_kogalym_report

    response = login(who).get(urls["history"])

    assert response.status_code == 200
    assert "Когалым — 2019" in text_of(response)


@pytest.mark.parametrize("who, status", [("city", 404), ("norole", 403)])
def test_history_of_deleted_report_refused_without_role_or_municipality(who, status, deleted_kogalym_report, login):
    _report, urls, _item_urls = deleted_kogalym_report
    assert login(who).get(urls["history"]).status_code == status


@pytest.mark.parametrize("page", ["history", "history_record"])
@pytest.mark.parametrize("who", ["city", "other", "moderator"])
def test_history_of_items_of_deleted_report_is_refused(page, who, deleted_kogalym_report, login):
    _report, _urls, item_urls = deleted_kogalym_report

    response = login(who).get(item_urls[page])

    assert response.status_code == 404  # an item without its report is nobody's to see
    assert "Проведён форум ТОС 2019" not in text_of(response)


def test_history_of_deleted_foreign_item_is_refused(make_report, kogalym, other_editor, login):
    """The item is deleted (its report still exists): history falls back to the stored records."""
    report = make_report(Status.DRAFT, municipality=kogalym, city=other_editor, year=2019)
    achievement = report.achievements.get()
    urls = item_admin_urls(achievement)
    assert login("other").post(urls["delete"], {"post": "yes"}).status_code == 302
    assert not Achievement.objects.filter(pk=achievement.pk).exists()

    assert login("city").get(urls["history"]).status_code == 404
    assert login("city").get(urls["history_record"]).status_code == 404
    assert login("other").get(urls["history"]).status_code == 200


# --- a report itself is never reverted -----------------------------------------------------


@pytest.mark.parametrize(
    "who, status",
    [
        ("city", Status.DRAFT),
        ("city", Status.CHANGES_REQUESTED),
        ("moderator", Status.DRAFT),
        ("moderator", Status.SUBMITTED),
        ("moderator", Status.PUBLISHED),
        ("moderator", Status.WITHDRAWN),
        ("superuser", Status.PUBLISHED),
    ],
)
@pytest.mark.parametrize("record", ["first", "previous"])
def test_report_revert_is_refused_for_everyone(who, status, record, login, make_report, kogalym):
    report = make_report(status)
    records = report.history.order_by("history_date", "history_id")
    target = records.first() if record == "first" else records[max(records.count() - 2, 0)]
    url = reverse("admin:reports_report_simple_history", args=[report.pk, target.history_id])
    before = report_state(report.pk)
    client = login(who)

    page = client.get(url)
    assert page.status_code == 200
    assert 'name="_save"' not in text_of(page)  # no "Revert" button

    response = client.post(
        url, {"year": 2030, "municipality": kogalym.pk, "expected_version": before["version"], "status": "draft"}
    )

    assert response.status_code == 403
    assert report_state(report.pk) == before
    report.refresh_from_db()
    assert (report.status, report.municipality_id, report.year) == (status, before["municipality"], 2024)


# --- reverting an item -------------------------------------------------------------------


def edit_item(item, text):
    item.text = text
    item.save()
    return item


@pytest.mark.parametrize("model", [Achievement, Problem, Task, Proposal])
@pytest.mark.parametrize(
    "who, status",
    [
        ("city", Status.DRAFT),
        ("city", Status.CHANGES_REQUESTED),
        ("moderator", Status.DRAFT),
        ("moderator", Status.SUBMITTED),
        ("moderator", Status.CHANGES_REQUESTED),
        ("moderator", Status.PUBLISHED),
    ],
)
def test_item_revert_restores_text_and_bumps_version_only(model, who, status, login, make_report):
    report = make_report(status)
    item = edit_item(getattr(report, RELATED[model]).get(), OLD_TEXT)
    old_record = item.history.get(text=OLD_TEXT)
    edit_item(item, NEW_TEXT)
    before = report_state(report.pk)
    client = login(who)
    url = item_admin_urls(item, history_id=old_record.history_id)["history_record"]

    page = client.get(url)
    assert page.status_code == 200
    assert 'name="_save"' in text_of(page)  # the "Revert" button
    data = form_fields(page, form_id=f"historical{model._meta.model_name}_form")
    assert data["text"] == OLD_TEXT
    assert data["expected_version"] == str(before["version"])

    response = client.post(url, data)

    assert response.status_code == 302
    item.refresh_from_db()
    assert item.text == OLD_TEXT
    assert item.report_id == report.pk
    after = report_state(report.pk)
    assert after["version"] == before["version"] + 1
    assert after["status"] == status
    assert after["events"] == before["events"]
    assert (
        item.history.latest("history_date").history_user.username
        == {"city": "sayan_editor", "moderator": "moderator"}[who]
    )


def test_item_revert_keeps_item_in_its_current_report(login, make_report):
    """A history record naming another report does not move the item there."""
    report = make_report(Status.DRAFT, year=2024)
    other = make_report(Status.DRAFT, year=2023)
    item = report.achievements.get()
    item.report, item.text = other, OLD_TEXT
    item.save()
    moved_record = item.history.latest("history_date")
    assert moved_record.report_id == other.pk
    item.report, item.text = report, NEW_TEXT
    item.save()
    versions = (report_state(report.pk)["version"], report_state(other.pk)["version"])

    response = login("city").post(
        item_admin_urls(item, history_id=moved_record.history_id)["history_record"],
        item_form_data(item, text=OLD_TEXT, report=other.pk),
    )

    assert response.status_code == 302
    item.refresh_from_db()
    assert item.text == OLD_TEXT
    assert item.report_id == report.pk
    assert list(other.achievements.values_list("text", flat=True)) == ["Проведён форум ТОС 2023"]
    assert (report_state(report.pk)["version"], report_state(other.pk)["version"]) == (versions[0] + 1, versions[1])


@pytest.mark.parametrize("model", [Achievement, Problem, Task, Proposal])
@pytest.mark.parametrize(
    "who, status",
    [
        ("city", Status.PUBLISHED),
        ("city", Status.SUBMITTED),
        ("city", Status.WITHDRAWN),
        ("moderator", Status.WITHDRAWN),
        ("other", Status.DRAFT),
        ("norole", Status.DRAFT),
    ],
)
def test_item_revert_refused_when_report_not_editable_for_user(model, who, status, login, make_report):
    report = make_report(status)
    item = getattr(report, RELATED[model]).get()
    old_record = item.history.earliest("history_date")
    edit_item(item, NEW_TEXT)
    before = report_state(report.pk)
    url = item_admin_urls(item, history_id=old_record.history_id)["history_record"]

    response = login(who).post(url, item_form_data(item, text=old_record.text))

    # Another city's item is not found, as a missing one is (issue 14, item 11).
    assert response.status_code == (404 if who == "other" else 403)
    assert report_state(report.pk) == before
    item.refresh_from_db()
    assert item.text == NEW_TEXT


@pytest.mark.parametrize("who, status", [("city", Status.PUBLISHED), ("moderator", Status.WITHDRAWN)])
def test_item_history_record_of_read_only_report_has_no_revert_button(who, status, login, make_report):
    report = make_report(status)
    item = edit_item(report.achievements.get(), NEW_TEXT)
    url = item_admin_urls(item)["history_record"]  # the first record

    page = login(who).get(url)

    assert page.status_code == 200
    assert "Проведён форум ТОС 2024" in text_of(page)
    assert 'name="_save"' not in text_of(page)


@pytest.mark.parametrize("who", ["city", "moderator"])
@pytest.mark.parametrize("stale", ["older", "missing", "garbage"])
def test_item_revert_with_stale_version_is_refused(who, stale, login, make_report):
    report = make_report(Status.DRAFT)
    item = edit_item(report.achievements.get(), OLD_TEXT)
    old_record = item.history.get(text=OLD_TEXT)
    url = item_admin_urls(item, history_id=old_record.history_id)["history_record"]
    client = login(who)
    data = form_fields(client.get(url), form_id="historicalachievement_form")
    # Somebody saves the report after the revert page was opened.
    assert login("city").post(item_admin_urls(item)["change"], item_form_data(item, text=NEW_TEXT)).status_code == 302
    before = report_state(report.pk)
    if stale == "missing":
        del data["expected_version"]
    elif stale == "garbage":
        data["expected_version"] = "x"
    client = login(who)

    response = client.post(url, data)

    assert response.status_code == 200
    if stale == "older":
        assert STALE in text_of(response)
    assert response.context["adminform"].form.errors
    assert report_state(report.pk) == before
    item.refresh_from_db()
    assert item.text == NEW_TEXT


def test_item_history_page_lists_changes_by_user(login, make_report):
    report = make_report(Status.DRAFT)
    item = report.achievements.get()
    client = login("city")
    assert client.post(item_admin_urls(item)["change"], item_form_data(item, text=NEW_TEXT)).status_code == 302

    page = client.get(item_admin_urls(item)["history"])

    assert page.status_code == 200
    assert NEW_TEXT in text_of(page)
    assert "sayan_editor" in text_of(page)
    assert item.history.latest("history_date").history_user.username == "sayan_editor"
