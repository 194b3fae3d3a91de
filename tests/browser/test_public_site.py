"""End-to-end: the public site in headless Chromium, as a visitor uses it.

The five real seed reports are published (search index included: on a live
server on_commit runs for real). A visitor finds a report by filters and by
search, reads one on a phone, downloads CSV, looks at a city's history,
switches to English; every page gets screenshots and an accessibility smoke test.
"""

import csv
import io
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, expect

from reports.models import Achievement, Problem, Proposal, Report, Task
from tests.reports.importer.helpers import SEED_NAMES, seed_path

from .conftest import TIMEOUT_MS
from .helpers import VIEWPORTS, horizontal_overflow, screenshots

pytestmark = pytest.mark.browser

CSV_HEADER = ["Муниципалитет", "Субъект РФ", "Год", "Раздел", "Вид", "На какой год", "Текст", "Пояснение"]
ITEM_MODELS = (Achievement, Problem, Task, Proposal)


@pytest.fixture
def seeds(transactional_db):
    """The five seed reports, published and indexed for search."""
    from reports.directory import load_directory
    from reports.importer.loader import store_report
    from reports.importer.parser import parse_file

    load_directory()  # regions and websites, as load_demo does
    return [store_report(parse_file(seed_path(key)), publish=True).report for key in SEED_NAMES]


@pytest.fixture
def phone(browser, live_server):
    """A page in a phone-sized, touch, mobile-viewport browser context."""
    context = browser.new_context(
        base_url=live_server.url,
        viewport=VIEWPORTS["narrow"],
        is_mobile=True,
        has_touch=True,
        locale="ru-RU",
        timezone_id="Asia/Krasnoyarsk",
    )
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    yield context.new_page()
    context.close()


def item_count(**report_filter) -> int:
    reports = Report.objects.published().filter(**report_filter)
    return sum(model.objects.filter(report__in=reports).count() for model in ITEM_MODELS)


def read_csv(download) -> tuple[bytes, list[list[str]]]:
    raw = Path(download.path()).read_bytes()
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=";"))
    return raw, rows


def main_nav(page: Page):
    return page.get_by_role("navigation", name="Основное меню")


# --- accessibility smoke --------------------------------------------------------------------

# Every visible element that has its own text: its colour against the background it is
# painted on (semi-transparent layers composited from the root down), and whether WCAG
# counts it as large text (≥ 24px, or ≥ 18.66px bold: 3:1 is enough then).
CONTRAST_JS = """
() => {
  const parse = (c) => {
    const m = c.match(/rgba?\\(([^)]+)\\)/);
    if (!m) return [0, 0, 0, 0];
    const p = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const over = (top, bottom) => {
    const a = top[3];
    return [0, 1, 2].map(i => top[i] * a + bottom[i] * (1 - a)).concat([1]);
  };
  const background = (el) => {
    const chain = [];
    for (let e = el; e; e = e.parentElement) chain.push(e);
    let bg = [255, 255, 255, 1];  // the canvas
    for (const e of chain.reverse()) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c[3] > 0) bg = over(c, bg);
    }
    return bg;
  };
  const luminance = ([r, g, b]) => {
    const ch = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * ch(r) + 0.7152 * ch(g) + 0.0722 * ch(b);
  };
  const ratio = (a, b) => {
    const [l1, l2] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (l1 + 0.05) / (l2 + 0.05);
  };
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    const ownText = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (!ownText) continue;
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    if (style.visibility === 'hidden' || style.display === 'none' || box.width === 0 || box.height === 0) continue;
    if (box.right < 0 || box.bottom < 0) continue;  // parked off-screen (the skip link)
    const bg = background(el);
    const fg = over(parse(style.color), bg);
    const size = parseFloat(style.fontSize);
    const weight = parseInt(style.fontWeight, 10);
    out.push({
      tag: el.tagName.toLowerCase() + (typeof el.className === 'string' && el.className.trim()
        ? '.' + el.className.trim().split(/\\s+/).join('.') : ''),
      text: el.textContent.trim().slice(0, 40),
      ratio: Math.round(ratio(fg, bg) * 100) / 100,
      large: size >= 24 || (size >= 18.66 && weight >= 700),
      link: !!el.closest('a'),
    });
  }
  return out;
}
"""

