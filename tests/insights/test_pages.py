"""The insights pages and downloads: what they show, 404s, messages, only published reports and a
query count that does not grow with the number of reports."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from insights.stats import CHARTS
from reports.status import Status

from .conftest import SECRET

pytestmark = pytest.mark.django_db

PAGES = [
    "/needs/",
    "/needs/2024/",
    "/needs/2023/",
    "/stats/",
    "/compare/?city=sayanogorsk&city=kogalym",
    "/compare/?city=sayanogorsk&city=kogalym&year=2024",
    "/",
]
DOWNLOADS = ["/needs/2024.xlsx", "/needs/2024.docx", *[f"/stats/{key}.csv" for key in CHARTS]]


def text_of(response) -> str:
    kind = response["Content-Type"]
    if "spreadsheet" in kind:
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(response.content))
        return "\n".join(
            str(cell.value) for sheet in book for row in sheet.iter_rows() for cell in row if cell.value is not None
        )
    if "wordprocessing" in kind:
        from docx import Document

        return "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    return response.content.decode("utf-8-sig")


@pytest.mark.parametrize("url", PAGES + DOWNLOADS)
def test_only_published(client, two_years, url):
    response = client.get(url)
    assert response.status_code == 200, url
    text = text_of(response)
    assert SECRET not in text
    assert "Скрытград" not in text and "Скрытый край" not in text


def test_hidden_city_cannot_be_compared(client, two_years):
    page = client.get("/compare/?city=sayanogorsk&city=hidden&year=2024").content.decode()
    assert SECRET not in page
    assert "Города с адресом «hidden» нет среди городов с опубликованными отчётами." in page
    assert 'class="compare ' not in page


def test_needs_page(client, two_years):
    page = client.get("/needs/2024/").content.decode()
    assert "Запросы городов к Ассоциации за 2024 год" in page
    assert "Как поддержать ТОС на севере" in page and "Прислать контакты коллег" in page
    assert "новая тема" in page and "новое для города" in page
    assert 'href="/needs/2024.xlsx"' in page and 'href="/needs/2024.docx"' in page
    index = client.get("/needs/").content.decode()
    assert 'href="/needs/2024/"' in index and 'href="/needs/2023/"' in index and "/needs/2019/" not in index


@pytest.mark.parametrize(
    "url", ["/needs/1900/", "/needs/abc/", "/needs/2019/", "/needs/2019.xlsx", "/needs/1900.docx", "/needs/abc.xlsx"]
)
def test_years_without_published_reports_are_404(client, two_years, url):
    assert client.get(url).status_code == 404


def test_xlsx_is_ready_for_the_board(client, two_years):
    from openpyxl import load_workbook

    response = client.get("/needs/2024.xlsx")
    assert response["Content-Disposition"] == 'attachment; filename="needs-2024.xlsx"'
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    assert sheet["A1"].value == "Запросы городов к Ассоциации за 2024 год"
    assert sheet.freeze_panes == "A7"
    header = [cell.value for cell in sheet[6]]
    assert header == ["Вид запроса", "Тема", "Город", "Субъект РФ", "Запрос (слова города)", "Новое"]
    assert sheet.column_dimensions["E"].width >= 60
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=7)]
    assert len(rows) == 5
    assert ["Методические материалы, опыт других городов", "ТОС", "Когалым"] == rows[0][:3]
    assert rows[0][5] == "новое для города"
    assert all(sheet.cell(row=7, column=col).alignment.wrap_text for col in range(1, 7))
    summary = book.worksheets[1]
    assert [c.value for c in summary[1]][:4] == ["Вид запроса", "Тема", "Запросов", "Городов"]


def test_docx_has_real_headings(client, two_years):
    from docx import Document

    document = Document(io.BytesIO(client.get("/needs/2024.docx").content))
    headings = [(p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    assert headings[0] == ("Title", "Запросы городов к Ассоциации за 2024 год")
    assert ("Heading 1", "Методические материалы, опыт других городов") in headings
    assert ("Heading 2", "Казачество — новая тема") in headings
    assert any("Когалым" in p.text and "Как поддержать ТОС на севере" in p.text for p in document.paragraphs)


def test_a_formula_in_a_request_stays_text(client, two_years, report_with, city):
    report_with(city("Формулград", "formula"), 2024, [("other", '=HYPERLINK("x")', [])])
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(client.get("/needs/2024.xlsx").content)).worksheets[0]
    values = [cell.value for row in sheet.iter_rows() for cell in row]
    assert '\'=HYPERLINK("x")' in values


def test_stats_page_draws_every_chart_without_inline_styles(client, two_years):
    page = client.get("/stats/").content.decode()
    assert page.count('<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" role="img"') == len(CHARTS)
    assert "style=" not in page and "<style" not in page and "<script" not in page
    assert page.count("<caption>") == len(CHARTS)
    assert 'href="/needs/"' in page and 'href="/compare/"' in page
    for key in CHARTS:
        assert f'href="/stats/{key}.csv"' in page


def test_stats_csv(client, two_years):
    response = client.get("/stats/plan-fulfilment.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Год", "выполнена", "выполнена частично"]
    assert rows[0][-1] == "не отмечено, %"
    assert rows[1][0] == "2023" and rows[1][1] == "1"
    assert client.get("/stats/nothing.csv").status_code == 404


def test_nav_links_to_stats(client, two_years):
    page = client.get("/").content.decode()
    assert 'href="/stats/"' in page and 'href="/needs/"' in page
    assert page.count('class="chart-svg"') == 2


@pytest.mark.parametrize(
    "query, message",
    [
        ("city=sayanogorsk&city=sayanogorsk", "Город «Саяногорск» выбран дважды: выберите разные города."),
        ("city=sayanogorsk", "Выберите хотя бы два разных города."),
        ("city=sayanogorsk&city=nowhere", "Города с адресом «nowhere» нет среди городов с опубликованными отчётами."),
        ("city=a&city=b&city=c&city=d&city=e", "Сравнить можно не больше 4 городов за раз."),
    ],
)
def test_compare_messages(client, two_years, query, message):
    response = client.get(f"/compare/?{query}")
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert '<form class="filters compare-form"' in page
    assert 'class="compare ' not in page


def test_compare_side_by_side(client, two_years):
    page = client.get("/compare/?city=sayanogorsk&city=kogalym&year=2024").content.decode()
    assert page.index('<a href="/municipalities/sayanogorsk/">') < page.index('<a href="/municipalities/kogalym/">')
    assert "Методички по ТОС" in page and "Обсудить казачьи общества" in page
    assert "выполнена: 1" in page and "(33&nbsp;%)" in page
    assert 'class="compare cols-2"' in page
    all_years = client.get("/compare/?city=sayanogorsk&city=kogalym").content.decode()
    assert "Методички по ТОС" not in all_years
    assert 'href="/reports/sayanogorsk/2023/#proposals"' in all_years
    missing = client.get("/compare/?city=sayanogorsk&city=kogalym&year=2023").content.decode()
    assert "Нет опубликованного отчёта за 2023 год" in missing
    bad_year = client.get("/compare/?city=sayanogorsk&city=kogalym&year=abc").content.decode()
    assert "«abc» — не год. Показаны все годы." in bad_year and 'class="compare cols-2"' in bad_year


# --- queries ---------------------------------------------------------------------------------

QUERY_URLS = [
    "/needs/",
    "/needs/2020/",
    "/needs/2020.xlsx",
    "/needs/2020.docx",
    "/stats/",
    "/stats/themes-by-year.csv",
    "/compare/?city=gorod-0&city=gorod-1",
    "/compare/?city=gorod-0&city=gorod-1&city=gorod-2&year=2020",
    "/",
]


@pytest.fixture
def build(city, themes, report_with, django_capture_on_commit_callbacks):
    made = [0]

    def make(n):
        with django_capture_on_commit_callbacks(execute=True):
            for i in range(made[0], made[0] + n):
                municipality = city(f"Город{i}", f"gorod-{i}", f"Край {i % 3}")
                for year in (2019, 2020):
                    report_with(
                        municipality,
                        year,
                        [("methodology", f"Просьба {i}", [themes["tos"]]), ("other", "Ещё", [])],
                        achievements=[("Сделано", [themes["youth"]])],
                        outcomes=[("Задача", "done"), ("Другая", "not_done")],
                    )
        made[0] += n

    return make


def count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def test_query_counts_do_not_grow(client, build):
    build(3)  # three cities, six reports
    few = {url: count(client, url) for url in QUERY_URLS}
    build(3)
    many = {url: count(client, url) for url in QUERY_URLS}
    assert few == many


def test_draft_of_a_published_city_stays_out(client, two_years, report_with):
    # Саяногорск's 2025 report is a draft: its words are in no page and no download.
    report_with(two_years["sayan"], 2025, [("other", f"{SECRET} 2025", [])], status=Status.DRAFT)
    for url in ["/compare/?city=sayanogorsk&city=kogalym", "/compare/?city=sayanogorsk&city=kogalym&year=2025"]:
        assert SECRET not in client.get(url).content.decode()
    assert client.get("/needs/2025/").status_code == 404
