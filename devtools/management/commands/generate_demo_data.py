"""generate_demo_data — synthetic municipalities and reports at national scale, for load tests."""

from argparse import Namespace

from django.core.management.base import BaseCommand, CommandError

from devtools.synthetic import bulk, generator

LAST_YEAR = 2025


def positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = (
        "Создаёт сгенерированные муниципалитеты и отчёты для нагрузочных испытаний (например, "
        "17 500 муниципалитетов × 20 лет). Тексты собраны из словаря исходных отчётов; одинаковые "
        "аргументы дают одинаковые данные. Большинство отчётов опубликовано (с событием публикации "
        "и поисковым индексом), небольшая доля — черновики, на проверке и на доработке. Данные "
        "помечены как сгенерированные. Историю изменений (simple-history) и письма команда не создаёт. "
        "Отказывается работать, если в базе есть настоящие отчёты (см. --allow-real-data) или уже есть "
        "сгенерированные данные (см. --clear): повторный запуск без --clear завершается ошибкой и ничего не меняет."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--municipalities", type=positive, default=100, help="сколько муниципалитетов (по умолчанию 100)"
        )
        parser.add_argument("--years", type=positive, default=5, help="сколько лет отчётов у каждого (по умолчанию 5)")
        parser.add_argument(
            "--first-year",
            type=int,
            default=None,
            help=f"первый отчётный год (по умолчанию такой, чтобы последним был {LAST_YEAR})",
        )
        parser.add_argument("--seed", type=int, default=1, help="зерно генератора (по умолчанию 1)")
        parser.add_argument(
            "--allow-real-data",
            action="store_true",
            help="работать и на базе с настоящими отчётами (они не меняются, сгенерированные добавляются рядом)",
        )
        parser.add_argument(
            "--clear",
            action="store_true",
            help="сначала удалить ранее сгенерированные отчёты и муниципалитеты (настоящие не затрагиваются)",
        )
        parser.add_argument(
            "--batch-size",
            type=positive,
            default=2000,
            help="сколько отчётов записывать за одну транзакцию (по умолчанию 2000)",
        )

    def handle(self, *args, **options):
        first_year = options["first_year"]
        if first_year is None:
            first_year = LAST_YEAR - options["years"] + 1
        settings = Namespace(
            municipalities=options["municipalities"],
            years=options["years"],
            first_year=first_year,
            seed=options["seed"],
            allow_real_data=options["allow_real_data"],
            clear=options["clear"],
            batch_size=options["batch_size"],
        )
        self.stdout.write(
            f"Генерация: муниципалитетов {settings.municipalities}, годы {first_year}–{first_year + settings.years - 1}, "
            f"зерно {settings.seed}."
        )
        try:
            counts, seconds = bulk.run(settings, out=self.stdout.write)
        except (bulk.Refused, generator.GenerationError) as error:
            raise CommandError(str(error)) from error
        rate = counts.rows / seconds if seconds > 0 else 0.0
        self.stdout.write(
            self.style.SUCCESS(
                f"Готово: муниципалитетов {counts.municipalities}, отчётов {counts.reports} "
                f"(опубликовано {counts.published}), пунктов {counts.items}, событий {counts.events}, "
                f"поисковых документов {counts.documents}; строк {counts.rows} за {seconds:.1f} с "
                f"({rate:.0f} строк/с)."
            )
        )
