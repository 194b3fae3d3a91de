"""Languages: Russian by default, English on request, and an English catalog that is complete.

The source strings (msgids) are Russian; locale/en/LC_MESSAGES/django.po is the English UI.
After changing any translatable string:

    DJANGO_DEBUG=1 .venv/bin/python manage.py makemessages -l en -l ru --ignore=.venv --ignore=devtools \
        --ignore=staticfiles --ignore=artifacts --ignore=tests --ignore=locale_thirdparty --no-obsolete
    # translate the new entries, drop their "#, fuzzy" flags, then:
    msgfmt --check-format -o locale/en/LC_MESSAGES/django.mo locale/en/LC_MESSAGES/django.po
"""

import gettext
import re
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from reports import workflow
from reports.models import Achievement, Municipality, Problem, Proposal, Task
from reports.status import Status

EN_PO = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
EN_MO = EN_PO.with_suffix(".mo")

CYRILLIC = re.compile(r"[А-Яа-яЁё]")
HTML_LANG = re.compile(r'<html[^>]*\blang="([^"]+)"')


@pytest.fixture(autouse=True)
def _default_language_afterwards():
    """The language middleware activates the request's language in this thread and leaves it active.

    Put Russian back, so tests that run later outside a request are not served English.
    """
    yield
    translation.activate(settings.LANGUAGE_CODE)


def text_of(response):
    assert response.status_code == 200, response.status_code
    return response.content.decode("utf-8")


def html_lang(html):
    match = HTML_LANG.search(html)
    assert match, "no <html lang=...>"
    return match.group(1)


@pytest.fixture
def published(make_report, sayan):
    """One published report with one item in every section (tests/conftest.py)."""
    return make_report(Status.PUBLISHED, municipality=sayan, year=2024)


@pytest.fixture
def latin_report(make_report, moderator, django_capture_on_commit_callbacks):
    """A published report whose data (city, region, items) has no Cyrillic at all.

    On an English page, any Cyrillic left is then a string the catalog does not translate.
    """
    town = Municipality.objects.create(
        name="Testville", slug="testville", region="Test Region", website="https://testville.example.org"
    )
    with django_capture_on_commit_callbacks(execute=True):  # the search index is written on commit
        first = make_report(Status.DRAFT, municipality=town, year=2023, city=moderator, items=False)
        Task.objects.create(report=first, text="Hold a neighbourhood forum", year=2024, position=1)
        for name in ("submit", "publish"):
            first = workflow.perform(first, moderator, name, "ok")
        report = make_report(Status.DRAFT, municipality=town, year=2024, city=moderator, items=False)
        Achievement.objects.create(report=report, text="Held the neighbourhood forum", position=1)
        Problem.objects.create(report=report, text="Hard to involve young people", position=1)
        Task.objects.create(report=report, text="Train committee chairs", year=2026, position=1)
        Proposal.objects.create(report=report, text="Share grant experience", kind="methodology", position=1)
        for name in ("submit", "publish"):
            report = workflow.perform(report, moderator, name, "ok")
    return report


# --- Russian is the default -------------------------------------------------------------------


def test_home_and_report_list_are_russian_by_default(client, published):
    home = text_of(client.get("/"))
    assert html_lang(home) == "ru"
    for phrase in (
        "Как города Сибири и Дальнего Востока работают с общественностью",
        "Новые отчёты",
        "1 опубликованный отчёт",
        "Вход для редакторов",
    ):
        assert phrase in home
    assert "Latest reports" not in home

    reports = text_of(client.get("/reports/"))
    assert html_lang(reports) == "ru"
    for phrase in ("Отчёты городов", "Найден 1 отчёт", "Скачать CSV (по пунктам)", "Все регионы", "сначала новые"):
        assert phrase in reports
    assert "City reports" not in reports


