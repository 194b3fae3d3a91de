from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from campaigns.demo import ensure_memberships
from reports.demo import load_demo


class Command(BaseCommand):
    help = (
        "Загружает демонстрационные данные: учётные записи (пароль demo), муниципалитеты "
        "и отчёты во всех статусах. Повторный запуск ничего не дублирует. Только для разработки."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Загрузить, даже если DEBUG выключен (демо-учётные записи с паролем demo!).",
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "DEBUG выключен: похоже на рабочий сервер. Демо-данные с паролем demo там не нужны. "
                "Если это всё же тестовый стенд, добавьте --force."
            )
        # The demo walks reports through the workflow; nobody needs its e-mails.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            created = load_demo(stdout=self.stdout)
            # The cities with reports are members of the Association (campaigns/demo.py).
            ensure_memberships(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS(f"Готово: новых демо-отчётов {created}."))