STRUCTURE_JS = """
() => {
  const labelled = (el) =>
    (el.id && document.querySelector(`label[for="${CSS.escape(el.id)}"]`)) ||
    (el.getAttribute('aria-label') || '').trim() || el.getAttribute('aria-labelledby');
  return {
    lang: document.documentElement.getAttribute('lang'),
    h1: document.querySelectorAll('h1').length,
    main: document.querySelectorAll('main').length,
    unlabelled: [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
      .filter(el => !labelled(el)).map(el => el.outerHTML.slice(0, 80)),
    imagesWithoutAlt: [...document.querySelectorAll('img')]
      .filter(img => !img.hasAttribute('alt')).map(img => img.outerHTML.slice(0, 80)),
    bodyColor: getComputedStyle(document.body).color,
  };
}
"""


def assert_accessible(page: Page, name: str, lang: str = "ru") -> None:
    facts = page.evaluate(STRUCTURE_JS)
    assert facts["lang"] == lang, (name, facts["lang"])
    assert facts["h1"] == 1, f"{name}: {facts['h1']} <h1> elements"
    assert facts["main"] == 1, f"{name}: {facts['main']} <main> elements"
    assert facts["unlabelled"] == [], f"{name}: form fields without a label: {facts['unlabelled']}"
    assert facts["imagesWithoutAlt"] == [], f"{name}: images without alt: {facts['imagesWithoutAlt']}"
    texts = page.evaluate(CONTRAST_JS)
    assert any(not t["link"] for t in texts) and any(t["link"] for t in texts), name
    low = [t for t in texts if t["ratio"] < (3 if t["large"] else 4.5)]
    assert low == [], f"{name}: text below the WCAG AA contrast: {low}"


# --- 1. filters ------------------------------------------------------------------------------


def test_find_a_report_by_filters_and_share_the_url(page, new_page, seeds):
    page.goto("/")
    main_nav(page).get_by_role("link", name="Отчёты", exact=True).click()
    expect(page).to_have_url(re.compile(r"/reports/$"))
    expect(page.locator(".report-card")).to_have_count(5)

    filters = page.get_by_role("form", name="Фильтры")
    filters.get_by_label("Год", exact=True).select_option("2020")
    filters.get_by_label("Субъект РФ", exact=True).select_option(label="Красноярский край")
    filters.get_by_role("button", name="Показать").click()

    def shows_only_lesosibirsk_2020(p: Page):
        cards = p.locator(".report-card")
        expect(cards).to_have_count(1)
        expect(cards.get_by_role("heading")).to_have_text("Лесосибирск, 2020")
        expect(p.get_by_role("status")).to_contain_text("Найден 1 отчёт")

    shows_only_lesosibirsk_2020(page)
    query = parse_qs(urlsplit(page.url).query)
    assert query["year"] == ["2020"] and query["region"] == ["Красноярский край"], page.url
    expect(page.get_by_label("Год", exact=True)).to_have_value("2020")  # the form remembers them

    # The address is shareable: a fresh browser (no cookies, no history) sees the same list.
    shared = new_page()
    shared.goto(page.url)
    shows_only_lesosibirsk_2020(shared)
    expect(shared.get_by_label("Субъект РФ", exact=True)).to_have_value("Красноярский край")

    page.get_by_role("link", name="Лесосибирск, 2020").click()
    expect(page).to_have_url(re.compile(r"/reports/lesosibirsk/2020/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Лесосибирск: отчёт за 2020 год")
    expect(page.locator("#achievements .items li").first).to_be_visible()


# --- 2. search -------------------------------------------------------------------------------


def test_find_a_report_by_search_and_land_on_the_section(page, seeds):
    page.goto("/")
    search = page.get_by_role("search")
    search.get_by_label("Найти в отчётах").fill("пандемия")
    search.get_by_role("button", name="Найти").click()
    expect(page).to_have_url(re.compile(r"/search/\?q="))
    expect(page.get_by_role("heading", level=1)).to_have_text("Поиск по отчётам")

    hit = page.locator(".search-hit").filter(has=page.get_by_role("link", name="Лесосибирск, 2020"))
    expect(hit).to_have_count(1)
    expect(hit.locator(".snippet mark").first).to_have_text(re.compile("^пандемии$", re.I))
    section = hit.locator(".hit-meta").inner_text()
    match = re.search(r"раздел «([^»]+)»", section)
    assert match, section
    section_title = match.group(1)
    assert section_title in {"Достижения", "Проблемы", "Задачи на следующий год", "Запросы к Ассоциации"}

    hit.get_by_role("link", name="Лесосибирск, 2020").click()
    expect(page).to_have_url(re.compile(r"/reports/lesosibirsk/2020/\?q=.+#\w+$"))
    anchor = urlsplit(page.url).fragment
    heading = page.locator(f"#{anchor} > h2")
    expect(heading).to_have_text(section_title)
    expect(heading).to_be_in_viewport()
    marked = page.locator(f"#{anchor} mark").filter(has_text=re.compile("^пандеми", re.I))
    expect(marked.first).to_be_visible()
    expect(page.locator(".query-note")).to_contain_text("«пандемия»")


# --- 3. phone --------------------------------------------------------------------------------


def test_read_a_report_on_a_phone(phone, seeds):
    page = phone
    page.goto("/reports/sayanogorsk/2025/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Саяногорск: отчёт за 2025 год")
    assert page.viewport_size == {"width": 390, "height": 844}
    assert horizontal_overflow(page) <= 0, "the report page scrolls sideways on a phone"

    # Readable text: at least 16px for the body and for the report items themselves.
    sizes = page.evaluate(
        """() => [document.body, document.querySelector('.items li')]
                 .map(el => parseFloat(getComputedStyle(el).fontSize))"""
    )
    assert all(size >= 16 for size in sizes), sizes

    # The table of contents jumps to the sections.
    toc = page.get_by_role("navigation", name="Разделы отчёта")
    toc.get_by_role("link", name=re.compile(r"^Запросы к Ассоциации")).click()
    expect(page).to_have_url(re.compile(r"#proposals$"))
    heading = page.get_by_role("heading", name="Запросы к Ассоциации", level=2)
    expect(heading).to_be_in_viewport()
    toc.get_by_role("link", name=re.compile(r"^Достижения")).click()  # back up works too
    expect(page).to_have_url(re.compile(r"#achievements$"))
    expect(page.get_by_role("heading", name="Достижения", level=2)).to_be_in_viewport()

    # Keyboard, from the top of a freshly opened page: every link, button and field is
    # reached with Tab (none is mouse-only), and the skip link comes first.
    page.goto("/reports/sayanogorsk/2025/")
    interactive = page.evaluate(
        """() => {
          const els = [...document.querySelectorAll('a[href], button, input, select, textarea, [tabindex]')]
            .filter(el => el.tabIndex >= 0 && !el.disabled && el.type !== 'hidden' && el.getClientRects().length);
          els.forEach((el, i) => el.dataset.kb = i);
          return els.map(el => el.outerHTML.slice(0, 80));
        }"""
    )
    assert len(interactive) > 10, interactive
    skip = page.get_by_role("link", name="Перейти к содержанию")
    page.keyboard.press("Tab")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()  # shown when focused, not parked off-screen
    reached = {0}
    for _ in range(len(interactive) + 3):
        page.keyboard.press("Tab")
        index = page.evaluate("() => document.activeElement.dataset.kb")
        if index is not None:
            reached.add(int(index))
    missing = [html for i, html in enumerate(interactive) if i not in reached]
    assert not missing, f"not reachable with Tab: {missing}"

    # Enter on the skip link moves the focus to <main>.
    page.goto("/reports/sayanogorsk/2025/")
    page.keyboard.press("Tab")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))
    expect(page.locator("main")).to_be_focused()
    page.keyboard.press("Tab")  # and the next Tab goes on inside the content
    assert page.evaluate("() => !!document.activeElement.closest('main')")


