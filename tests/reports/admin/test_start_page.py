"""The city editor's start page offers to write only a year that has no report yet, and links to
the one that exists; a second report for a year is a form error that links to the first
(issue 14, item 1)."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import MUNICIPAL_EDITORS
from reports.models import Report
from reports.status import Status

from .helpers import report_form_data, text_of

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year - 1  # the year reports are written for now


def my_reports(page):
    start = page.index('aria-labelledby="my-reports"')
    return page[start : page.index("</section>", start)]


def write_links(page):
    return re.findall(r'href="([^"]*/admin/reports/report/add/[^"]*)"[^>]*>([^<]*)<', my_reports(page))


def test_without_a_report_for_the_year_the_button_offers_that_year_and_the_city(login, sayan):
    page = text_of(login("city").get(reverse("admin:index")))
    assert write_links(page) == [
        (f"/admin/reports/report/add/?year={YEAR}&amp;municipality={sayan.pk}", f"Написать отчёт за {YEAR} год")
    ]


@pytest.mark.parametrize(
    ("status", "label"),
    [
        (Status.DRAFT, "Продолжить отчёт за"),
        (Status.CHANGES_REQUESTED, "Продолжить отчёт за"),
        (Status.SUBMITTED, "Открыть отчёт за"),
        (Status.PUBLISHED, "Открыть отчёт за"),
    ],
)
def test_with_a_report_for_the_year_it_links_to_it_and_offers_no_second(login, make_report, status, label):
    report = make_report(status, year=YEAR)
    page = text_of(login("city").get(reverse("admin:index")))

    assert write_links(page) == []
    mine = my_reports(page)
    assert f"Отчёт за {YEAR} год уже есть" in mine
    link = re.search(rf'href="{reverse("admin:reports_report_change", args=[report.pk])}"[^>]*>{label}', mine)
    assert link is not None


def test_an_editor_of_two_cities_gets_a_button_for_each_city_still_without_a_report(
    make_user, sayan, kogalym, client, make_report
):
    both = make_user("both", MUNICIPAL_EDITORS, [sayan, kogalym])
    make_report(Status.DRAFT, municipality=sayan, year=YEAR, city=both)
    client.force_login(both)

    page = text_of(client.get(reverse("admin:index")))

    assert write_links(page) == [
        (
            f"/admin/reports/report/add/?year={YEAR}&amp;municipality={kogalym.pk}",
            f"Написать отчёт за {YEAR} год: Когалым",
        )
    ]
    assert f"Саяногорск: отчёт за {YEAR} год уже есть" in " ".join(my_reports(page).split())


def test_the_button_fills_in_the_year_and_the_city(login, sayan):
    page = text_of(login("city").get(f"{reverse('admin:reports_report_add')}?year={YEAR}&municipality={sayan.pk}"))
    assert re.search(rf'name="year"[^>]*value="{YEAR}"', page)
    assert re.search(rf'<option value="{sayan.pk}" selected>', page)


@pytest.mark.parametrize("who", ["city", "moderator"])
def test_a_second_report_for_a_year_is_an_error_that_links_to_the_first(who, login, make_report, sayan):
    first = make_report(Status.DRAFT, year=YEAR)

    response = login(who).post(
        reverse("admin:reports_report_add"), report_form_data(None, municipality=sayan.pk, year=YEAR)
    )

    assert response.status_code == 200
    page = text_of(response)
    assert f"У этого муниципалитета уже есть отчёт за {YEAR} год." in page
    assert f'<a href="{reverse("admin:reports_report_change", args=[first.pk])}">Открыть его</a>' in page
    assert Report.objects.filter(municipality=sayan, year=YEAR).count() == 1
