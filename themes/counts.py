"""How many items each theme has: on the public site only items of published reports
(reports.models.published_q), in the admin every item. One grouped query per section."""

from collections import Counter

from reports.models import SECTIONS, published_q


def item_counts(published: bool = True) -> Counter:
    """{theme id: number of items}."""
    counts = Counter()
    for section in SECTIONS:
        through = section.model.themes.through
        rows = through.objects.all()
        if published:
            rows = rows.filter(published_q(f"{section.model._meta.model_name}__report__"))
        for theme_id, n in rows.order_by().values_list("theme_id").annotate(n=_count()).values_list("theme_id", "n"):
            counts[theme_id] += n
    return counts


def _count():
    from django.db.models import Count

    return Count("id")


def count_annotations() -> dict:
    """Annotations of a Theme queryset: `item_count` (every item) and `published_count` (items of
    published reports); a correlated count per section (joining all four would multiply rows)."""
    from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
    from django.db.models.functions import Coalesce

    def total(published: bool):
        parts = []
        for section in SECTIONS:
            through = section.model.themes.through
            rows = through.objects.filter(theme=OuterRef("pk"))
            if published:
                rows = rows.filter(published_q(f"{section.model._meta.model_name}__report__"))
            counted = rows.order_by().values("theme").annotate(n=Count("id")).values("n")
            parts.append(Coalesce(Subquery(counted, output_field=IntegerField()), Value(0)))
        expression = parts[0]
        for part in parts[1:]:
            expression = expression + part
        return expression

    return {"item_count": total(False), "published_count": total(True)}