def test_every_public_page_has_the_language_switch(client, published):
    for path in ("/", "/reports/", published.get_absolute_url(), "/municipalities/", "/search/?q=форум"):
        html = text_of(client.get(path))
        switch = re.search(r'<nav class="lang-form"[^>]*>(.*?)</nav>', html, re.S)
        assert switch, path
        # A plain link: no CSRF token in public pages (they are cached for everyone).
        assert "csrfmiddlewaretoken" not in html
        assert re.search(r'href="/language/\?language=en&amp;next=/[^"]*"', switch.group(1))


# --- Switching to English ---------------------------------------------------------------------


def test_language_switch_form_turns_the_site_english(published):
    # The real link, with CSRF enforced as in a browser (the link needs none).
    client = Client(enforce_csrf_checks=True)
    html = text_of(client.get("/reports/"))
    link = re.search(r'href="(/language/\?language=en[^"]*)"', html).group(1).replace("&amp;", "&")
    response = client.get(link)
    assert response.status_code == 302 and response["Location"] == "/reports/"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"

    reports = text_of(client.get("/reports/"))
    assert html_lang(reports) == "en"
    for phrase in (
        "City reports",
        "1 report found",
        "Download CSV (one row per item)",
        "All regions",
        "newest first",
        "1 achievement",
        "1 request to the Association",
        "Editor sign-in",
    ):
        assert phrase in reports
    for phrase in ("Отчёты городов", "Найден", "Скачать CSV", "Все регионы", "Вход для редакторов"):
        assert phrase not in reports
    # The switch now offers the way back.
    assert "/language/?language=ru" in reports and "/language/?language=en" not in reports

    home = text_of(client.get("/"))
    assert html_lang(home) == "en"
    for phrase in (
        "How cities in Siberia and the Russian Far East engage with the public",
        "Latest reports",
        "1 published report",
        "1 city",
        "All reports →",
    ):
        assert phrase in home
    assert "Новые отчёты" not in home

    detail = text_of(client.get(published.get_absolute_url()))
    assert html_lang(detail) == "en"
    for phrase in (
        "Achievements",
        "Problems",
        "Tasks for next year",
        "Requests to the Association",
        "report for 2024",
    ):
        assert phrase in detail
    assert "Guidance materials, experience of other cities" in detail  # a choice label (ProposalKind)

    # And back to Russian.
    client.get("/language/?language=ru&next=/")
    assert html_lang(text_of(client.get("/"))) == "ru"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)"])
def test_language_link_never_redirects_off_site(client, target):
    response = client.get("/language/", {"language": "en", "next": target})
    assert response.status_code == 302 and response["Location"] == "/"


def test_language_link_ignores_unknown_languages(client):
    response = client.get("/language/", {"language": "xx", "next": "/reports/"})
    assert response.status_code == 302 and settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_no_second_language_switch_route(client):
    """One way to switch the language (portal/language.py), not also Django's POST-only set_language."""
    assert client.post("/i18n/setlang/", {"language": "en", "next": "/"}).status_code == 404


def choose(client, language):
    """The reader's choice, as the switch leaves it: the language cookie."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


@pytest.mark.parametrize("header", ["en", "en-GB,en;q=0.9,ru;q=0.5", "en-US", "de-DE,de;q=0.9,en;q=0.8"])
def test_accept_language_is_not_asked(client, published, header):
    """Russian whatever the browser says: only the reader's choice (the cookie) gives English."""
    for path in ("/", "/reports/", published.get_absolute_url(), "/api/"):
        response = client.get(path, HTTP_ACCEPT_LANGUAGE=header)
        html = text_of(response)
        assert html_lang(html) == "ru", path
        assert response["Content-Language"] == "ru"
        # The language depends on the cookie alone: caches must not keep a copy per browser language.
        vary = {v.strip().lower() for v in response["Vary"].split(",")}
        assert "accept-language" not in vary and "cookie" in vary, (path, response["Vary"])
    home = text_of(client.get("/", HTTP_ACCEPT_LANGUAGE=header))
    assert "Новые отчёты" in home and "Latest reports" not in home
    assert "Найден 1 отчёт" in text_of(client.get("/reports/", HTTP_ACCEPT_LANGUAGE=header))


