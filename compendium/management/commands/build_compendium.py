"""build_compendium YEAR — build the year's compendium (PDF and DOCX) now, as the background job does."""

import time

from django.core.management.base import BaseCommand, CommandError

from compendium import build, locks
from reports.models import MAX_YEAR, MIN_YEAR


class Command(BaseCommand):
    help = (
        "Собирает сборник отчётов за год (PDF и DOCX) сейчас же, как это делает фоновая задача после "
        "публикаций: из опубликованных отчётов года. Если сборник этого года уже собирается другим "
        "процессом, команда сообщает об этом и ничего не делает."
    )

    def add_arguments(self, parser):
        parser.add_argument("year", type=int, help="отчётный год, например 2024")

    def handle(self, *args, year, **options):
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise CommandError(f"Год должен быть от {MIN_YEAR} до {MAX_YEAR}.")
        started = time.monotonic()
        try:
            files = build.build_now(year)
        except locks.Busy as error:
            raise CommandError(f"Сборник за {year} год уже собирается другим процессом; попробуйте позже.") from error
        if not files:
            self.stdout.write(f"За {year} год опубликованных отчётов нет: сборника нет (прежние файлы удалены).")
            return
        for record in files:
            self.stdout.write(
                f"{record.format.upper()}: {build.path_of(record)} — {record.size / 1_048_576:.1f} МБ, "
                f"отчётов {record.report_count}, {record.seconds:.1f} с"
            )
        self.stdout.write(f"Готово за {time.monotonic() - started:.1f} с.")
