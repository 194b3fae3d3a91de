"""Tricky inputs: joins, headings, lead-ins, requests, normalisation, bad files."""

from __future__ import annotations

import pytest

from reports.importer.model import UNIT_PARAGRAPH
from reports.importer.normalize import normalize_quotes, proper_case
from reports.importer.parser import ParsedItem, ParseError, parse_bytes, parse_file, parse_text

from .helpers import FIXTURES

HEAD = (
    "ТЕСТОГРАД\n\nЧто наиболее значительное удалось сделать в области взаимодействия с общественностью в 2020 году\n\n"
)
TASKS = "Какие задачи стоят в 2021 году\n\n"


def texts(items: list[ParsedItem]) -> list[str]:
    return [i.text for i in items]


# --- paragraphs, page breaks, bullets -------------------------------------------------


def test_page_break_join_in_plain_paragraph():
    r = parse_text(HEAD + "Организовано участие в конференциях Совета\n\nмуниципальных образований края.\n")
    assert texts(r.achievements) == ["Организовано участие в конференциях Совета муниципальных образований края."]
    assert r.achievements[0].line == 5


def test_page_break_join_in_bullet():
    r = parse_text(
        HEAD + "Форум проведён.\n\n" + TASKS + "- продолжить работу по сохранению согласия в\n\n"
        "муниципальном образовании;\n\n- провести форум.\n"
    )
    assert texts(r.tasks) == ["продолжить работу по сохранению согласия в муниципальном образовании", "провести форум."]


@pytest.mark.parametrize("end", [".", "!", "?", ";", "…", ".»", ".)"])
def test_no_join_after_terminal_punctuation(end):
    r = parse_text(HEAD + f"Проведён форум ТОС{end}\n\nпродолжена работа с ветеранами.\n")
    assert len(r.achievements) == 2


def test_no_join_when_next_is_bullet_or_capitalised():
    r = parse_text(HEAD + "Работа продолжена\n\n- создан совет\n\nОткрыт центр\n")
    assert texts(r.achievements) == ["Работа продолжена", "создан совет", "Открыт центр"]


def test_lines_inside_a_hard_wrapped_paragraph_are_joined():
    r = parse_text(
        HEAD + "Продолжена работа с ТОС.\nПроведён форум,\nв нём участвовали 300 человек.\n\nОткрыт ресурсный центр.\n"
    )
    assert texts(r.achievements) == [
        "Продолжена работа с ТОС. Проведён форум, в нём участвовали 300 человек.",
        "Открыт ресурсный центр.",
    ]


def test_bullets_consecutive_and_blank_separated_with_all_markers():
    body = (
        "- первая;\n– вторая;\n— третья;\n• четвёртая;\n* пятая;\n\n1) шестая;\n2. седьмая;\nа) восьмая,\n‐ девятая\n"
    )
    r = parse_text(HEAD + "Сделано.\n\n" + TASKS + body)
    assert texts(r.tasks) == [
        "первая",
        "вторая",
        "третья",
        "четвёртая",
        "пятая",
        "шестая",
        "седьмая",
        "восьмая",
        "девятая",
    ]
    assert [t.line for t in r.tasks] == [9, 10, 11, 12, 13, 15, 16, 17, 18]


def test_wrapped_bullet_continues_on_next_line():
    r = parse_text(HEAD + "Сделано.\n\n" + TASKS + "- провести форум\nв сентябре;\n- открыть центр.\n")
    assert texts(r.tasks) == ["провести форум в сентябре", "открыть центр."]


def test_leading_blank_lines_and_trailing_garbage_whitespace():
    r = parse_text("\n\n \t\n" + HEAD + "Сделано.   \n\n\n\n")
    assert r.municipality == "Тестоград" and texts(r.achievements) == ["Сделано."]
    assert r.achievements[0].line == 8


