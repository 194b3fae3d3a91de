"""Data types shared by the importer modules (no logic beyond formatting)."""

from __future__ import annotations

from dataclasses import dataclass, field

# Location units used in messages: plain text is addressed by line, .docx by paragraph.
UNIT_LINE = "строка"
UNIT_PARAGRAPH = "абзац"


class ParseError(ValueError):
    """The document cannot be imported; ``str(e)`` is a Russian message for the uploader.

    ``line`` is the 1-based line (text) or paragraph (.docx) the problem refers to, if known.
    ``internal`` is True only when an unexpected bug was caught by the public API's
    safety net (tests assert it never happens).
    """

    def __init__(
        self,
        message: str,
        line: int | None = None,
        *,
        unit: str = UNIT_LINE,
        source: str = "",
        internal: bool = False,
    ):
        self.message = message
        self.line = line
        self.unit = unit
        self.source = source
        self.internal = internal
        super().__init__(str(self))

    def __str__(self) -> str:
        text = self.message
        if self.line is not None:
            text = f"{text} ({self.unit} {self.line})"
        if self.source:
            text = f"{self.source}: {text}"
        return text


@dataclass(frozen=True)
class ParsedItem:
    text: str  # the item's full text, normalised
    line: int  # 1-based line (text) or paragraph (docx) where it starts
    kind: str = ""  # proposals: "methodology" | "conference" | "training" | "other"
    year: int | None = None  # tasks: target year


@dataclass
class ParsedReport:
    municipality: str
    year: int
    achievements: list[ParsedItem] = field(default_factory=list)
    problems: list[ParsedItem] = field(default_factory=list)
    tasks: list[ParsedItem] = field(default_factory=list)
    proposals: list[ParsedItem] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class Block:
    """One paragraph or list item as read from the document, before section analysis.

    ``marker`` tells how the block was recognised as a list item: "" (plain paragraph),
    "dash" (- – — • * …), "num" (1. / 1) / а)), "list" (.docx list paragraph).
    ``first`` marks the document's first non-empty line (the municipality candidate);
    ``heading`` is a .docx heading style; ``container`` identifies a table cell, so that
    paragraphs from different cells are never glued together.
    """

    text: str
    line: int
    marker: str = ""
    first: bool = False
    heading: bool = False
    container: object = None

    @property
    def is_bullet(self) -> bool:
        return bool(self.marker)
