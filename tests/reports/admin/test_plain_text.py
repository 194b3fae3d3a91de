"""What is typed into the back office is stored as plain text, the way the importer stores it.

Found by a hostile test: a vertical tab typed into a municipality's region was stored and made
/feed/ a 500 (XML cannot carry control characters).
"""

import pytest
from django.urls import reverse

from portal.text import plain_text
from reports.importer.normalize import normalize_chars
from reports.models import Municipality, Report
from reports.status import Status

from .helpers import admin_urls, report_form_data, transition_url

pytestmark = pytest.mark.django_db

PASTED = "Красноярский\x0bкрай\u200b\u00a0(ТОС\x07)"
CLEAN = "Красноярский край (ТОС )"


def test_plain_text_is_what_the_importer_does():
    assert plain_text(PASTED) == CLEAN
    assert normalize_chars(PASTED) == plain_text(PASTED)
    assert plain_text("строка\r\nвторая\rтретья\u2011x") == "строка\nвторая\nтретья-x"


def test_municipality_form_stores_plain_text(login):
    client = login("moderator")
    data = {"name": "Абакан\u200b", "slug": "abakan", "region": PASTED, "website": ""}
    response = client.post(reverse("admin:reports_municipality_add"), data)
    assert response.status_code == 302
    municipality = Municipality.objects.get(slug="abakan")
    assert (municipality.name, municipality.region) == ("Абакан", CLEAN)


def test_item_rows_store_plain_text(login, make_report):
    report = make_report()
    data = report_form_data(report)
    data["achievements-0-text"] = "Проведён\x0bфорум\u200b ТОС\x0c"
    response = login("city").post(admin_urls(report)["change"], data)
    assert response.status_code == 302, response.content.decode()[:500]
    assert report.achievements.get().text == "Проведён форум ТОС"


def test_a_transition_comment_is_plain_text(login, make_report):
    report = make_report(status=Status.SUBMITTED)
    response = login("moderator").post(
        transition_url(report, "request_changes"), {"comment": "Добавьте\x0bзадачи\u200b"}
    )
    assert response.status_code == 302
    assert report.events.latest("created_at").comment == "Добавьте задачи"


def test_the_feed_survives_a_control_character_stored_before(client, make_report, sayan):
    Municipality.objects.filter(pk=sayan.pk).update(region="Республика\x0bХакасия")
    make_report(status=Status.PUBLISHED)
    response = client.get("/feed/")
    assert response.status_code == 200
    assert "Республика Хакасия" in response.content.decode()
    assert Report.objects.published().count() == 1
