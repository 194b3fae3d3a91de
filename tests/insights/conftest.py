"""Reports with requests, themes and plan → fact outcomes, published and not."""

import pytest

from reports.models import Achievement, Municipality, Proposal, TaskOutcome
from reports.status import Status
from themes.models import Theme

# Written only into reports that are not published: must never show anywhere public.
SECRET = "тайнаяпросьбачерновика"


@pytest.fixture
def themes(db):
    # Just these three (the curated list of the data migration is left out: the figures below count them).
    Theme.objects.all().delete()
    return {
        slug: Theme.objects.create(name=name, slug=slug, position=n)
        for n, (slug, name) in enumerate([("tos", "ТОС"), ("youth", "Молодёжь"), ("cossacks", "Казачество")])
    }


@pytest.fixture
def city(db):
    def make(name, slug, region="Красноярский край"):
        return Municipality.objects.create(name=name, slug=slug, region=region)

    return make


@pytest.fixture
def report_with(make_report, moderator):
    """report_with(city, year, requests=[(kind, text, [theme, …])], status=…, tasks=…, outcomes=…)."""

    def make(municipality, year, requests=(), status=Status.PUBLISHED, achievements=(), outcomes=()):
        report = make_report(status, municipality=municipality, year=year, city=moderator, items=False)
        for n, (kind, text, item_themes) in enumerate(requests, start=1):
            proposal = Proposal.objects.create(report=report, kind=kind, text=text, position=n)
            proposal.themes.set(item_themes)
        for n, (text, item_themes) in enumerate(achievements, start=1):
            item = Achievement.objects.create(report=report, text=text, position=n)
            item.themes.set(item_themes)
        for n, (text, outcome) in enumerate(outcomes, start=1):
            TaskOutcome.objects.create(report=report, task_text=text, outcome=outcome, position=n)
        return report

    return make


@pytest.fixture
def two_years(city, themes, report_with, sayan, kogalym):
    """Саяногорск and Когалым published for 2023 and 2024 with requests, plus a draft of 2024
    (in its own city) holding SECRET everywhere."""
    hidden = city("Скрытград", "hidden", "Скрытый край")
    report_with(
        sayan,
        2023,
        [("methodology", "Опыт ТОС других городов", [themes["tos"]])],
        achievements=[("Форум ТОС", [themes["tos"]])],
        outcomes=[("Провести форум", "done"), ("Открыть центр", "not_done")],
    )
    report_with(
        sayan,
        2024,
        [
            ("methodology", "Методички по ТОС", [themes["tos"]]),
            ("training", "Курсы для молодёжных советов", [themes["youth"]]),
        ],
        achievements=[("Молодёжный совет", [themes["youth"]])],
        outcomes=[("Провести форум ТОС", "done"), ("Гранты", "partly"), ("Сайт", "")],
    )
    report_with(
        kogalym,
        2024,
        [
            ("methodology", "Как поддержать ТОС на севере", [themes["tos"]]),
            ("conference", "Обсудить казачьи общества", [themes["cossacks"]]),
            ("other", "Прислать контакты коллег", []),
        ],
        outcomes=[("Провести слёт", "carried_over")],
    )
    report_with(
        hidden,
        2024,
        [("methodology", f"{SECRET} методика", [themes["tos"]]), ("training", f"{SECRET} курс", [])],
        status=Status.SUBMITTED,
        achievements=[(f"{SECRET} достижение", [themes["cossacks"]])],
        outcomes=[(f"{SECRET} задача", "dropped")],
    )
    report_with(hidden, 2019, [("other", f"{SECRET} старое", [])], status=Status.DRAFT)
    return {"sayan": sayan, "kogalym": kogalym, "hidden": hidden}
