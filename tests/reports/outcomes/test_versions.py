"""Outcomes are part of a report's versions: in its snapshots, compared in their diffs."""

import pytest

from reports import workflow
from reports.snapshots import diff_snapshots, report_snapshot

from .conftest import COUNCIL, FORUM, TRAINING, mark, rows

pytestmark = pytest.mark.django_db


def outcome_section(old, new):
    found = [s for s in diff_snapshots(old, new) if s.key == "outcomes"]
    return found[0] if found else None


def test_the_snapshot_holds_the_outcomes_in_order(draft_2025):
    mark(draft_2025, council=("partly", "собрались дважды"))
    tasks = [row.task_id for row in rows(draft_2025)]
    assert report_snapshot(draft_2025)["outcomes"] == [
        {"task": tasks[0], "task_text": FORUM, "outcome": "", "comment": ""},
        {"task": tasks[1], "task_text": COUNCIL, "outcome": "partly", "comment": "собрались дважды"},
        {"task": tasks[2], "task_text": TRAINING, "outcome": "", "comment": ""},
    ]


def test_each_transition_keeps_them(draft_2025, city_editor):
    mark(draft_2025, forum="done")
    report = workflow.perform(draft_2025, city_editor, "submit", "")
    assert report.events.get().snapshot["outcomes"][0]["outcome"] == "done"


def test_the_diff_shows_a_changed_outcome(draft_2025):
    before = report_snapshot(draft_2025)
    mark(draft_2025, council=("not_done", "нет денег"))
    section = outcome_section(before, report_snapshot(draft_2025))
    assert section.title == "Выполнение задач на 2025 год"
    assert section.changed
    assert [(line.op, line.text) for line in section.lines if line.op != "equal"] == [
        ("removed", f"[итог не указан] {COUNCIL}"),
        ("added", f"[не выполнена] {COUNCIL} — нет денег"),
    ]


def test_no_outcome_section_for_reports_without_outcomes(make_report):
    snapshot = report_snapshot(make_report())
    assert outcome_section(snapshot, snapshot) is None
    older = {key: value for key, value in snapshot.items() if key != "outcomes"}  # made before outcomes existed
    assert outcome_section(older, snapshot) is None


def test_a_snapshot_from_before_outcomes_compares_with_one_that_has_them(draft_2025):
    now = report_snapshot(draft_2025)
    older = {key: value for key, value in now.items() if key != "outcomes"}
    section = outcome_section(older, now)
    assert [line.op for line in section.lines] == ["added"] * 3
