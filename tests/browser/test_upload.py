"""Upload a report written in Word and get a prefilled draft, in a real browser."""

import re
from pathlib import Path

import docx
import pytest
from playwright.sync_api import expect

from reports.models import Report
from reports.status import Status

from .helpers import login, screenshots

pytestmark = pytest.mark.browser

SEED = Path(__file__).resolve().parents[2] / "seeds" / "001_919fb9ac42d83f1b.txt"


def _word_copy_of_seed(tmp_path) -> Path:
    """The 2025 Саяногорск report as a Word document: headings, paragraphs, a bulleted list."""
    document = docx.Document()
    # In this seed every non-empty line is one paragraph or one list item.
    lines = [line for line in SEED.read_text(encoding="utf-8").splitlines() if line.strip()]
    for line in lines:
        text = " ".join(line.split())
        if text.startswith("- "):
            document.add_paragraph(text[2:], style="List Bullet")
        elif text.startswith(("Что наиболее", "Какие задачи")):
            document.add_heading(text, level=2)
        else:
            document.add_paragraph(text)
    path = tmp_path / "Саяногорск 2025.docx"
    document.save(path)
    return path


def test_city_editor_uploads_a_word_report_and_reviews_the_summary(page, editor, tmp_path):
    login(page, editor)
    page.get_by_role("link", name="Загрузить готовый отчёт из Word").click()
    expect(page.get_by_role("heading", name="Загрузить отчёт из файла")).to_be_visible()

    # A file that is not a report: a clear message, nothing created.
    junk = tmp_path / "фото.txt"
    junk.write_bytes(b"\x00\x01\x02 not a report")
    page.get_by_label("Файл отчёта").set_input_files(str(junk))
    page.get_by_role("button", name="Загрузить и разобрать").click()
    expect(page.locator(".errorlist")).to_contain_text("Не удалось прочитать отчёт")
    screenshots(page, "upload-bad-file")
    assert Report.objects.count() == 0

    page.get_by_label("Файл отчёта").set_input_files(str(_word_copy_of_seed(tmp_path)))
    page.get_by_role("button", name="Загрузить и разобрать").click()
    expect(page).to_have_url(re.compile(r"/upload-summary/$"))
    expect(page.get_by_role("heading", name=re.compile("Черновик создан"))).to_be_visible()
    counts = page.locator("table.import-counts tbody tr")
    expect(counts).to_have_count(4)
    expect(counts.nth(0)).to_contain_text("3")
    expect(counts.nth(3)).to_contain_text("9")
    expect(page.locator(".import-notes")).to_contain_text("Вопросы для обсуждения")
    screenshots(page, "upload-summary")

    report = Report.objects.get()
    assert (report.municipality.name, report.year, report.status) == ("Саяногорск", 2025, Status.DRAFT)
    assert (report.achievements.count(), report.problems.count(), report.tasks.count(), report.proposals.count()) == (
        3,
        1,
        3,
        9,
    )

    page.get_by_role("link", name="Открыть черновик и проверить").click()
    expect(page.locator(".status-badge").first).to_have_text("Черновик")
    expect(page.get_by_role("link", name="Отправить на проверку")).to_be_visible()
