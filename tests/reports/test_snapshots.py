"""Whole-report snapshots at each transition, and the per-section diff between two of them."""

import pytest

from reports import workflow
from reports.models import Achievement, Problem, Proposal, Task
from reports.snapshots import diff_snapshots, report_snapshot

METHODOLOGY = "Методические материалы, опыт других городов"
TRAINING = "Обучение: темы курсов"


@pytest.fixture
def report(make_report):
    """A draft whose items were created out of order (positions decide, then ids)."""
    report = make_report(items=False)
    Achievement.objects.create(report=report, text="В: третье", position=3)
    Achievement.objects.create(report=report, text="А: первое", position=1)
    Achievement.objects.create(report=report, text="Б: второе", position=2)
    Problem.objects.create(report=report, text="Проблема 2", position=2)
    Problem.objects.create(report=report, text="Проблема 1 (раньше создана)", position=1)
    Problem.objects.create(report=report, text="Проблема 1 (позже создана)", position=1)
    Task.objects.create(report=report, text="Провести форум ТОС", year=2025, position=2)
    Task.objects.create(report=report, text="Обучить старост", year=2026, position=1)
    Proposal.objects.create(report=report, text="Курс для старших по домам", kind="training", position=2)
    Proposal.objects.create(report=report, text="Опыт работы с казачеством", kind="methodology", position=1)
    return report


@pytest.mark.django_db
def test_snapshot_holds_all_sections_in_position_order(report):
    assert report_snapshot(report) == {
        "municipality": {"id": report.municipality_id, "name": "Саяногорск"},
        "year": 2024,
        "status": "draft",
        "version": 1,
        "achievements": [{"text": "А: первое"}, {"text": "Б: второе"}, {"text": "В: третье"}],
        "problems": [
            {"text": "Проблема 1 (раньше создана)"},
            {"text": "Проблема 1 (позже создана)"},
            {"text": "Проблема 2"},
        ],
        "tasks": [
            {"text": "Обучить старост", "year": 2026},
            {"text": "Провести форум ТОС", "year": 2025},
        ],
        "proposals": [
            {"kind": "methodology", "text": "Опыт работы с казачеством"},
            {"kind": "training", "text": "Курс для старших по домам"},
        ],
        "outcomes": [],
    }


@pytest.mark.django_db
def test_snapshot_of_a_report_without_items(make_report):
    snapshot = report_snapshot(make_report(items=False))
    assert [snapshot[key] for key in ("achievements", "problems", "tasks", "proposals")] == [[], [], [], []]


def _snapshot(achievements, problems, tasks, proposals, year=2024, name="Саяногорск"):
    return {
        "municipality": {"id": 1, "name": name},
        "year": year,
        "status": "draft",
        "version": 1,
        "achievements": [{"text": t} for t in achievements],
        "problems": [{"text": t} for t in problems],
        "tasks": [{"text": t, "year": y} for t, y in tasks],
        "proposals": [{"kind": k, "text": t} for k, t in proposals],
    }


OLD = _snapshot(
    achievements=["Форум ТОС", "Конкурс проектов", "Субботник"],
    problems=["Мало молодёжи", "Нет помещения"],
    tasks=[("Провести форум", 2025), ("Обучить старост", 2025)],
    proposals=[("methodology", "Опыт казачества")],
)
NEW = _snapshot(
    achievements=["Форум ТОС", "Конкурс проектов (итоги)", "Субботник", "Новый сквер"],  # edited + added
    problems=["Мало молодёжи"],  # deleted
    tasks=[("Провести форум", 2026), ("Обучить старост", 2025)],  # changed year
    proposals=[("methodology", "Опыт казачества")],  # unchanged
)


def _lines(section):
    return [(line.op, line.text) for line in section.lines]


def test_diff_marks_edited_added_removed_and_equal_lines():
    diff = {section.key: section for section in diff_snapshots(OLD, NEW)}
    assert list(diff) == ["header", "achievements", "problems", "tasks", "proposals"]
    assert _lines(diff["header"]) == [("equal", "Саяногорск, 2024")]
    assert _lines(diff["achievements"]) == [
        ("equal", "Форум ТОС"),
        ("removed", "Конкурс проектов"),
        ("added", "Конкурс проектов (итоги)"),
        ("equal", "Субботник"),
        ("added", "Новый сквер"),
    ]
    assert _lines(diff["problems"]) == [("equal", "Мало молодёжи"), ("removed", "Нет помещения")]
    assert _lines(diff["tasks"]) == [
        ("removed", "[2025] Провести форум"),
        ("added", "[2026] Провести форум"),
        ("equal", "[2025] Обучить старост"),
    ]
    assert _lines(diff["proposals"]) == [("equal", f"[{METHODOLOGY}] Опыт казачества")]
    assert {key: section.changed for key, section in diff.items()} == {
        "header": False,
        "achievements": True,
        "problems": True,
        "tasks": True,
        "proposals": False,
    }
    assert [section.title for section in diff_snapshots(OLD, NEW)] == [
        "Муниципалитет и год",
        "Достижения",
        "Проблемы",
        "Задачи на следующий год",
        "Запросы к Ассоциации",
    ]


