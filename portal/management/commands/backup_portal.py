import gzip
import io
import json
import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from . import _backup


class Command(BaseCommand):
    help = (
        "Сохраняет все данные портала в один файл: учётные записи (с хешами паролей, ролями и "
        "муниципалитетами), муниципалитеты, отчёты, все пункты, события и всю историю изменений. "
        "Поисковый индекс не сохраняется (restore_portal строит его заново). Файл по умолчанию: "
        "backups/portal-ГГГГММДД-ЧЧММСС.json.gz; в нём пароли (хеши) и адреса — храните как секрет. "
        "Восстановление: manage.py restore_portal ФАЙЛ. Для очень больших баз быстрее pg_dump -Fc."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            "-o",
            metavar="PATH",
            help="куда записать копию (по умолчанию backups/portal-ГГГГММДД-ЧЧММСС.json.gz)",
        )

    def handle(self, *args, **options):
        if options["output"]:
            path = Path(options["output"])
        else:
            stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
            path = Path(settings.BASE_DIR) / "backups" / f"portal-{stamp}.json.gz"
        partial = path.with_name(path.name + ".part")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            counts, written = self._write(partial)
            if any(counts[label] != n for label, n in written.items()):
                raise CommandError("Данные менялись во время копирования; запустите копирование ещё раз.")
            os.replace(partial, path)
        except DatabaseError as error:
            raise CommandError(f"Не удалось прочитать данные из базы: {error}") from None
        except OSError as error:
            raise CommandError(f"Не удалось записать копию в {path}: {error}") from None
        finally:
            # Never leave a half-written file that could be taken for a backup.
            partial.unlink(missing_ok=True)

        width = max(len(label) for label in counts)
        for label, n in counts.items():
            self.stdout.write(f"  {label:<{width}}  {n}")
        size = path.stat().st_size
        rows = sum(counts.values())
        message = f"Резервная копия записана: {path} ({size / 1024:.1f} КБ, строк {rows})."
        self.stdout.write(self.style.SUCCESS(message))

    def _write(self, partial: Path):
        # Readable by the owner only: the file holds password hashes and e-mail addresses.
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with open(fd, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb") as zipped:
            stream = io.TextIOWrapper(zipped, encoding="utf-8", newline="\n")
            # One consistent snapshot: the counts in the manifest and the rows agree even while
            # the site is being used (REPEATABLE READ on PostgreSQL; a read transaction on SQLite).
            with transaction.atomic():
                if connection.vendor == "postgresql" and not _outer_atomic():
                    with connection.cursor() as cursor:
                        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                counts = _backup.count_rows()
                header = {_backup.MANIFEST_KEY: _backup.manifest(counts)}
                stream.write(json.dumps(header, ensure_ascii=False) + "\n")
                written = _backup.write_objects(stream)
            stream.flush()
            stream.detach()
        return counts, written


def _outer_atomic() -> bool:
    """True when called inside someone else's transaction (tests, call_command in code):
    the isolation level can then no longer be chosen."""
    return len(connection.atomic_blocks) > 1
