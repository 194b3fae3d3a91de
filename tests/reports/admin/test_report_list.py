"""The report list of the back office: few, short columns (it fits 1280 px — see
tests/browser/test_report_list.py), the region only for whoever sees several regions."""

from __future__ import annotations

import html
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from reports.models import Report
from reports.status import Status

from .helpers import text_of

pytestmark = pytest.mark.django_db

LIST_URL = reverse("admin:reports_report_changelist")


def headers(response) -> list[str]:
    table = re.search(r'<table id="result_list">(.*?)</table>', text_of(response), re.S).group(1)
    cells = re.findall(r'<th scope="col"[^>]*>(.*?)</th>', table, re.S)
    return [html.unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in cells]


def row_of(response, report) -> str:
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", text_of(response), re.S)
    href = reverse("admin:reports_report_change", args=[report.pk])
    found = [row for row in rows if href in row]
    assert len(found) == 1, f"no single row for {report}"
    return found[0]


@pytest.fixture
def two_regions(make_report, kogalym, other_editor):
    published = make_report(status=Status.PUBLISHED, year=2023)
    when = datetime(2024, 3, 5, 23, 30, tzinfo=ZoneInfo("UTC"))  # 6 March, 06:30 in Krasnoyarsk
    Report.objects.filter(pk=published.pk).update(updated_at=when, published_at=when)
    draft = make_report(municipality=kogalym, year=2024, city=other_editor)
    return Report.objects.get(pk=published.pk), draft


@pytest.mark.parametrize("who", ["city", "moderator"])
def test_four_short_columns(login, two_regions, who):
    response = login(who).get(LIST_URL)
    assert response.status_code == 200
    assert headers(response) == ["Отчёт", "Статус", "Изменён", "Опубликован"]


def test_the_city_editor_sees_no_region(login, two_regions, settings):
    published, _draft = two_regions
    row = row_of(login("city").get(LIST_URL), published)
    assert "Саяногорск — 2023" in row
    assert "report-region" not in row and "Республика Хакасия" not in row


def test_the_association_sees_the_region_under_the_name(login, two_regions, settings):
    settings.TIME_ZONE = "Asia/Krasnoyarsk"
    published, draft = two_regions
    response = login("moderator").get(LIST_URL)
    row = row_of(response, published)
    assert 'Саяногорск — 2023<span class="report-region">Республика Хакасия</span>' in row
    assert '<span class="list-date">06.03.2024</span> <span class="list-time">06:30</span>' in row
    assert row.count('<span class="list-date">06.03.2024</span>') == 2  # changed and published
    assert "Ханты-Мансийский автономный округ — Югра" in row_of(response, draft)
    assert '<td class="field-published_short">—</td>' in row_of(response, draft)


def test_the_region_is_escaped(login, two_regions, sayan):
    sayan.region = '<img src=x onerror="alert(1)">'
    sayan.save()
    response = login("moderator").get(LIST_URL)
    assert '<img src=x onerror="alert(1)">' not in text_of(response)
    assert "&lt;img src=x" in row_of(response, two_regions[0])


@pytest.mark.parametrize("order, first", [("1", "Когалым — 2024"), ("-1", "Саяногорск — 2023")])
def test_the_report_column_sorts_by_municipality(login, two_regions, order, first):
    response = login("moderator").get(LIST_URL, {"o": order})
    rows = re.findall(r'<th class="field-report_title_and_region"><a [^>]*>(.*?)<span', text_of(response))
    assert html.unescape(rows[0]) == first