def test_english_only_when_chosen_and_it_stays_chosen(client, published):
    # A browser in English: Russian.
    assert html_lang(text_of(client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9"))) == "ru"
    # The reader chooses English with the switch: the cookie is kept for a year, not for the session.
    response = client.get("/language/", {"language": "en", "next": "/reports/"}, HTTP_ACCEPT_LANGUAGE="en")
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "en" and int(cookie["max-age"]) >= 300 * 24 * 3600
    for path in ("/", "/reports/", published.get_absolute_url()):
        html = text_of(client.get(path, HTTP_ACCEPT_LANGUAGE="ru-RU,ru;q=0.9"))
        assert html_lang(html) == "en", path  # the choice wins over the browser either way
    assert "Latest reports" in text_of(client.get("/"))


@pytest.mark.parametrize("cookie", ["xx", "", "ru", "RU", "en" * 300])
def test_a_cookie_naming_no_portal_language_gives_russian(client, published, cookie):
    html = text_of(choose(client, cookie).get("/", HTTP_ACCEPT_LANGUAGE="en"))
    assert html_lang(html) == "ru"


def test_a_regional_variant_of_english_in_the_cookie_is_english(client, published):
    assert html_lang(text_of(choose(client, "en-us").get("/"))) == "en"


def test_english_404_and_feed(client, published):
    choose(client, "en")
    response = client.get("/reports/nowhere/1999/")
    assert response.status_code == 404
    assert "This page does not exist" in response.content.decode("utf-8")

    feed = text_of(client.get("/feed/"))
    assert "New ASDG city reports on public engagement" in feed
    assert "Achievements: 1, problems: 1, tasks: 1, requests to the Association: 1." in feed


def test_admin_login_in_english_is_djangos_own_english(client):
    # A browser in English gets the Russian back office...
    russian = text_of(client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="en"))
    assert html_lang(russian) == "ru"
    assert "Войти" in russian and "Отчёты городов АСДГ — рабочий кабинет" in russian

    # ...until its reader chooses English (the same cookie as the public site's switch).
    html = text_of(choose(client, "en").get("/admin/login/", HTTP_ACCEPT_LANGUAGE="ru"))
    assert html_lang(html) == "en"
    for phrase in ("Log in", "Username:", "Password:"):
        assert phrase in html
    assert "ASDG city reports — back office" in html  # the portal's own site header
    assert "Войти" not in html


# Cyrillic that may stay on an English page, and why.
ALLOWED_CYRILLIC = [
    # The language switch names Russian in Russian (as every multilingual site does).
    re.compile(r'<a [^>]*lang="ru"[^>]*>Русский</a>'),
    # Search examples are Russian words on purpose: the reports are written in Russian.
    re.compile(r'placeholder="[^"]*"'),
    re.compile(r"“пандемия” also finds “пандемии”|“ё”"),
    # Theme names are the Association's Russian words (data, like the reports' texts), marked lang="ru".
    re.compile(r'<option [^>]*lang="ru"[^>]*>[^<]*</option>'),
    # Brand mark, written without {% translate %} (templates/public/base.html): not in the catalog.
    re.compile(r'<span class="brand-mark" aria-hidden="true">АСДГ</span>'),
]


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/reports/",
        "/reports/?year=2024&has=problems&sort=municipality",
        "/reports/testville/2024/",
        "/reports/testville/2024/?q=forum",
        "/municipalities/",
        "/municipalities/testville/",
        "/search/?q=forum",
        "/search/?q=nothingmatchesthis",
    ],
)
def test_english_public_pages_have_no_untranslated_russian(client, latin_report, path):
    html = text_of(choose(client, "en").get(path))
    assert html_lang(html) == "en"
    for allowed in ALLOWED_CYRILLIC:
        html = allowed.sub("", html)
    leftovers = sorted({line.strip() for line in html.splitlines() if CYRILLIC.search(line)})
    assert not leftovers, f"untranslated on {path}:\n" + "\n".join(leftovers)


