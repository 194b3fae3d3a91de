"""Which tasks a report answers for (reports.outcomes.plan.sync), and the share of tasks done."""

from datetime import date

import pytest

from reports.models import Task
from reports.outcomes.models import Outcome, TaskOutcome
from reports.outcomes.plan import (
    Fulfilment,
    fulfilment,
    planned_tasks,
    published_outcome_counts,
    sync,
    sync_if_writing,
)
from reports.status import Status

from .conftest import COUNCIL, FORUM, LATER, TRAINING, mark, rows, walk

pytestmark = pytest.mark.django_db


def texts(report):
    return [row.task_text for row in rows(report)]


# --- which tasks ---------------------------------------------------------------------------------


def test_no_earlier_report_no_rows(make_report, sayan):
    report = make_report(Status.DRAFT, municipality=sayan, year=2025)
    assert sync(report) is False
    assert rows(report) == []


@pytest.mark.parametrize(
    "status", [Status.DRAFT, Status.SUBMITTED, Status.APPROVED, Status.CHANGES_REQUESTED, Status.WITHDRAWN]
)
def test_an_unpublished_earlier_report_sets_no_tasks(status, make_report, sayan):
    make_report(status, municipality=sayan, year=2024)  # its task «Провести форум ТОС» is for 2025
    report = make_report(Status.DRAFT, municipality=sayan, year=2025)
    sync(report)
    assert rows(report) == []


def test_the_tasks_set_for_the_year_in_order(plan_2024, make_report, sayan, kogalym, moderator):
    make_report(Status.PUBLISHED, municipality=kogalym, year=2024, city=moderator)  # another city's: not these
    report = make_report(Status.DRAFT, municipality=sayan, year=2025)
    assert sync(report) is True
    made = rows(report)
    assert [r.task_text for r in made] == [FORUM, COUNCIL, TRAINING]  # not LATER (set for 2026)
    assert [r.position for r in made] == [1, 2, 3]
    assert [r.task.report_id for r in made] == [plan_2024.pk] * 3
    assert all(r.outcome == "" and r.comment == "" for r in made)
    # History records each row (simple-history).
    assert TaskOutcome.history.filter(report=report).count() == 3


def test_older_reports_first_then_their_order(make_report, sayan):
    older = make_report(Status.PUBLISHED, municipality=sayan, year=2023, items=False)
    Task.objects.create(report=older, text="Двухлетняя задача", year=2025, position=1)
    newer = make_report(Status.PUBLISHED, municipality=sayan, year=2024)
    report = make_report(Status.DRAFT, municipality=sayan, year=2025)
    sync(report)
    assert [(r.task_text, r.task.report_id) for r in rows(report)] == [
        ("Двухлетняя задача", older.pk),
        (FORUM, newer.pk),
    ]


def test_a_later_report_sets_nothing_for_an_earlier_year(plan_2024, make_report, sayan):
    report_2023 = make_report(Status.DRAFT, municipality=sayan, year=2023)
    Task.objects.filter(report=plan_2024).update(year=2023)  # nonsense, but not an earlier report
    sync(report_2023)
    assert rows(report_2023) == []


def test_sync_is_idempotent(draft_2025):
    before = [(r.pk, r.position, r.task_text) for r in rows(draft_2025)]
    assert sync(draft_2025) is False
    assert [(r.pk, r.position, r.task_text) for r in rows(draft_2025)] == before
    assert TaskOutcome.history.filter(report=draft_2025).count() == 3


def test_a_task_added_to_the_old_report_joins(plan_2024, draft_2025):
    Task.objects.create(report=plan_2024, text="Новая задача", year=2025, position=0)
    assert sync(draft_2025) is True
    assert texts(draft_2025) == ["Новая задача", FORUM, COUNCIL, TRAINING]


def test_an_edited_task_text_follows(plan_2024, draft_2025):
    mark(draft_2025, council=("done", "собрались"))
    Task.objects.filter(report=plan_2024, text=COUNCIL).update(text="Создать совет старост")
    sync(draft_2025)
    row = TaskOutcome.objects.get(report=draft_2025, task__text="Создать совет старост")
    assert (row.task_text, row.outcome, row.comment) == ("Создать совет старост", "done", "собрались")


def test_a_deleted_task_keeps_a_filled_row_and_drops_an_empty_one(plan_2024, draft_2025):
    mark(draft_2025, forum=("", "провели в мае"), council="dropped")
    Task.objects.filter(report=plan_2024, text__in=[FORUM, COUNCIL, TRAINING]).delete()
    sync(draft_2025)
    kept = rows(draft_2025)
    # The city's words stay (task NULL, its text kept); the empty row of TRAINING goes.
    assert [(r.task_id, r.task_text, r.outcome, r.comment) for r in kept] == [
        (None, FORUM, "", "провели в мае"),
        (None, COUNCIL, "dropped", ""),
    ]
    assert [r.position for r in kept] == [1, 2]
    assert sync(draft_2025) is False


def test_a_task_moved_to_another_year_leaves_the_plan(plan_2024, draft_2025):
    mark(draft_2025, forum="carried_over")
    Task.objects.filter(report=plan_2024, text__in=[FORUM, TRAINING]).update(year=2026)
    sync(draft_2025)
    # FORUM's row was filled in: kept, after the planned COUNCIL; TRAINING's empty row: gone.
    assert texts(draft_2025) == [COUNCIL, FORUM]


