"""The five seed reports parse to exactly the expected structure."""

from __future__ import annotations

import re

import pytest

from reports.importer.blocks import split_marker
from reports.importer.normalize import normalize_fragment
from reports.importer.parser import ParsedReport, parse_bytes, parse_file, parse_text

from .helpers import SEED_NAMES, seed_bytes, seed_path, seed_text

SEEDS = pytest.mark.parametrize("seed_key", sorted(SEED_NAMES))


def counts(report: ParsedReport) -> tuple[int, int, int, int]:
    return (len(report.achievements), len(report.problems), len(report.tasks), len(report.proposals))


def test_seed_000_sayanogorsk_2018():
    r = parse_file(seed_path("000"))
    assert (r.municipality, r.year) == ("Саяногорск", 2018)
    assert counts(r) == (4, 0, 4, 0)
    assert [i.line for i in r.achievements] == [7, 9, 11, 13]
    assert r.achievements[0].text.startswith("В 2018 году была продолжена работа по взаимодействию с ТОС")
    assert r.achievements[2].text.endswith("национальной политики на муниципальном уровне».")
    # no final full stop in the source: kept as written; the spaced hyphen became « – »
    assert r.achievements[3].text.startswith("Продолжено тесное сотрудничество Администрации")
    assert r.achievements[3].text.endswith("спортивные и культурно – массовые мероприятия")
    # the page-break join: «…согласия в» / blank / «муниципальном образовании …» is ONE task
    first = r.tasks[0]
    assert first.line == 17
    assert first.text.startswith("продолжить работу по реализации положений Соглашения")
    assert (
        "сохранение гражданского мира и согласия в муниципальном образовании г.Саяногорск, "
        "выявления и решения проблем" in first.text
    )
    assert first.text.endswith("возникающих у населения муниципалитета")  # «;» stripped
    assert [t.line for t in r.tasks] == [17, 21, 23, 25]
    assert r.tasks[1].text == "проложить совместную работу ТОС по всем направлениям деятельности ТОС"
    assert r.tasks[3].text.endswith("иными институтами гражданского общества.")  # «.» kept
    assert {t.year for t in r.tasks} == {2019}
    assert not any(t.text.startswith("муниципальном") for t in r.tasks)
    assert r.skipped == [] and r.warnings == []


def test_seed_001_sayanogorsk_2025_with_requests():
    r = parse_file(seed_path("001"))
    assert (r.municipality, r.year) == ("Саяногорск", 2025)
    assert counts(r) == (3, 1, 3, 9)
    assert [i.line for i in r.achievements] == [7, 9, 11]
    assert r.achievements[1].text.startswith("В муниципальных средствах массовой информации")
    assert r.achievements[2].text.endswith("спортивные и культурно-массовые мероприятия.")
    (problem,) = r.problems
    assert problem.line == 13
    assert problem.text.startswith(
        "Большинство активистов общественных организаций – пенсионеры, сложно продвигается работа"
    )
    assert [t.line for t in r.tasks] == [19, 20, 21]
    assert {t.year for t in r.tasks} == {2026}
    assert r.tasks[0].text.startswith("продолжить работу по реализации положений Соглашения")
    assert r.tasks[0].text.endswith("возникающих у населения муниципалитета")
    assert r.tasks[2].text.endswith("заинтересованных жителей.")
    assert [p.kind for p in r.proposals] == ["methodology"] * 2 + ["conference"] * 3 + ["training"] * 4
    assert [p.line for p in r.proposals] == [25, 27, 29, 33, 35, 37, 41, 43, 45]
    assert r.proposals[0].text == (
        "взаимодействие органов местного самоуправления (далее по тексту -ОМСУ) с казачеством"
    )
    # the lead-in statements carry meaning and are kept as proposals of their kind
    assert r.proposals[2].text.startswith(
        "Конференции, совещания и иные информационно – коммуникационные формы взаимодействия"
    )
    assert r.proposals[2].text.endswith("необходимы сотрудникам ОМСУ, отвечающим за связи с общественностью.")
    assert r.proposals[5].text.startswith("Курсы повышения квалификации муниципальных служащих")
    assert r.proposals[5].text.endswith("необходимы (доступные по стоимости, краткосрочные, возможно -выездные).")
    assert r.proposals[3].text == "организация взаимодействия ОМСУ с казачеством (отдельно – общественные и реестровые)"
    assert r.proposals[8].text.endswith("по оказанию помощи СОНКО органами местного самоуправления.")
    # pure labels are not items but are listed as skipped, with their line numbers
    assert [re.match(r"Строка (\d+):", s).group(1) for s in r.skipped] == ["17", "23", "31", "39"]
    assert "«Задачи, поставленные на 2026 год:»" in r.skipped[0]
    assert "Размещение на информационном сайте Ассоциации" in r.skipped[1]
    assert "«Вопросы для обсуждения:»" in r.skipped[2]
    assert "«Темы и вопросы для включения в образовательную программу:»" in r.skipped[3]
    assert r.warnings == []


LESOSIBIRSK_LEADIN = (
    "Повышение социальной активности населения в решении задач "
    "социально-экономического развития города Лесосибирска через:"
)
LESOSIBIRSK_SUBLEAD = "поддержку и развитие социально значимых общественных инициатив:"