# --- 4. CSV ----------------------------------------------------------------------------------


def test_download_csv_of_the_list_and_of_a_filtered_list(page, seeds):
    page.goto("/reports/")
    with page.expect_download() as info:
        page.get_by_role("link", name=re.compile(r"^Скачать CSV")).click()
    download = info.value
    assert download.suggested_filename.endswith(".csv")
    raw, rows = read_csv(download)
    assert raw.startswith(b"\xef\xbb\xbf"), raw[:10]  # UTF-8 BOM, so Excel reads Cyrillic
    assert raw.decode("utf-8-sig").splitlines()[0].count(";") == len(CSV_HEADER) - 1
    assert rows[0] == CSV_HEADER
    body = rows[1:]
    assert all(len(row) == len(CSV_HEADER) for row in body)
    assert len(body) == item_count()  # one row per item of every published report
    assert {(row[0], row[2]) for row in body} == {
        (r.municipality.name, str(r.year)) for r in Report.objects.published().select_related("municipality")
    }

    # With a filter on, only that report's rows.
    filters = page.get_by_role("form", name="Фильтры")
    filters.get_by_label("Город", exact=True).select_option(label="Саяногорск")
    filters.get_by_label("Год", exact=True).select_option("2025")
    filters.get_by_role("button", name="Показать").click()
    expect(page.locator(".report-card")).to_have_count(1)
    with page.expect_download() as info:
        page.get_by_role("link", name=re.compile(r"^Скачать CSV")).click()
    _, rows = read_csv(info.value)
    assert rows[0] == CSV_HEADER
    body = rows[1:]
    assert len(body) == item_count(municipality__slug="sayanogorsk", year=2025) > 0
    assert {(row[0], row[1], row[2]) for row in body} == {("Саяногорск", "Республика Хакасия", "2025")}
    sections = [row[3] for row in body]
    assert (
        sections.count("Запросы к Ассоциации")
        == Proposal.objects.filter(report__municipality__slug="sayanogorsk", report__year=2025).count()
    )
    assert all(row[4] for row in body if row[3] == "Запросы к Ассоциации")  # the kind is filled in


