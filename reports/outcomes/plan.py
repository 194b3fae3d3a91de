"""Plan → fact: which tasks a report answers for, its outcome rows kept in step with them, what the
public may see of them, and the share of tasks done.

A city's report about year N answers for the tasks it set for year N in its earlier *published*
reports (normally the report about N−1): each becomes a TaskOutcome row of the report about N,
which the city marks (done, partly, …) while writing it. The rows are made by `sync`, run when a
report is created in the back office, when the campaign opens the year's drafts, and when a report
the city may still write is opened in its form — never by the import of an old document, whose
outcomes stay empty (nobody marked them).
"""

from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, Prefetch, Q, QuerySet

from ..models import Report, Task, published_q
from ..status import Status
from .models import Outcome, TaskOutcome

# While a report is in these statuses the city writes it: opening its form brings its outcome rows
# in step with the plan. (Later the list stays as it was reviewed and published.)
SYNCED_STATUSES = (Status.DRAFT, Status.CHANGES_REQUESTED)


def planned_tasks(report: Report) -> QuerySet:
    """The tasks the city set for this report's year in its earlier published reports: oldest report
    first, then in each report's order."""
    return Task.objects.filter(
        published_q("report__"),
        report__municipality_id=report.municipality_id,
        report__year__lt=report.year,
        year=report.year,
    ).order_by("report__year", "position", "id")


def is_filled(row: TaskOutcome) -> bool:
    """The city wrote something in the row (an outcome or a comment): it is never deleted by `sync`."""
    return bool(row.outcome or row.comment.strip())


def _plan(report: Report, rows: list[TaskOutcome], tasks: list[Task]):
    """What sync would do: (rows to create, rows to update, rows to delete)."""
    by_task = {row.task_id: row for row in rows if row.task_id is not None}
    create, update = [], []
    for position, task in enumerate(tasks, 1):
        row = by_task.pop(task.pk, None)
        if row is None:
            create.append(TaskOutcome(report=report, task=task, task_text=task.text, position=position))
        elif row.task_text != task.text or row.position != position:
            row.task_text, row.position = task.text, position
            update.append(row)
    planned = {task.pk for task in tasks}
    # Rows no longer in the plan (a task deleted from the old report, moved to another year, or an
    # old report withdrawn): kept, after the planned ones, if the city wrote something in them.
    leftover = [row for row in rows if row.task_id not in planned]
    delete = [row for row in leftover if not is_filled(row)]
    position = len(tasks)
    for row in leftover:
        if is_filled(row):
            position += 1
            if row.position != position:
                row.position = position
                update.append(row)
    return create, update, delete


def sync(report: Report, user=None) -> bool:
    """Bring the report's outcome rows in step with the tasks set for its year: a row for each
    planned task (its text and order as the task has them now), in the tasks' order. Never deletes
    a row the city wrote something in; an empty row whose task left the plan goes. Idempotent;
    writes (and locks the report) only when something is missing or out of date. Returns whether
    anything changed."""
    tasks = list(planned_tasks(report))
    if not any(_plan(report, list(TaskOutcome.objects.filter(report=report)), tasks)):
        return False
    with transaction.atomic():
        # Two people opening the form at once: the second waits here, then finds the rows made.
        Report.objects.select_for_update().filter(pk=report.pk).values_list("pk").first()
        tasks = list(planned_tasks(report))
        create, update, delete = _plan(report, list(TaskOutcome.objects.filter(report=report)), tasks)
        for row in delete:
            row._history_user = user
            row.delete()
        for row in [*update, *create]:  # one by one, so simple-history records each
            row._history_user = user
            row.save()
    return bool(create or update or delete)


def sync_if_writing(report: Report, user=None) -> bool:
    """`sync` for a report the city is writing (SYNCED_STATUSES); nothing for any other."""
    if report.pk is None or report.status not in SYNCED_STATUSES:
        return False
    return sync(report, user)


# --- what the public sees ---------------------------------------------------------------------


def public_outcomes_q(through: str = "") -> Q:
    """Outcome rows the public may see: of a published report, about a task of a published report
    (or of a task deleted since, whose text the row keeps). An old report withdrawn takes its
    tasks' outcomes off the later reports' pages too (reports.publication refreshes them)."""
    return published_q(f"{through}report__") & (
        Q(**{f"{through}task__isnull": True}) | published_q(f"{through}task__report__")
    )


