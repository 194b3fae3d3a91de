"""themes_on_seeds — what the themes' rules suggest for every item of the seed reports.

A yardstick for tuning the rules (themes/migrations/0002, then the theme admin): reads the
seed documents with the importer's parser and the rules from the database, writes nothing.
"""

from collections import Counter
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from reports.importer.parser import parse_file
from reports.models import SECTIONS
from themes.models import Theme
from themes.rules import Matcher

WIDTH = 110


class Command(BaseCommand):
    help = "Показывает темы, которые правила подбирают для каждого пункта отчётов из seeds/ (ничего не меняет)."

    def add_arguments(self, parser):
        parser.add_argument("--seeds", type=Path, default=Path(settings.BASE_DIR) / "seeds")

    def handle(self, *args, **options):
        themes = {t.pk: t for t in Theme.objects.order_by("position", "name")}
        matcher = Matcher((t.pk, t.keywords) for t in themes.values())
        per_theme, untagged, total = Counter(), 0, 0
        for path in sorted(options["seeds"].glob("*.txt")):
            parsed = parse_file(path)
            self.stdout.write(f"\n=== {path.name}: {parsed.municipality}, {parsed.year}")
            for section in SECTIONS:
                for n, item in enumerate(getattr(parsed, section.key), 1):
                    total += 1
                    text = " ".join(item.text.split())
                    short = text if len(text) <= WIDTH else text[: WIDTH - 1] + "…"
                    hits = matcher.matching_rules(item.text)
                    found = list(dict.fromkeys(key for key, _rule in hits))
                    per_theme.update(found)
                    untagged += not found
                    self.stdout.write(f"\n[{section.key} {n}] {short}")
                    if not found:
                        self.stdout.write("    → (нет тем)")
                    for key in found:
                        rules = ", ".join(f"«{rule.line}»" for k, rule in hits if k == key)
                        self.stdout.write(f"    → {themes[key].name}  ({rules})")
        self.stdout.write(f"\n=== Итого пунктов: {total}, без тем: {untagged}")
        for key, theme in themes.items():
            self.stdout.write(f"  {per_theme[key]:3d}  {theme.name}")
