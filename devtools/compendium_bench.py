#!/usr/bin/env python3
"""The compendium at national size: build time and peak memory of `build_compendium YEAR` for
350 published reports × 40 items (issue 17: within 5 minutes and 1 GB).

    python -m devtools.compendium_bench [--database-url URL] [--cities 350] [--items 40] [--year 2024]

Fills a scratch database (SQLite in a temporary folder unless --database-url names one; its
reports are replaced) with cities and published reports whose texts come from the data
generator's vocabulary (devtools/synthetic/generator.py), 10 items in each of the four sections,
then runs `manage.py build_compendium YEAR` under `/usr/bin/time -v` in its own process and
prints the wall time and the peak resident memory of that process, with the files' sizes and
page count. Writes nothing into the repository (the media folder is temporary too)."""

import argparse
import os
import re
import subprocess
import sys
import tempfile
from itertools import cycle, islice
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def fill(cities: int, items: int, year: int) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from devtools.synthetic import generator
    from reports import publication
    from reports.models import SECTIONS, Municipality, Report
    from reports.status import Status

    call_command("migrate", verbosity=0)
    Report.objects.all().delete()
    Municipality.objects.all().delete()
    per_section = max(1, items // len(SECTIONS))
    now = timezone.now()
    with transaction.atomic():
        for place in generator.municipalities(cities, seed=7):
            municipality = Municipality.objects.create(
                name=place.name, slug=place.slug, region=place.region, is_generated=True
            )
            generated = generator.municipality_reports(7, place, year, 1)[0]
            report = Report.objects.create(
                municipality=municipality, year=year, status=Status.PUBLISHED, published_at=now, is_generated=True
            )
            # Each section's texts repeated until it has its share (the generator writes 0–12).
            pools = [
                generated.achievements,
                generated.problems or generated.achievements,
                generated.tasks,
                [text for _kind, text in generated.proposals] or generated.tasks,
            ]
            for section, pool in zip(SECTIONS, pools):
                texts = list(islice(cycle(pool), per_section))
                extra = {"year": year + 1} if section.key == "tasks" else {}
                section.model.objects.bulk_create(
                    [section.model(report=report, text=t, position=n, **extra) for n, t in enumerate(texts, 1)]
                )
        publication.reports_loaded(Report.objects.values_list("pk", flat=True))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--cities", type=int, default=350)
    parser.add_argument("--items", type=int, default=40)
    parser.add_argument("--year", type=int, default=2024)
    options = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="compendium-bench-"))
    env = {
        **os.environ,
        "DJANGO_DEBUG": "1",
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DATABASE_URL": options.database_url or f"sqlite:///{scratch / 'bench.sqlite3'}",
        "DJANGO_MEDIA_ROOT": str(scratch / "media"),
        "CELERY_BROKER_URL": "",
    }
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    print(f"Filling {options.cities} reports × {options.items} items ({env['DATABASE_URL']}) …", flush=True)
    fill(options.cities, options.items, options.year)
    command = ["/usr/bin/time", "-v", sys.executable, str(ROOT / "manage.py"), "build_compendium", str(options.year)]
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    print(result.stdout)
    wall = re.search(r"Elapsed \(wall clock\) time.*: (.+)", result.stderr)
    peak = re.search(r"Maximum resident set size \(kbytes\): (\d+)", result.stderr)
    if result.returncode != 0 or not wall or not peak:
        print(result.stderr[-3000:], file=sys.stderr)
        return 1
    pages = subprocess.run(
        ["pdfinfo", next((scratch / "media" / "compendium").glob("*.pdf"))], capture_output=True, text=True
    ).stdout
    print(re.search(r"Pages:\s+\d+", pages).group(0) if "Pages" in pages else "")
    print(f"build_compendium {options.year}: wall {wall.group(1).strip()}, peak RSS {int(peak.group(1)) / 1024:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
