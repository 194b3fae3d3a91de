"""Upload a report written in Word and get a prefilled draft, in a real browser."""

import re
from pathlib import Path

import docx
import pytest
from playwright.sync_api import expect

from reports import workflow
from reports.models import Achievement, Problem, Proposal, Report, Task
from reports.status import Status
from tests.reports.importer.helpers import fill_template

from .helpers import AT_1280, login, screenshots

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
    expect(page.get_by_role("button", name="Сохранить и отправить на проверку")).to_be_visible()


# --- issue 14, item 5: the city chosen, choices kept, the template, replacing one's draft -------

TEMPLATE_ITEMS = {
    "achievements": ["Проведён городской форум ТОС.", "Открыт ресурсный центр общественных инициатив."],
    "problems": ["Жители мало знают о конкурсе проектов ТОС."],
    "tasks": ["Провести обучающий семинар для председателей ТОС."],
    "proposals": ["Методические рекомендации по работе с молодёжными советами."],
}


def test_the_city_is_chosen_the_template_downloads_and_an_error_keeps_the_choices(page, editor, sayan, tmp_path):
    login(page, editor)
    # The start page offers the template too.
    expect(page.get_by_role("link", name="Скачать шаблон отчёта (Word)")).to_be_visible()
    page.get_by_role("link", name="Загрузить готовый отчёт из Word").click()
    expect(page.get_by_role("heading", name="Загрузить отчёт из файла")).to_be_visible()

    # One municipality: it is chosen, and there is no other choice.
    city = page.get_by_label("Муниципалитет")
    expect(city).to_have_value(str(sayan.pk))
    expect(city.locator("option")).to_have_count(1)
    screenshots(page, "upload-form-one-city", viewports=AT_1280)

    # The template, downloaded as a person would.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Скачать шаблон Word с заголовками разделов").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".docx") and "Саяногорск" in download.suggested_filename
    template = tmp_path / download.suggested_filename
    download.save_as(template)
    year = int(download.suggested_filename.rsplit(" ", 1)[1].removesuffix(".docx"))
    assert docx.Document(str(template)).paragraphs[0].text == "САЯНОГОРСК"

    # A bad file: the municipality and the year stay; the page says to choose the file again.
    page.get_by_label("Отчётный год").fill(str(year))
    junk = tmp_path / "фото.txt"
    junk.write_bytes(b"\x00\x01\x02 not a report")
    page.get_by_label("Файл отчёта").set_input_files(str(junk))
    page.get_by_role("button", name="Загрузить и разобрать").click()
    expect(page.locator(".errorlist")).to_contain_text("Не удалось прочитать отчёт")
    expect(page.locator(".errornote")).to_contain_text("Выберите файл ещё раз")
    expect(page.get_by_label("Муниципалитет")).to_have_value(str(sayan.pk))
    expect(page.get_by_label("Отчётный год")).to_have_value(str(year))
    expect(page.get_by_label("Файл отчёта")).to_have_value("")
    screenshots(page, "upload-error-keeps-choices", viewports=AT_1280)
    assert Report.objects.count() == 0

    # The template, filled in, imports into the right sections.
    filled = tmp_path / "заполненный.docx"
    filled.write_bytes(fill_template(template.read_bytes(), year, TEMPLATE_ITEMS))
    page.get_by_label("Файл отчёта").set_input_files(str(filled))
    page.get_by_role("button", name="Загрузить и разобрать").click()
    expect(page.get_by_role("heading", name=re.compile("Черновик создан"))).to_be_visible()
    expect(page.locator(".import-notes")).to_have_count(0)
    report = Report.objects.get()
    assert (report.municipality, report.year) == (sayan, year)
    for key, texts in TEMPLATE_ITEMS.items():
        assert list(getattr(report, key).order_by("position").values_list("text", flat=True)) == texts, key


