"""Sharing (issue 14, item 18): Open Graph and Twitter card tags, the preview images, the licence."""

import html as html_module
import io
import logging
import re

import pytest
from django.conf import settings
from django.test import Client
from django.utils.encoding import iri_to_uri
from PIL import Image

from reports import workflow
from reports.models import Achievement, Municipality, Task
from reports.public import previews, sharing
from reports.status import Status

pytestmark = pytest.mark.django_db

BASE = "https://otchety.asdg.example"
LICENCE = "https://creativecommons.org/licenses/by/4.0/"
TAG = re.compile(r'<meta (property|name)="([^"]+)" content="([^"]*)">')


@pytest.fixture(autouse=True)
def public_address(settings):
    settings.PORTAL_BASE_URL = BASE


def head_of(response) -> str:
    assert response.status_code == 200, response.status_code
    page = response.content.decode()
    return page[: page.index("</head>")]


def tags(response) -> dict[str, str]:
    """{property or name: content, unescaped}; each only once."""
    found = TAG.findall(head_of(response))
    keys = [key for _kind, key, _value in found]
    assert len(keys) == len(set(keys)), keys
    return {key: html_module.unescape(value) for _kind, key, value in found}


def english() -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def png(response) -> Image.Image:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(response.content))
    image.verify()  # a whole, valid PNG
    image = Image.open(io.BytesIO(response.content))
    assert image.format == "PNG" and image.size == (1200, 630)
    return image


# --- tags -------------------------------------------------------------------------------------------


def test_report_page_tags(client, published):
    found = tags(client.get(published.get_absolute_url()))
    summary = (
        "Отчёт города Саяногорск о работе с общественностью за 2024 год. Республика Хакасия. "
        "Достижений: 1, проблем: 1, задач: 1, запросов к Ассоциации: 1."
    )
    assert found == {
        "og:site_name": "Портал отчётов АСДГ",
        "og:type": "article",
        "og:locale": "ru_RU",
        "og:title": "Саяногорск, 2024",
        "og:description": summary,
        "og:url": f"{BASE}/reports/sayanogorsk/2024/",
        "og:image": f"{BASE}/reports/sayanogorsk/2024/preview.png",
        "og:image:type": "image/png",
        "og:image:width": "1200",
        "og:image:height": "630",
        "og:image:alt": summary,
        "twitter:card": "summary_large_image",
        "twitter:title": "Саяногорск, 2024",
        "twitter:description": summary,
        "twitter:image": f"{BASE}/reports/sayanogorsk/2024/preview.png",
        "twitter:image:alt": summary,
        "viewport": "width=device-width, initial-scale=1",
        "description": "Отчёт города Саяногорск о работе с общественностью за 2024 год.",
    }


def test_report_counts_follow_the_report(client, published, moderator):
    for n in range(2, 5):
        Achievement.objects.create(report=published, text=f"Ещё {n}", position=n)
    Task.objects.create(report=published, text="Ещё задача", year=2025, position=2)
    from django.db import transaction

    from reports import publication

    with transaction.atomic():
        publication.report_changed(published)
    found = tags(client.get(published.get_absolute_url()))
    assert "Достижений: 4, проблем: 1, задач: 2, запросов к Ассоциации: 1." in found["og:description"]


def test_a_search_on_the_page_does_not_change_its_address(client, published):
    found = tags(client.get(published.get_absolute_url() + "?q=форум"))
    assert found["og:url"] == f"{BASE}/reports/sayanogorsk/2024/"


def test_english_page_points_to_the_english_image(published):
    found = tags(english().get(published.get_absolute_url()))
    assert found["og:locale"] == "en_US"
    assert found["og:site_name"] == "ASDG reports portal"
    # A link preview is fetched without the reader's cookie: the language is in the address.
    assert found["og:image"] == f"{BASE}/reports/sayanogorsk/2024/preview.png?lang=en"
    assert "Achievements: 1, problems: 1, tasks: 1, requests to the Association: 1." in found["og:description"]


def test_city_page_tags(client, published):
    found = tags(client.get("/municipalities/sayanogorsk/"))
    assert found["og:type"] == "website"
    assert found["og:title"] == "Саяногорск"
    assert found["og:url"] == f"{BASE}/municipalities/sayanogorsk/"
    assert found["og:image"] == f"{BASE}/municipalities/sayanogorsk/preview.png"
    assert found["og:description"].startswith("Республика Хакасия. Отчёты города Саяногорск")
    assert found["twitter:card"] == "summary_large_image"