def outcome_prefetch() -> Prefetch:
    """`report.outcomes` of reports that are shown (published, or previewed): the rows about tasks of
    published reports, in order, each with its task's report (the year it was planned in). The
    report's own status is the outer query's business."""
    visible = Q(task__isnull=True) | published_q("task__report__")
    return Prefetch(
        "outcomes",
        queryset=TaskOutcome.objects.filter(visible).select_related("task__report").order_by("position", "id"),
    )


def answering_reports(report: Report) -> list[int]:
    """Published reports holding outcomes of this report's tasks: their pages show those tasks'
    texts, so they change when this report is published or withdrawn."""
    return list(
        TaskOutcome.objects.filter(published_q("report__"), task__report=report)
        .exclude(report=report)
        .order_by()
        .values_list("report_id", flat=True)
        .distinct()
    )


# --- the share of tasks done ----------------------------------------------------------------------


@dataclass(frozen=True)
class Fulfilment:
    """How a set of tasks turned out.

    `total`: the tasks counted, marked or not; `marked`: those with an outcome; `counts`: the
    number of each outcome (Outcome values; every one present, 0 if none). `done_share` is the
    share of *all* counted tasks marked done (unmarked ones count against it: a task nobody
    reported on is not known to be done); "partly" is not counted as half — it stays a number of
    its own (`partly`), shown beside the share."""

    total: int = 0
    marked: int = 0
    counts: dict = field(default_factory=dict)

    @property
    def done(self) -> int:
        return self.counts.get(Outcome.DONE, 0)

    @property
    def partly(self) -> int:
        return self.counts.get(Outcome.PARTLY, 0)

    @property
    def unmarked(self) -> int:
        return self.total - self.marked

    @property
    def done_share(self) -> float | None:
        """done / total (0…1); None when there is nothing to count."""
        return self.done / self.total if self.total else None

    @property
    def done_percent(self) -> int | None:
        return None if self.done_share is None else round(self.done_share * 100)

    def items(self) -> list[tuple[str, str, int]]:
        """(value, label, number) of each outcome, in Outcome's order."""
        return [(value, label, self.counts.get(value, 0)) for value, label in Outcome.choices]

    @classmethod
    def from_counts(cls, counts) -> "Fulfilment":
        """From {outcome value or "" (not marked): number}."""
        total = sum(counts.values())
        by_outcome = {value: counts.get(value, 0) for value in Outcome.values}
        return cls(total=total, marked=sum(by_outcome.values()), counts=by_outcome)


def fulfilment(outcomes) -> Fulfilment:
    """The Fulfilment of outcome rows (TaskOutcome), outcome values, or None / "" for a task not
    marked — whatever mix the caller has (a city page counts tasks that have no row as not marked)."""
    counted = Counter()
    for outcome in outcomes:
        value = getattr(outcome, "outcome", outcome) or ""
        counted[value if value in Outcome.values else ""] += 1
    return Fulfilment.from_counts(counted)


GROUPINGS = {
    "year": "report__year",
    "municipality": "report__municipality_id",
    "region": "report__municipality__region",
}


def published_outcome_counts(by: str = "year", queryset=None) -> dict:
    """{key: Fulfilment} over the outcome rows the public may see (public_outcomes_q), grouped `by`
    "year" (the year the tasks were for, which is the answering report's year), "municipality" (its
    id) or "region"; in key order. `queryset`: TaskOutcome rows to start from (narrowed further),
    e.g. one region's. One query."""
    if by not in GROUPINGS:
        raise ValueError(f"by must be one of {sorted(GROUPINGS)}")
    key = GROUPINGS[by]
    rows = (queryset if queryset is not None else TaskOutcome.objects.all()).filter(public_outcomes_q())
    grouped: dict = {}
    for row in rows.order_by().values(key, "outcome").annotate(n=Count("id")):
        grouped.setdefault(row[key], Counter())[row["outcome"]] += row["n"]
    return {k: Fulfilment.from_counts(grouped[k]) for k in sorted(grouped)}