# --- 5. municipality -------------------------------------------------------------------------


def test_municipality_page_shows_timeline_and_plans(page, seeds):
    page.goto("/")
    main_nav(page).get_by_role("link", name="Города", exact=True).click()
    page.get_by_role("link", name=re.compile(r"^Саяногорск")).click()
    expect(page).to_have_url(re.compile(r"/municipalities/sayanogorsk/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Саяногорск")

    expect(page.locator(".timeline .timeline-year")).to_have_text(["2025", "2018"])

    plans = page.get_by_role("region", name="Планы и что из них вышло")
    expect(plans).to_be_visible()
    pairs = plans.locator(".plan-pair")
    expect(pairs).to_have_count(2)
    for pair, year in zip((pairs.nth(0), pairs.nth(1)), (2026, 2019)):
        expect(pair.get_by_role("heading", name=f"Задачи на {year} год")).to_be_visible()
        expect(pair.get_by_role("heading", name=f"Итоги {year} года")).to_be_visible()
        expect(pair.locator(".plan-col").first.locator("li").first).to_be_visible()
        expect(pair).to_contain_text(f"Отчёта за {year} год на портале нет.")
    expect(pairs.nth(0)).to_contain_text("из отчёта за 2025 год")
    expect(pairs.nth(1)).to_contain_text("из отчёта за 2018 год")

    page.locator(".timeline").get_by_role("link", name="2018").click()
    expect(page).to_have_url(re.compile(r"/reports/sayanogorsk/2018/$"))


# --- 6. English ------------------------------------------------------------------------------


def test_switch_to_english_and_back(page, seeds):
    page.goto("/reports/sayanogorsk/2025/")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    page.get_by_role("banner").get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile(r"/reports/sayanogorsk/2025/$"))  # the same page
    expect(main_nav(page)).to_have_count(0)  # the menu is now named in English
    expect(page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Reports")).to_be_visible()
    expect(page.get_by_role("link", name="Skip to main content")).to_be_attached()
    # The reports themselves stay Russian: marked so, for screen readers and hyphenation.
    expect(page.locator("#achievements ol.items")).to_have_attribute("lang", "ru")
    assert_accessible(page, "public-report-en", lang="en")

    page.goto("/")  # the choice sticks
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "How cities in Siberia and the Russian Far East engage with the public"
    )
    page.get_by_role("banner").get_by_role("link", name="Русский").click()
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Как города Сибири и Дальнего Востока работают с общественностью"
    )


# --- 7. screenshots and accessibility smoke --------------------------------------------------

PAGES = [
    ("public-home", "/", 200),
    ("public-list", "/reports/?year=2020&region=Красноярский+край", 200),
    ("public-report", "/reports/sayanogorsk/2025/", 200),
    ("public-municipality", "/municipalities/sayanogorsk/", 200),
    ("public-search", "/search/?q=казачество", 200),
    ("public-api-docs", "/api/", 200),
    ("public-404", "/reports/nowhere/1999/", 404),
]


def test_every_page_screenshots_and_accessibility(page, seeds):
    for name, url, status in PAGES:
        response = page.goto(url)
        assert response.status == status, (url, response.status)
        expect(page.locator("main")).to_be_visible()
        assert_accessible(page, name)
        screenshots(page, name)
    # The search page found what it was asked for.
    page.goto("/search/?q=казачество")
    expect(page.locator(".search-hit").first).to_contain_text("Саяногорск")
    expect(page.locator(".search-hit mark").first).to_be_visible()

    # The checker itself: pale grey text on white (2.3:1) is caught, so the passes above mean something.
    # (Set through the CSSOM: the page's CSP rightly refuses an injected <style>.)
    page.evaluate(
        "document.querySelectorAll('.help-text').forEach(e => e.style.setProperty('color', '#aaaaaa', 'important'))"
    )
    with pytest.raises(AssertionError, match="contrast"):
        assert_accessible(page, "pale-text")