# --- headings ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "heading",
    [
        "Что наиболее значительное удалось сделать в области взаимодействия с общественностью в 2018 году",
        "что наиболее значительное удалось сделать в области взаимодействия с общественностью в 2018 году?",
        "1. ЧТО НАИБОЛЕЕ ЗНАЧИТЕЛЬНОЕ УДАЛОСЬ СДЕЛАТЬ В ОБЛАСТИ ВЗАИМОДЕЙСТВИЯ С ОБЩЕСТВЕННОСТЬЮ В 2018 ГОДУ",
        "2)  Что  наиболее значительное удалось сделать в  2018  год:",
        "Что наиболее значительное удалось сделать за 2018 г.",
        "Что наиболее значительное удалось сделать в области взаимодействия\nс общественностью в 2018 году",
    ],
)
def test_achievements_heading_variants(heading):
    r = parse_text(f"ГОРОД\n\n{heading}\n\nСделано.\n")
    assert r.year == 2018 and texts(r.achievements) == ["Сделано."]


@pytest.mark.parametrize(
    "heading, year",
    [
        ("Какие задачи стоят в 2019 году", 2019),
        ("Какие задачи стоят на 2019 год?", 2019),
        ("2. КАКИЕ ЗАДАЧИ СТОЯТ В 2019 Г.", 2019),
        ("Задачи на 2019 год:", 2019),
        ("Какие задачи стоят в следующем году", 2019),  # no year → report year + 1
        ("Основные задачи", 2019),
    ],
)
def test_tasks_heading_variants(heading, year):
    r = parse_text(f"ГОРОД\n\nЧто удалось сделать в 2018 году\n\nСделано.\n\n{heading}\n\n- задача.\n")
    assert texts(r.tasks) == ["задача."] and r.tasks[0].year == year
    assert r.warnings == []


def test_tasks_year_mismatch_is_a_warning():
    r = parse_text(HEAD + "Сделано.\n\nКакие задачи стоят в 2023 году\n\n- задача.\n")
    assert r.tasks[0].year == 2023
    assert any("2023" in w and "2020" in w for w in r.warnings)


def test_tasks_year_from_sub_heading_when_heading_has_none():
    r = parse_text(HEAD + "Сделано.\n\nКакие задачи стоят\n\nЗадачи, поставленные на 2021 год:\n\n- задача.\n")
    assert r.tasks[0].year == 2021 and len(r.skipped) == 1


def test_sentence_mentioning_tasks_is_not_a_heading():
    r = parse_text(HEAD + "Сделано.\n\n" + TASKS + "Среди приоритетных задач на следующий год - работа с НКО.\n")
    assert texts(r.tasks) == ["Среди приоритетных задач на следующий год – работа с НКО."]


def test_text_before_achievements_heading_is_skipped():
    r = parse_text("ГОРОД\n\nОтчёт отдела по связям с общественностью\n\nЧто удалось сделать в 2020 году\n\nСделано.\n")
    assert r.skipped == [
        "Строка 3: текст до раздела достижений не импортирован: «Отчёт отдела по связям с общественностью»"
    ]


def test_unknown_question_section_is_skipped_with_warning():
    r = parse_text(
        HEAD + "Сделано.\n\nКакие мероприятия вы считаете лучшими?\n\nФорум.\n\nКонкурс.\n\n" + TASKS + "- задача.\n"
    )
    assert texts(r.achievements) == ["Сделано."] and texts(r.tasks) == ["задача."]
    assert len(r.skipped) == 3 and "Форум." in r.skipped[1]
    assert len(r.warnings) == 1 and "(2)" in r.warnings[0]


# --- lead-ins ----------------------------------------------------------------------------


def test_label_lead_in_is_skipped_not_prefixed():
    r = parse_text(HEAD + "Сделано.\n\n" + TASKS + "Основные направления:\n\n- первое;\n- второе.\n")
    assert texts(r.tasks) == ["первое", "второе."]
    assert r.skipped == ["Строка 9: подзаголовок (не пункт): «Основные направления:»"]


