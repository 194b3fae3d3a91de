"""suggest_themes — suggest the themes of every item whose themes are not confirmed (once after
the themes arrive on a database that already has reports; the admin does it on every rule change)."""

from django.core.management.base import BaseCommand
from django.db import transaction

from reports import publication
from themes import assign


class Command(BaseCommand):
    help = (
        "Подбирает темы всем пунктам отчётов, темы которых не проверены модератором, по текущим правилам "
        "тем и обновляет страницы опубликованных отчётов. Проверенные темы не меняются."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            changed = assign.suggest_everywhere()
            publication.themes_changed(changed)
        self.stdout.write(self.style.SUCCESS(f"Готово: темы изменились в отчётах: {len(changed)}."))