@pytest.mark.parametrize(
    "path, title",
    [
        ("/", "Отчёты городов о работе с общественностью"),
        ("/reports/", "Все отчёты"),
        ("/reports/?year=2024", "Отчёты: 2024 год"),
        ("/municipalities/", "Города"),
        ("/api/", "Открытые данные и API"),
        ("/search/?q=форум", "Отчёты городов о работе с общественностью"),
    ],
)
def test_other_pages_show_the_portal(client, published, path, title):
    found = tags(client.get(path))
    assert found["og:title"] == title
    assert found["og:url"] == BASE + iri_to_uri(path)
    assert found["og:image"] == f"{BASE}/preview.png"
    assert found["og:type"] == "website"
    assert found["og:description"].startswith("Ежегодные отчёты городов")


def test_names_are_escaped_and_plain(client, make_report, moderator):
    town = Municipality.objects.create(
        name='Город "Кавычки" <script>alert(1)</script> & Ко', slug="kavychki", region="Край <b>жирный</b>"
    )
    report = make_report(Status.PUBLISHED, municipality=town, year=2023, city=moderator)
    for path in (report.get_absolute_url(), town.get_absolute_url()):
        response = client.get(path)
        head = head_of(response)
        assert "<script>" not in head and "<b>" not in head
        assert 'content="Город &quot;Кавычки&quot; &lt;script&gt;alert(1)&lt;/script&gt; &amp; Ко' in head
        found = tags(response)  # every tag parses: no quote ended an attribute early
        assert found["og:title"].startswith('Город "Кавычки" <script>alert(1)</script> & Ко')
        assert "Край <b>жирный</b>" in found["og:description"]


def test_a_control_character_in_a_name_is_not_in_a_tag(client, make_report, moderator):
    town = Municipality.objects.create(name="Город\x0bС\tтабуляцией", slug="tab", region="Край")
    report = make_report(Status.PUBLISHED, municipality=town, year=2023, city=moderator)
    found = tags(client.get(report.get_absolute_url()))
    assert found["og:title"] == "Город С табуляцией, 2023"


def test_report_page_keeps_its_two_queries(client, published, django_assert_num_queries):
    client.get(published.get_absolute_url())  # the stored body made, the stamps computed
    with django_assert_num_queries(2):
        assert tags(client.get(published.get_absolute_url()))["og:description"]


# --- images -----------------------------------------------------------------------------------------


def test_report_image(client, published):
    response = client.get("/reports/sayanogorsk/2024/preview.png")
    image = png(response)
    assert response["Cache-Control"] == "public, max-age=0, must-revalidate" and response["ETag"]
    # Not a blank canvas: the brand band at the top, text below it.
    assert image.getpixel((600, 10)) == (0x1F, 0x4E, 0x79)
    assert len(image.crop((0, 110, 1200, 330)).getcolors(100000)) > 20


def test_report_image_in_english_differs(client, published):
    russian = client.get("/reports/sayanogorsk/2024/preview.png").content
    english_image = client.get("/reports/sayanogorsk/2024/preview.png?lang=en")
    png(english_image)
    assert english_image.content != russian
    assert client.get("/reports/sayanogorsk/2024/preview.png?lang=xx").content == russian


def test_city_and_portal_images(client, published):
    png(client.get("/municipalities/sayanogorsk/preview.png"))
    png(client.get("/preview.png"))


def test_portal_image_without_any_report(client, db):
    png(client.get("/preview.png"))


@pytest.mark.parametrize(
    "status", [Status.DRAFT, Status.SUBMITTED, Status.APPROVED, Status.CHANGES_REQUESTED, Status.WITHDRAWN]
)
def test_no_image_of_what_is_not_published(client, make_report, sayan, status):
    make_report(status, municipality=sayan, year=2024)
    assert client.get("/reports/sayanogorsk/2024/preview.png").status_code == 404
    assert client.get("/municipalities/sayanogorsk/preview.png").status_code == 404


def test_no_image_of_what_does_not_exist(client, published):
    assert client.get("/reports/sayanogorsk/1999/preview.png").status_code == 404
    assert client.get("/reports/nowhere/2024/preview.png").status_code == 404
    assert client.get("/municipalities/nowhere/preview.png").status_code == 404