def test_content_lead_in_prefixes_items_and_is_noted():
    r = parse_text(HEAD + "В 2020 году проведены мероприятия:\n\n- форум ТОС;\n- конкурс проектов.\n\nОткрыт центр.\n")
    assert texts(r.achievements) == [
        "В 2020 году проведены мероприятия: форум ТОС",
        "В 2020 году проведены мероприятия: конкурс проектов.",
        "Открыт центр.",
    ]
    assert [i.line for i in r.achievements] == [7, 8, 10]
    assert len(r.skipped) == 1 and "(2)" in r.skipped[0] and r.skipped[0].startswith("Строка 5:")


def test_lead_in_also_covers_lower_case_paragraphs_without_markers():
    r = parse_text(
        HEAD + "Сделано.\n\n" + TASKS + "Планируется работа через:\n\nинформирование жителей;\n\nподдержку НКО.\n"
    )
    assert texts(r.tasks) == [
        "Планируется работа через: информирование жителей",
        "Планируется работа через: поддержку НКО.",
    ]


def test_nested_lead_in_item_is_an_item_and_prefixes_sub_items():
    r = parse_text(
        HEAD + "Сделано.\n\n" + TASKS + "Развитие через:\n\n- информирование;\n"
        "- поддержку инициатив:\n\n- ТОС;\n- советов.\n"
    )
    assert texts(r.tasks) == [
        "Развитие через: информирование",
        "Развитие через: поддержку инициатив",
        "Развитие через: поддержку инициатив: ТОС",
        "Развитие через: поддержку инициатив: советов.",
    ]


def test_lead_in_without_list_is_an_ordinary_item():
    r = parse_text(HEAD + "Итог года таков:\n\nОткрыт центр.\n")
    assert texts(r.achievements) == ["Итог года таков", "Открыт центр."]
    assert r.skipped == []


def test_trailing_punctuation_rule():
    r = parse_text(HEAD + "Сделано.\n\n" + TASKS + "- один;\n- два,\n- три.\n- четыре\n- пять;.\n")
    assert texts(r.tasks) == ["один", "два", "три.", "четыре", "пять;."]


# --- requests to the Association ---------------------------------------------------------


def test_generic_requests_heading_guesses_kind_per_item():
    r = parse_text(
        HEAD + "Сделано.\n\n" + TASKS + "- задача.\n\nПредложения в адрес Ассоциации\n\n"
        "- провести семинар по работе с ТОС;\n- подготовить методические рекомендации по НКО;\n"
        "- организовать курсы повышения квалификации;\n- создать общий чат.\n"
    )
    assert texts(r.tasks) == ["задача."]
    assert [p.kind for p in r.proposals] == ["conference", "methodology", "training", "other"]


def test_request_lead_in_ends_tasks_section():
    r = parse_text(
        HEAD + "Сделано.\n\n" + TASKS + "- задача;\n\n"
        "Просим Ассоциацию разместить методические материалы по направлениям:\n\n- ТОС;\n- НКО.\n"
    )
    assert texts(r.tasks) == ["задача"]
    assert [(p.text, p.kind) for p in r.proposals] == [("ТОС", "methodology"), ("НКО.", "methodology")]


def test_ordinary_sentences_about_conferences_stay_achievements():
    r = parse_text(
        HEAD + "Организовано участие в конференциях Ассоциации сибирских городов.\n\n"
        "Администрация продолжает курс на вовлечение жителей.\n\n"
        "Для этого необходимо проведение совещаний.\n"
    )
    assert len(r.achievements) == 3 and r.proposals == []


def test_question_heading_about_a_request_topic_opens_a_request_block():
    r = parse_text(
        HEAD + "Сделано.\n\nКакие темы вы предложили бы для обсуждения на конференции?\n\n"
        "- работа с ТОС;\n- молодёжные советы.\n"
    )
    assert [(p.kind, p.text) for p in r.proposals] == [
        ("conference", "работа с ТОС"),
        ("conference", "молодёжные советы."),
    ]
    assert r.warnings[0].startswith("Раздел задач") and len(r.warnings) == 1