# --- The catalog itself -----------------------------------------------------------------------


def _unquote(s):
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), s)


def parse_po(path):
    """[{"msgid", "msgid_plural", "msgstr": [..], "flags": set, "line"}], header first."""
    entries, entry, key = [], None, None
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = line.strip()
        if not line:
            entry, key = None, None
            continue
        if entry is None:
            entry = {"msgid": None, "msgid_plural": None, "msgstr": {}, "flags": set(), "line": number}
            entries.append(entry)
        if line.startswith("#,"):
            entry["flags"] |= {f.strip() for f in line[2:].split(",")}
            continue
        if line.startswith("#"):
            continue
        match = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+"(.*)"$', line)
        if match:
            key = match.group(1)
            index = int(match.group(2) or 0)
            value = _unquote(match.group(3))
            if key.startswith("msgstr"):
                key = ("msgstr", index)
                entry["msgstr"][index] = value
            else:
                entry[key] = value
            continue
        assert line.startswith('"') and key, f"{path}:{number}: cannot parse {line!r}"
        value = _unquote(line[1:-1])
        if isinstance(key, tuple):
            entry["msgstr"][key[1]] += value
        else:
            entry[key] += value
    for entry in entries:
        entry["msgstr"] = [entry["msgstr"][i] for i in sorted(entry["msgstr"])]
    return entries


@pytest.fixture(scope="module")
def catalog():
    entries = parse_po(EN_PO)
    assert entries and entries[0]["msgid"] == ""
    return entries[0], entries[1:]


def test_header_is_english_with_two_plural_forms(catalog):
    header, _ = catalog
    text = header["msgstr"][0]
    assert "Language: en\n" in text
    assert "Plural-Forms: nplurals=2; plural=(n != 1);\n" in text
    assert "charset=UTF-8" in text
    assert "fuzzy" not in header["flags"]


def test_every_entry_is_translated_and_checked(catalog):
    _, entries = catalog
    assert len(entries) > 300  # the whole portal, not a stub
    untranslated = [e["msgid"] for e in entries if not e["msgstr"] or not all(s.strip() for s in e["msgstr"])]
    assert not untranslated, f"{len(untranslated)} untranslated: {untranslated[:10]}"
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    assert not fuzzy, f"fuzzy (unchecked) entries: {fuzzy[:10]}"
    plurals = [e for e in entries if e["msgid_plural"] is not None]
    assert plurals and all(len(e["msgstr"]) == 2 for e in plurals)
    # English text, not a copy of the Russian (except strings that are English in the source).
    still_russian = [e["msgid"] for e in entries if any(CYRILLIC.search(s) for s in e["msgstr"])]
    allowed = {  # Russian examples of data that is entered in Russian, or of Russian search words.
        "Как город пишет своё название, например «Ленинск-Кузнецкий».",
        "Например «Республика Хакасия» или «Красноярский край».",
        "например: казачество, ТОС, гранты",
        "например: пандемия, Когалым, казачество",
        "Ищутся все формы слова («пандемия» найдёт «пандемии»), регистр и «ё» не важны.",
        "Слова для поиска по тексту отчётов — тот же поиск, что на сайте: без учёта регистра и окончаний "
        "(«пандемия» находит «пандемии», «тос» — «ТОС»).",
        # The search page names the Russian function words it does not search for.
        "Запрос состоит только из служебных слов («и», «а», «в», «не»…) — по ним не ищем: они есть почти в "
        "каждом отчёте. Добавьте слово по существу: тему, название города или учреждения.",
        # The upload form quotes the Russian heading the year is read from.
        "Можно не указывать: год возьмётся из заголовка «Что наиболее значительное удалось сделать … в … году». "
        "Если указан, год в документе должен с ним совпасть.",
        # The importer quotes the Russian headings and name it looks for in the document itself.
        "В заголовке раздела достижений не указан год (ожидается «… в 2020 году»)",
        "Первая непустая строка должна содержать название муниципального образования прописными буквами "
        "(например, «САЯНОГОРСК»), а в ней: «%(text)s»",
        "Не найден заголовок раздела достижений («Что наиболее значительное удалось сделать в области "
        "взаимодействия с общественностью в ГГГГ году»), поэтому отчётный год не определить; он ожидался "
        "после названия муниципалитета",
        "Раздел задач на следующий год («Какие задачи стоят в ГГГГ году») не найден — задач в отчёте нет",
    }
    assert set(still_russian) <= allowed, set(still_russian) - allowed


