"""render_public_pages — make the stored public renderings that are missing or out of date."""

import argparse
import subprocess
import sys
import time
from functools import reduce
from operator import or_
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import reset_queries, transaction
from django.db.models import Exists, OuterRef

from reports.models import Municipality, Report
from reports.public import renderings
from reports.public.models import MunicipalityRendering, ReportRendering

BATCH = renderings.BATCH


def _kinds(subject: str) -> list[tuple[str, str]]:
    kinds = [(renderings.HTML, language) for language in renderings.languages()]
    return kinds + [(renderings.JSON, "")] if subject == "report" else kinds


def _lacking(model, owner: str, subject: str):
    """True for a row (the OuterRef) that lacks a current rendering of one of its kinds."""
    conditions = [
        ~Exists(
            model.objects.filter(
                **{owner: OuterRef("pk")},
                format=format,
                language=language,
                stamp=renderings.stamp(subject, format, language),
            )
        )
        for format, language in _kinds(subject)
    ]
    return reduce(or_, conditions)


def stale_reports(everything: bool = False):
    """Ids of published reports lacking a current rendering of some kind (of every published
    report with `everything`), in id order."""
    reports = Report.objects.published()
    if not everything:
        reports = reports.filter(_lacking(ReportRendering, "report", "report"))
    return reports.order_by("pk").values_list("pk", flat=True)


def stale_municipalities(everything: bool = False):
    """The same for the pages of cities with published reports."""
    municipalities = Municipality.objects.filter(Exists(Report.objects.published().filter(municipality=OuterRef("pk"))))
    if not everything:
        municipalities = municipalities.filter(_lacking(MunicipalityRendering, "municipality", "municipality"))
    return municipalities.order_by("pk").values_list("pk", flat=True)


class Command(BaseCommand):
    help = (
        "Делает заново готовый вид опубликованных отчётов и страниц городов (тело страницы на каждом "
        "языке, документ открытых данных), если его нет или он сделан прежним выпуском портала "
        "(другими шаблонами, переводами, кодом). Запускается при старте (scripts/entrypoint.sh); "
        "что не успело — делается при первом просмотре. Публикацию не меняет."
    )

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="сделать заново всё, а не только устаревшее")
        parser.add_argument("--jobs", type=int, default=1, help="сколько процессов работает параллельно (1)")
        # One part of the work (n/parts: ids with id % parts == n), as --jobs starts it.
        parser.add_argument("--shard", default=None, help=argparse.SUPPRESS)

    def handle(self, *args, **options):
        jobs = options["jobs"]
        if jobs < 1:
            raise CommandError("--jobs: не меньше 1")
        if jobs > 1 and not options["shard"]:
            return self._parallel(jobs, options)
        part, parts = 0, 1
        if options["shard"]:
            part, parts = (int(n) for n in options["shard"].split("/"))
        started = time.monotonic()
        reports = [pk for pk in stale_reports(options["all"]) if pk % parts == part]
        done = 0
        for start in range(0, len(reports), BATCH):
            with transaction.atomic():
                renderings.refresh_reports(reports[start : start + BATCH], municipalities=False)
            # With DEBUG on, Django keeps the SQL of its last 9,000 queries, and an insert of a batch
            # of renderings carries all their HTML: gigabytes over a national database.
            reset_queries()
            done += len(reports[start : start + BATCH])
            if done % (BATCH * 25) == 0:
                self.stdout.write(f"  отчётов {done}/{len(reports)}, {time.monotonic() - started:.0f} с")
        cities = [pk for pk in stale_municipalities(options["all"]) if pk % parts == part]
        for start in range(0, len(cities), BATCH):
            with transaction.atomic():
                renderings.refresh_municipalities(cities[start : start + BATCH])
            reset_queries()
        self.stdout.write(
            self.style.SUCCESS(
                f"Готовый вид сделан: отчётов {len(reports)}, городов {len(cities)} "
                f"за {time.monotonic() - started:.1f} с."
            )
        )

    def _parallel(self, jobs: int, options) -> None:
        command = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "render_public_pages"]
        if options["all"]:
            command.append("--all")
        processes = [subprocess.Popen([*command, "--shard", f"{n}/{jobs}"]) for n in range(jobs)]
        failed = [p.args[-1] for p in processes if p.wait() != 0]
        if failed:
            raise CommandError(f"не завершились части: {', '.join(failed)}")