def test_request_lead_in_ends_an_unknown_section():
    r = parse_text(
        HEAD + "Сделано.\n\nКак оцениваете работу?\n\nХорошо.\n\n"
        "Курсы повышения квалификации необходимы.\n\n- по работе с НКО.\n"
    )
    assert [(p.kind, p.text) for p in r.proposals] == [
        ("training", "Курсы повышения квалификации необходимы."),
        ("training", "по работе с НКО."),
    ]
    assert "Хорошо." in r.skipped[1] and any("(1)" in w for w in r.warnings)


# --- normalisation -------------------------------------------------------------------------


def test_character_normalisation():
    raw = (
        HEAD + "Проведён\u00a0форум\u202fТОС\tи\u00adконкурс\u200b «Лучший\u00a0двор» "
        "для  жителей - активистов; Ленинск\u2011Кузнецкий, 2019\u20122021.\n"
    )
    r = parse_text(raw)
    assert texts(r.achievements) == [
        "Проведён форум ТОС иконкурс «Лучший двор» для жителей – активистов; Ленинск-Кузнецкий, 2019–2021."
    ]


@pytest.mark.parametrize(
    "raw, expected",
    [
        ('конкурс "Лучший двор"', "конкурс «Лучший двор»"),
        ("конкурс „Лучший двор“", "конкурс «Лучший двор»"),
        ("конкурс “Лучший двор”.", "конкурс «Лучший двор»."),
        ('общество "Знание" и "Наш город"', "общество «Знание» и «Наш город»"),
        ('общество "Российское общество "Знание""', "общество «Российское общество «Знание»»"),
        ('рост 5" и 7"', 'рост 5" и 7"'),  # not paired — left alone
        ('он сказал " привет', 'он сказал " привет'),
    ],
)
def test_quotes(raw, expected):
    assert normalize_quotes(raw) == expected


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("ЛЕНИНСК-КУЗНЕЦКИЙ", "Ленинск-Кузнецкий"),
        ("САЯНОГОРСК", "Саяногорск"),
        ("КОМСОМОЛЬСК-НА-АМУРЕ", "Комсомольск-на-Амуре"),
        ("УЛАН-УДЭ", "Улан-Удэ"),
        ("НОВЫЙ УРЕНГОЙ", "Новый Уренгой"),
        ("ГОРОД КОГАЛЫМ", "Когалым"),
        ("Г.САЯНОГОРСК", "Саяногорск"),
        ("ГОРОДСКОЙ ОКРУГ ГОРОД ЛАНГЕПАС", "Лангепас"),
        ("МУНИЦИПАЛЬНОЕ ОБРАЗОВАНИЕ ГОРОД САЯНОГОРСК", "Саяногорск"),
        ("ГОРОДИЩЕ", "Городище"),
        ("ПЕТРОПАВЛОВСК – КАМЧАТСКИЙ", "Петропавловск-Камчатский"),
        ("Южно-Сахалинск", "Южно-Сахалинск"),
    ],
)
def test_proper_case(raw, expected):
    assert proper_case(raw) == expected


def test_mixed_case_municipality_is_accepted_with_warning():
    r = parse_text("Саяногорск\n\nЧто удалось сделать в 2020 году\n\nСделано.\n\n" + TASKS + "- задача.\n")
    assert r.municipality == "Саяногорск" and len(r.warnings) == 1


def test_fixture_file_with_everything():
    r = parse_file(FIXTURES / "mixed_report.txt")
    assert (r.municipality, r.year) == ("Советская Гавань", 2022)
    assert texts(r.achievements) == [
        "Проведён форум «Территория общественного самоуправления» – 250 участников.",
        "Проведены мероприятия: конкурс «Лучший ТОС»",
        "Проведены мероприятия: фестиваль национальных культур.",
    ]
    assert texts(r.problems) == ["К сожалению, не удалось открыть ресурсный центр НКО из-за отсутствия помещения."]
    assert texts(r.tasks) == ["открыть ресурсный центр НКО", "провести форум в муниципальных образованиях района."]
    assert {t.year for t in r.tasks} == {2023}
    assert [(p.kind, p.text) for p in r.proposals] == [
        ("conference", "Семинары и совещания по работе с НКО нужны два раза в год."),
        ("conference", "поддержка СОНКО"),
        ("training", "медиаграмотность."),
    ]
    assert len(r.skipped) == 5 and r.warnings == []


