"""python manage.py open_campaign YEAR --deadline YYYY-MM-DD [--opens YYYY-MM-DD] [--instructions TEXT]

Creates (or updates) the campaign of a reporting year and, once it is open, gives every member
city without a report an empty draft and invites its editors. Idempotent."""

from datetime import date

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from campaigns.collection import open_campaign
from campaigns.models import ReportingCampaign


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"Дата должна быть в виде ГГГГ-ММ-ДД, а не «{value}».") from None


class Command(BaseCommand):
    help = "Открыть сбор отчётов за год: черновики и приглашения городам-членам Ассоциации."

    def add_arguments(self, parser):
        parser.add_argument("year", type=int)
        parser.add_argument("--deadline", required=True, help="срок сдачи, ГГГГ-ММ-ДД")
        parser.add_argument("--opens", help="дата открытия, ГГГГ-ММ-ДД (по умолчанию — сегодня)")
        parser.add_argument("--instructions", default=None, help="указания городам")
        parser.add_argument("--publication-date", default=None, help="общая дата публикации, ГГГГ-ММ-ДД")
        parser.add_argument("--today", default=None, help="считать сегодняшней эту дату (для проверок)")

    def handle(self, *args, year, deadline, opens, instructions, publication_date, today, **options):
        today = _date(today) if today else timezone.localdate()
        campaign = ReportingCampaign.objects.filter(year=year).first() or ReportingCampaign(year=year)
        campaign.deadline = _date(deadline)
        campaign.opens_on = _date(opens) if opens else (campaign.opens_on or today)
        if instructions is not None:
            campaign.instructions = instructions
        if publication_date is not None:
            campaign.publication_date = _date(publication_date) if publication_date else None
        try:
            campaign.full_clean()
        except ValidationError as error:
            raise CommandError("; ".join(m for messages in error.message_dict.values() for m in messages)) from None
        with transaction.atomic():
            campaign.save()
        result = open_campaign(campaign, today)
        if not campaign.is_open_on(today):
            self.stdout.write(
                f"Кампания {year} года откроется {campaign.opens_on:%d.%m.%Y}; приглашения уйдут в тот день."
            )
            return
        self.stdout.write(
            f"Кампания {year} года: срок {campaign.deadline:%d.%m.%Y}. "
            f"Новых черновиков: {len(result.drafts)}, приглашено городов: {len(result.invited)}."
        )
        for municipality in result.no_contact:
            self.stdout.write(self.style.WARNING(f"Нет адреса ни у одного редактора: {municipality.name}"))
