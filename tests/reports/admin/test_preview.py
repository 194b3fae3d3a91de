"""The preview of a report's public page from the back office (issue 14, item 4): the ladder
(anonymous → other city → no role → allowed), marked as not published, noindex, never cached,
and nothing of it reaches the public site."""

import pytest
from django.urls import reverse

from reports.status import Status

from .helpers import LOGIN_PATH, admin_urls, text_of

pytestmark = pytest.mark.django_db


def preview_url(report):
    return reverse("admin:reports_report_preview", args=[report.pk])


def test_anonymous_is_sent_to_the_login(login, make_report):
    response = login("anon").get(preview_url(make_report(Status.DRAFT)))
    assert response.status_code == 302 and response["Location"].startswith(LOGIN_PATH)


def test_another_city_gets_the_same_404_as_for_a_missing_report(login, make_report):
    report = make_report(Status.DRAFT)
    client = login("other")
    assert client.get(preview_url(report)).status_code == 404
    assert client.get(reverse("admin:reports_report_preview", args=[report.pk + 1000])).status_code == 404


def test_a_user_without_a_role_may_not(login, make_report):
    response = login("norole").get(preview_url(make_report(Status.DRAFT)))
    assert response.status_code in (302, 403)
    assert "Проведён форум ТОС" not in response.content.decode()


@pytest.mark.parametrize("who", ["city", "moderator"])
@pytest.mark.parametrize("status", [Status.DRAFT, Status.SUBMITTED, Status.CHANGES_REQUESTED])
def test_the_preview_shows_the_report_as_the_site_would_marked_as_not_published(who, status, login, make_report):
    report = make_report(status)
    response = login(who).get(preview_url(report))

    assert response.status_code == 200
    page = text_of(response)
    assert "Предпросмотр. Этот отчёт не опубликован." in page
    assert "не опубликован" in page
    assert "Проведён форум ТОС 2024" in page and "Опыт работы с казачеством" in page
    assert '<meta name="robots" content="noindex, nofollow">' in page
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    cache_control = response["Cache-Control"]
    assert "no-store" in cache_control and "private" in cache_control
    assert 'property="og:' not in page  # nothing to share: there is no public address yet
    assert admin_urls(report)["change"] in page  # the way back


def test_previewing_publishes_nothing(login, make_report, client):
    report = make_report(Status.DRAFT)
    login("city").get(preview_url(report))
    client.logout()
    assert client.get(report.get_absolute_url()).status_code == 404
    assert "Проведён форум ТОС 2024" not in client.get("/reports/").content.decode()


def test_the_report_page_links_to_the_preview_until_it_is_published(login, make_report):
    draft = make_report(Status.DRAFT)
    published = make_report(Status.PUBLISHED, year=2023)
    client = login("city")
    assert preview_url(draft) in text_of(client.get(admin_urls(draft)["change"]))
    assert preview_url(published) not in text_of(client.get(admin_urls(published)["change"]))


def test_text_in_the_preview_is_escaped(login, make_report):
    report = make_report(Status.DRAFT)
    report.achievements.update(text="<script>alert(1)</script> & «ё»")
    page = text_of(login("city").get(preview_url(report)))
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; «ё»" in page
