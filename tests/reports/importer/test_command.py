"""manage.py import_reports PATH… — files or folders → reports; exit status and messages."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from reports.importer.parser import parse_file
from reports.models import ITEM_MODELS, Municipality, Report, ReportEvent
from reports.status import Status

from .helpers import REPO, SEED_NAMES, seed_path, seeds_dir

pytestmark = pytest.mark.django_db

SEED_FILES = [SEED_NAMES[k] for k in sorted(SEED_NAMES)]
ALREADY = "уже есть, ничего не изменено"


def run(*args):
    """call_command → (exit status, stdout, stderr); SystemExit is caught like a shell would."""
    out, err = StringIO(), StringIO()
    code = 0
    try:
        call_command("import_reports", *[str(a) for a in args], stdout=out, stderr=err)
    except SystemExit as exit_:
        code = exit_.code
    return code, out.getvalue(), err.getvalue()


def counts():
    return {
        "municipalities": Municipality.objects.count(),
        "reports": sorted(Report.objects.values_list("id", "status", "version")),
        "items": {m.__name__: m.objects.count() for m in ITEM_MODELS},
        "history": {m.__name__: m.history.count() for m in (Municipality, Report, *ITEM_MODELS)},
        "events": ReportEvent.objects.count(),
    }


def lines_naming(text, name):
    return [line for line in text.splitlines() if name in line]


def assert_no_traceback(*texts):
    for text in texts:
        assert "Traceback" not in text
        assert 'File "' not in text


# --- dry run --------------------------------------------------------------------------------


def test_dry_run_prints_each_seed_and_saves_nothing():
    code, out, err = run("--dry-run", seeds_dir())

    assert code == 0, err
    for name in SEED_FILES:
        parsed = parse_file(seeds_dir() / name)
        assert f"== {name}: {parsed.municipality}, {parsed.year}" in out
    # Section counts, per seed, in the order printed.
    blocks = out.split("== ")[1:]
    assert len(blocks) == 5
    for block, name in zip(blocks, SEED_FILES):
        parsed = parse_file(seeds_dir() / name)
        assert block.startswith(name)
        assert f"Достижения: {len(parsed.achievements)}" in block
        assert f"Проблемы: {len(parsed.problems)}" in block
        assert f"Задачи на следующий год: {len(parsed.tasks)}" in block
        assert f"Запросы к Ассоциации: {len(parsed.proposals)}" in block
    assert "Файлов: 5, успешно: 5, с ошибками: 0." in out
    assert Report.objects.count() == 0
    assert Municipality.objects.count() == 0
    assert all(m.objects.count() == 0 for m in ITEM_MODELS)


def test_dry_run_of_sayanogorsk_2025_shows_the_items():
    code, out, _ = run("--dry-run", seed_path("001"))
    assert code == 0
    assert "== 001_919fb9ac42d83f1b.txt: Саяногорск, 2025" in out
    for line in ("Достижения: 3", "Проблемы: 1", "Задачи на следующий год: 3", "Запросы к Ассоциации: 9"):
        assert line in out
    assert "[2026] " in out and "[training] " in out
    assert "пропущено:" in out  # the lead-ins that were not imported are listed
    assert Report.objects.count() == 0


# --- importing ------------------------------------------------------------------------------


def test_default_run_creates_five_drafts():
    code, out, err = run(seeds_dir())

    assert code == 0, err
    assert err == ""
    assert "Файлов: 5, успешно: 5, с ошибками: 0." in out
    assert Report.objects.count() == 5
    assert set(Report.objects.values_list("status", flat=True)) == {Status.DRAFT}
    for name in SEED_FILES:
        parsed = parse_file(seeds_dir() / name)
        report = Report.objects.get(municipality__name=parsed.municipality, year=parsed.year)
        assert report.achievements.count() == len(parsed.achievements)
        assert report.tasks.count() == len(parsed.tasks)
        assert report.proposals.count() == len(parsed.proposals)
        (line,) = lines_naming(out, name)
        assert "создан" in line and "Черновик" in line
        assert f"Достижения: {len(parsed.achievements)}" in line
    # Unknown municipalities are created and reported, once each.
    for name in ("Саяногорск", "Лесосибирск", "Ленинск-Кузнецкий", "Когалым"):
        assert out.count(f"новый муниципалитет «{name}»") == 1
    assert Municipality.objects.count() == 4
    assert ReportEvent.objects.count() == 0


def test_rerun_changes_nothing_and_says_so():
    assert run(seeds_dir())[0] == 0
    before = counts()

    code, out, err = run(seeds_dir())

    assert code == 0, err
    for name in SEED_FILES:
        (line,) = lines_naming(out, name)
        assert ALREADY in line
    assert "новый муниципалитет" not in out
    assert "Файлов: 5, успешно: 5, с ошибками: 0." in out
    assert counts() == before


def test_individual_files_are_accepted():
    code, out, err = run(seed_path("000"), seed_path("004"))
    assert code == 0, err
    assert sorted(Report.objects.values_list("municipality__name", "year")) == [("Когалым", 2020), ("Саяногорск", 2018)]


def test_publish_stores_published_archives(mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        code, out, err = run("--publish", seeds_dir())

    assert code == 0, err
    assert Report.objects.count() == 5
    assert set(Report.objects.values_list("status", flat=True)) == {Status.PUBLISHED}
    assert not Report.objects.filter(published_at__isnull=True).exists()
    assert sorted(ReportEvent.objects.values_list("transition", flat=True)) == ["publish_archive"] * 5
    assert set(ReportEvent.objects.values_list("actor", flat=True)) == {None}
    assert out.count("Опубликован") == 5
    assert mailoutbox == []


def test_rerun_with_publish_over_published_changes_nothing():
    run("--publish", seeds_dir())
    before = counts()
    code, out, _ = run("--publish", seeds_dir())
    assert code == 0
    assert out.count(ALREADY) == 5
    assert counts() == before


def test_replace_over_a_draft_replaces_it():
    run(seed_path("001"))
    report = Report.objects.get()
    code, out, err = run("--replace", seed_path("001"))
    assert code == 0, err
    assert "заменён" in out
    fresh = Report.objects.get()
    assert fresh.pk == report.pk and fresh.version == report.version + 1
    assert fresh.achievements.count() == 3


def test_replace_over_a_published_report_fails():
    run("--publish", seed_path("001"))
    before = counts()

    code, out, err = run("--replace", seed_path("001"))

    assert code == 1
    (line,) = lines_naming(err, "001_919fb9ac42d83f1b.txt")
    assert "только черновик" in line and "Опубликован" in line
    assert "с ошибками: 1" in err
    assert_no_traceback(out, err)
    assert counts() == before


# --- failures -------------------------------------------------------------------------------


BAD_FILES = {
    # name: (content, words of the reason that must be on the file's line)
    "empty.txt": (b"", "Файл пуст"),
    "blank.txt": (b"  \n\r\n\t\n", "Файл пуст"),
    "binary.txt": (bytes(range(256)) * 8, "двоичный"),
    "no_structure.txt": (
        "Просто текст без заголовков.\n\nЕщё один абзац, и никаких разделов отчёта.\n".encode(),
        "Не найден заголовок раздела достижений",
    ),
    "broken.docx": (b"PK\x03\x04" + b"not really a zip" * 50, "повреждён"),
    "renamed_pdf.txt": (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "PDF не поддерживается"),
}


@pytest.fixture
def mixed_folder(tmp_path):
    shutil.copy(seed_path("000"), tmp_path / "good.txt")
    for name, (content, _reason) in BAD_FILES.items():
        (tmp_path / name).write_bytes(content)
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.4")  # not .txt/.docx: not picked up from a folder
    return tmp_path


def test_bad_files_get_a_line_each_good_one_is_imported(mixed_folder):
    code, out, err = run(mixed_folder)

    assert code == 1
    for name, (_content, reason) in BAD_FILES.items():
        lines = lines_naming(err, name)
        assert len(lines) == 1, (name, err)
        assert reason in lines[0], (name, lines[0])
        assert lines[0].startswith("ОШИБКА")
    assert "notes.pdf" not in out + err
    assert f"Файлов: {len(BAD_FILES) + 1}, успешно: 1, с ошибками: {len(BAD_FILES)}." in err
    assert_no_traceback(out, err)
    (line,) = lines_naming(out, "good.txt")
    assert "создан" in line
    assert list(Report.objects.values_list("municipality__name", "year", "status")) == [
        ("Саяногорск", 2018, Status.DRAFT)
    ]
    assert Municipality.objects.count() == 1


def test_bad_files_in_dry_run_fail_too(mixed_folder):
    code, out, err = run("--dry-run", mixed_folder)
    assert code == 1
    assert "== good.txt: Саяногорск, 2018" in out
    for name in BAD_FILES:
        assert len(lines_naming(err, name)) == 1
    assert_no_traceback(out, err)
    assert Report.objects.count() == 0


def test_nonexistent_path_fails_with_a_line(tmp_path):
    missing = tmp_path / "нет такого файла.txt"
    code, out, err = run(seed_path("000"), missing)
    assert code == 1
    (line,) = lines_naming(err, "нет такого файла.txt")
    assert "не найден" in line
    assert_no_traceback(out, err)
    assert Report.objects.count() == 1  # the existing file was still imported


def test_nonexistent_folder_fails_with_a_line(tmp_path):
    code, _out, err = run(tmp_path / "no-such-folder")
    assert code == 1
    (line,) = lines_naming(err, "no-such-folder")
    assert "не найден" in line
    assert_no_traceback(err)


def test_unreadable_folder_fails_with_a_line(tmp_path, monkeypatch):
    """A folder that cannot be listed (no permission) is a failure line, not a traceback;
    the other paths are still imported. (Simulated: the tests may run as root.)"""
    locked = tmp_path / "закрытая папка"
    locked.mkdir()
    shutil.copy(seed_path("000"), locked / "report.txt")
    real_iterdir = Path.iterdir

    def iterdir(self):
        if self == locked:
            raise PermissionError(13, "Permission denied", str(self))
        return real_iterdir(self)

    monkeypatch.setattr(Path, "iterdir", iterdir)
    code, out, err = run(locked, seed_path("004"))
    assert code == 1
    (line,) = lines_naming(err, "закрытая папка")
    assert line.startswith("ОШИБКА") and "Permission denied" in line
    assert_no_traceback(out, err)
    assert list(Report.objects.values_list("municipality__name", flat=True)) == ["Когалым"]


def test_folder_without_documents_is_an_error(tmp_path):
    (tmp_path / "readme.md").write_text("nothing here")
    with pytest.raises(CommandError, match="Не найдено ни одного файла"):
        run(tmp_path)


def test_a_storage_failure_is_a_line_not_a_traceback(monkeypatch):
    from reports.models import Achievement

    def broken(self, *args, **kwargs):
        raise RuntimeError("диск переполнен")

    monkeypatch.setattr(Achievement, "save", broken)
    code, out, err = run(seed_path("000"), seed_path("004"))
    assert code == 1
    for name in (SEED_NAMES["000"], SEED_NAMES["004"]):
        (line,) = lines_naming(err, name)
        assert "диск переполнен" in line
    assert_no_traceback(out, err)
    assert Report.objects.count() == 0
    assert Municipality.objects.count() == 0


# --- the real command, as an operator runs it -----------------------------------------------


def _manage(*args):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "manage.py", "import_reports", *[str(a) for a in args]],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )


def test_real_command_dry_run_exits_zero():
    done = _manage("--dry-run", seeds_dir())
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert "== 001_919fb9ac42d83f1b.txt: Саяногорск, 2025" in done.stdout
    assert "Файлов: 5, успешно: 5, с ошибками: 0." in done.stdout


def test_real_command_exit_status_is_one_on_a_bad_file(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    done = _manage("--dry-run", seed_path("000"), tmp_path / "empty.txt")
    assert done.returncode == 1
    assert "Traceback" not in done.stdout + done.stderr
    (line,) = lines_naming(done.stderr, "empty.txt")
    assert "Файл пуст" in line


@pytest.mark.django_db
def test_importing_the_seeds_on_a_fresh_database_gives_every_city_its_region():
    code, _out, err = run(seeds_dir())
    assert code == 0, err
    cities = dict(Municipality.objects.values_list("name", "region"))
    assert set(cities) == {parse_file(seed_path(key)).municipality for key in SEED_NAMES}
    assert all(cities.values()), cities
    assert cities["Когалым"] == "Ханты-Мансийский автономный округ — Югра"
    assert Municipality.objects.get(name="Когалым").website == "https://admkogalym.ru"


@pytest.mark.django_db
def test_another_directory_can_be_given_and_an_existing_city_is_left_alone(tmp_path):
    directory = tmp_path / "cities.csv"
    directory.write_text("name,region,website\nКОГАЛЫМ,Югра (свой справочник),https://example.org\n", encoding="utf-8")
    Municipality.objects.create(name="Саяногорск", slug="sayanogorsk", region="Хакасия (как было)")
    code, _out, err = run("--directory", directory, seed_path("004"), seed_path("000"))
    assert code == 0, err
    assert Municipality.objects.get(name="Когалым").region == "Югра (свой справочник)"
    assert Municipality.objects.get(name="Саяногорск").region == "Хакасия (как было)"
