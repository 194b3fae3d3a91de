import time

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection


class Command(BaseCommand):
    help = "Ждёт, пока база данных начнёт отвечать (для запуска в контейнере)."

    def add_arguments(self, parser):
        parser.add_argument("--timeout", type=float, default=60, help="сколько секунд ждать")

    def handle(self, *args, **options):
        deadline = time.monotonic() + options["timeout"]
        while True:
            try:
                connection.ensure_connection()
                self.stdout.write("База данных отвечает.")
                return
            except DatabaseError as error:
                if time.monotonic() >= deadline:
                    raise CommandError(f"База данных не ответила за {options['timeout']:.0f} с: {error}") from None
                connection.close()
                time.sleep(1)
