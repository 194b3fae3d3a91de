"""import_reports PATH… — turn report documents (.txt, .docx) into reports."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext

from reports.directory import DEFAULT_CSV
from reports.importer.loader import CREATED, REPLACED, ImportRefused, store_report
from reports.importer.parser import ParseError, parse_file
from reports.models import SECTIONS

SUFFIXES = {".txt", ".docx"}


def collect(paths) -> tuple[list[Path], list[tuple[Path, str]]]:
    """The files to import, and the folders that could not be listed (with the reason)."""
    files, unreadable = [], []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            try:
                files.extend(sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES))
            except OSError as error:
                unreadable.append((path, f"не удалось прочитать папку ({error.strerror or error})"))
        elif path.suffix.lower() not in SUFFIXES and path.exists():
            unreadable.append((path, "поддерживаются только файлы .txt и .docx"))
        else:
            files.append(path)
    return files, unreadable


class Command(BaseCommand):
    help = (
        "Импортирует отчёты из файлов .txt и .docx (или папок с ними). По умолчанию — черновиками; "
        "отчёт, который уже есть за этот год, не меняется. Код выхода 0 — только если все файлы импортированы."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help="файлы или папки")
        parser.add_argument(
            "--directory",
            type=Path,
            default=DEFAULT_CSV,
            help="справочник муниципалитетов (CSV: name, region, website), из которого новый муниципалитет "
            "получает регион и сайт; по умолчанию seeds/municipalities.csv",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="только показать, что распознано; ничего не сохранять"
        )
        parser.add_argument(
            "--publish", action="store_true", help="сохранить опубликованными (архив уже опубликованных отчётов)"
        )
        parser.add_argument(
            "--replace", action="store_true", help="заменить существующий черновик (опубликованный не заменяется)"
        )

    def handle(self, *args, **options):
        files, unreadable = collect(options["paths"])
        if not files and not unreadable:
            raise CommandError("Не найдено ни одного файла .txt или .docx.")
        failed = len(unreadable)
        for path, reason in unreadable:
            self.stderr.write(f"ОШИБКА {path}: {reason}")
        for path in files:
            try:
                parsed = parse_file(path)
            except ParseError as error:
                failed += 1
                self.stderr.write(f"ОШИБКА {path}: {error.translate(gettext, with_source=False)}")
                continue
            except OSError as error:
                failed += 1
                self.stderr.write(f"ОШИБКА {path}: не удалось прочитать файл ({error.strerror or error})")
                continue
            if options["dry_run"]:
                self._print_structure(path, parsed)
                continue
            try:
                result = store_report(
                    parsed, publish=options["publish"], replace=options["replace"], directory=options["directory"]
                )
            except ImportRefused as error:
                failed += 1
                self.stderr.write(f"ОШИБКА {path}: {error}")
                continue
            except Exception as error:  # noqa: BLE001 — one bad file must not stop the others or print a traceback
                failed += 1
                self.stderr.write(f"ОШИБКА {path}: не удалось сохранить ({type(error).__name__}: {error})")
                continue
            self._print_result(path, result)
        total = len(files) + len(unreadable)
        summary = f"Файлов: {total}, успешно: {total - failed}, с ошибками: {failed}."
        if failed:
            self.stderr.write(summary)
            raise SystemExit(1)
        self.stdout.write(self.style.SUCCESS(summary))

    def _print_result(self, path, result):
        counts = result.counts
        sizes = ", ".join(f"{section.title}: {counts[section.key]}" for section in SECTIONS)
        if result.municipality_created:
            self.stdout.write(
                f"  новый муниципалитет «{result.report.municipality.name}» — проверьте регион и сайт в справочнике"
            )
        if result.outcome == CREATED:
            verb = "создан"
        elif result.outcome == REPLACED:
            verb = "заменён"
        else:
            verb = "уже есть, ничего не изменено"
        self.stdout.write(f"{path.name}: {result.report} — {verb} ({result.report.get_status_display()}; {sizes})")

    def _print_structure(self, path, parsed):
        self.stdout.write(f"== {path.name}: {parsed.municipality}, {parsed.year}")
        for title, items in ((section.title, getattr(parsed, section.key)) for section in SECTIONS):
            self.stdout.write(f"  {title}: {len(items)}")
            for item in items:
                extra = f"[{item.year}] " if item.year else (f"[{item.kind}] " if item.kind else "")
                self.stdout.write(f"    стр. {item.line}: {extra}{item.text}")
        for note in parsed.skipped:
            self.stdout.write(f"  пропущено: {note.translate(gettext)}")
        for warning in parsed.warnings:
            self.stdout.write(f"  внимание: {warning.translate(gettext)}")