NAMED = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[sdifrxXeEgGc]")
POSITIONAL = re.compile(r"%(?!\()[-#0 +]*\d*(?:\.\d+)?[sdifrxXeEgGc]")
BRACES = re.compile(r"\{[^{}]*\}")


def placeholders(text):
    text = text.replace("%%", "")
    return set(NAMED.findall(text)), Counter(POSITIONAL.findall(text)), Counter(BRACES.findall(text))


def test_placeholders_survive_translation(catalog):
    _, entries = catalog
    problems = []
    for e in entries:
        named, positional, braces = placeholders(e["msgid"])
        if e["msgid_plural"] is not None:
            named |= placeholders(e["msgid_plural"])[0]
        for form in e["msgstr"]:
            t_named, t_positional, t_braces = placeholders(form)
            if t_named != named or t_positional != positional or t_braces != braces:
                problems.append((e["line"], e["msgid"], form))
    assert not problems, "\n".join(f"django.po:{line}: {msgid!r} -> {form!r}" for line, msgid, form in problems)


def test_python_format_entries_are_flagged(catalog):
    """msgfmt --check-format only checks entries flagged python-format; make sure they are."""
    _, entries = catalog
    unflagged = [
        e["msgid"]
        for e in entries
        if (NAMED.search(e["msgid"]) or POSITIONAL.search(e["msgid"])) and "python-format" not in e["flags"]
    ]
    assert not unflagged


def test_compiled_catalog_is_current(catalog):
    assert EN_MO.exists(), "compile it: msgfmt --check-format -o django.mo django.po"
    # Not older than the .po (1 s of slack for checkouts that write both in the same moment)...
    assert EN_MO.stat().st_mtime >= EN_PO.stat().st_mtime - 1, "django.mo is older than django.po: run msgfmt"
    # ...and really compiled from it: every translation is in the .mo, with the same text.
    with EN_MO.open("rb") as f:
        mo = gettext.GNUTranslations(f)
    compiled = mo._catalog
    _, entries = catalog
    stale = []
    for e in entries:
        # A message with a context is compiled under "context\x04msgid".
        key = f"{e['msgctxt']}\x04{e['msgid']}" if e.get("msgctxt") is not None else e["msgid"]
        if e["msgid_plural"] is None:
            if compiled.get(key) != e["msgstr"][0]:
                stale.append(e["msgid"])
        elif [compiled.get((key, i)) for i in range(len(e["msgstr"]))] != e["msgstr"]:
            stale.append(e["msgid"])
    assert not stale, f"django.mo does not match django.po (run msgfmt): {stale[:10]}"
    assert mo.info().get("language") == "en"


# --- Russian: the source language still needs its plural forms ----------------------------------
#
# A msgid is Russian, but it carries only two forms (one, many): without the catalog's third form,
# «{{ n }} проверка / {{ n }} проверок» would say «2 проверок» and «21 проверок».

