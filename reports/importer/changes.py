"""What replacing a report's content with an uploaded document would change, section by section.

The upload page shows it before anything is replaced: per section (reports.models.SECTIONS) the
items the file adds, the items it removes, the items it changes (an item whose text was edited,
paired with its old text) and the items only moved. Items are compared with what makes them
(text, a task's year, a request's kind), as they would be stored (loader._own_fields).

The parsed report travels between the upload and the confirmation in the session, as plain data
(`parsed_to_data` / `parsed_from_data`).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from ..models import SECTIONS, ProposalKind
from .model import ParsedItem, ParsedReport

# Two items at the same place whose texts are at least this similar are one item edited,
# not one removed and another added.
SIMILAR = 0.5


@dataclass
class SectionChanges:
    key: str
    title: str
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[tuple[str, str]] = field(default_factory=list)  # (was, becomes)
    moved: list[str] = field(default_factory=list)
    kept: int = 0

    @property
    def any(self) -> bool:
        return bool(self.added or self.removed or self.changed or self.moved)

    @property
    def summary(self) -> str:
        """«+2, −1, изменено 3» (or «без изменений»)."""
        parts = []
        if self.added:
            parts.append("+%d" % len(self.added))
        if self.removed:
            parts.append("−%d" % len(self.removed))
        if self.changed:
            parts.append(_("изменено %(count)d") % {"count": len(self.changed)})
        if self.moved:
            parts.append(_("перемещено %(count)d") % {"count": len(self.moved)})
        return ", ".join(parts) if parts else _("без изменений")

    @property
    def line(self) -> str:
        """«Достижения: +2, −1, изменено 3»."""
        return _("%(section)s: %(changes)s") % {"section": self.title, "changes": self.summary}


def item_label(section, text: str, fields: dict) -> str:
    """An item as the person reads it in the summary, as the versions' comparison shows it: a task
    with its year («[2025] …»), a request with its kind («[Обучение: темы курсов] …»)."""
    if "year" in section.fields and fields.get("year"):
        text = "[%s] %s" % (fields["year"], text)
    if "kind" in section.fields and fields.get("kind") in ProposalKind.values:
        text = "[%s] %s" % (ProposalKind(fields["kind"]).label, text)
    return text


def _stored_fields(section, item: ParsedItem, report_year: int) -> dict:
    """The fields an item of the file would be stored with (as loader._own_fields does)."""
    values = {}
    if "year" in section.fields:
        values["year"] = item.year or report_year + 1
    if "kind" in section.fields:
        values["kind"] = item.kind if item.kind in ProposalKind.values else ProposalKind.OTHER
    return values


def compare(report, parsed: ParsedReport) -> list[SectionChanges]:
    """Per section of SECTIONS: what `parsed` would change in `report` if it replaced its content."""
    result = []
    for section in SECTIONS:
        current = [
            (item.text, {name: getattr(item, name) for name in section.fields})
            for item in getattr(report, section.key).order_by("position", "id")
        ]
        incoming = [(item.text, _stored_fields(section, item, report.year)) for item in getattr(parsed, section.key)]
        result.append(_compare_section(section, current, incoming))
    return result


def _compare_section(section, current, incoming) -> SectionChanges:
    changes = SectionChanges(section.key, str(section.title))
    old = [(text, tuple(sorted(fields.items()))) for text, fields in current]
    new = [(text, tuple(sorted(fields.items()))) for text, fields in incoming]

    def label(entry):
        return item_label(section, entry[0], dict(entry[1]))

    removed, added = [], []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if tag == "equal":
            changes.kept += i2 - i1
            continue
        # An edited item keeps its place: in a replaced stretch, pair each old item with the next
        # new one (in order) whose text is alike; the rest were removed or added.
        came, start = new[j1:j2], 0
        for entry in old[i1:i2]:
            match = next((k for k in range(start, len(came)) if _similar(entry[0], came[k][0])), None)
            if match is None:
                removed.append(entry)
                continue
            added.extend(came[start:match])
            changes.changed.append((label(entry), label(came[match])))
            start = match + 1
        added.extend(came[start:])
    # The same item removed in one place and added in another only moved.
    for entry in list(removed):
        if entry in added:
            removed.remove(entry)
            added.remove(entry)
            changes.moved.append(label(entry))
    changes.removed = [label(entry) for entry in removed]
    changes.added = [label(entry) for entry in added]
    return changes


def _similar(a: str, b: str) -> bool:
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    return matcher.real_quick_ratio() >= SIMILAR and matcher.quick_ratio() >= SIMILAR and matcher.ratio() >= SIMILAR


# --- the parsed report in the session ---------------------------------------------------------


def parsed_to_data(parsed: ParsedReport) -> dict:
    """A ParsedReport as JSON-able data (the items only: notes are shown, not stored)."""
    return {
        "municipality": parsed.municipality,
        "year": parsed.year,
        "sections": {
            section.key: [[item.text, item.line, item.kind, item.year] for item in getattr(parsed, section.key)]
            for section in SECTIONS
        },
    }


def parsed_from_data(data: dict) -> ParsedReport:
    items = {
        section.key: [
            ParsedItem(text, line, kind, year) for text, line, kind, year in data["sections"].get(section.key, [])
        ]
        for section in SECTIONS
    }
    return ParsedReport(municipality=data["municipality"], year=data["year"], **items)
