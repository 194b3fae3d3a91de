"""search() and matching_report_ids() cost the same number of queries for one hit as for thirty."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports import search

pytestmark = pytest.mark.django_db


def queries(call):
    with CaptureQueriesContext(connection) as ctx:
        result = call()
    return len(ctx.captured_queries), result


@pytest.mark.parametrize("query", ["форум", "форум ТОС", "ТОС Саяногорск"])
def test_constant_queries(query, build):
    build("Саяногорск", 2000, achievements=["Проведён форум ТОС"], tasks=["Форум ТОС"])
    one, hits = queries(lambda: search.search(query))
    one_ids, ids = queries(lambda: list(search.matching_report_ids(query)))
    assert len(hits) == len(ids) == 1

    for year in range(2001, 2030):
        build("Саяногорск", year, achievements=["Проведён форум ТОС"], tasks=["Форум ТОС"])
    many, hits = queries(lambda: search.search(query))
    many_ids, ids = queries(lambda: list(search.matching_report_ids(query)))
    assert len(hits) == len(ids) == 30

    assert one == many == 2
    assert one_ids == many_ids == 1
    assert [h.report.municipality.name for h in hits] == ["Саяногорск"] * 30  # no lazy loads left


def test_empty_query_costs_nothing(build):
    build("Саяногорск", 2000, achievements=["Проведён форум ТОС"])
    assert queries(lambda: search.search("  ")) == (0, [])
