"""SVG charts: well-formed, accessible, nothing the CSP forbids."""

import xml.etree.ElementTree as ET

import pytest

from insights.charts import BARS, HBARS, LINES, SHARES, STACKED, Chart, Series, render_svg

SVG = "{http://www.w3.org/2000/svg}"


def chart(kind, labels=("2020", "2021", "2022"), series=None):
    series = series or (Series("Отчёты <городов>", (3, 0, 12)), Series("Другое & прочее", (1, 2, 2.5)))
    return Chart(key="test", title="Заголовок «диаграммы»", labels=labels, series=series, unit="штук", kind=kind)


@pytest.mark.parametrize("kind", [BARS, STACKED, SHARES, LINES, HBARS])
def test_svg_is_well_formed_and_accessible(kind):
    svg = render_svg(chart(kind))
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title.text == "Заголовок «диаграммы»" and desc.text
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert "style" not in svg and "<script" not in svg
    texts = " ".join(t for t in root.itertext())
    assert "2021" in texts or kind == HBARS


def test_labels_are_escaped_and_legend_names_series():
    svg = render_svg(chart(STACKED))
    assert "Отчёты &lt;городов&gt;" in svg and "Другое &amp; прочее" in svg


def test_shares_axis_is_in_percent():
    svg = render_svg(chart(SHARES))
    assert "100\u00a0%" in svg
    assert "75\u00a0%" in svg  # 3 of 4 in 2020


def test_long_hbar_labels_wrap_and_are_cut():
    long = "Ханты-Мансийский автономный округ — Югра и ещё очень длинное название для проверки переноса"
    svg = render_svg(chart(HBARS, labels=(long, "Короткий"), series=(Series("Городов", (5, 1)),)))
    root = ET.fromstring(svg)
    spans = [t.text for t in root.iter(f"{SVG}tspan")]
    assert len(spans) == 3 and spans[1].endswith("…")
    assert long in svg  # whole in the bar's tooltip


def test_empty_chart():
    empty = Chart(key="e", title="Пусто", labels=(), series=(Series("x", ()),), unit="", kind=BARS)
    assert empty.is_empty
    ET.fromstring(render_svg(empty))
