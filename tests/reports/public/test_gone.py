"""A withdrawn report's address answers 410 Gone with when it was withdrawn and the Association's
explanation for readers — never the internal comment to the city, never the report's text
(issue 14, item 15); an address that never showed a published report stays a plain 404."""

import pytest
from django.utils import timezone

from reports import workflow
from reports.status import Status

from ..admin.helpers import transition_url

pytestmark = pytest.mark.django_db


def text(response):
    return response.content.decode()


def test_a_withdrawn_report_answers_410_with_when_and_the_public_explanation(client, published, moderator):
    url = published.get_absolute_url()
    workflow.withdraw(
        published, moderator, "Внутреннее: цифры не сходятся с бюджетом", public_comment="Город готовит исправления."
    )

    response = client.get(url)

    assert response.status_code == 410
    page = text(response)
    assert "снят с публикации" in page
    assert timezone.localdate().strftime("%Y") in page
    assert "Город готовит исправления." in page
    assert "Внутреннее" not in page  # the comment to the city stays in the back office
    assert "Проведён форум ТОС 2024" not in page  # nor does any of the report's text
    assert '<meta name="robots" content="noindex">' in page
    assert response["X-Robots-Tag"] == "noindex"


def test_without_an_explanation_the_page_still_says_when(client, published, moderator):
    workflow.withdraw(published, moderator, "причина для города")
    response = client.get(published.get_absolute_url())
    assert response.status_code == 410
    assert "Пояснение Ассоциации" not in text(response)
    assert "причина для города" not in text(response)


def test_a_withdrawn_report_back_in_draft_still_answers_410(client, published, moderator, city_editor):
    workflow.withdraw(published, moderator, "ошибка", public_comment="Исправляется.")
    workflow.return_to_draft(published, city_editor)
    assert client.get(published.get_absolute_url()).status_code == 410


def test_republished_it_is_a_page_again(client, published, moderator, city_editor):
    workflow.withdraw(published, moderator, "ошибка")
    workflow.return_to_draft(published, city_editor)
    workflow.submit(published, city_editor)
    workflow.publish(published, moderator)
    assert client.get(published.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("status", [Status.DRAFT, Status.SUBMITTED, Status.CHANGES_REQUESTED])
def test_a_never_published_report_is_a_404_like_a_missing_one(client, make_report, status):
    report = make_report(status)
    assert client.get(report.get_absolute_url()).status_code == 404
    assert client.get(f"/reports/{report.municipality.slug}/1999/").status_code == 404


def test_the_withdrawal_page_asks_for_the_explanation_and_stores_it(login, published):
    client = login("moderator")
    page = text(client.get(transition_url(published, "withdraw")))
    assert 'name="public_comment"' in page

    response = client.post(
        transition_url(published, "withdraw"),
        {"comment": "Для города: проверьте цифры", "public_comment": "Отчёт снят по просьбе города."},
    )
    assert response.status_code == 302
    event = published.events.latest("id")
    assert (event.comment, event.public_comment) == ("Для города: проверьте цифры", "Отчёт снят по просьбе города.")
    assert "Отчёт снят по просьбе города." in text(login("anon").get(published.get_absolute_url()))


def test_other_transitions_do_not_take_a_public_explanation(login, make_report):
    report = make_report(Status.SUBMITTED)
    client = login("moderator")
    assert 'name="public_comment"' not in text(client.get(transition_url(report, "publish")))
    client.post(transition_url(report, "publish"), {"comment": "", "public_comment": "не для этого"})
    assert report.events.latest("id").public_comment == ""


def test_the_explanation_is_escaped(client, published, moderator):
    workflow.withdraw(published, moderator, "x", public_comment="<b>жирный</b> & «ёлочки»")
    page = text(client.get(published.get_absolute_url()))
    assert "&lt;b&gt;жирный&lt;/b&gt; &amp; «ёлочки»" in page


def test_the_410_page_costs_the_same_few_queries_whatever_the_report(
    client, make_report, moderator, kogalym, other_editor
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reports.models import Achievement

    small = make_report(Status.PUBLISHED)
    big = make_report(Status.PUBLISHED, municipality=kogalym, city=other_editor)
    Achievement.objects.bulk_create(Achievement(report=big, text=f"Пункт {n}", position=n + 2) for n in range(40))
    counts = []
    for report in (small, big):
        workflow.withdraw(report, moderator, "x", public_comment="Пояснение.")
        with CaptureQueriesContext(connection) as queries:
            assert client.get(report.get_absolute_url()).status_code == 410
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 5