# --- bad input --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data, fragment, line",
    [
        (b"", "пуст", None),
        (b" \n\t\r\n  \n", "пуст", None),
        (b"\x00\x01\x02binary\x00", "двоичный", 1),
        (b"GIF89a\n\n\x00\x00", "двоичный", 3),
        (bytes(range(0x80, 0x100)) * 3, "кодировк", 1),
        ("ГОРОД\nтекст\n".encode() + b"\xc3\x28\x80\x81\x82\x83\x84\x85\x86\x87\x88\x89\x8a", "кодировк", 3),
        ("Привет, мир — это текст отчёта".encode() + b"\xff", "кодировк", 1),
        ("САЯНОГОРСК\n\nПросто текст без заголовков.\n\nЕщё абзац.\n".encode(), "Не найден заголовок", 3),
        ("САЯНОГОРСК\n".encode(), "только название", 1),
        ("САЯНОГОРСК\n\nЧто удалось сделать в области взаимодействия\n\nСделано.\n".encode(), "не указан год", 3),
        ("САЯНОГОРСК\n\nЧто удалось сделать в 1812 году\n\nСделано.\n".encode(), "Неправдоподобный", 3),
        ("Что удалось сделать в 2020 году\n\nСделано.\n".encode(), "нет названия", 1),
        ("\n\nВ 2020 году была продолжена работа по взаимодействию с ТОС.\n".encode(), "Первая непустая", 3),
        ("саяногорск\n\nЧто удалось сделать в 2020 году\n".encode(), "прописными", 1),
        (b"PK\x03\x04garbage that is not a zip", "повреждён", None),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", ".doc", None),
        (b"%PDF-1.7\n", "PDF", None),
        (b"{\\rtf1\\ansi hello}", "RTF", None),
    ],
)
def test_bad_input_raises_parse_error(data, fragment, line):
    with pytest.raises(ParseError) as info:
        parse_bytes(data, filename="report.txt")
    assert fragment in str(info.value)
    assert info.value.line == line
    assert not info.value.internal
    assert str(info.value).startswith("report.txt: ")
    if line is not None:
        assert f"(строка {line})" in str(info.value)


def test_docx_named_file_that_is_not_a_zip():
    with pytest.raises(ParseError, match="повреждён"):
        parse_bytes("САЯНОГОРСК".encode(), filename="Отчёт.DOCX")


def test_parse_text_rejects_nul_and_non_str():
    with pytest.raises(ParseError, match="нулевые"):
        parse_text(HEAD + "Сделано.\x00\n")
    with pytest.raises(ParseError):
        parse_text(b"bytes")  # type: ignore[arg-type]


def test_parse_text_empty_and_whitespace():
    for text in ("", "   \n\n\t\u00a0\n\u200b"):
        with pytest.raises(ParseError, match="пуст") as info:
            parse_text(text)
        assert info.value.line is None


def test_parse_file_missing(tmp_path):
    with pytest.raises(ParseError, match="не найден"):
        parse_file(tmp_path / "нет-такого.txt")


def test_parse_error_str_and_attributes():
    err = ParseError("Что-то не так", 7)
    assert str(err) == "Что-то не так (строка 7)" and err.line == 7 and isinstance(err, ValueError)
    assert str(ParseError("Плохо")) == "Плохо"
    assert str(ParseError("Плохо", 3, unit=UNIT_PARAGRAPH, source="a.docx")) == "a.docx: Плохо (абзац 3)"
