"""What a link to the portal shows when it is shared, and under what licence its content is.

Open Graph and Twitter card tags (`{% share_meta %}`, portal/templatetags/sharing.py) for
report pages, city pages and the other public pages: a title, a plain-text summary, the
page's absolute address (PORTAL_BASE_URL: the portal's public address, the same one the
e-mails give), and a preview image made on the server (reports/public/previews.py).

The texts and data of published reports are published under one open licence, named in the
footer of every page, in <head> (`<link rel="license">`), on /api/, in the API's responses and
in the downloads (a `Link: <…>; rel="license"` header, and a `license` field where the answer
is a JSON object of ours).
"""

from dataclasses import dataclass
from html import escape

from django.conf import settings
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from portal.text import plain_text

from ..models import SECTIONS

LICENCE_NAME = "CC BY 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
# RFC 8288's registered relation "license", for answers that are not HTML pages.
LICENCE_LINK = f'<{LICENCE_URL}>; rel="license"'

# og:locale of each language of the site.
OG_LOCALES = {"ru": "ru_RU", "en": "en_US"}
IMAGE_WIDTH, IMAGE_HEIGHT = 1200, 630


def licence_document() -> dict:
    """The licence as the JSON answers name it."""
    return {"name": LICENCE_NAME, "url": LICENCE_URL}


def with_licence_link(response):
    response["Link"] = LICENCE_LINK
    return response


def absolute(path: str) -> str:
    """The public address of a path on the portal."""
    return settings.PORTAL_BASE_URL + path


def preview_address(path: str) -> str:
    """A preview image's address in the page's language: a link preview is fetched without the
    reader's cookie, so a language other than the default is said in the address."""
    language = get_language()
    return absolute(path if language == settings.LANGUAGE_CODE else f"{path}?lang={language}")


@dataclass(frozen=True)
class Share:
    title: str
    description: str
    url: str
    image: str
    image_alt: str
    type: str = "website"

    def meta_tags(self) -> str:
        """The <meta> tags, every value escaped (names and texts come from what cities typed)."""
        language = get_language()
        properties = [
            ("og:site_name", _("Портал отчётов АСДГ")),
            ("og:type", self.type),
            ("og:locale", OG_LOCALES.get(language, language)),
            ("og:title", self.title),
            ("og:description", self.description),
            ("og:url", self.url),
            ("og:image", self.image),
            ("og:image:type", "image/png"),
            ("og:image:width", str(IMAGE_WIDTH)),
            ("og:image:height", str(IMAGE_HEIGHT)),
            ("og:image:alt", self.image_alt),
        ]
        names = [
            ("twitter:card", "summary_large_image"),
            ("twitter:title", self.title),
            ("twitter:description", self.description),
            ("twitter:image", self.image),
            ("twitter:image:alt", self.image_alt),
        ]
        lines = [f'<meta property="{key}" content="{escape(value)}">' for key, value in properties]
        lines += [f'<meta name="{key}" content="{escape(value)}">' for key, value in names]
        return "\n".join(lines)


def _one_line(text: str) -> str:
    return " ".join(plain_text(str(text)).split())


def report_summary(name: str, region: str, year: int, counts) -> str:
    """«Отчёт города Саяногорск о работе с общественностью за 2024 год. Республика Хакасия.
    Достижений: 5, проблем: 3, задач: 4, запросов к Ассоциации: 2.»"""
    sizes = dict(zip((section.key for section in SECTIONS), counts))
    first = _("Отчёт города %(city)s о работе с общественностью за %(year)s год.") % {"city": name, "year": year}
    if len(sizes) != len(SECTIONS):
        return _one_line(first)
    second = _("%(region)s. Достижений: %(a)s, проблем: %(p)s, задач: %(t)s, запросов к Ассоциации: %(r)s.") % {
        "region": region or name,
        "a": sizes["achievements"],
        "p": sizes["problems"],
        "t": sizes["tasks"],
        "r": sizes["proposals"],
    }
    return _one_line(f"{first} {second}")


def report_share(page) -> Share:
    """A report page (reports.public.renderings.ReportPage)."""
    summary = report_summary(page.name, page.region, page.year, page.counts)
    return Share(
        title=_one_line(f"{page.name}, {page.year}"),
        description=summary,
        url=absolute(reverse("public:report_detail", args=[page.slug, page.year])),
        image=preview_address(reverse("public:report_preview", args=[page.slug, page.year])),
        image_alt=summary,
        type="article",
    )


def municipality_share(page) -> Share:
    """A city page (reports.public.renderings.MunicipalityPage)."""
    summary = _(
        "Отчёты города %(city)s о работе с общественностью по годам: достижения, проблемы, задачи, "
        "запросы к Ассоциации и что вышло из планов."
    ) % {"city": page.name}
    if page.region:
        summary = f"{page.region}. {summary}"
    return Share(
        title=_one_line(page.name),
        description=_one_line(summary),
        url=absolute(reverse("public:municipality_detail", args=[page.slug])),
        image=preview_address(reverse("public:municipality_preview", args=[page.slug])),
        image_alt=_one_line(summary),
    )


def site_share(request, title: str = "") -> Share:
    """Any other public page: the portal itself, with the page's own title if it has one."""
    description = _(
        "Ежегодные отчёты городов Ассоциации сибирских и дальневосточных городов о работе с "
        "общественностью: достижения, проблемы, задачи и запросы к Ассоциации."
    )
    return Share(
        title=_one_line(title or _("Отчёты городов о работе с общественностью")),
        description=description,
        url=absolute(request.get_full_path() if request is not None else "/"),
        image=preview_address(reverse("public:site_preview")),
        image_alt=description,
    )
