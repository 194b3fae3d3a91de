"""Issue 14, item 12: the back office's Russian is right on every main page, for the Association
and for a city — plural forms after numbers, cases, «ёлочки», no English, no «None», and a read-only
page is not titled «Просмотр версии» (Django's global "View %s" once translated so)."""

import html
import re

import pytest
from django.urls import reverse

from accounts.models import LoginFailure, User
from reports.models import Municipality, Report
from reports.status import Status

pytestmark = pytest.mark.django_db

# Never right on a Russian page of the back office.
WRONG = [
    "STATUS",
    "Locked Out",
    "View",
    "Select ",
    "Change ",
    "Add ",
    "Delete selected",
    "None",
    "Просмотр версии",
    "Выберите пользователь",
    "Добавить пользователь ",
    "Изменить проблема",
    "Изменить пользователь",
    "“",
    "”",
    "удален ",
    "распространенным",
]
# A name right after a number is never in the nominative plural in Russian («7 отчётов», «3 отчёта»).
NUMBER_THEN_NOMINATIVE_PLURAL = re.compile(r"\d\s+(отчёты|пользователи|муниципалитеты|неудачные входы)\b")


def visible(response) -> str:
    """The page's text as a reader sees it (title included), tags and scripts taken out."""
    page = response.content.decode()
    page = re.sub(r"(?s)<script.*?</script>|<style.*?</style>|<svg.*?</svg>", " ", page)
    page = re.sub(r"</?(a|strong|em|span)\b[^>]*>", "", page)  # inline: no space of its own
    page = re.sub(r"<[^>]+>", " ", page)
    return re.sub(r"\s+", " ", html.unescape(page))


def assert_russian(response, url):
    assert response.status_code == 200, (url, response.status_code)
    text = visible(response)
    for wrong in WRONG:
        assert wrong not in text, (url, wrong, text[max(0, text.find(wrong) - 80) : text.find(wrong) + 80])
    assert not NUMBER_THEN_NOMINATIVE_PLURAL.search(text), (url, NUMBER_THEN_NOMINATIVE_PLURAL.search(text))
    return text


@pytest.fixture
def world(make_report, kogalym, other_editor, make_user):
    """Eight reports (so the lists count «8 отчётов»), in every state, a few users, a failed login."""
    reports = {status: make_report(status, year=2017 + i) for i, status in enumerate(Status)}
    make_report(Status.DRAFT, municipality=kogalym, city=other_editor, year=2019)
    make_report(Status.PUBLISHED, municipality=kogalym, city=other_editor, year=2020)
    for name in ("ivanova", "petrova"):
        make_user(name)
    LoginFailure.objects.create(username="ivanova", address="10.0.0.1")
    return reports


def association_pages(world, kogalym):
    draft, withdrawn = world[Status.DRAFT], world[Status.WITHDRAWN]
    achievement = draft.achievements.get()
    problem = draft.problems.get()
    user = User.objects.get(username="ivanova")
    return [
        reverse("admin:index"),
        reverse("admin:reports_report_changelist"),
        reverse("admin:reports_report_changelist") + "?status=draft",
        reverse("admin:reports_report_add"),
        reverse("admin:reports_report_change", args=[draft.pk]),
        reverse("admin:reports_report_change", args=[withdrawn.pk]),  # read-only for everybody
        reverse("admin:reports_report_delete", args=[draft.pk]),
        reverse("admin:reports_report_history", args=[withdrawn.pk]),
        reverse("admin:reports_report_versions", args=[withdrawn.pk]),
        reverse("admin:reports_achievement_changelist"),
        reverse("admin:reports_achievement_change", args=[achievement.pk]),
        reverse("admin:reports_problem_change", args=[problem.pk]),
        reverse("admin:reports_problem_history", args=[problem.pk]),
        reverse("admin:reports_task_changelist"),
        reverse("admin:reports_proposal_changelist"),
        reverse("admin:reports_municipality_changelist"),
        reverse("admin:reports_municipality_add"),
        reverse("admin:reports_municipality_change", args=[kogalym.pk]),
        reverse("admin:reports_municipality_history", args=[kogalym.pk]),
        reverse("admin:accounts_user_changelist"),
        reverse("admin:accounts_user_add"),
        reverse("admin:accounts_user_change", args=[user.pk]),
        reverse("admin:accounts_loginfailure_changelist"),
    ]