CORRECTED = {
    "achievements": [
        "Проведён форум ТОС, в нём участвовали 150 активистов.",
        "Открыт ресурсный центр общественных инициатив.",
        "Создан молодёжный совет при главе города.",
    ],
    "problems": [],
    "tasks": ["Провести конкурс проектов ТОС."],
    "proposals": ["Семинар по работе с ТОС."],
}


def _written_report(make_report, status=Status.DRAFT, actors=None):
    report = make_report(year=2024, items=False)
    Achievement.objects.create(report=report, text="Проведён форум ТОС, в нём участвовали 120 активистов.", position=1)
    Achievement.objects.create(report=report, text="Проведено 12 встреч с жителями микрорайонов.", position=2)
    Problem.objects.create(report=report, text="Сложно привлечь молодёжь.", position=1)
    Task.objects.create(report=report, text="Провести конкурс проектов ТОС.", year=2025, position=1)
    Proposal.objects.create(report=report, text="Семинар по работе с ТОС.", kind="conference", position=1)
    return report


def test_a_corrected_file_replaces_ones_draft_after_showing_the_changes(page, editor, make_report, tmp_path):
    from reports.importer.template import build_template

    report = _written_report(make_report)
    corrected = tmp_path / "Саяногорск 2024 исправленный.docx"
    corrected.write_bytes(fill_template(build_template("Саяногорск", 2024), 2024, CORRECTED))
    login(page, editor)
    page.goto("/admin/reports/report/upload/")
    page.get_by_label("Файл отчёта").set_input_files(str(corrected))
    page.get_by_role("button", name="Загрузить и разобрать").click()

    expect(page.get_by_role("heading", name=f"Заменить содержание отчёта «{report}» из файла?")).to_be_visible()
    expect(page.get_by_role("heading", name="Достижения: +2, −1, изменено 1")).to_be_visible()
    expect(page.get_by_role("heading", name="Проблемы: −1")).to_be_visible()
    summary = page.locator("table.replace-summary tbody tr")
    expect(summary).to_have_count(4)
    expect(summary.nth(2)).to_contain_text("без изменений")
    expect(page.locator(".diff-added").first).to_contain_text("Открыт ресурсный центр")
    screenshots(page, "upload-replace-changes", viewports=AT_1280)
    assert report.achievements.count() == 2  # nothing replaced yet

    page.get_by_role("button", name="Заменить содержание отчёта").click()
    expect(page.get_by_role("heading", name=f"Содержание отчёта заменено: {report}")).to_be_visible()
    screenshots(page, "upload-replace-done", viewports=AT_1280)
    fresh = Report.objects.get(pk=report.pk)
    assert list(fresh.achievements.order_by("position").values_list("text", flat=True)) == CORRECTED["achievements"]
    assert fresh.problems.count() == 0
    assert (fresh.status, fresh.version) == (Status.DRAFT, report.version + 1)
    page.get_by_role("link", name="Открыть отчёт и проверить").click()
    expect(page.locator(".status-badge").first).to_have_text("Черновик")


def test_a_submitted_report_is_not_replaced_and_the_page_links_to_it(page, editor, make_report, tmp_path):
    from reports.importer.template import build_template

    report = _written_report(make_report)
    report = workflow.perform(report, editor, "submit")
    corrected = tmp_path / "исправленный.docx"
    corrected.write_bytes(fill_template(build_template("Саяногорск", 2024), 2024, CORRECTED))
    login(page, editor)
    page.goto("/admin/reports/report/upload/")
    page.get_by_label("Файл отчёта").set_input_files(str(corrected))
    page.get_by_role("button", name="Загрузить и разобрать").click()

    expect(page.locator(".errorlist")).to_contain_text("заменить его из файла нельзя: он в статусе «На проверке»")
    screenshots(page, "upload-replace-refused", viewports=AT_1280)
    page.locator(".errorlist").get_by_role("link", name=str(report)).click()
    expect(page).to_have_url(re.compile(rf"/admin/reports/report/{report.pk}/change/$"))
    assert Report.objects.get(pk=report.pk).achievements.count() == 2