def test_diff_the_other_way_round_swaps_added_and_removed():
    diff = {section.key: section for section in diff_snapshots(NEW, OLD)}
    assert _lines(diff["problems"]) == [("equal", "Мало молодёжи"), ("added", "Нет помещения")]
    assert ("removed", "Новый сквер") in _lines(diff["achievements"])


@pytest.mark.parametrize(
    "old_kind, new_kind, expected",
    [
        ("methodology", "methodology", [("equal", f"[{METHODOLOGY}] Курс")]),
        ("methodology", "training", [("removed", f"[{METHODOLOGY}] Курс"), ("added", f"[{TRAINING}] Курс")]),
        ("gone_kind", "gone_kind", [("equal", "[gone_kind] Курс")]),  # a kind no longer in the choices
    ],
)
def test_diff_of_proposal_kinds(old_kind, new_kind, expected):
    old = _snapshot([], [], [], [(old_kind, "Курс")])
    new = _snapshot([], [], [], [(new_kind, "Курс")])
    proposals = {s.key: s for s in diff_snapshots(old, new)}["proposals"]
    assert _lines(proposals) == expected


def test_diff_of_identical_snapshots_has_no_changes():
    assert not any(section.changed for section in diff_snapshots(OLD, OLD))


def test_diff_header_shows_a_changed_year():
    header = diff_snapshots(OLD, _snapshot([], [], [], [], year=2025))[0]
    assert header.key == "header"
    assert _lines(header) == [("removed", "Саяногорск, 2024"), ("added", "Саяногорск, 2025")]


def test_diff_tolerates_an_empty_old_snapshot():
    diff = {section.key: section for section in diff_snapshots({}, NEW)}
    assert all(op == "added" for op, _text in _lines(diff["achievements"]))
    assert len(diff["achievements"].lines) == 4


@pytest.mark.django_db
def test_each_transition_stores_the_report_as_it_was(report, city_editor, moderator):
    workflow.submit(report, city_editor)
    workflow.request_changes(report, moderator, "Уточните второе достижение")

    second = Achievement.objects.get(report=report, position=2)
    second.text = "Б: второе, с цифрами"
    second.save()

    workflow.submit(report, city_editor, "Исправили")
    workflow.publish(report, moderator)

    events = list(report.events.order_by("id"))
    assert [e.transition for e in events] == ["submit", "request_changes", "submit", "publish"]
    first_submit, returned, second_submit, published = (e.snapshot for e in events)

    # Each snapshot records the status and version the transition produced.
    assert [(s["status"], s["version"]) for s in (first_submit, returned, second_submit, published)] == [
        ("submitted", 2),
        ("changes_requested", 3),
        ("submitted", 4),
        ("published", 5),
    ]

    # The first submission still shows the text as it was then.
    assert [a["text"] for a in first_submit["achievements"]] == ["А: первое", "Б: второе", "В: третье"]
    assert returned["achievements"] == first_submit["achievements"]
    assert [a["text"] for a in second_submit["achievements"]] == ["А: первое", "Б: второе, с цифрами", "В: третье"]
    assert published["achievements"] == second_submit["achievements"]

    # The two submitted snapshots differ exactly in the edited item.
    changes = {
        section.key: [(op, text) for op, text in _lines(section) if op != "equal"]
        for section in diff_snapshots(first_submit, second_submit)
    }
    assert changes == {
        "header": [],
        "achievements": [("removed", "Б: второе"), ("added", "Б: второе, с цифрами")],
        "problems": [],
        "tasks": [],
        "proposals": [],
    }
    for key in ("problems", "tasks", "proposals"):
        assert first_submit[key] == second_submit[key]


@pytest.mark.django_db
def test_snapshot_tracks_added_deleted_items_and_changed_year(report, city_editor, moderator):
    workflow.submit(report, city_editor)
    workflow.request_changes(report, moderator, "Дополните")
    Problem.objects.get(report=report, text="Проблема 2").delete()
    Achievement.objects.create(report=report, text="Г: четвёртое", position=4)
    task = Task.objects.get(report=report, text="Провести форум ТОС")
    task.year = 2027
    task.save()
    workflow.submit(report, city_editor)

    submitted = [e.snapshot for e in report.events.filter(transition="submit").order_by("id")]
    diff = {section.key: _lines(section) for section in diff_snapshots(*submitted)}
    assert [line for line in diff["achievements"] if line[0] != "equal"] == [("added", "Г: четвёртое")]
    assert [line for line in diff["problems"] if line[0] != "equal"] == [("removed", "Проблема 2")]
    assert [line for line in diff["tasks"] if line[0] != "equal"] == [
        ("removed", "[2025] Провести форум ТОС"),
        ("added", "[2027] Провести форум ТОС"),
    ]
    assert all(op == "equal" for op, _ in diff["proposals"])


@pytest.mark.django_db
def test_refused_transition_stores_no_snapshot(report, other_editor):
    with pytest.raises(workflow.TransitionNotAllowed):
        workflow.submit(report, other_editor)
    assert not report.events.exists()
