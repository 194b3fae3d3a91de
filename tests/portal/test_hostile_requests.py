"""What a stranger (or a careless staff user) can type into an address must never be a 500.

Each case here was a 500 (or a leak) found by a hostile test against `make serve` on PostgreSQL:
NUL characters reach PostgreSQL as a DataError, «²» passes str.isdigit() but not int(),
simple-history hands «abc» to the ORM, the login throttle stored at most 255 characters of a
user name, a streamed CSV started before its first query, and «view on site» redirected to
any report. Run on both databases (make test): the NUL cases only ever failed on PostgreSQL.
"""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import OperationalError, connection
from django.test import Client

from reports.models import Report
from reports.status import Status

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/reports/?municipality=%00",
        "/reports/?region=%00",
        "/reports/?q=%00",
        "/search/?q=%00",
        "/reports/export.csv?municipality=%00",
        "/reports/export.json?region=%00",
        "/api/reports/?municipality=%00",
        "/feed/?region=%00",
        "/reports/?%00=1",
        "/reports/%00/2024/",
    ],
)
def test_a_nul_character_in_the_address_is_a_400(client, make_report, url):
    make_report(status=Status.PUBLISHED)
    response = Client(raise_request_exception=False).get(url)
    assert response.status_code == 400
    assert "Неверный запрос" in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/admin/reports/report/?year=²",
        "/admin/reports/report/?municipality=²",
        "/admin/reports/report/?year=%00",
        "/admin/reports/report/?region=%00",
        "/admin/reports/municipality/?region=%00",
        "/admin/reports/report/abc/history/",
        "/admin/reports/report/1%00/history/",
        "/admin/reports/municipality/abc/history/",
        "/admin/reports/achievement/abc/history/",
        "/admin/reports/report/abc/history/1/",
        "/admin/reports/report/abc/versions/",
        "/admin/reports/report/abc/versions/diff/",
        "/admin/reports/report/abc/transition/publish/",
        "/admin/reports/report/abc/change/",
    ],
)
def test_junk_in_back_office_addresses_is_never_a_500(login, make_report, url):
    make_report(status=Status.SUBMITTED)
    client = login("moderator")
    client.raise_request_exception = False
    response = client.get(url)
    assert response.status_code in (200, 302, 400, 404), response.status_code  # a list ignores a junk filter
    if response.status_code == 302:  # Django's own change view: "does not exist", back to the list
        assert response["Location"] == "/admin/"


@pytest.mark.parametrize("length", [151, 256, 5000])
def test_a_very_long_user_name_is_a_failed_login(client, length):
    response = Client(raise_request_exception=False).post(
        "/admin/login/?next=/admin/", {"username": "я" * length, "password": "x"}
    )
    assert response.status_code == 200  # the form again, with its error


def test_trace_is_405(client):
    for url in ("/", "/reports/", "/admin/login/", "/api/reports/"):
        assert client.generic("TRACE", url).status_code == 405


def test_csv_export_during_a_database_outage_is_a_503_not_a_cut_200(make_report):
    make_report(status=Status.PUBLISHED)

    def refuse(execute, sql, params, many, context):
        # The database is gone once the filters are read: the reports and their rows fail.
        probe = 'AS "a" FROM "reports_report"' in sql and "EXISTS" not in sql  # exists() of the export
        if "reports_achievement" in sql or probe:
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    client = Client(raise_request_exception=False)
    with connection.execute_wrapper(refuse):
        response = client.get("/reports/export.csv")
    assert response.status_code == 503


def test_csv_export_still_streams_everything(client, make_report):
    make_report(status=Status.PUBLISHED)
    make_report(status=Status.PUBLISHED, year=2023)
    body = b"".join(client.get("/reports/export.csv").streaming_content).decode()
    assert body.startswith("\ufeff") and body.count("\r\n") == 1 + 2 * 4


@pytest.mark.parametrize(
    ("who", "status", "expected"),
    [
        ("other", Status.DRAFT, 404),  # another city's draft: not even its address
        ("other", Status.SUBMITTED, 404),
        ("norole", Status.DRAFT, 404),
        ("city", Status.DRAFT, 302),
        ("moderator", Status.SUBMITTED, 302),
        ("other", Status.PUBLISHED, 404),  # as in the back office's list (the public page is public anyway)
    ],
)
def test_view_on_site_follows_the_visibility_rules(login, make_report, who, status, expected):
    report = make_report(status=status)
    content_type = ContentType.objects.get_for_model(Report)
    client = login(who)
    response = client.get(f"/admin/r/{content_type.pk}/{report.pk}/")
    assert response.status_code == expected
    if expected == 302:
        assert response["Location"].endswith(f"/{report.year}/")


def test_view_on_site_of_an_unknown_type_or_object_is_a_404(login):
    client = login("moderator")
    assert client.get("/admin/r/999999/1/").status_code == 404
    content_type = ContentType.objects.get_for_model(Report)
    assert client.get(f"/admin/r/{content_type.pk}/abc/").status_code == 404
