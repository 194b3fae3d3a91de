"""{% chart_figure chart %}: a chart as the pages show it — its heading, the SVG, its figures as a
table (for screen readers, and anyone who wants the numbers) and the link to its CSV."""

from django import template
from django.utils.safestring import mark_safe

from ..charts import number, render_svg
from ..exports import chart_rows
from ..stats import drawn

register = template.Library()


@register.inclusion_tag("insights/_chart.html")
def chart_figure(chart, heading_level=2, csv=True):
    shown = drawn(chart)
    header, rows = chart_rows(chart)
    cells = [[row[0], *(number(v) for v in row[1:])] for row in rows]
    return {
        "chart": chart,
        "svg": mark_safe(render_svg(shown)),  # noqa: S308 - every text in it is escaped by render_svg
        "left_out": len(chart.series) - len(shown.series),
        "header": header,
        "rows": cells,
        "heading": f"h{heading_level}",
        "csv": csv,
    }
