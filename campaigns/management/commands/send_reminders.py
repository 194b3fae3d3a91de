"""python manage.py send_reminders [--today YYYY-MM-DD]: the day's reminders (what the daily job
does), by hand; --today runs a given day's reminders deterministically."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from campaigns.management.commands.open_campaign import _date
from campaigns.reminders import run


class Command(BaseCommand):
    help = "Разослать напоминания о сроках сдачи отчётов и сводку модераторам."

    def add_arguments(self, parser):
        parser.add_argument("--today", default=None, help="день, за который рассылать, ГГГГ-ММ-ДД")

    def handle(self, *args, today, **options):
        day = _date(today) if today else timezone.localdate()
        result = run(day)
        for key, addresses in result.sent:
            self.stdout.write(f"{key}: {', '.join(addresses)}")
        self.stdout.write(
            f"{day:%d.%m.%Y}: отправлено {len(result.sent)}, новых приглашений {len(result.invited)}, "
            f"пропущено устаревших {len(result.superseded)}."
        )
        for municipality in {m.pk: m for m in result.no_contact}.values():
            self.stdout.write(self.style.WARNING(f"Нет адреса ни у одного редактора: {municipality.name}"))
