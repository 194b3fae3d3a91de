"""In a real browser: an impossible filter value is named on the page, the title says what the
list holds, and the export of a bad query is refused with a message."""

import pytest
from playwright.sync_api import expect

from reports.status import Status

from .helpers import screenshots

pytestmark = pytest.mark.browser


def test_the_reader_is_told_which_condition_was_left_out(page, make_report, sayan):
    sayan.region = "Республика Хакасия"
    sayan.save()
    make_report(status=Status.PUBLISHED, municipality=sayan, year=2024)

    page.goto("/reports/?year=abc&region=Республика Хакасия")
    expect(page.get_by_role("alert")).to_have_text(
        "Не применено — такого значения нет: Год. Показаны отчёты по остальным условиям."
    )
    expect(page).to_have_title("Отчёты: Республика Хакасия — Портал отчётов АСДГ")
    screenshots(page, "list-impossible-filter")

    page.get_by_label("Год").select_option("2024")
    page.get_by_role("button", name="Показать").click()
    expect(page.get_by_role("alert")).to_have_count(0)
    expect(page).to_have_title("Отчёты: 2024 год — Республика Хакасия — Портал отчётов АСДГ")

    response = page.goto("/reports/export.csv?year=abc")
    assert response.status == 400
    assert "Выгрузка не сделана" in page.content()
