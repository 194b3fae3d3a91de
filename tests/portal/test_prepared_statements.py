"""PostgreSQL: the hot statements of the public pages are prepared, the rest planned anew each time.

A generic plan would suit a lookup by key and not a search (the best plan for a word depends on how
common it is), so only statements registered with portal.db.prepared() are prepared."""

import pytest
from django.db import connection

from reports import publication
from reports.models import Report

pytestmark = pytest.mark.django_db


@pytest.fixture
def pg():
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements: PostgreSQL only")


def prepared_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


def test_the_generations_query_is_prepared_a_report_query_of_the_orm_is_not(pg):
    publication.generations(["all", "lists"])
    list(Report.objects.filter(year=2024, status="published").values_list("pk", flat=True))
    statements = prepared_statements()
    assert any("reports_publicgeneration" in s for s in statements)
    assert not any('"reports_report"."year"' in s for s in statements)


def test_a_public_report_page_prepares_its_two_queries(pg, client, make_report, sayan):
    from reports.status import Status

    report = make_report(Status.PUBLISHED, municipality=sayan)
    assert client.get(report.get_absolute_url()).status_code == 200
    statements = prepared_statements()
    assert any("reports_reportrendering" in s for s in statements)  # the report with its body
    assert any("UNION ALL" in s for s in statements)  # the links