def test_seed_002_lesosibirsk_2020_leadins():
    r = parse_file(seed_path("002"))
    assert (r.municipality, r.year) == ("Лесосибирск", 2020)
    assert counts(r) == (7, 1, 5, 0)
    assert [i.line for i in r.achievements] == [7, 9, 11, 13, 15, 17, 19]
    assert r.achievements[0].text.startswith("В Лесосибирске выстроена система взаимодействия")
    assert r.achievements[3].text.endswith("«Российское общество «Знание».")
    (problem,) = r.problems
    assert problem.line == 21
    assert problem.text.startswith("К сожалению, в разряде не реализованных планов осталось создание")
    assert problem.text.endswith("распространения новой коронавирусной инфекции.")
    assert [t.text for t in r.tasks] == [
        f"{LESOSIBIRSK_LEADIN} повышение уровня информированности граждан, как через СМИ, так и через интернет",
        f"{LESOSIBIRSK_LEADIN} поддержку и развитие социально значимых общественных инициатив",
        f"{LESOSIBIRSK_LEADIN} {LESOSIBIRSK_SUBLEAD} содействие развитию деятельности органов "
        "территориального общественного самоуправления (ТОС)",
        f"{LESOSIBIRSK_LEADIN} {LESOSIBIRSK_SUBLEAD} организацию работы постоянно действующих "
        "общественных совещательных органов",
        f"{LESOSIBIRSK_LEADIN} {LESOSIBIRSK_SUBLEAD} привлечение населения к участию в управлении жилищным фондом.",
    ]
    assert [t.line for t in r.tasks] == [27, 28, 30, 31, 32]
    assert {t.year for t in r.tasks} == {2021}
    (note,) = r.skipped
    assert note.startswith("Строка 25:") and LESOSIBIRSK_LEADIN in note and "(5)" in note
    assert r.warnings == []


def test_seed_003_leninsk_kuznetsky_2020_no_tasks():
    r = parse_file(seed_path("003"))
    assert (r.municipality, r.year) == ("Ленинск-Кузнецкий", 2020)
    assert counts(r) == (8, 0, 0, 0)
    assert [i.line for i in r.achievements] == [7, 9, 11, 13, 15, 17, 19, 23]
    # «…конференциях Совета» / blank / «муниципальных образований Кузбасса, …» is ONE achievement
    joined = r.achievements[6]
    assert joined.text.startswith("В целях обмена опытом по взаимодействию")
    assert (
        "Организовано участие в вебинарах, конференциях Совета муниципальных образований "
        "Кузбасса, в рамках сотрудничества" in joined.text
    )
    assert joined.text.endswith("обмен мнениями с коллегами в данном направлении.")
    assert not any(i.text.startswith("муниципальных") for i in r.achievements)
    # «…недопущения распространения коронавирусной инфекции» is a measure taken, not a problem
    assert "недопущения распространения коронавирусной инфекции" in r.achievements[5].text
    assert r.achievements[-1].text.startswith("Полученная практическая помощь")
    assert r.tasks == [] and r.skipped == []
    assert len(r.warnings) == 1 and "задач" in r.warnings[0]


def test_seed_004_kogalym_2020_plain_paragraph_tasks():
    r = parse_file(seed_path("004"))
    assert (r.municipality, r.year) == ("Когалым", 2020)
    assert counts(r) == (9, 0, 2, 0)
    assert [i.line for i in r.achievements] == [7, 9, 11, 13, 15, 17, 19, 21, 23]
    assert "консолидацию их усилий в решении наиболее актуальных проблем города" in r.achievements[1].text
    assert r.achievements[3].text.startswith("4 не зарегистрированных НКО: Национально – культурного")
    assert r.achievements[-1].text.startswith("Администрация города продолжает активно поддерживать курс на вовлечение")
    assert [t.line for t in r.tasks] == [27, 29]
    assert r.tasks[0].text.startswith(
        "Среди приоритетных направлений и задач на следующий год – конструктивное взаимодействие с НКО"
    )
    assert r.tasks[1].text.startswith("Муниципалитет будет совершенствовать работу")
    assert {t.year for t in r.tasks} == {2021}
    assert r.skipped == [] and r.warnings == []


def _all_output_text(report: ParsedReport) -> str:
    parts = [i.text for i in report.achievements + report.problems + report.tasks + report.proposals]
    return "\n".join(parts + report.skipped)


@SEEDS
def test_seed_nothing_written_is_lost(seed_key):
    """Every source line (minus bullet marker and trailing «;») is in some item or note."""
    text = seed_text(seed_key)
    report = parse_text(text)
    out = _all_output_text(report)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    municipality, heading_lines = lines[0], [row for row in lines if row.startswith(("Что наиболее", "Какие задачи"))]
    for line in lines:
        if line == municipality or line in heading_lines:
            continue
        body = normalize_fragment(split_marker(line)[1]).rstrip(";,:")
        assert body in out, line


@SEEDS
def test_seed_text_bytes_and_file_agree(seed_key):
    assert parse_text(seed_text(seed_key)) == parse_bytes(seed_bytes(seed_key)) == parse_file(seed_path(seed_key))


@pytest.mark.parametrize(
    "transform",
    [
        pytest.param(lambda t: t.encode("cp1251"), id="cp1251"),
        pytest.param(lambda t: t.encode("utf-8-sig"), id="utf-8-sig"),
        pytest.param(lambda t: t.replace("\n", "\r\n").encode("utf-8"), id="crlf"),
        pytest.param(lambda t: t.replace("\n", "\r").encode("utf-8"), id="cr"),
        pytest.param(lambda t: t.replace("\n", "\r\n").encode("cp1251"), id="cp1251-crlf"),
        pytest.param(lambda t: t.encode("utf-16"), id="utf-16-bom"),
    ],
)
@SEEDS
def test_seed_encodings_give_identical_report(seed_key, transform):
    expected = parse_bytes(seed_bytes(seed_key))
    assert parse_bytes(transform(seed_text(seed_key))) == expected
