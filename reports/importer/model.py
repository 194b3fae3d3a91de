"""Data types shared by the importer modules (no logic beyond formatting)."""

from __future__ import annotations

from dataclasses import dataclass, field


def gettext_noop(message: str) -> str:
    """Marks a message for the translation catalog (makemessages knows this name) and returns it
    unchanged: the parser has no Django; whoever shows a message translates it (Message.translate)."""
    return message


class Message(str):
    """A message for the uploader. As a str it is the Russian text, so logs, the command line and
    tests read it as before; `translate(gettext)` renders it in the current language from its
    msgid (`template`, with %(name)s placeholders) and `params`. Values that are Messages
    themselves (the place, «Строка 5») are translated too."""

    template: str
    params: dict

    def __new__(cls, template: str, **params):
        self = super().__new__(cls, template % params if params else template)
        self.template, self.params = template, params
        return self

    def __reduce__(self):  # pickle (sessions, caches) keeps the translatable form
        return _message, (self.template, self.params)

    def translate(self, gettext) -> str:
        params = {k: v.translate(gettext) if isinstance(v, Message) else v for k, v in self.params.items()}
        text = gettext(self.template)
        return text % params if params else text


def _message(template: str, params: dict) -> Message:
    return Message(template, **params)


# Location units: plain text is addressed by line, .docx by paragraph. The lowercase form ends an
# error («… (строка 5)»), the capitalised one starts a note («Строка 5: …»).
UNIT_LINE = "line"
UNIT_PARAGRAPH = "paragraph"
_AT = {UNIT_LINE: gettext_noop("строка %(line)s"), UNIT_PARAGRAPH: gettext_noop("абзац %(line)s")}
_PLACE = {UNIT_LINE: gettext_noop("Строка %(line)s"), UNIT_PARAGRAPH: gettext_noop("Абзац %(line)s")}


def place(unit: str, line: int) -> Message:
    """«Строка 5» / «Абзац 5»: the start of a note about one place in the document."""
    return Message(_PLACE[unit], line=line)


class ParseError(ValueError):
    """The document cannot be imported; ``str(e)`` is the Russian message for the uploader and
    ``e.translate(gettext)`` the same in the current language.

    ``message`` is a Message (a plain str is taken as a message without placeholders).
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
        self.message = message if isinstance(message, Message) else Message(message)
        self.line = line
        self.unit = unit
        self.source = source
        self.internal = internal
        super().__init__(str(self))

    def __str__(self) -> str:
        return self.translate(lambda text: text)

    def translate(self, gettext, *, with_source: bool = True) -> str:
        text = self.message.translate(gettext)
        if self.line is not None:
            at = gettext(_AT[self.unit]) % {"line": self.line}
            text = gettext("%(message)s (%(at)s)") % {"message": text, "at": at}
        if self.source and with_source:
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
