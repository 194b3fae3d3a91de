"""What happens when the Association's editors change themes (the theme admin calls these, inside
the transaction of the change): an old address keeps working, items are suggested again when the
rules change, and the public pages that show themes are made again (reports.publication)."""

from django.db import transaction

from reports import publication

from . import assign
from .models import Theme, ThemeAlias


def keep_old_slug(theme: Theme, old_slug: str) -> None:
    """The theme's address changed from `old_slug`: links to the old one redirect to it."""
    if old_slug and old_slug != theme.slug:
        ThemeAlias.objects.filter(slug=theme.slug).delete()  # the theme took back an address it had
        ThemeAlias.objects.update_or_create(slug=old_slug, defaults={"theme": theme})


def theme_saved(theme: Theme, *, created: bool, changed: set[str], old_slug: str = "") -> None:
    """After a theme was added or edited (`changed`: the names of the fields that changed)."""
    if "slug" in changed and not created:
        keep_old_slug(theme, old_slug)
    affected = set()
    if created or "keywords" in changed:
        affected |= assign.suggest_everywhere()
    if changed & {"name", "slug", "position"}:
        affected |= assign.reports_with(theme)  # its name, link or place among an item's themes
    if created or changed:
        publication.themes_changed(affected)


def theme_deleted(report_ids: set[int]) -> None:
    """After a theme was deleted (`report_ids`: the reports that had items of it, asked before)."""
    publication.themes_changed(report_ids)


@transaction.atomic  # the admin's actions run outside the transaction of a form's save
def merge(sources, target: Theme) -> int:
    """Merge `sources` into `target`: their items get `target` (confirmed or not), their addresses
    (and their own old ones) lead to it, and they are deleted. Returns how many were merged."""
    affected, merged = set(), 0
    for source in sources:
        if source.pk == target.pk:
            continue
        affected |= assign.move_assignments(source, target)
        target.keywords = merged_keywords(target.keywords, source.keywords)
        ThemeAlias.objects.filter(theme=source).update(theme=target)
        ThemeAlias.objects.update_or_create(slug=source.slug, defaults={"theme": target})
        source.delete()
        merged += 1
    if merged:
        target.save(update_fields=["keywords"])
        publication.themes_changed(affected)
    return merged


def merged_keywords(target: str, source: str) -> str:
    """The target's rules, then those of the merged theme it lacks: what was suggested as the merged
    theme is suggested as the target from now on."""
    lines = [line.strip() for line in (target or "").splitlines() if line.strip()]
    known = set(lines)
    lines += [line for line in (line.strip() for line in (source or "").splitlines()) if line and line not in known]
    return "\n".join(lines)
