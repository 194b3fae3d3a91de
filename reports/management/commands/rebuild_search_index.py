from django.core.management.base import BaseCommand

from reports.search import rebuild_index


class Command(BaseCommand):
    help = (
        "Перестраивает поисковый индекс по всем опубликованным отчётам (после миграции, "
        "восстановления базы или если поиск что-то не находит). Сайт при этом продолжает работать."
    )

    def handle(self, *args, **options):
        documents = rebuild_index()
        self.stdout.write(self.style.SUCCESS(f"Поисковый индекс перестроен: документов {documents}."))
