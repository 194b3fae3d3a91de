"""Remarks on one section or one item of a report, written by the Association when it returns the
report to the city («Вернуть на доработку»).

They are stored on the returning ReportEvent (`notes`, a list of plain dicts) so that they stay in
the report's timeline as they were written, even after the city rewrites or deletes the item. The
city sees them next to the item in the report form, in the status panel and in the e-mail.
"""

from dataclasses import dataclass

from django.utils.text import capfirst
from django.utils.translation import gettext as _

from .models import SECTION_BY_KEY, SECTIONS
from .status import Status

EXCERPT = 120
NOTE_MAX_LENGTH = 2000


@dataclass(frozen=True)
class NoteTarget:
    """What a remark may be attached to: a whole section (item None) or one of its items."""

    section: str
    item: int | None
    number: int | None  # the item's number in its section, as the form shows it (1, 2, …)
    excerpt: str

    @property
    def field_name(self) -> str:
        return f"note-{self.section}" + (f"-{self.item}" if self.item else "")


def targets(report) -> list[NoteTarget]:
    """Every section of the report, each followed by its items in document order."""
    found = []
    for section in SECTIONS:
        found.append(NoteTarget(section.key, None, None, str(section.title)))
        items = getattr(report, section.key).order_by("position", "id")
        for number, item in enumerate(items, 1):
            found.append(NoteTarget(section.key, item.pk, number, _excerpt(item.text)))
    return found


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= EXCERPT else text[: EXCERPT - 1] + "…"


def collect(report_targets, values: dict) -> list[dict]:
    """The remarks typed into the fields named after the targets, in document order."""
    notes = []
    for target in report_targets:
        text = (values.get(target.field_name) or "").strip()
        if text:
            notes.append(
                {
                    "section": target.section,
                    "item": target.item,
                    "number": target.number,
                    "excerpt": target.excerpt if target.item else "",
                    "text": text,
                }
            )
    return notes


def label(note: dict) -> str:
    """«Достижение 2» for an item, «Раздел «Проблемы»» for a section."""
    section = SECTION_BY_KEY.get(note.get("section"))
    if section is None:
        return _("Отчёт")
    if note.get("item"):
        return f"{capfirst(section.model._meta.verbose_name)} {note.get('number') or ''}".strip()
    return _("Раздел «%(title)s»") % {"title": section.title}


def labelled(notes) -> list[dict]:
    """The remarks with their labels, for templates (which cannot call label())."""
    return [{**note, "label": label(note)} for note in notes or ()]


def open_notes(report, events=None) -> list[dict]:
    """The remarks the city still has to deal with: those of the return that put the report in
    «на доработке», while it is there. `events`: the report's events newest first, if at hand."""
    if report.status != Status.CHANGES_REQUESTED:
        return []
    if events is None:
        events = report.events.order_by("-created_at", "-id")
    for event in events:
        if event.to_status == Status.CHANGES_REQUESTED:
            return labelled(event.notes)
        break
    return []


def by_item(notes) -> dict[tuple[str, int], list[str]]:
    """{(section key, item id): [remark, …]} for the rows of the report form."""
    found: dict[tuple[str, int], list[str]] = {}
    for note in notes:
        if note.get("item"):
            found.setdefault((note["section"], note["item"]), []).append(note["text"])
    return found
