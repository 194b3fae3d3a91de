"""Property-based tests: the parser never crashes, and valid-shaped documents keep every item."""

from __future__ import annotations

import io
import os

import docx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reports.importer.normalize import proper_case
from reports.importer.parser import ParsedReport, ParseError, parse_bytes, parse_text

# IMPORTER_HYPOTHESIS_EXAMPLES=5000 for a longer bug hunt; 200 keeps the suite fast.
EXAMPLES = int(os.environ.get("IMPORTER_HYPOTHESIS_EXAMPLES", "200"))
FAST = settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])


def parse_or_error(parse, *args, **kwargs) -> ParsedReport | None:
    """Either a ParsedReport or a ParseError that is not the internal safety net."""
    try:
        report = parse(*args, **kwargs)
    except ParseError as exc:
        assert not exc.internal, repr(exc.__cause__)
        assert str(exc)
        return None
    assert isinstance(report, ParsedReport)
    return report


# --- never crashes ----------------------------------------------------------------------


@FAST
@given(st.text(max_size=3000))
def test_arbitrary_text_never_crashes(text):
    parse_or_error(parse_text, text)


# Fragments that drive the parser deep into its state machine when shuffled together.
TOKENS = [
    "\n",
    "\n\n",
    "\n\n",
    "\r\n",
    "\r",
    " ",
    " ",
    "\t",
    "\u00a0",
    "\u00ad",
    "\u200b",
    "- ",
    "– ",
    "1) ",
    "2. ",
    "• ",
    "* ",
    "а) ",
    "САЯНОГОРСК",
    "Что удалось сделать в 2020 году",
    "Что наиболее значительное удалось сделать",
    "Какие задачи стоят в 2021 году",
    "Задачи, поставленные на 2021 год:",
    "Проблемы",
    "Вопросы для обсуждения:",
    "Курсы повышения квалификации необходимы",
    "Предложения в адрес Ассоциации",
    "Размещение на сайте Ассоциации методических рекомендаций:",
    "Какие мероприятия лучшие?",
    "через:",
    ":",
    ";",
    ".",
    ",",
    "?",
    "…",
    "К сожалению, не удалось",
    "решение проблем",
    "проведён форум",
    "работа",
    "жителей",
    "«",
    "»",
    '"',
    "„",
    "“",
    "(",
    ")",
    "2020",
    "г.",
    "ё",
    "x",
    "ТОС",
    "муниципальных",
]


@FAST
@given(st.lists(st.sampled_from(TOKENS), max_size=120).map("".join))
def test_shuffled_report_fragments_never_crash(text):
    parse_or_error(parse_text, text)
    parse_or_error(parse_bytes, text.encode("utf-8"))


@FAST
@given(st.binary(max_size=2000), st.sampled_from(["", "a.txt", "a.docx", "a.DOC"]))
def test_arbitrary_bytes_never_crash(data, filename):
    parse_or_error(parse_bytes, data, filename=filename)


@FAST
@given(st.binary(max_size=500))
def test_zip_magic_followed_by_garbage_never_crashes(data):
    parse_or_error(parse_bytes, b"PK\x03\x04" + data)


@settings(max_examples=30, deadline=None, database=None)
@given(st.lists(st.lists(st.sampled_from(TOKENS), max_size=12).map("".join), max_size=15))
def test_random_docx_never_crashes(paragraphs):
    document = docx.Document()
    for text in paragraphs:
        clean = "".join(c for c in text if c >= " " or c in "\t\n")  # XML-safe characters
        document.add_paragraph(clean, style="List Paragraph" if clean.startswith("x") else None)
    buffer = io.BytesIO()
    document.save(buffer)
    parse_or_error(parse_bytes, buffer.getvalue())


# --- valid-shaped documents keep every item ---------------------------------------------

SYLLABLES = ["КА", "РО", "МИР", "ГОР", "СК", "НО", "ВА", "ЛЕ", "ТА", "БУР", "ЯР", "ОБЬ", "ЁЛ"]
WORDS = [
    "работа",
    "жителей",
    "города",
    "совета",
    "общественной",
    "палаты",
    "проекта",
    "центра",
    "встреч",
    "молодежи",
    "ветеранов",
    "территории",
    "поддержки",
    "культуры",
    "спорта",
    "инициатив",
    "объединений",
    "администрации",
    "программы",
    "района",
    "волонтеров",
    "дворов",
]
ACHIEVEMENT_STARTS = [
    "Продолжена работа",
    "Проведено обсуждение",
    "Организована поддержка",
    "Создан совет",
    "В 2020 году открыт центр",
]
PROBLEM_STARTS = ["К сожалению, не удалось сохранить", "Сложно продвигается работа", "Не хватает средств для"]
TASK_VERBS = ["продолжить", "организовать", "провести", "развивать", "обеспечить"]
MARKERS = ["- ", "– ", "— ", "• ", "* ", "{n}) ", "{n}. "]

city = st.builds(
    lambda a, b: a if not b else f"{a}-{b}",
    st.lists(st.sampled_from(SYLLABLES), min_size=2, max_size=4).map("".join),
    st.one_of(st.just(""), st.lists(st.sampled_from(SYLLABLES), min_size=2, max_size=3).map("".join)),
)
phrase = st.lists(st.sampled_from(WORDS), min_size=2, max_size=8).map(" ".join)


