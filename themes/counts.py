"""How many items each theme has: on the public site only items of published reports
(reports.models.published_q), in the admin every item."""

from reports.models import SECTIONS, published_q


def theme_rows(section, published: bool = True):
    """The (item, theme) rows of one section; `published`: only items of published reports
    (the theme pages, the API, the statistics)."""
    rows = section.model.themes.through.objects.all()
    if published:
        rows = rows.filter(published_q(f"{section.model._meta.model_name}__report__"))
    return rows


def count_annotations() -> dict:
    """Annotations of a Theme queryset: `item_count` (every item) and `published_count` (items of
    published reports); a correlated count per section (joining all four would multiply rows)."""
    from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
    from django.db.models.functions import Coalesce

    def total(published: bool):
        parts = []
        for section in SECTIONS:
            rows = theme_rows(section, published).filter(theme=OuterRef("pk"))
            counted = rows.order_by().values("theme").annotate(n=Count("id")).values("n")
            parts.append(Coalesce(Subquery(counted, output_field=IntegerField()), Value(0)))
        expression = parts[0]
        for part in parts[1:]:
            expression = expression + part
        return expression

    return {"item_count": total(False), "published_count": total(True)}
