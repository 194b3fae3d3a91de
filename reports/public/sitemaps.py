from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse

from ..models import Municipality, Report, published_q


class StaticSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return ["public:home", "public:report_list", "public:municipality_list"]

    def location(self, item):
        return reverse(item)


class ReportSitemap(Sitemap):
    changefreq = "yearly"
    limit = 5000

    def items(self):
        return Report.objects.published().select_related("municipality").order_by("pk")

    def lastmod(self, item):
        return item.published_at


class MunicipalitySitemap(Sitemap):
    changefreq = "yearly"

    def items(self):
        return (
            Municipality.objects.annotate(last=Max("reports__published_at", filter=published_q("reports__")))
            .filter(last__isnull=False)
            .order_by("pk")
        )

    def lastmod(self, item):
        return item.last


SITEMAPS = {"pages": StaticSitemap, "reports": ReportSitemap, "municipalities": MunicipalitySitemap}