def test_a_kept_image_is_never_served_after_a_withdrawal(settings, published, moderator):
    settings.PUBLIC_PAGE_CACHE = True
    url = "/reports/sayanogorsk/2024/preview.png"
    first = Client().get(url)
    assert first["X-Page-Cache"] == "miss"
    again = Client().get(url)
    assert again["X-Page-Cache"] == "hit" and again.content == first.content
    assert Client().get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    workflow.withdraw(published, moderator, "ошибка в цифрах")
    assert Client().get(url).status_code == 404
    assert Client().get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 404
    assert Client().get("/municipalities/sayanogorsk/preview.png").status_code == 404


def test_an_image_follows_a_change_of_the_report(settings, published):
    settings.PUBLIC_PAGE_CACHE = True
    url = "/reports/sayanogorsk/2024/preview.png"
    first = Client().get(url)
    Achievement.objects.create(report=published, text="Новое достижение", position=2)
    from django.db import transaction

    from reports import publication

    with transaction.atomic():
        publication.report_changed(published)
    changed = Client().get(url)
    assert changed["X-Page-Cache"] == "miss" and changed.content != first.content


def test_without_the_font_the_image_is_still_made(client, published, monkeypatch, tmp_path, caplog):
    # (Pillow also looks for a missing file by its name among the system's fonts: a name no font has.)
    monkeypatch.setattr(previews, "FONT_DIR", tmp_path)
    monkeypatch.setattr(previews, "REGULAR", "no-such-font.ttf")
    monkeypatch.setattr(previews, "BOLD", "no-such-font-bold.ttf")
    previews.font.cache_clear()
    previews._warn_missing_font.cache_clear()
    try:
        with caplog.at_level(logging.WARNING, logger="reports.public.previews"):
            png(client.get("/reports/sayanogorsk/2024/preview.png"))
        assert "fonts-dejavu-core" in caplog.text
    finally:
        previews.font.cache_clear()


def test_long_text_fits():
    from PIL import ImageDraw

    draw = ImageDraw.Draw(Image.new("RGB", (10, 10)))
    title = "Городское поселение Усть-Кутское муниципальное образование Иркутской области " * 3
    face, lines = previews.fit(draw, title, previews.BOLD, (72, 42), 1072, 2)
    assert len(lines) == 2 and lines[-1].endswith("…")
    assert all(draw.textlength(line, font=face) <= 1072 for line in lines)
    word = "Очень" * 40  # one word longer than a line
    face, lines = previews.fit(draw, word, previews.BOLD, (72, 42), 1072, 2)
    assert all(draw.textlength(line, font=face) <= 1072 for line in lines)
    content = previews.draw_preview(title, title, [("123456789", title)] * 4)
    assert Image.open(io.BytesIO(content)).size == (1200, 630)


# --- the licence --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    ["/", "/reports/", "/municipalities/", "/municipalities/sayanogorsk/", "/search/?q=форум", "/api/", "report"],
)
def test_every_public_page_names_the_licence(client, published, path):
    path = published.get_absolute_url() if path == "report" else path
    page = client.get(path).content.decode()
    assert f'<link rel="license" href="{LICENCE}">' in page
    footer = page[page.index('<footer class="site-footer">') :]
    assert f'<a rel="license" href="{LICENCE}">CC BY 4.0</a>' in footer
    assert "Тексты и данные опубликованных отчётов доступны по лицензии" in footer


def test_the_api_names_the_licence(client, published):
    link = f'<{LICENCE}>; rel="license"'
    listing = client.get("/api/reports/", HTTP_ACCEPT="application/json")
    assert listing["Link"] == link
    assert listing.json()["license"] == {"name": "CC BY 4.0", "url": LICENCE}
    assert client.get(f"/api/reports/{published.pk}/", HTTP_ACCEPT="application/json")["Link"] == link
    assert client.get("/api/reports/999999/", HTTP_ACCEPT="application/json")["Link"] == link
    schema = client.get("/api/schema/", {"format": "json"}).json()
    assert schema["info"]["license"] == {"name": "CC BY 4.0", "url": LICENCE}
    assert "license" in schema["components"]["schemas"]["PaginatedReportListList"]["properties"]


def test_the_downloads_and_the_feed_name_the_licence(client, published):
    link = f'<{LICENCE}>; rel="license"'
    csv = client.get("/reports/export.csv")
    assert csv["Link"] == link
    b"".join(csv.streaming_content)
    exported = client.get("/reports/export.json")
    assert exported["Link"] == link and exported.json()["license"]["url"] == LICENCE
    feed = client.get("/feed/").content.decode()
    assert f"<rights>CC BY 4.0: {LICENCE}</rights>" in feed


def test_licence_constants():
    assert sharing.LICENCE_URL == LICENCE and sharing.LICENCE_NAME == "CC BY 4.0"