@st.composite
def paragraph(draw):
    """(source text, expected item text, is problem)."""
    if draw(st.integers(0, 4)) == 0:
        text = f"{draw(st.sampled_from(PROBLEM_STARTS))} {draw(phrase)}."
        return text, text, True
    words = f"{draw(st.sampled_from(ACHIEVEMENT_STARTS))} {draw(phrase)}".split()
    if draw(st.booleans()):  # cut by a page break: no full stop, the rest goes on lower-case
        cut = draw(st.integers(2, len(words) - 1))
        return " ".join(words[:cut]) + "\n\n" + " ".join(words[cut:]), " ".join(words), False
    text = " ".join(words) + "."
    return text, text, False


@st.composite
def bullet_list(draw, min_size=1):
    items = draw(
        st.lists(
            st.tuples(st.sampled_from(TASK_VERBS), phrase, st.sampled_from([";", ".", ""])),
            min_size=min_size,
            max_size=6,
        )
    )
    lines, expected = [], []
    for n, (verb, words, end) in enumerate(items, 1):
        marker = draw(st.sampled_from(MARKERS)).format(n=n)
        lines.append(f"{marker}{verb} {words}{end}")
        expected.append(f"{verb} {words}" + ("." if end == "." else ""))
    separators = [draw(st.sampled_from(["\n", "\n\n"])) for _ in lines]
    return "".join(line + sep for line, sep in zip(lines, separators)).rstrip("\n"), expected


@st.composite
def report_document(draw):
    name, year = draw(city), draw(st.integers(1995, 2090))
    paragraphs = draw(st.lists(paragraph(), min_size=1, max_size=6))
    heading = draw(
        st.sampled_from(
            [
                "Что наиболее значительное удалось сделать в области взаимодействия с общественностью в {y} году",
                "1. что наиболее значительное удалось сделать в {y} году?",
                "ЧТО НАИБОЛЕЕ ЗНАЧИТЕЛЬНОЕ УДАЛОСЬ СДЕЛАТЬ ЗА {y} ГОД",
            ]
        )
    ).format(y=year)
    parts = [name, heading] + [p[0] for p in paragraphs]
    headings = {name, heading}
    expected = {
        "achievements": [p[1] for p in paragraphs if not p[2]],
        "problems": [p[1] for p in paragraphs if p[2]],
        "tasks": [],
        "proposals": [],
        "skipped": 0,
    }
    has_tasks = draw(st.booleans())
    if has_tasks:
        parts.append(
            draw(
                st.sampled_from(
                    ["Какие задачи стоят в {y} году", "2) Какие задачи стоят на {y} год?", "Задачи на {y} год"]
                )
            ).format(y=year + 1)
        )
        headings.add(parts[-1])
        lead = draw(st.sampled_from(["", "label", "content"]))
        text, tasks = draw(bullet_list())
        if lead == "label":
            parts.append(f"Задачи, поставленные на {year + 1} год:")
            expected["skipped"] += 1
        elif lead == "content":
            prefix = f"Развитие {draw(phrase)} через:"
            parts.append(prefix)
            tasks = [f"{prefix} {t}" for t in tasks]
            expected["skipped"] += 1
        parts.append(text)
        expected["tasks"] = tasks
    if draw(st.booleans()):
        parts.append("Конференции и совещания необходимы сотрудникам, отвечающим за связи с общественностью.")
        parts.append("Вопросы для обсуждения:")
        text, items = draw(bullet_list())
        parts.append(text)
        parts.append("Темы и вопросы для включения в образовательную программу:")
        text, training = draw(bullet_list())
        parts.append(text)
        expected["proposals"] = (
            [("conference", parts[-5].rstrip())]
            + [("conference", i) for i in items]
            + [("training", i) for i in training]
        )
        expected["skipped"] += 2
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    source = ("\n" * draw(st.integers(0, 3)) + "\n\n".join(parts) + "\n").replace("\n", newline)
    expected["content"] = [part for part in parts if part not in headings]
    return source, name, year, has_tasks, expected


@FAST
@given(report_document(), st.sampled_from(["text", "utf-8", "cp1251"]))
def test_valid_shaped_documents_keep_every_item(document, mode):
    source, name, year, has_tasks, expected = document
    if mode == "text":
        r = parse_text(source)
    else:
        r = parse_bytes(source.encode(mode))
    assert r.municipality == proper_case(name)
    assert r.year == year
    assert [i.text for i in r.achievements] == expected["achievements"]
    assert [i.text for i in r.problems] == expected["problems"]
    assert [i.text for i in r.tasks] == expected["tasks"]
    assert all(t.year == year + 1 for t in r.tasks)
    assert [(p.kind, p.text) for p in r.proposals] == expected["proposals"]
    assert len(r.skipped) == expected["skipped"]
    assert r.warnings == ([] if has_tasks else [r.warnings[0]])
    # every word of every content paragraph ends up in an item or in a skipped note
    output = " ".join([i.text for i in r.achievements + r.problems + r.tasks + r.proposals] + r.skipped)
    punctuation = "«»();:.,-–—•*"
    words = {word.strip(punctuation) for word in output.split()}
    for part in expected["content"]:
        for word in part.split():
            word = word.strip(punctuation)
            if word and not word.isdigit():
                assert word in words, word
