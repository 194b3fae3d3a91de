"""The theme admin: the Association's editors only; rules checked and measured; an old address kept;
merging; every change reaching the items and the public pages."""

import pytest
from django.urls import reverse

from reports.models import Achievement
from reports.status import Status
from themes import assign
from themes.models import Theme, ThemeAlias

from .conftest import themes_of

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:themes_theme_changelist")


def change_url(theme):
    return reverse("admin:themes_theme_change", args=[theme.pk])


def form(theme, **overrides):
    data = {
        "name": theme.name,
        "slug": theme.slug,
        "description": theme.description,
        "keywords": theme.keywords,
        "position": theme.position,
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    "who, status",
    [("anon", 302), ("city", 403), ("other", 403), ("norole", 403), ("moderator", 200), ("superuser", 200)],
)
def test_ladder(login, theme, who, status):
    client = login(who)
    for url in (CHANGELIST, change_url(theme), reverse("admin:themes_theme_add")):
        response = client.get(url)
        assert response.status_code == status, (who, url)
    if status == 403:
        before = Theme.objects.get(pk=theme.pk).name
        client.post(change_url(theme), form(theme, name="Взлом"))
        assert Theme.objects.get(pk=theme.pk).name == before


def test_the_start_page_lists_themes_for_moderators_only(login):
    assert "/admin/themes/theme/" in login("moderator").get("/admin/").content.decode()
    assert "/admin/themes/theme/" not in login("city").get("/admin/").content.decode()


def test_the_list_counts_items_and_published_items(login, themed_report, kogalym):
    themed_report(Status.PUBLISHED)
    themed_report(Status.DRAFT, municipality=kogalym)
    page = login("moderator").get(CHANGELIST)
    assert page.status_code == 200
    tos = next(t for t in page.context["cl"].result_list if t.slug == "tos")
    assert (tos.item_count, tos.published_count) == (4, 2)


def test_a_rule_change_suggests_again_and_refreshes_public_pages(login, themed_report, client, theme):
    published = themed_report(Status.PUBLISHED)
    assert "/themes/tos/" in client.get(published.get_absolute_url()).content.decode()
    response = login("moderator").post(change_url(theme), form(theme, keywords="территориальное самоуправление"))
    assert response.status_code == 302
    assert themes_of(published.achievements.get()) == []
    client.logout()
    assert "/themes/tos/" not in client.get(published.get_absolute_url()).content.decode()


def test_confirmed_items_keep_their_theme_through_a_rule_change(login, themed_report, theme):
    report = themed_report(Status.SUBMITTED)
    item = report.achievements.get()
    assign.confirm(item, [theme.pk])
    login("moderator").post(change_url(theme), form(theme, keywords="казачество"))
    assert themes_of(item) == ["tos"]


def test_a_rule_that_matches_more_than_half_of_the_items_is_named_in_a_warning(login, themed_report, theme):
    report = themed_report(Status.PUBLISHED)
    Achievement.objects.create(report=report, text="Проведён субботник", position=2)
    # Five items: «пров*» finds three (more than half), «ТОС» two.
    response = login("moderator").post(change_url(theme), form(theme, keywords="ТОС\nпров*"), follow=True)
    texts = [str(m) for m in response.context["messages"]]
    assert any("«пров*»" in t and "3 из 5" in t and "больше половины" in t for t in texts), texts
    assert not any("«ТОС»" in t for t in texts)
    page = login("moderator").get(change_url(theme)).content.decode()
    assert "<code>ТОС</code> — 2 (40 %)" in page
    assert "<code>пров*</code> — 3 (60 %)" in page


def test_rule_lines_that_are_not_rules_are_form_errors(login, theme):
    response = login("moderator").post(change_url(theme), form(theme, keywords="ТОС\nпо*\n—"))
    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.errors["keywords"])
    assert "строка 2" in errors and "строка 3" in errors
    assert Theme.objects.get(pk=theme.pk).keywords != "ТОС\nпо*\n—"


def test_a_new_slug_keeps_the_old_one_as_a_redirect(login, themed_report, theme, client):
    themed_report(Status.PUBLISHED)
    assert login("moderator").post(change_url(theme), form(theme, slug="tos-new")).status_code == 302
    assert ThemeAlias.objects.get(slug="tos").theme == theme
    client.logout()
    response = client.get("/themes/tos/?year=2024")
    assert response.status_code == 301
    assert response["Location"] == "/themes/tos-new/?year=2024"
    # Back to the old address: the alias goes, the new one stays as an alias.
    login("moderator").post(change_url(theme), form(Theme.objects.get(pk=theme.pk), slug="tos"))
    assert list(ThemeAlias.objects.values_list("slug", flat=True)) == ["tos-new"]


def test_another_themes_old_slug_cannot_be_taken(login, theme):
    ThemeAlias.objects.create(slug="old-youth", theme=Theme.objects.get(slug="youth"))
    response = login("moderator").post(change_url(theme), form(theme, slug="old-youth"))
    assert response.status_code == 200
    assert "Молодёжь" in " ".join(response.context["adminform"].form.errors["slug"])


def test_merging_moves_items_and_addresses(login, themed_report, client):
    report = themed_report(Status.PUBLISHED)
    youth, seniors = Theme.objects.get(slug="youth"), Theme.objects.get(slug="seniors")
    response = login("moderator").post(
        CHANGELIST, {"action": "merge_into", "_selected_action": [youth.pk], "target": seniors.pk}, follow=True
    )
    assert any("объединен" in str(m) for m in response.context["messages"])
    assert not Theme.objects.filter(slug="youth").exists()
    assert themes_of(report.problems.get()) == ["seniors"]
    assert "молодёж*" in Theme.objects.get(pk=seniors.pk).keywords, "its rules go on suggesting the target"
    client.logout()
    assert client.get("/themes/youth/")["Location"] == "/themes/seniors/"
    assert "/themes/seniors/" in client.get(report.get_absolute_url()).content.decode()


def test_merging_without_a_target_says_so(login, theme):
    response = login("moderator").post(
        CHANGELIST, {"action": "merge_into", "_selected_action": [theme.pk], "target": ""}, follow=True
    )
    assert any("Выберите тему" in str(m) for m in response.context["messages"])
    assert Theme.objects.filter(pk=theme.pk).exists()


def test_deleting_a_theme_refreshes_the_reports_that_showed_it(login, themed_report, theme, client):
    report = themed_report(Status.PUBLISHED)
    response = login("moderator").post(reverse("admin:themes_theme_delete", args=[theme.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Achievement.objects.filter(themes__slug="tos").exists()
    client.logout()
    assert "/themes/tos/" not in client.get(report.get_absolute_url()).content.decode()


@pytest.mark.django_db(transaction=True)
def test_merging_works_outside_a_test_transaction(login, curated_themes, themed_report):
    """The admin runs actions outside any transaction (unlike a form's save): merging makes its own."""
    report = themed_report(Status.PUBLISHED)
    youth, seniors = Theme.objects.get(slug="youth"), Theme.objects.get(slug="seniors")
    response = login("moderator").post(
        CHANGELIST, {"action": "merge_into", "_selected_action": [youth.pk], "target": seniors.pk}
    )
    assert response.status_code == 302
    assert themes_of(report.problems.get()) == ["seniors"]