RU_PO = Path(settings.BASE_DIR) / "locale" / "ru" / "LC_MESSAGES" / "django.po"
RU_MO = RU_PO.with_suffix(".mo")
RU_PLURAL_FORMS = (
    "Plural-Forms: nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && "
    "(n%100<10 || n%100>=20) ? 1 : 2);\n"
)
# {% blocktranslate count n=… %}one{% plural %}many{% endblocktranslate %}, and ngettext("one", "many", n).
TEMPLATE_PLURAL = re.compile(
    r"{%\s*blocktranslate\s+count\s+(\w+)=[^%]*%}(.*?){%\s*plural\s*%}(.*?){%\s*endblocktranslate\s*%}", re.S
)
PYTHON_PLURAL = re.compile(r'\bn?gettext(?:_lazy)?\(\s*"((?:[^"\\]|\\.)*)"\s*,\s*"((?:[^"\\]|\\.)*)"', re.S)


def russian_form(n: int) -> int:
    return 0 if n % 10 == 1 and n % 100 != 11 else 1 if 2 <= n % 10 <= 4 and not 10 <= n % 100 < 20 else 2


def plural_messages_in_source() -> set[str]:
    """The singular msgid of every plural message written in the portal's templates and code."""
    root = Path(settings.BASE_DIR)
    found = set()
    for path in (root / "templates").rglob("*.html"):
        for match in TEMPLATE_PLURAL.finditer(path.read_text(encoding="utf-8")):
            found.add(re.sub(r"{{\s*(\w+)\s*}}", r"%(\1)s", match.group(2)))
    for package in ("reports", "accounts", "portal"):
        for path in (root / package).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            found.update(match.group(1) for match in PYTHON_PLURAL.finditer(text) if "ngettext" in match.group(0))
    return found


@pytest.fixture(scope="module")
def ru_catalog():
    entries = parse_po(RU_PO)
    assert entries and entries[0]["msgid"] == ""
    return entries[0], entries[1:]


def test_russian_header_has_three_plural_forms(ru_catalog):
    header, entries = ru_catalog
    text = header["msgstr"][0]
    assert "Language: ru\n" in text and "charset=UTF-8" in text
    assert RU_PLURAL_FORMS in text
    assert "fuzzy" not in header["flags"]
    assert not [e["msgid"] for e in entries if "fuzzy" in e["flags"]], "fuzzy entries are not compiled"


def test_every_russian_plural_has_three_forms(ru_catalog):
    _, entries = ru_catalog
    plurals = [e for e in entries if e["msgid_plural"] is not None]
    incomplete = [e["msgid"] for e in plurals if len(e["msgstr"]) != 3 or not all(f.strip() for f in e["msgstr"])]
    assert plurals and not incomplete, incomplete


def test_every_plural_message_of_the_portal_is_in_the_russian_catalog(ru_catalog):
    _, entries = ru_catalog
    in_catalog = {e["msgid"] for e in entries if e["msgid_plural"] is not None}
    used = plural_messages_in_source()
    assert len(used) >= 10  # the counts of the public pages, the lock-out page, the admin
    missing = used - in_catalog
    assert not missing, f"add them to {RU_PO.name} with three forms (makemessages -l ru): {sorted(missing)}"


@pytest.mark.parametrize("n", [1, 2, 4, 5, 11, 12, 14, 21, 22, 25, 101, 111, 112])
def test_russian_counts_agree_with_the_number(ru_catalog, n):
    _, entries = ru_catalog
    with translation.override("ru"):
        for e in (e for e in entries if e["msgid_plural"] is not None):
            assert translation.ngettext(e["msgid"], e["msgid_plural"], n) == e["msgstr"][russian_form(n)], e["msgid"]


def test_russian_compiled_catalog_is_current(ru_catalog):
    # By content, not by file times: a checkout that changes only a fuzzy or obsolete entry of the .po
    # leaves the (still current) .mo older.
    with RU_MO.open("rb") as f:
        compiled = gettext.GNUTranslations(f)._catalog
    _, entries = ru_catalog
    stale = [
        e["msgid"]
        for e in entries
        if e["msgid_plural"] is not None and [compiled.get((e["msgid"], i)) for i in range(3)] != e["msgstr"]
    ]
    assert not stale, stale
