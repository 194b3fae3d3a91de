"""Security headers, the database-outage page and structured logs (in-process)."""

import json
import logging
import re

import pytest
from django.db import OperationalError
from django.test import Client

from portal.logging import JsonFormatter
from reports.status import Status

PUBLIC_PAGES = ["/", "/reports/", "/search/?q=форум", "/api/", "/municipalities/"]


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


@pytest.mark.django_db
@pytest.mark.parametrize("url", PUBLIC_PAGES + ["/admin/login/"])
def test_every_html_page_has_a_strict_content_security_policy(client, url, make_report):
    make_report(status=Status.PUBLISHED)
    response = client.get(url)
    assert response.status_code == 200
    policy = _policy(response)
    assert policy["script-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["default-src"] == ["'self'"]
    if not url.startswith("/api/"):
        assert policy["style-src"] == ["'self'"]


@pytest.mark.django_db
@pytest.mark.parametrize("url", PUBLIC_PAGES + ["/admin/login/", "/admin/password_reset/"])
def test_pages_have_no_inline_scripts_or_styles(client, url, make_report):
    report = make_report(status=Status.PUBLISHED)
    html = client.get(url).content.decode()
    html += client.get(report.get_absolute_url()).content.decode()
    # <script> only with src= (or a non-executed data block such as type="application/json").
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert "<style" not in html
    assert not re.search(r"\son[a-z]+=\"", html), "inline event handler"
    assert ' style="' not in html


@pytest.mark.django_db
def test_back_office_report_form_has_no_inline_script(login, make_report):
    report = make_report()
    html = login("city").get(f"/admin/reports/report/{report.pk}/change/").content.decode()
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert "admin_portal/report_form.js" in html


@pytest.mark.django_db
def test_browsable_api_gets_inline_styles_but_never_inline_scripts(client, make_report):
    report = make_report(status=Status.PUBLISHED)
    response = client.get(f"/api/reports/{report.pk}/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    policy = _policy(response)
    assert "'unsafe-inline'" in policy["style-src"]
    assert policy["script-src"] == ["'self'"]


# --- the database is down ------------------------------------------------------------


@pytest.fixture
def broken_database(monkeypatch):
    """Every public list query fails the way psycopg fails when the server is gone."""
    from reports.models import ReportQuerySet

    def refuse(*args, **kwargs):
        raise OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused')

    monkeypatch.setattr(ReportQuerySet, "published", refuse)


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/reports/"])
def test_database_outage_is_a_russian_503_with_retry_after(broken_database, url, settings):
    client = Client(raise_request_exception=False)
    response = client.get(url)
    assert response.status_code == 503
    assert response["Retry-After"] == str(settings.DATABASE_RETRY_AFTER)
    assert response["Cache-Control"] == "no-store"
    body = response.content.decode()
    assert "Сайт временно недоступен" in body
    assert "Traceback" not in body and "OperationalError" not in body


@pytest.mark.django_db
def test_database_outage_in_the_api_is_json_503(broken_database):
    response = Client(raise_request_exception=False).get("/api/reports/")
    assert response.status_code == 503
    assert "Retry-After" in response
    assert "базой данных" in response.json()["detail"]


@pytest.mark.django_db
def _english(client):
    """A visitor who chose English (the language switch's cookie; the browser's language is not read)."""
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_database_outage_page_speaks_the_visitors_language(broken_database):
    response = _english(Client(raise_request_exception=False)).get("/")
    assert response.status_code == 503
    body = response.content.decode()
    assert '<html lang="en">' in body and "Site temporarily unavailable" in body
    assert "Сайт временно недоступен" not in body


@pytest.mark.django_db
def test_server_error_page_speaks_the_visitors_language(monkeypatch):
    from reports.models import ReportQuerySet

    monkeypatch.setattr(ReportQuerySet, "published", lambda *a, **k: 1 / 0)
    russian = Client(raise_request_exception=False).get("/").content.decode()
    english = _english(Client(raise_request_exception=False)).get("/").content.decode()
    assert '<html lang="ru">' in russian and "Что-то пошло не так" in russian
    assert '<html lang="en">' in english and "Something went wrong" in english


@pytest.mark.django_db
def test_other_errors_stay_500(monkeypatch):
    from reports.models import ReportQuerySet

    def boom(*args, **kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr(ReportQuerySet, "published", boom)
    response = Client(raise_request_exception=False).get("/")
    assert response.status_code == 500
    assert "Retry-After" not in response
    assert "Что-то пошло не так" in response.content.decode()


# --- logs -------------------------------------------------------------------------------


def test_json_log_lines_carry_the_message_extra_fields_and_traceback():
    formatter = JsonFormatter()
    try:
        raise RuntimeError("сбой")
    except RuntimeError:
        record = logging.getLogger("x").makeRecord(
            "portal.test",
            logging.ERROR,
            __file__,
            1,
            "отчёт %s не сохранён",
            (42,),
            exc_info=True,
            extra={"path": "/admin/", "status_code": 500},
        )
        import sys

        record.exc_info = sys.exc_info()
    line = formatter.format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["message"] == "отчёт 42 не сохранён"
    assert entry["level"] == "ERROR"
    assert entry["logger"] == "portal.test"
    assert entry["path"] == "/admin/" and entry["status_code"] == 500
    assert "RuntimeError: сбой" in entry["exception"]
    assert entry["time"].endswith("+00:00")
