"""Whole-report versions: a snapshot at each workflow transition, and diffs between them.

simple-history keeps each row's history, but does not tie a report's items to
the report's state at a given moment; the snapshot stored with every
ReportEvent does, so an editor can see exactly what was submitted or published.
"""

import difflib
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .models import SECTIONS, Outcome, ProposalKind


def report_snapshot(report) -> dict:
    """The whole report as plain data (read fresh from the database, in document order)."""
    return {
        "municipality": {"id": report.municipality_id, "name": report.municipality.name},
        "year": report.year,
        "status": report.status,
        "version": report.version,
        **{
            section.key: [
                {"text": item.text, **{name: getattr(item, name) for name in section.fields}}
                for item in getattr(report, section.key).order_by("position", "id")
            ]
            for section in SECTIONS
        },
        # Plan → fact (reports.outcomes): what became of the tasks set for this year.
        "outcomes": [
            {"task": row.task_id, "task_text": row.task_text, "outcome": row.outcome, "comment": row.comment}
            for row in report.outcomes.order_by("position", "id")
        ],
    }


def _item_line(section: str, item: dict) -> str:
    if section == "tasks":
        return f"[{item.get('year')}] {item['text']}"
    if section == "proposals":
        kind = ProposalKind(item["kind"]).label if item.get("kind") in ProposalKind.values else item.get("kind")
        return f"[{kind}] {item['text']}"
    return item["text"]


@dataclass
class DiffLine:
    op: str  # "equal" | "added" | "removed"
    text: str


@dataclass
class SectionDiff:
    key: str
    title: str
    lines: list[DiffLine]

    @property
    def changed(self) -> bool:
        return any(line.op != "equal" for line in self.lines)


def diff_snapshots(old: dict, new: dict) -> list[SectionDiff]:
    """Item-by-item diff of two snapshots, per section (an edited item shows as removed + added)."""
    result = []
    header_old = [f"{old.get('municipality', {}).get('name', '')}, {old.get('year', '')}"]
    header_new = [f"{new.get('municipality', {}).get('name', '')}, {new.get('year', '')}"]
    result.append(SectionDiff("header", str(_("Муниципалитет и год")), _diff_lines(header_old, header_new)))
    for section in SECTIONS:
        a = [_item_line(section.key, item) for item in old.get(section.key, [])]
        b = [_item_line(section.key, item) for item in new.get(section.key, [])]
        result.append(SectionDiff(section.key, str(section.title), _diff_lines(a, b)))
    # Outcomes: only for reports that have them (snapshots made before there were any have no key).
    if old.get("outcomes") or new.get("outcomes"):
        a = [_outcome_line(row) for row in old.get("outcomes", [])]
        b = [_outcome_line(row) for row in new.get("outcomes", [])]
        title = _("Выполнение задач на %(year)s год") % {"year": new.get("year") or old.get("year")}
        result.append(SectionDiff("outcomes", str(title), _diff_lines(a, b)))
    return result


def _outcome_line(row: dict) -> str:
    """«[выполнена] Провести форум ТОС — проведён в мае» (an outcome not marked: «[итог не указан]»)."""
    value = row.get("outcome") or ""
    label = Outcome(value).label if value in Outcome.values else _("итог не указан")
    comment = (row.get("comment") or "").strip()
    return f"[{label}] {row.get('task_text', '')}" + (f" — {comment}" if comment else "")


def _diff_lines(a: list[str], b: list[str]) -> list[DiffLine]:
    lines = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            lines.extend(DiffLine("equal", text) for text in a[i1:i2])
            continue
        lines.extend(DiffLine("removed", text) for text in a[i1:i2])
        lines.extend(DiffLine("added", text) for text in b[j1:j2])
    return lines
