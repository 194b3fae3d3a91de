"""From lines to blocks: paragraphs and list items, with page-break joins.

A *block* is one paragraph or one list item (``model.Block``). Plain text is cut into
paragraphs at blank lines; inside a paragraph, a line that starts with a bullet marker
opens a new item, other lines continue the current block (joined with a space). The
.docx reader feeds each Word paragraph through the same function.

Then ``join_broken_paragraphs`` glues a paragraph cut in two by a page break back
together: the next paragraph starts with a lower-case letter, is not a list item, and
the previous one does not end with terminal punctuation (. ! ? ; : …).
"""

from __future__ import annotations

import re

from .classify import classify_heading, request_kind
from .model import Block
from .normalize import normalize_chars, normalize_fragment

_BULLET = re.compile(
    r"^(?:(?P<dash>[-–—•*·▪●◦○■□➢►✓✔]+)|(?P<num>\d{1,2}(?:\.\d{1,2})*[.)]|[а-яa-z]\)))"
    r"(?:\s+|(?=[^\W\d_])|$)"
)
_CLOSERS = "»\"”’')]"
_TERMINAL = ".!?;:…"
# A document whose lines are this long is not hard-wrapped: one line = one paragraph.
_LONG_LINE = 150


def split_marker(line: str) -> tuple[str, str]:
    """«- текст» → ("dash", "текст"); «2) текст» → ("num", "текст"); else ("", line)."""
    match = _BULLET.match(line)
    if not match:
        return "", line
    return ("dash" if match.group("dash") else "num"), line[match.end() :].strip()


def ends_terminal(text: str) -> bool:
    tail = text.rstrip(_CLOSERS + " ")
    return bool(tail) and tail[-1] in _TERMINAL


def starts_lower(text: str) -> bool:
    return bool(text) and text[0].isalpha() and text[0].islower()


def _is_heading(block: Block) -> bool:
    return block.heading or (block.marker != "dash" and classify_heading(block.text) is not None)


def _continues(last: str, line: str, wrapped: bool) -> bool:
    """May ``line`` (no bullet marker) continue a block whose last line so far is ``last``?

    The caller has already excluded the municipality line and headings as ``last``.
    """
    if last.endswith(":") or classify_heading(line) is not None:
        return False
    if ends_terminal(last) and not starts_lower(line) and (line.endswith(":") or request_kind(line)):
        return False  # a lead-in line after a finished sentence opens a new block
    if wrapped:
        return True
    return starts_lower(line) and not ends_terminal(last)


def group_to_blocks(
    group: list[tuple[int, str]],
    blocks: list[Block],
    *,
    wrapped: bool = True,
    list_item: bool = False,
    heading: bool = False,
    container: object = None,
) -> None:
    """Append the blocks of one paragraph (its non-empty lines with their numbers)."""
    group = [(no, line) for no, line in group if line]
    if not blocks and group:
        # The document's first non-empty line stands alone: it should be the municipality.
        no, line = group[0]
        blocks.append(Block(line, no, first=True, container=container))
        group = group[1:]
    if not group:
        return
    lines = [line for _, line in group]
    joined = " ".join(lines)
    if heading or (
        len(group) > 1 and not any(split_marker(line)[0] for line in lines) and classify_heading(joined) is not None
    ):
        # A heading (possibly wrapped over several lines) is one block.
        blocks.append(Block(joined, group[0][0], heading=heading, container=container))
        return
    # Lines are collected in lists and joined once (long paragraphs stay linear-time).
    current: tuple[Block, list[str]] | None = None
    open_for_more = False  # may the current block take continuation lines?
    for index, (no, line) in enumerate(group):
        marker, body = split_marker(line)
        if list_item and index == 0 and not marker:
            marker = "list"
        if current is not None and open_for_more and not marker and _continues(current[1][-1], line, wrapped):
            current[1].append(line)
            continue
        block = Block(body, no, marker=marker, container=container)
        blocks.append(block)
        if current is not None:
            current[0].text = " ".join(current[1])
        current = (block, [body])
        open_for_more = not _is_heading(block)
    if current is not None:
        current[0].text = " ".join(current[1])


def _is_wrapped(lines: list[str]) -> bool:
    long_lines = sum(len(line) > _LONG_LINE for line in lines)
    return long_lines < max(1, 0.2 * len(lines))


def read_text(text: str) -> list[Block]:
    """Plain text → blocks (line numbers are 1-based lines of the original text)."""
    lines = [" ".join(line.split()) for line in normalize_chars(text).split("\n")]
    content = [(no, line) for no, line in enumerate(lines, 1) if line]
    wrapped = _is_wrapped([line for _, line in content])
    blocks: list[Block] = []
    group: list[tuple[int, str]] = []
    for no, line in content:
        if group and no != group[-1][0] + 1:
            group_to_blocks(group, blocks, wrapped=wrapped)
            group = []
        group.append((no, line))
    group_to_blocks(group, blocks, wrapped=wrapped)
    return finish(blocks)


def join_broken_paragraphs(blocks: list[Block]) -> list[Block]:
    out: list[Block] = []
    parts: list[list[str]] = []  # texts of each output block, joined once at the end
    prev_closed = True  # the previous output block cannot take a continuation
    for block in blocks:
        if (
            not prev_closed
            and not block.is_bullet
            and not block.heading
            and block.container is out[-1].container
            and starts_lower(block.text)
            and not ends_terminal(parts[-1][-1])
            and classify_heading(block.text) is None
        ):
            parts[-1].append(block.text)
            continue
        out.append(block)
        parts.append([block.text])
        prev_closed = block.first or _is_heading(block)
    for block, texts in zip(out, parts):
        block.text = " ".join(texts)
    return out


def finish(blocks: list[Block]) -> list[Block]:
    """Page-break joins, then per-block normalisation (spaces, dashes, quotes)."""
    blocks = join_broken_paragraphs(blocks)
    for block in blocks:
        block.text = normalize_fragment(block.text)
    return [b for b in blocks if b.text or b.first]
