"""An edit saved at the very moment the report is published (PostgreSQL, two real connections).

Whichever commits first, the report ends consistent: published once, its version counting every
write, the snapshot kept with the publication, the search index and the public page all holding
exactly the text the database holds. The edit either lands before the publication (and is
published) or, if it was made on the version the publication replaced, is refused with the form's
"changed by someone else" message — never half-applied, never silently lost.
"""

import threading
import time

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from accounts.roles import sync_roles
from reports import workflow
from reports.models import Report
from reports.search.models import ReportTerms, SearchDocument
from reports.status import Status
from tests.reports.admin.helpers import item_form_data

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="a real row-lock race needs PostgreSQL (SQLite allows one writer at a time)",
    ),
    pytest.mark.django_db(transaction=True),
]

NEW_TEXT = "Открыт центр общественных инициатив"
HOLD = 0.5  # how long the first writer keeps the report's row locked


@pytest.fixture
def roles(transactional_db):
    sync_roles()


def _run(*targets):
    errors = []

    def wrap(target):
        def run():
            try:
                target()
            except Exception as exc:  # noqa: BLE001 - reported by the assertion below
                errors.append(repr(exc))
            finally:
                connection.close()

        return run

    threads = [threading.Thread(target=wrap(t)) for t in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []


def _race(monkeypatch, report, item, editor, publisher, first):
    """The editor saves the item's change form (opened before) while `publisher` publishes.
    `first` ("save" or "publish") takes the row lock and holds it HOLD seconds."""
    data = item_form_data(item, text=NEW_TEXT)  # the form as opened, with its version
    url = reverse("admin:reports_achievement_change", args=[item.pk])
    locked, answers = threading.Event(), {}

    if first == "save":
        import reports.admin.items as items_admin

        real = items_admin.claim_version

        def claim_and_hold(*args):
            version = real(*args)  # the UPDATE holds the row lock until the admin's transaction ends
            locked.set()
            time.sleep(HOLD)
            return version

        monkeypatch.setattr(items_admin, "claim_version", claim_and_hold)
    else:
        real = workflow.report_snapshot

        def snapshot_and_hold(locked_report):
            locked.set()  # inside publish's transaction, after SELECT … FOR UPDATE
            time.sleep(HOLD)
            return real(locked_report)

        monkeypatch.setattr(workflow, "report_snapshot", snapshot_and_hold)

    def save():
        if first == "publish":
            assert locked.wait(10)
        client = Client()
        client.force_login(editor)
        answers["save"] = client.post(url, data)

    def publish():
        if first == "save":
            assert locked.wait(10)
        workflow.publish(Report.objects.get(pk=report.pk), publisher)

    _run(save, publish)
    return answers["save"]


def _assert_consistent(report_pk, text):
    report = Report.objects.get(pk=report_pk)
    assert report.status == Status.PUBLISHED
    assert report.events.filter(transition="publish").count() == 1
    assert list(report.achievements.values_list("text", flat=True)) == [text]
    snapshot = report.events.get(transition="publish").snapshot
    assert [a["text"] for a in snapshot["achievements"]] == [text]
    assert snapshot["version"] == report.version
    docs = set(SearchDocument.objects.filter(report=report, section="achievements").values_list("text", flat=True))
    assert docs == {text}
    assert ReportTerms.objects.filter(report=report).exists()
    page = Client().get(report.get_absolute_url())
    assert page.status_code == 200 and text in page.content.decode()
    return report


def test_a_save_that_commits_first_is_published(roles, monkeypatch, make_report, moderator, superuser):
    report = make_report(Status.SUBMITTED)
    item = report.achievements.get()
    start = Report.objects.get(pk=report.pk).version

    response = _race(monkeypatch, report, item, moderator, superuser, first="save")

    assert response.status_code == 302  # saved
    final = _assert_consistent(report.pk, NEW_TEXT)
    assert final.version == start + 2  # the edit, then the publication


def test_a_save_on_the_version_a_publication_replaced_is_refused(roles, monkeypatch, make_report, moderator, superuser):
    report = make_report(Status.SUBMITTED)
    item = report.achievements.get()
    old_text = item.text
    start = Report.objects.get(pk=report.pk).version

    response = _race(monkeypatch, report, item, moderator, superuser, first="publish")

    assert response.status_code == 200  # the form again, with the message
    assert "Отчёт изменил кто-то другой, пока вы его редактировали" in response.content.decode()
    final = _assert_consistent(report.pk, old_text)
    assert final.version == start + 1  # the publication only
