"""Blocks → ParsedReport: the section state machine and the lead-in rules.

See the module docstring of ``parser.py`` for the rules in prose.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .blocks import starts_lower
from .classify import Heading, classify_heading, is_label, is_problem, request_kind, topic_of
from .limits import ITEM_MAX_LENGTH, MAX_BLOCKS, MAX_ITEMS
from .model import Block, Message, ParsedItem, ParsedReport, ParseError, gettext_noop, place
from .normalize import proper_case

MIN_YEAR, MAX_YEAR = 1990, 2100
KIND_NAMES = {
    "methodology": gettext_noop("методические материалы"),
    "conference": gettext_noop("конференции и вопросы для обсуждения"),
    "training": gettext_noop("курсы и образовательная программа"),
    "other": gettext_noop("прочие запросы"),
}
_MUNICIPALITY = re.compile(r"[A-Za-zА-Яа-яЁё][A-Za-zА-Яа-яЁё .\-–()«»\"]*")
_TRAILING = re.compile(r"[\s;,:]+$")


def clean_item(text: str) -> str:
    """Item text as stored: trailing «;», «,» and «:» dropped, a final «.» kept."""
    return _TRAILING.sub("", text.strip())


@dataclass
class _Scope:
    """A content-bearing lead-in («… через:») whose text prefixes the items it introduces."""

    prefix: str
    line: int
    count: int = 0


class Assembler:
    """Walks the blocks once, tracking the current section, request kind and lead-in.

    ``section`` is one of "preamble" (before the achievements heading), "achievements",
    "problems", "tasks", "requests", "unknown" (an unrecognised question heading).
    """

    def __init__(self, blocks: list[Block], unit: str):
        self.blocks = blocks
        self.unit = unit
        self.section = "preamble"
        self.kind = "other"
        self.year: int | None = None
        self.achievements_line: int | None = None
        self.tasks_line: int | None = None
        self.tasks_year: int | None = None
        self.items: dict[str, list[ParsedItem]] = {"achievements": [], "problems": [], "tasks": [], "proposals": []}
        self.skipped: list[Message] = []
        self.warnings: list[Message] = []
        self.scope: _Scope | None = None
        self.sublead: str | None = None
        self.unknown: list | None = None  # [heading text, line, paragraphs skipped]

    # -- helpers -------------------------------------------------------------------
    def where(self, line: int) -> Message:
        return place(self.unit, line)

    def error(self, message: str, line: int | None) -> ParseError:
        return ParseError(message, line, unit=self.unit)

    def skip(self, line: int, reason: Message, text: str) -> None:
        self.skipped.append(
            Message(gettext_noop("%(place)s: %(reason)s: «%(text)s»"), place=self.where(line), reason=reason, text=text)
        )

    def warn(self, line: int, message: Message) -> None:
        self.warnings.append(Message(gettext_noop("%(place)s: %(message)s"), place=self.where(line), message=message))

    # -- main loop -----------------------------------------------------------------
    def run(self) -> ParsedReport:
        if not self.blocks:
            raise self.error(Message(gettext_noop("Документ пуст: в нём нет ни одной непустой строки")), None)
        if len(self.blocks) > MAX_BLOCKS:
            raise self.error(
                Message(
                    gettext_noop(
                        "В документе больше %(limit)s абзацев — это не похоже на отчёт города; "
                        "проверьте, что загружаете нужный файл"
                    ),
                    limit=MAX_BLOCKS,
                ),
                self.blocks[MAX_BLOCKS].line,
            )
        municipality = self.municipality(self.blocks[0])
        if len(self.blocks) == 1:
            raise self.error(
                Message(
                    gettext_noop("В документе есть только название муниципального образования, разделов отчёта нет")
                ),
                self.blocks[0].line,
            )
        for index in range(1, len(self.blocks)):
            nxt = self.blocks[index + 1] if index + 1 < len(self.blocks) else None
            self.step(self.blocks[index], nxt)
        self.close_scope()
        self.close_unknown()
        return self.finish(municipality)

    def municipality(self, block: Block) -> str:
        text = block.text
        if classify_heading(text, block.heading) is not None:
            raise self.error(
                Message(
                    gettext_noop(
                        "В начале документа нет названия муниципального образования: первая непустая "
                        "строка — уже заголовок раздела. Добавьте перед ним название прописными буквами"
                    )
                ),
                block.line,
            )
        name = text.strip(" .,;:")
        if not _MUNICIPALITY.fullmatch(name) or len(name) > 60 or len(name.split()) > 6 or name.startswith(("-", "–")):
            shown = text if len(text) <= 80 else text[:77] + "…"
            raise self.error(
                Message(
                    gettext_noop(
                        "Первая непустая строка должна содержать название муниципального образования "
                        "прописными буквами (например, «САЯНОГОРСК»), а в ней: «%(text)s»"
                    ),
                    text=shown,
                ),
                block.line,
            )
        if any(c.isalpha() and not c.isupper() for c in name):
            if not name[0].isupper():
                raise self.error(
                    Message(
                        gettext_noop(
                            "Название муниципального образования в первой строке должно быть написано "
                            "прописными буквами, а в ней: «%(name)s»"
                        ),
                        name=name,
                    ),
                    block.line,
                )
            self.warn(
                block.line,
                Message(
                    gettext_noop(
                        "название муниципального образования «%(name)s» написано не прописными буквами — "
                        "проверьте, что это действительно оно"
                    ),
                    name=name,
                ),
            )
        return proper_case(name)

    def step(self, block: Block, nxt: Block | None) -> None:
        heading = None if block.marker == "dash" else classify_heading(block.text, block.heading)
        if heading is not None:
            self.on_heading(heading, block)
            return
        kind = None
        if self.section != "preamble" and (
            not block.is_bullet or (block.marker != "dash" and block.text.endswith(":"))
        ):
            kind = request_kind(block.text)
        if kind is None and self.section in ("preamble", "unknown"):
            if self.unknown is not None:
                self.unknown[2] += 1
                self.skip(
                    block.line, Message(gettext_noop("абзац нераспознанного раздела не импортирован")), block.text
                )
            else:
                self.skip(block.line, Message(gettext_noop("текст до раздела достижений не импортирован")), block.text)
            return
        if kind is not None:
            self.close_scope()
            self.close_unknown()
            self.section, self.kind = "requests", kind
            if block.text.endswith(":"):
                self.skip(
                    block.line,
                    Message(
                        gettext_noop("вводная строка блока «%(kind)s» (её смысл передан видом запросов)"),
                        kind=Message(KIND_NAMES[kind]),
                    ),
                    block.text,
                )
            else:
                self.emit(block.text, block.line)  # a statement such as «Курсы … необходимы»
            return
        self.item(block, nxt)

    def on_heading(self, heading: Heading, block: Block) -> None:
        self.close_scope()
        self.close_unknown()
        if heading.section == "achievements":
            if self.achievements_line is not None:
                self.warn(
                    block.line,
                    Message(
                        gettext_noop("повторный заголовок раздела достижений — его абзацы добавлены к тому же разделу")
                    ),
                )
            else:
                if heading.year is None:
                    raise self.error(
                        Message(
                            gettext_noop("В заголовке раздела достижений не указан год (ожидается «… в 2020 году»)")
                        ),
                        block.line,
                    )
                if not MIN_YEAR <= heading.year <= MAX_YEAR:
                    raise self.error(
                        Message(
                            gettext_noop("Неправдоподобный отчётный год %(year)s в заголовке раздела достижений"),
                            year=heading.year,
                        ),
                        block.line,
                    )
                self.year, self.achievements_line = heading.year, block.line
            self.section = "achievements"
        elif heading.section == "tasks":
            if self.section == "tasks":
                self.skip(block.line, Message(gettext_noop("подзаголовок раздела задач (не пункт)")), block.text)
                self.tasks_year = self.tasks_year or heading.year
                return
            if self.tasks_line is not None:
                self.warn(
                    block.line,
                    Message(gettext_noop("повторный заголовок раздела задач — его пункты добавлены к тому же разделу")),
                )
            else:
                self.tasks_line, self.tasks_year = block.line, heading.year
            self.section = "tasks"
        elif heading.section == "problems":
            self.section = "problems"
        elif heading.section == "requests":
            self.section, self.kind = "requests", heading.kind
        else:
            self.section = "unknown"
            self.unknown = [block.text, block.line, 0]
            self.skip(block.line, Message(gettext_noop("заголовок нераспознанного раздела")), block.text)

    # -- items and lead-ins ----------------------------------------------------------
    def listlike(self, block: Block | None) -> bool:
        """Could ``block`` be an item of a list introduced by a lead-in ending with «:»?"""
        if block is None or (block.marker != "dash" and classify_heading(block.text, block.heading)):
            return False
        return block.is_bullet or starts_lower(block.text)

    def item(self, block: Block, nxt: Block | None) -> None:
        text = block.text
        introduces = text.endswith(":") and self.listlike(nxt)
        if not block.is_bullet and not (self.scope is not None and starts_lower(text)):
            self.close_scope()
            if introduces:
                if is_label(text):
                    self.skip(block.line, Message(gettext_noop("подзаголовок (не пункт)")), text)
                else:
                    self.scope = _Scope(text, block.line)
            else:
                self.emit(text, block.line)
            return
        if introduces:
            # A list item that itself introduces sub-items: it is an item, and its text
            # prefixes the following items (until the list ends or another one like it).
            self.sublead = None
            self.emit(self.prefixed(text), block.line)
            self.sublead = text
        else:
            self.emit(self.prefixed(text), block.line)

    def prefixed(self, text: str) -> str:
        parts = [self.scope.prefix] if self.scope is not None else []
        if self.sublead:
            parts.append(self.sublead)
        return " ".join(parts + [text])

    def close_scope(self) -> None:
        scope, self.scope, self.sublead = self.scope, None, None
        if scope is None:
            return
        if scope.count:
            self.skip(
                scope.line,
                Message(
                    gettext_noop(
                        "вводная фраза не стала отдельным пунктом — она добавлена "
                        "в начало каждого из следующих за ней пунктов (%(count)s)"
                    ),
                    count=scope.count,
                ),
                scope.prefix,
            )
        else:
            self.emit(scope.prefix, scope.line)

    def close_unknown(self) -> None:
        if self.unknown is not None:
            text, line, count = self.unknown
            self.warn(
                line,
                Message(
                    gettext_noop(
                        "раздел «%(heading)s» не распознан; его абзацы (%(count)s) не импортированы (см. пропущенное)"
                    ),
                    heading=text,
                    count=count,
                ),
            )
            self.unknown = None

    def emit(self, text: str, line: int) -> None:
        clean = clean_item(text)
        if not any(c.isalnum() for c in clean):
            self.skip(line, Message(gettext_noop("фрагмент без текста")), text)
            return
        if len(clean) > ITEM_MAX_LENGTH:
            raise self.error(
                Message(
                    gettext_noop(
                        "Пункт длиннее %(limit)s знаков (в нём %(length)s): разделите его на несколько "
                        "абзацев или сократите"
                    ),
                    limit=ITEM_MAX_LENGTH,
                    length=len(clean),
                ),
                line,
            )
        if sum(len(items) for items in self.items.values()) >= MAX_ITEMS:
            raise self.error(
                Message(
                    gettext_noop("В отчёте больше %(limit)s пунктов — это не похоже на отчёт города"), limit=MAX_ITEMS
                ),
                line,
            )
        if self.scope is not None:
            self.scope.count += 1
        if self.section == "achievements":
            target = "problems" if is_problem(clean) else "achievements"
            self.items[target].append(ParsedItem(clean, line))
        elif self.section == "problems":
            self.items["problems"].append(ParsedItem(clean, line))
        elif self.section == "tasks":
            self.items["tasks"].append(ParsedItem(clean, line))
        else:
            kind = self.kind if self.kind != "other" else (topic_of(clean) or "other")
            self.items["proposals"].append(ParsedItem(clean, line, kind=kind))

    # -- result ----------------------------------------------------------------------
    def finish(self, municipality: str) -> ParsedReport:
        if self.year is None:
            raise self.error(
                Message(
                    gettext_noop(
                        "Не найден заголовок раздела достижений («Что наиболее значительное удалось "
                        "сделать в области взаимодействия с общественностью в ГГГГ году»), поэтому "
                        "отчётный год не определить; он ожидался после названия муниципалитета"
                    )
                ),
                self.blocks[1].line,
            )
        if not self.items["achievements"] and not self.items["problems"]:
            self.warn(self.achievements_line, Message(gettext_noop("в разделе достижений нет ни одного абзаца")))
        target_year = self.tasks_year or self.year + 1
        if self.tasks_line is None:
            self.warnings.append(
                Message(
                    gettext_noop(
                        "Раздел задач на следующий год («Какие задачи стоят в ГГГГ году») не найден — задач в отчёте нет"
                    )
                )
            )
        elif not self.items["tasks"]:
            self.warn(self.tasks_line, Message(gettext_noop("в разделе задач нет ни одного пункта")))
        if self.tasks_year is not None and self.tasks_year != self.year + 1:
            self.warnings.append(
                Message(
                    gettext_noop("Год задач (%(tasks_year)s) не следует за отчётным годом (%(year)s)"),
                    tasks_year=self.tasks_year,
                    year=self.year,
                )
            )
        tasks = [ParsedItem(i.text, i.line, i.kind, target_year) for i in self.items["tasks"]]
        return ParsedReport(
            municipality=municipality,
            year=self.year,
            achievements=self.items["achievements"],
            problems=self.items["problems"],
            tasks=tasks,
            proposals=self.items["proposals"],
            skipped=self.skipped,
            warnings=self.warnings,
        )