def test_the_old_report_withdrawn_empty_rows_go(plan_2024, draft_2025, moderator, city_editor):
    mark(draft_2025, forum="done")
    from reports import workflow

    workflow.perform(plan_2024, moderator, "withdraw", "ошибка", public_comment="Отчёт снят")
    sync(draft_2025)
    assert texts(draft_2025) == [FORUM]


def test_sync_if_writing_only_while_the_city_writes(plan_2024, make_report, sayan, moderator, city_editor):
    from reports import workflow

    report = make_report(Status.DRAFT, municipality=sayan, year=2025)
    report = workflow.perform(report, city_editor, "submit", "")
    assert sync_if_writing(report) is False
    assert rows(report) == []
    report = workflow.perform(report, moderator, "request_changes", "Добавьте итоги")
    assert sync_if_writing(report) is True
    assert len(rows(report)) == 3


# --- made where reports are made ----------------------------------------------------------------


def test_the_campaign_makes_drafts_with_their_rows(plan_2024):
    from campaigns.collection import open_campaign
    from campaigns.models import Membership, ReportingCampaign

    campaign = ReportingCampaign.objects.create(year=2025, opens_on=date(2026, 1, 10), deadline=date(2026, 3, 1))
    Membership.objects.create(municipality_id=plan_2024.municipality_id, since=date(2020, 1, 1))
    open_campaign(campaign, today=date(2026, 1, 10))
    draft = plan_2024.municipality.reports.get(year=2025)
    assert draft.status == Status.DRAFT
    assert texts(draft) == [FORUM, COUNCIL, TRAINING]


def test_importing_an_old_document_leaves_outcomes_empty(plan_2024, sayan):
    from reports.importer.loader import store_report
    from reports.importer.parser import parse_file
    from tests.reports.importer.helpers import seed_path

    parsed = parse_file(seed_path("001"))  # Саяногорск's report about 2025
    assert parsed.year == 2025
    result = store_report(parsed, municipality=sayan, publish=True)
    assert result.report.status == Status.PUBLISHED
    assert rows(result.report) == []  # nobody marked them: no rows, no «итог не указан» on its pages


# --- the share of tasks done ---------------------------------------------------------------------


def test_fulfilment_counts_each_outcome_and_the_unmarked():
    f = fulfilment(["done", "done", "partly", "not_done", "", None, "carried_over"])
    assert (f.total, f.marked, f.unmarked, f.done, f.partly) == (7, 5, 2, 2, 1)
    assert f.counts == {"done": 2, "partly": 1, "not_done": 1, "dropped": 0, "carried_over": 1}
    assert f.done_share == pytest.approx(2 / 7)  # unmarked count against; "partly" is not a half
    assert f.done_percent == 29
    assert [label for _v, label, _n in f.items()] == [label for _v, label in Outcome.choices]


def test_fulfilment_of_nothing():
    assert fulfilment([]) == Fulfilment(total=0, marked=0, counts=dict.fromkeys(Outcome.values, 0))
    assert fulfilment([]).done_share is None


def test_fulfilment_of_rows(draft_2025):
    mark(draft_2025, forum="done", council="partly")
    f = fulfilment(rows(draft_2025))
    assert (f.total, f.marked, f.done, f.partly) == (3, 2, 1, 1)


def test_published_outcome_counts_only_what_the_public_sees(
    plan_2024, draft_2025, make_report, kogalym, city_editor, moderator, django_capture_on_commit_callbacks
):
    mark(draft_2025, forum="done", council="not_done")
    assert published_outcome_counts() == {}  # the 2025 report is a draft
    report = walk(draft_2025, Status.PUBLISHED, city_editor, moderator, django_capture_on_commit_callbacks)
    counts = published_outcome_counts()
    assert list(counts) == [2025]
    assert (counts[2025].total, counts[2025].done, counts[2025].counts["not_done"]) == (3, 1, 1)
    assert published_outcome_counts(by="municipality") == {report.municipality_id: counts[2025]}
    assert published_outcome_counts(by="region") == {"Республика Хакасия": counts[2025]}
    # The old report withdrawn: its tasks' outcomes are no longer public anywhere.
    from reports import workflow

    with django_capture_on_commit_callbacks(execute=True):
        workflow.perform(plan_2024, moderator, "withdraw", "ошибка", public_comment="Снят")
    assert published_outcome_counts() == {}
    with pytest.raises(ValueError):
        published_outcome_counts(by="theme")


def test_published_outcome_counts_takes_a_starting_queryset(
    draft_2025, city_editor, moderator, django_capture_on_commit_callbacks
):
    mark(draft_2025, forum="done")
    walk(draft_2025, Status.PUBLISHED, city_editor, moderator, django_capture_on_commit_callbacks)
    only = TaskOutcome.objects.filter(task_text=FORUM)
    assert published_outcome_counts(queryset=only)[2025].total == 1


def test_planned_tasks_is_a_queryset_in_order(plan_2024, draft_2025):
    assert [t.text for t in planned_tasks(draft_2025)] == [FORUM, COUNCIL, TRAINING]
    assert LATER not in [t.text for t in planned_tasks(draft_2025)]
