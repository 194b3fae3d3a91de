"""The one place that writes the themes of report items (ReportItem.themes, .themes_confirmed).

An item's themes are *suggested* — computed from its text by the themes' keyword rules
(themes.rules) — until a moderator confirms or corrects them; from then on they are theirs and
nothing here changes them (no edit of the text, no change of the rules), except merging their
theme into another one. Suggestions are made again when an unconfirmed item's text changes
(the report form, the importer) and when the rules change (the theme admin).

Nothing here touches what the public sees: the callers hand the reports whose items changed to
reports.publication (the report form does anyway; the theme admin calls themes_changed()).
"""

from collections import defaultdict
from collections.abc import Iterable

from reports.models import ITEM_MODELS

from .models import Theme
from .rules import Matcher

# Items read and written per round when every item is looked at again (a rule changed).
BATCH = 2000


def current_matcher() -> Matcher:
    """The rules of every theme as they are now (one query), keyed by the theme's id."""
    return Matcher(Theme.objects.order_by("position", "name").values_list("pk", "keywords"))


def _through(model):
    """The table of an item model's themes and the name of its column of items ("achievement_id")."""
    return model.themes.through, f"{model._meta.model_name}_id"


def _write(model, wanted: dict[int, set[int]]) -> set[int]:
    """Make the themes of these items (of one model) exactly `wanted` ({item id: theme ids});
    return the ids of the items whose themes changed."""
    through, column = _through(model)
    current = defaultdict(set)
    for item_id, theme_id in through.objects.filter(**{f"{column}__in": list(wanted)}).values_list(column, "theme_id"):
        current[item_id].add(theme_id)
    added, changed = [], set()
    for item_id, themes in wanted.items():
        old = current.get(item_id, set())
        if old == themes:
            continue
        changed.add(item_id)
        if old - themes:
            through.objects.filter(**{column: item_id, "theme_id__in": sorted(old - themes)}).delete()
        added.extend(through(**{column: item_id, "theme_id": theme_id}) for theme_id in sorted(themes - old))
    if added:
        through.objects.bulk_create(added, ignore_conflicts=True)
    return changed


def _suggest_rows(model, rows, matcher: Matcher) -> set[int]:
    """rows: (item id, report id, text) of unconfirmed items. Returns the report ids that changed."""
    rows = list(rows)
    if not rows:
        return set()
    report_of = {pk: report_id for pk, report_id, _text in rows}
    changed = _write(model, {pk: set(matcher.suggest(text)) for pk, _report_id, text in rows})
    return {report_of[pk] for pk in changed}


def suggest(items: Iterable, matcher: Matcher | None = None) -> set[int]:
    """Suggest the themes of these items (model instances, saved) from their text; items whose
    themes are confirmed are left as they are. Returns the ids of the reports whose items'
    themes changed."""
    matcher = matcher or current_matcher()
    by_model = defaultdict(list)
    for item in items:
        if item.pk is not None and not item.themes_confirmed:
            by_model[type(item)].append((item.pk, item.report_id, item.text))
    changed = set()
    for model, rows in by_model.items():
        changed |= _suggest_rows(model, rows, matcher)
    return changed


def suggest_for_reports(report_ids: Iterable[int], matcher: Matcher | None = None) -> set[int]:
    """Suggest the themes of every unconfirmed item of these reports (the importer, the demo)."""
    report_ids = list(report_ids)
    matcher = matcher or current_matcher()
    changed = set()
    for model in ITEM_MODELS:
        rows = model.objects.filter(report_id__in=report_ids, themes_confirmed=False).values_list(
            "pk", "report_id", "text"
        )
        changed |= _suggest_rows(model, rows, matcher)
    return changed


def suggest_everywhere(matcher: Matcher | None = None) -> set[int]:
    """Suggest the themes of every unconfirmed item again (the rules changed). Returns the ids of
    the reports whose items' themes changed."""
    matcher = matcher or current_matcher()
    changed = set()
    for model in ITEM_MODELS:
        unconfirmed = model.objects.filter(themes_confirmed=False).order_by("pk")
        last = 0
        while True:
            rows = list(unconfirmed.filter(pk__gt=last).values_list("pk", "report_id", "text")[:BATCH])
            if not rows:
                break
            changed |= _suggest_rows(model, rows, matcher)
            last = rows[-1][0]
    return changed


def confirm(item, theme_ids: Iterable[int]) -> bool:
    """The moderator's choice of an item's themes: they stand from now on. Returns whether
    anything changed (the themes or the mark)."""
    changed = bool(_write(type(item), {item.pk: set(theme_ids)}))
    if not item.themes_confirmed:
        type(item).objects.filter(pk=item.pk).update(themes_confirmed=True)
        item.themes_confirmed = True
        changed = True
    return changed


def unconfirm(item, matcher: Matcher | None = None) -> bool:
    """Back to suggestions (the moderator unticked «темы проверены»): suggested again at once."""
    was_confirmed = item.themes_confirmed
    if was_confirmed:
        type(item).objects.filter(pk=item.pk).update(themes_confirmed=False)
        item.themes_confirmed = False
    return bool(suggest([item], matcher)) or was_confirmed


def move_assignments(source: Theme, target: Theme) -> set[int]:
    """Every item of `source` gets `target` instead (merging themes), confirmed or not. Returns
    the ids of the reports whose items changed."""
    changed = set()
    for model in ITEM_MODELS:
        through, column = _through(model)
        rows = list(model.objects.filter(themes=source).values_list("pk", "report_id").order_by("pk").distinct())
        if not rows:
            continue
        ids = [pk for pk, _report in rows]
        through.objects.bulk_create(
            [through(**{column: pk, "theme_id": target.pk}) for pk in ids], ignore_conflicts=True
        )
        through.objects.filter(**{f"{column}__in": ids, "theme_id": source.pk}).delete()
        changed.update(report_id for _pk, report_id in rows)
    return changed


def reports_with(theme: Theme) -> set[int]:
    """The ids of the reports that have an item of this theme (its name shows on their pages)."""
    found = set()
    for model in ITEM_MODELS:
        found.update(model.objects.filter(themes=theme).values_list("report_id", flat=True).distinct())
    return found
