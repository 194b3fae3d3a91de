"""Keeping the index right: the workflow and the admin update it (through reports.publication) in
the transaction of the change, the rebuild command on demand; only published reports are ever in it."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from reports import search, workflow
from reports.models import Report
from reports.search.models import SearchDocument
from reports.status import Status
from tests.reports.admin.helpers import item_admin_urls, item_form_data, report_form_data

from .conftest import names

pytestmark = pytest.mark.django_db

WORD = "уникальноеслово"


def found(query):
    return [hit.report for hit in search.search(query)]


def test_publishing_makes_a_report_findable(build, moderator, committed):
    report = build("Абакан", 2020, Status.SUBMITTED, achievements=[f"Проект {WORD}"])
    assert found(WORD) == []

    with committed():
        workflow.publish(report, moderator)

    assert found(WORD) == [report]
    assert set(SearchDocument.objects.filter(report=report).values_list("section", flat=True)) == {
        "municipality",
        "achievements",
    }


@pytest.mark.django_db(transaction=True)
def test_the_index_commits_with_the_publication_or_not_at_all(build, moderator, monkeypatch):
    """The index is written in the publication's own transaction: if anything after it fails,
    the report is neither published nor findable."""
    from reports import publication

    report = build("Абакан", 2020, Status.SUBMITTED, achievements=[f"Проект {WORD}"])

    def broken(*args, **kwargs):
        raise RuntimeError("the page renderer failed")

    monkeypatch.setattr(publication.renderings, "refresh_reports", broken)
    with pytest.raises(RuntimeError):
        workflow.publish(report, moderator)
    report.refresh_from_db()
    assert report.status == Status.SUBMITTED
    assert found(WORD) == []
    assert not SearchDocument.objects.filter(report=report).exists()
    monkeypatch.undo()
    workflow.publish(report, moderator)
    assert found(WORD) == [report]


def test_withdrawing_removes_a_report(build, moderator, committed):
    report = build("Абакан", 2020, achievements=[f"Проект {WORD}"])
    assert found(WORD) == [report]

    with committed():
        workflow.withdraw(report, moderator, "ошибка в цифрах")

    assert found(WORD) == []
    assert not SearchDocument.objects.filter(report=report).exists()


def test_transitions_that_do_not_touch_publication_leave_the_index_alone(build, moderator, committed):
    report = build("Абакан", 2020, Status.DRAFT, achievements=[f"Проект {WORD}"])
    with committed() as callbacks:
        workflow.submit(report, moderator)
    # Only the e-mail (the transition's callback, then the outbox's one per letter); no index work.
    assert [c.__qualname__.split(".")[0] for c in callbacks] == ["_apply", *["enqueue"] * (len(callbacks) - 1)]
    assert not SearchDocument.objects.exists()


def test_editing_an_item_of_a_published_report_in_the_admin_updates_the_index(build, login, committed):
    report = build("Абакан", 2020, achievements=["Старая формулировка"])
    item = report.achievements.get()

    with committed():
        response = login("moderator").post(
            item_admin_urls(item)["change"], item_form_data(item, text=f"Новая формулировка {WORD}")
        )

    assert response.status_code == 302
    assert found(WORD) == [report]
    assert found("старая") == []


def test_deleting_an_item_of_a_published_report_in_the_admin_updates_the_index(build, login, committed):
    report = build("Абакан", 2020, achievements=[f"Проект {WORD}", "Другое"])
    item = report.achievements.get(position=1)

    with committed():
        response = login("moderator").post(item_admin_urls(item)["delete"], {"post": "yes"})

    assert response.status_code == 302
    assert found(WORD) == []
    assert found("другое") == [report]


def test_editing_a_published_report_form_updates_the_index(build, login, committed):
    report = build("Абакан", 2020, achievements=["Старая формулировка"], proposals=["Методички"])
    data = report_form_data(report, **{"achievements-0-text": f"Новая {WORD}", "proposals-0-DELETE": "on"})

    with committed():
        response = login("moderator").post(reverse("admin:reports_report_change", args=[report.pk]), data)

    assert response.status_code == 302, response.content.decode()[:2000]
    assert found(WORD) == [report]
    assert found("старая") == [] and found("методички") == []


def test_editing_a_draft_in_the_admin_does_not_index_it(build, login, committed):
    report = build("Абакан", 2020, Status.DRAFT, achievements=["Старая формулировка"])
    data = report_form_data(report, **{"achievements-0-text": f"Новая {WORD}"})

    with committed():
        response = login("moderator").post(reverse("admin:reports_report_change", args=[report.pk]), data)

    assert response.status_code == 302
    assert not SearchDocument.objects.exists()


def test_renaming_a_municipality_reindexes_its_reports(build, login, committed):
    first = build("Абакан", 2020, achievements=["Форум"])
    second = build("Абакан", 2021, achievements=["Форум"])
    hidden = build("Абакан", 2022, Status.DRAFT, achievements=["Форум"])
    municipality = first.municipality
    post = {"name": "Новоабаканск", "slug": municipality.slug, "region": municipality.region, "website": ""}

    with committed():
        response = login("moderator").post(reverse("admin:reports_municipality_change", args=[municipality.pk]), post)

    assert response.status_code == 302
    assert set(found("Новоабаканск")) == {first, second}
    assert found("Абакан") == []
    assert not SearchDocument.objects.filter(report=hidden).exists()


def test_rebuild_command_restores_a_lost_index(seeds, hidden):
    before = sorted(SearchDocument.objects.values_list("report_id", "section", "position", "stems"))
    expected = names(search.search("тос"))
    SearchDocument.objects.all().delete()
    assert search.search("тос") == []

    out = StringIO()
    call_command("rebuild_search_index", stdout=out)

    assert sorted(SearchDocument.objects.values_list("report_id", "section", "position", "stems")) == before
    assert f"документов {len(before)}" in out.getvalue()
    assert names(search.search("тос")) == expected


def test_rebuild_drops_documents_of_unpublished_reports(seeds):
    report = seeds[("Лесосибирск", 2020)]
    Report.objects.filter(pk=report.pk).update(status=Status.WITHDRAWN)  # behind the workflow's back
    assert search.rebuild_index() == SearchDocument.objects.count()
    assert not SearchDocument.objects.filter(report=report).exists()
    assert search.search("пандемия") == []


def test_index_report_follows_the_current_status(build):
    report = build("Абакан", 2020, achievements=[f"Проект {WORD}"])
    count = SearchDocument.objects.filter(report=report).count()
    search.index_report(report.pk)
    search.index_report(report.pk)  # idempotent: replaces, never duplicates
    assert SearchDocument.objects.filter(report=report).count() == count == 2

    Report.objects.filter(pk=report.pk).update(status=Status.DRAFT)
    search.index_report(report.pk)
    assert not SearchDocument.objects.filter(report=report).exists()
    search.index_report(10**9)  # a report that does not exist: nothing to do


def test_empty_items_make_no_documents(build):
    report = build("Абакан", 2020, achievements=["— … !!!", "Форум"])
    assert sorted(SearchDocument.objects.filter(report=report).values_list("section", "text")) == [
        ("achievements", "Форум"),
        ("municipality", "Абакан"),
    ]
