"""End-to-end: a moderator checks an item's themes on the report form, saves and publishes the
report; the public theme page then lists the item. Screenshots of the form and the theme pages."""

import re

import pytest
from playwright.sync_api import expect

from reports.models import Problem, Proposal
from reports.status import Status
from tests.themes.conftest import make_curated_themes, suggest_and_publish

from .helpers import AT_1280, do_transition, login, screenshots, section

PROBLEM = "Сложно привлечь молодёжь"


@pytest.mark.browser
def test_moderator_corrects_themes_then_the_theme_page_lists_the_item(new_page, make_report, reviewer):
    make_curated_themes()
    report = make_report(Status.SUBMITTED)
    suggest_and_publish([report.pk])
    page = new_page()
    login(page, reviewer)
    page.goto(f"/admin/reports/report/{report.pk}/change/")

    problems = section(page, "Что не получилось")
    box = problems.locator("details.theme-pick").first
    expect(box.locator("summary")).to_contain_text("Молодёжь")
    expect(box.locator("summary")).to_contain_text("подобраны по тексту")
    box.locator("summary").click()
    box.get_by_label("Старшее поколение и ветераны").check()

    proposals = section(page, "Что нужно от Ассоциации")
    confirm_box = proposals.locator("details.theme-pick").first
    confirm_box.locator("summary").click()
    confirm_box.get_by_label("Темы проверены").check()
    screenshots(page, "themes-admin-form", viewports=AT_1280)

    page.get_by_role("button", name="Сохранить и продолжить редактирование").first.click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    problems = section(page, "Что не получилось")
    summary = problems.locator("details.theme-pick summary").first
    expect(summary).to_contain_text("Молодёжь, Старшее поколение и ветераны")
    expect(summary).to_contain_text("проверены")
    problem = Problem.objects.get(report=report)
    assert problem.themes_confirmed
    assert Proposal.objects.get(report=report).themes_confirmed

    do_transition(page, "Опубликовать")

    public = new_page()
    public.goto("/themes/")
    expect(public.get_by_role("heading", name="Темы", exact=True)).to_be_visible()
    screenshots(public, "themes-list", viewports=AT_1280)
    public.get_by_role("link", name="Старшее поколение и ветераны").click()
    expect(public).to_have_url(re.compile(r"/themes/seniors/$"))
    practice = public.locator(".practice").filter(has_text=PROBLEM)
    expect(practice).to_have_count(1)
    screenshots(public, "themes-detail", viewports=AT_1280)
    practice.get_by_role("link").click()
    expect(public).to_have_url(re.compile(rf"/reports/sayanogorsk/2024/#problems-{problem.pk}$"))
    item = public.locator(f"#problems-{problem.pk}")
    expect(item.get_by_role("link", name="Старшее поколение и ветераны")).to_be_visible()
    screenshots(public, "themes-report-page", viewports=AT_1280)
