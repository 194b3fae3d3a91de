"""The figures: only published reports, grouped right."""

import pytest

from insights import stats
from insights.charts import render_svg

from .conftest import SECRET

pytestmark = pytest.mark.django_db


def by_key(charts):
    return {chart.key: chart for chart in charts}


def values(chart):
    return {s.name: s.values for s in chart.series}


def test_figures_count_only_published(two_years):
    charts = by_key(stats.figures())
    assert charts["reports-per-year"].labels == ("2023", "2024")
    assert charts["reports-per-year"].series[0].values == (1, 2)
    regions = charts["cities-by-region"]
    assert "Скрытый край" not in regions.labels
    assert dict(zip(regions.labels, regions.series[0].values)) == {
        "Республика Хакасия": 1,
        "Ханты-Мансийский автономный округ — Югра": 1,
    }
    kinds = charts["request-kinds"]
    assert kinds.labels == ("2023", "2024")
    assert values(kinds)["Методические материалы, опыт других городов"] == (1, 2)
    assert values(kinds)["Обучение: темы курсов"] == (0, 1)  # not the hidden report's
    themes = charts["themes-by-year"]
    # ТОС: 2023 one request and one achievement; 2024 two requests (the draft's not counted).
    assert values(themes)["ТОС"] == (2, 2)
    assert values(themes)["Казачество"] == (0, 1)  # the hidden achievement is not counted


def test_plan_fulfilment_shares(two_years):
    chart = by_key(stats.figures())["plan-fulfilment"]
    assert chart.labels == ("2023", "2024")
    done = values(chart)["выполнена"]
    assert done == (1, 1)
    assert values(chart)["снята"] == (0, 0)  # the hidden report's
    assert values(chart)["не отмечено"] == (0, 1)
    shares = dict(zip([s.name for s in chart.series], chart.shares()))
    assert shares["выполнена"] == (50, 25)


def test_year_figures(two_years):
    charts = by_key(stats.year_figures(2024))
    assert set(charts) == {"cities-by-region", "themes", "plan-fulfilment", "request-kinds"}
    assert dict(zip(charts["themes"].labels, charts["themes"].series[0].values)) == {
        "ТОС": 2,
        "Молодёжь": 2,
        "Казачество": 1,
    }
    for chart in charts.values():
        assert SECRET not in render_svg(chart)
    assert stats.year_figures(1900) == []


def test_figures_queries_do_not_grow(two_years, city, report_with):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        stats.figures()
    for n in range(4):
        report_with(city(f"Город{n}", f"gorod-{n}"), 2010 + n, [("other", "Просьба", [])], outcomes=[("З", "done")])
    with CaptureQueriesContext(connection) as many:
        stats.figures()
    assert len(few) == len(many)
