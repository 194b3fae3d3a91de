from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from portal.text import plain_text

from ..models import Report
from .sharing import LICENCE_NAME, LICENCE_URL


class LatestReportsFeed(Feed):
    feed_type = Atom1Feed
    title = _("Новые отчёты городов АСДГ о работе с общественностью")
    subtitle = _("Опубликованные отчёты городов Ассоциации сибирских и дальневосточных городов")
    # Atom's <rights>: the licence of the texts (reports/public/sharing.py).
    feed_copyright = f"{LICENCE_NAME}: {LICENCE_URL}"

    def link(self):
        return reverse("public:report_list")

    def items(self):
        return Report.objects.for_public_list().order_by("-published_at", "-id")[:30]

    # Rows stored before the forms cleaned what was typed may hold control characters, which XML
    # cannot carry: the feed writes their plain text.
    def item_title(self, item):
        return plain_text(str(item))

    def item_description(self, item):
        return _("%(region)s. Достижений: %(a)s, проблем: %(p)s, задач: %(t)s, запросов к Ассоциации: %(r)s.") % {
            "region": plain_text(item.municipality.region or item.municipality.name),
            "a": item.achievement_count,
            "p": item.problem_count,
            "t": item.task_count,
            "r": item.proposal_count,
        }

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.published_at
