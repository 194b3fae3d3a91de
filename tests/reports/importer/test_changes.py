"""What replacing a report's content with a file would change: per section, added / removed /
changed / moved items, and the one-line summary «Достижения: +2, −1, изменено 3»."""

from __future__ import annotations

import pytest

from reports.importer.changes import compare, parsed_from_data, parsed_to_data
from reports.importer.model import ParsedItem, ParsedReport
from reports.models import Achievement, Proposal, Report, Task

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(sayan):
    report = Report.objects.create(municipality=sayan, year=2024)
    for n, text in enumerate(
        [
            "Проведён форум ТОС в июне, в нём участвовали 120 активистов.",
            "Открыт ресурсный центр.",
            "Проведено 12 встреч с жителями микрорайонов.",
            "Запущена рассылка новостей.",
        ],
        1,
    ):
        Achievement.objects.create(report=report, text=text, position=n)
    Task.objects.create(report=report, text="Провести конкурс проектов ТОС.", year=2025, position=1)
    Proposal.objects.create(report=report, text="Семинар по работе с ТОС.", kind="conference", position=1)
    return report


def parsed(achievements=(), problems=(), tasks=(), proposals=()):
    return ParsedReport(
        "Саяногорск",
        2024,
        achievements=[ParsedItem(text, n) for n, text in enumerate(achievements, 1)],
        problems=[ParsedItem(text, n) for n, text in enumerate(problems, 1)],
        tasks=[ParsedItem(text, n, year=year) for n, (text, year) in enumerate(tasks, 1)],
        proposals=[ParsedItem(text, n, kind=kind) for n, (text, kind) in enumerate(proposals, 1)],
    )


def by_key(changes):
    return {section.key: section for section in changes}


def test_the_same_content_changes_nothing(report):
    same = parsed(
        achievements=[a.text for a in report.achievements.order_by("position")],
        tasks=[("Провести конкурс проектов ТОС.", 2025)],
        proposals=[("Семинар по работе с ТОС.", "conference")],
    )
    changes = compare(report, same)
    assert not any(section.any for section in changes)
    assert [section.line for section in changes] == [
        "Достижения: без изменений",
        "Проблемы: без изменений",
        "Задачи на следующий год: без изменений",
        "Запросы к Ассоциации: без изменений",
    ]
    assert by_key(changes)["achievements"].kept == 4


def test_added_removed_and_edited_items_are_told_apart(report):
    new = parsed(
        achievements=[
            "Проведён форум ТОС в июле, в нём участвовали 150 активистов.",  # edited
            "Открыт ресурсный центр.",  # kept
            # «12 встреч» removed
            "Запущена рассылка новостей.",  # kept
            "Создан совет молодёжи.",  # added
            "Проведён конкурс «Лучший двор».",  # added
        ],
        problems=["Мало волонтёров."],
        tasks=[("Провести конкурс проектов ТОС.", 2025)],
        proposals=[("Семинар по работе с ТОС.", "conference")],
    )
    changes = by_key(compare(report, new))

    achievements = changes["achievements"]
    assert achievements.line == "Достижения: +2, −1, изменено 1"
    assert achievements.added == ["Создан совет молодёжи.", "Проведён конкурс «Лучший двор»."]
    assert achievements.removed == ["Проведено 12 встреч с жителями микрорайонов."]
    assert achievements.changed == [
        (
            "Проведён форум ТОС в июне, в нём участвовали 120 активистов.",
            "Проведён форум ТОС в июле, в нём участвовали 150 активистов.",
        )
    ]
    assert achievements.kept == 2
    assert changes["problems"].line == "Проблемы: +1"
    assert not changes["tasks"].any and not changes["proposals"].any


def test_a_task_year_or_a_request_kind_is_a_change(report):
    new = parsed(
        achievements=[a.text for a in report.achievements.order_by("position")],
        tasks=[("Провести конкурс проектов ТОС.", 2026)],
        proposals=[("Семинар по работе с ТОС.", "training")],
    )
    changes = by_key(compare(report, new))
    assert changes["tasks"].changed == [
        ("[2025] Провести конкурс проектов ТОС.", "[2026] Провести конкурс проектов ТОС.")
    ]
    assert changes["proposals"].changed == [
        (
            "[Конференции и совещания: вопросы для обсуждения] Семинар по работе с ТОС.",
            "[Обучение: темы курсов] Семинар по работе с ТОС.",
        )
    ]
    assert changes["proposals"].summary == "изменено 1"


def test_an_unknown_kind_and_a_missing_year_compare_as_they_would_be_stored(report):
    """The loader stores a task without a year for the next year and an unknown kind as "other"."""
    Proposal.objects.filter(report=report).update(kind="other")
    new = parsed(
        achievements=[a.text for a in report.achievements.order_by("position")],
        tasks=[("Провести конкурс проектов ТОС.", None)],
        proposals=[("Семинар по работе с ТОС.", "непонятно")],
    )
    assert not any(section.any for section in compare(report, new))


def test_a_moved_item_is_moved_not_removed_and_added(report):
    texts = [a.text for a in report.achievements.order_by("position")]
    new = parsed(
        achievements=[texts[3], *texts[:3]],
        tasks=[("Провести конкурс проектов ТОС.", 2025)],
        proposals=[("Семинар по работе с ТОС.", "conference")],
    )
    achievements = by_key(compare(report, new))["achievements"]
    assert achievements.moved == ["Запущена рассылка новостей."]
    assert not achievements.added and not achievements.removed and not achievements.changed
    assert achievements.line == "Достижения: перемещено 1"


def test_an_emptied_section_lists_every_removed_item(report):
    new = parsed(
        tasks=[("Провести конкурс проектов ТОС.", 2025)], proposals=[("Семинар по работе с ТОС.", "conference")]
    )
    achievements = by_key(compare(report, new))["achievements"]
    assert achievements.line == "Достижения: −4"
    assert len(achievements.removed) == 4


def test_the_parsed_report_survives_the_session():
    original = parsed(
        achievements=["Один.", "Два."],
        problems=["Три."],
        tasks=[("Четыре.", 2025)],
        proposals=[("Пять.", "methodology")],
    )
    import json

    restored = parsed_from_data(json.loads(json.dumps(parsed_to_data(original))))
    assert restored == ParsedReport(
        "Саяногорск",
        2024,
        achievements=original.achievements,
        problems=original.problems,
        tasks=original.tasks,
        proposals=original.proposals,
    )
