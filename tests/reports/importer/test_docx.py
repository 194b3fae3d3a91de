""".docx input, built with python-docx at test time (no binary fixtures)."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest
from docx.enum.text import WD_BREAK

from reports.importer.parser import ParseError, parse_bytes, parse_file, parse_text

from .helpers import SEED_NAMES, seed_text

SEEDS = pytest.mark.parametrize("seed_key", sorted(SEED_NAMES))


def build(paragraphs) -> bytes:
    """paragraphs: list of str or (str, style) or ("table", rows) or ("pagebreak", text)."""
    document = docx.Document()
    for entry in paragraphs:
        if isinstance(entry, str):
            document.add_paragraph(entry)
        elif entry[0] == "table":
            rows = entry[1]
            table = document.add_table(rows=len(rows), cols=len(rows[0]))
            for r, row in enumerate(rows):
                for c, value in enumerate(row):
                    table.cell(r, c).text = value
        elif entry[0] == "pagebreak":  # text, page break, more text — in one paragraph
            run = document.add_paragraph().add_run(entry[1])
            run.add_break(WD_BREAK.PAGE)
            run.add_text(entry[2])
        elif entry[0] == "linebreak":
            run = document.add_paragraph().add_run(entry[1])
            run.add_break()
            run.add_text(entry[2])
        else:
            text, style = entry
            document.add_paragraph(text, style=style)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


SAMPLE = [
    ("КОМСОМОЛЬСК-НА-АМУРЕ", "Title"),  # 1
    (
        "1. Что наиболее значительное удалось сделать в области взаимодействия с общественностью в 2021 году",
        "Heading 1",
    ),  # 2
    "Проведён форум ТОС с участием 300 жителей.",  # 3
    "Организовано участие в конференциях Совета",  # 4
    "",  # 5
    "муниципальных образований края, получена методическая помощь.",  # 6
    "К сожалению, не удалось создать общественный совет по ЖКХ.",  # 7
    (
        "table",
        [
            ["Открыт ресурсный центр НКО.", 'Запущен портал "Активный гражданин".'],  # 8, 9
            ["Проведено 12 встреч с жителями.", ""],
        ],
    ),  # 10, 11
    ("Какие задачи стоят на 2022 год?", "Heading 2"),  # 12
    ("провести форум ТОС;", "List Paragraph"),  # 13
    ("создать совет по ЖКХ.", "List Bullet"),  # 14
    ("- поддержать СОНКО.", "List Number"),  # 15
    "Вопросы для обсуждения:",  # 16
    ("взаимодействие с казачеством", "List Number"),  # 17
]


def test_docx_structure(tmp_path):
    path = tmp_path / "отчёт.docx"
    path.write_bytes(build(SAMPLE))
    r = parse_file(path)
    assert (r.municipality, r.year) == ("Комсомольск-на-Амуре", 2021)
    assert [(i.line, i.text) for i in r.achievements] == [
        (3, "Проведён форум ТОС с участием 300 жителей."),
        (4, "Организовано участие в конференциях Совета муниципальных образований края, получена методическая помощь."),
        (8, "Открыт ресурсный центр НКО."),
        (9, "Запущен портал «Активный гражданин»."),
        (10, "Проведено 12 встреч с жителями."),
    ]
    assert [(i.line, i.text) for i in r.problems] == [(7, "К сожалению, не удалось создать общественный совет по ЖКХ.")]
    assert [(t.line, t.text, t.year) for t in r.tasks] == [
        (13, "провести форум ТОС", 2022),
        (14, "создать совет по ЖКХ.", 2022),
        (15, "поддержать СОНКО.", 2022),
    ]
    assert [(p.line, p.text, p.kind) for p in r.proposals] == [(17, "взаимодействие с казачеством", "conference")]
    assert r.skipped == [
        "Абзац 16: вводная строка блока «конференции и вопросы для обсуждения» "
        "(её смысл передан видом запросов): «Вопросы для обсуждения:»"
    ]
    assert r.warnings == []


def test_docx_list_paragraphs_are_items_even_without_markers_and_capitalised():
    data = build(
        [
            ("ГОРОД", None),
            "Что удалось сделать в 2020 году",
            ("Проведён форум", "List Paragraph"),
            ("Открыт центр", "List Paragraph"),
        ]
    )
    r = parse_bytes(data)
    assert [i.text for i in r.achievements] == ["Проведён форум", "Открыт центр"]


def test_docx_page_break_inside_paragraph_separates_words_and_line_break_joins():
    data = build(
        [
            ("ГОРОД", None),
            "Что удалось сделать в 2020 году",
            ("pagebreak", "Проведён форум", "ТОС."),
            ("linebreak", "Открыт ресурсный", "центр."),
            ("linebreak", "Задачи:", "- провести форум."),
        ]
    )
    r = parse_bytes(data, filename="x.docx")
    assert [i.text for i in r.achievements] == ["Проведён форум ТОС.", "Открыт ресурсный центр."]
    assert [t.text for t in r.tasks] == ["провести форум."]


@SEEDS
def test_docx_from_seed_matches_text_parse(seed_key):
    """Each text line as a Word paragraph (blank lines as empty ones) → the same items."""
    text = seed_text(seed_key)
    expected = parse_text(text)
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    r = parse_bytes(build(lines))
    for section in ("achievements", "problems", "tasks", "proposals"):
        assert getattr(r, section) == getattr(expected, section), section
    assert (r.municipality, r.year) == (expected.municipality, expected.year)
    assert [s.replace("Абзац", "Строка", 1) for s in r.skipped] == expected.skipped


def test_docx_errors_name_the_paragraph():
    with pytest.raises(ParseError) as info:
        parse_bytes(build(["", "САЯНОГОРСК", "Просто текст."]))
    assert info.value.line == 3 and "(абзац 3)" in str(info.value)
    with pytest.raises(ParseError, match="пуст"):
        parse_bytes(build(["", "   "]))


def test_corrupt_docx():
    for data in (b"PK\x03\x04" + b"\x00garbage" * 20, b"PK\x03\x04"):
        with pytest.raises(ParseError, match="повреждён") as info:
            parse_bytes(data, filename="отчёт.docx")
        assert str(info.value).startswith("отчёт.docx: Файл .docx повреждён")
        assert not info.value.internal


def test_zip_that_is_not_a_word_document():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "привет")
    with pytest.raises(ParseError, match="не является документом Word"):
        parse_bytes(buffer.getvalue())


def test_docx_with_missing_part_or_broken_xml():
    good = build([("ГОРОД", None), "Что удалось сделать в 2020 году", "Сделано."])
    source = zipfile.ZipFile(io.BytesIO(good))
    for drop, replace in (("word/styles.xml", None), (None, ("word/document.xml", b"<not-xml"))):
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as target:
            for item in source.infolist():
                if item.filename == drop:
                    continue
                data = source.read(item.filename)
                if replace and item.filename == replace[0]:
                    data = replace[1]
                target.writestr(item.filename, data)
        with pytest.raises(ParseError, match="повреждён") as info:
            parse_bytes(out.getvalue())
        assert not info.value.internal