def city_pages(world):
    draft, submitted = world[Status.DRAFT], world[Status.SUBMITTED]
    return [
        reverse("admin:index"),
        reverse("admin:reports_report_changelist"),
        reverse("admin:reports_report_add"),
        reverse("admin:reports_report_change", args=[draft.pk]),
        reverse("admin:reports_report_change", args=[submitted.pk]),  # read-only for the city
        reverse("admin:reports_report_delete", args=[draft.pk]),
        reverse("admin:reports_report_history", args=[submitted.pk]),
        reverse("admin:reports_report_versions", args=[submitted.pk]),
        reverse("admin:reports_municipality_changelist"),
    ]


def test_every_main_page_is_russian_for_the_association(login, world, kogalym):
    client = login("moderator")
    for url in association_pages(world, kogalym):
        assert_russian(client.get(url), url)


def test_every_main_page_is_russian_for_a_city(login, world):
    client = login("city")
    for url in city_pages(world):
        assert_russian(client.get(url), url)


def test_lists_count_in_proper_russian(login, world):
    client = login("moderator")

    reports = assert_russian(client.get(reverse("admin:reports_report_changelist")), "reports")
    users = assert_russian(client.get(reverse("admin:accounts_user_changelist")), "users")
    failures = assert_russian(client.get(reverse("admin:accounts_loginfailure_changelist")), "failures")
    municipalities = assert_russian(client.get(reverse("admin:reports_municipality_changelist")), "cities")

    assert Report.objects.count() == 8 and "8 отчётов" in reports
    assert f"{User.objects.filter(is_superuser=False).count()} пользователей" in users  # 5
    assert "1 неудачный вход" in failures
    assert f"{Municipality.objects.count()} муниципалитета" in municipalities  # 2
    searched = visible(client.get(reverse("admin:accounts_user_changelist"), {"q": "ova"}))
    assert re.search(r"2 результата \( ?всего \d+ ?\)", searched)


def test_titles_agree_with_the_names(login, world):
    client = login("moderator")
    user = User.objects.get(username="ivanova")

    users = visible(client.get(reverse("admin:accounts_user_changelist")))
    assert "<title>" not in users and "Пользователи | " in users
    assert "Добавить пользователя" in users
    assert "Новый пользователь" in visible(client.get(reverse("admin:accounts_user_add")))
    assert "Пользователь ivanova" in visible(client.get(reverse("admin:accounts_user_change", args=[user.pk])))
    problem = world[Status.DRAFT].problems.get()
    assert " Проблема Сложно привлечь" in visible(
        client.get(reverse("admin:reports_problem_change", args=[problem.pk]))
    )


def test_a_read_only_report_is_titled_as_a_report(login, world):
    submitted = world[Status.SUBMITTED]

    text = visible(login("city").get(reverse("admin:reports_report_change", args=[submitted.pk])))

    assert "Отчёт | " in text  # the <title>
    assert "Просмотр версии" not in text and "Просмотреть отчёт" not in text


def test_bulk_delete_confirmation_and_message(login, world):
    client = login("moderator")
    chosen = list(User.objects.filter(username__in=["ivanova", "petrova"]).values_list("pk", flat=True))
    url = reverse("admin:accounts_user_changelist")
    action = {"action": "delete_selected", "_selected_action": chosen}

    confirmation = client.post(url, action)
    text = assert_russian(confirmation, "confirmation")
    assert "Удалить выбранное: 2 пользователя? Вместе с ними будут удалены все связанные записи" in text

    done = client.post(url, {**action, "post": "yes"}, follow=True)
    text = assert_russian(done, "after delete")
    assert "Удалено: 2 пользователя." in text


def test_save_and_missing_messages(login, world, kogalym):
    client = login("moderator")
    change = reverse("admin:reports_municipality_change", args=[kogalym.pk])
    data = {"name": kogalym.name, "slug": kogalym.slug, "region": kogalym.region, "website": ""}

    saved = client.post(change, data)
    assert saved.status_code == 302, saved.status_code
    landing = client.get(saved["Location"])
    assert "Сохранено: муниципалитет «Когалым»." in assert_russian(landing, "saved")

    missing = client.get(reverse("admin:reports_report_change", args=[987654]), follow=True)
    assert "Такой записи не существует: отчёт с номером «987654». Возможно, её удалили." in visible(missing)


def test_delete_confirmation_of_a_report(login, world):
    draft = world[Status.DRAFT]

    text = assert_russian(login("city").get(reverse("admin:reports_report_delete", args=[draft.pk])), "delete")

    assert f"Удалить: отчёт «{draft}»? Вместе с этим будут удалены все связанные записи ниже:" in text
