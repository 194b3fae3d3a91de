"""themes.rules: rules match Russian word forms, phrases as words in a row, prefixes as written."""

import pytest

from themes import rules
from themes.rules import Matcher


def matches(rule_text, text):
    return Matcher([("t", rule_text)]).suggest(text) == ["t"]


@pytest.mark.parametrize(
    "text",
    [
        "Общественный совет провёл заседание",
        "функционирование общественных Советов",
        "в составе Общественного Совета",
        "с ОБЩЕСТВЕННЫМ СОВЕТОМ",
        "при общественном совете",
    ],
)
def test_a_phrase_matches_every_form(text):
    assert matches("общественный совет", text)


@pytest.mark.parametrize(
    "text",
    [
        "совет общественный",  # the other order
        "общественная палата и совет ветеранов",  # both words, not in a row
        "советник по общественным связям",
    ],
)
def test_a_phrase_is_its_words_in_a_row(text):
    assert not matches("общественный совет", text)


@pytest.mark.parametrize("text", ["ТОС", "тос", "органы ТОС", "форум ТОС-активистов", "(ТОС)"])
def test_an_abbreviation_in_any_case(text):
    assert matches("ТОС", text)


@pytest.mark.parametrize("text", ["тостер", "ТОСКА", "Тосно"])
def test_a_word_is_not_a_prefix(text):
    assert not matches("ТОС", text)


@pytest.mark.parametrize(
    "text", ["молодёжь", "молодежи", "Молодёжной политики", "молодежную", "МОЛОДЁЖНЫЙ совет", "молодёжью"]
)
def test_a_prefix_matches_the_beginning_of_words(text):
    assert matches("молодёж*", text)


def test_yo_is_e_on_both_sides():
    assert matches("молодеж*", "молодёжь")
    assert matches("волонтёр*", "волонтеры-медики")
    assert matches("ёлка", "Елки")


@pytest.mark.parametrize(
    "text",
    [
        "национально-культурные общества",
        "национально – культурного общества таджиков",  # as the seeds write it, with an en dash
        "Национально-культурное объединение",
    ],
)
def test_hyphenated_words_are_two_words(text):
    assert matches("национально-культурн*", text)


@pytest.mark.parametrize(
    "rule, text",
    [
        ("казачество", "взаимодействие с казачеством"),
        ("казач*", "казачьей общественной организацией"),
        ("ветеран*", "совет ветеранов"),
        ("ветеран*", "ветераны труда"),  # Snowball: «ветераны» → «ветера», so the rule is a prefix
        ("грант*", "грантовую поддержку получили пять проектов"),
        ("субсидия", "выделяются субсидии"),
        ("публичные слушания", "участие в публичных слушаниях"),
        ("средства массовой информации", "в муниципальных средствах массовой информации"),
        ("инициативное бюджетирование", "практики инициативного бюджетирования"),
        ("обращение граждан", "рассмотрено обращений граждан"),
        ("опрос*", "опросы населения"),
        ("СОНКО", "количества СОНКО"),
        ("религиозная организация", "с религиозными организациями"),
        ("общественная палата", "с Общественной палатой"),
    ],
)
def test_rules_of_the_curated_kind(rule, text):
    assert matches(rule, text)


def test_a_prefix_is_matched_against_the_word_as_written_not_inside_it():
    assert not matches("опрос*", "вопросы для обсуждения")


def test_a_theme_matches_if_any_of_its_rules_does():
    assert matches(
        "ТОС\nтерриториальное общественное самоуправление", "развитие территориального общественного самоуправления"
    )


def test_comments_and_blank_lines_are_not_rules():
    keywords = "# ТОС — это территориальное самоуправление\n\n   \nсубботник*"
    assert [r.line for r in rules.parse(keywords)] == ["субботник*"]
    assert not matches(keywords, "ТОС")
    assert rules.problems(keywords) == []


def test_lines_that_are_not_rules_are_named():
    found = rules.problems("ТОС\n—\nпо*\n*")
    assert [(p.number, p.line, p.reason) for p in found] == [
        (2, "—", rules.NO_WORDS),
        (3, "по*", rules.SHORT_PREFIX),
        (4, "*", rules.NO_WORDS),
    ]
    assert [r.line for r in rules.parse("ТОС\n—\nпо*\n*")] == ["ТОС"]


def test_the_matcher_keeps_the_order_of_the_themes_and_names_the_rules():
    matcher = Matcher([("youth", "молодёж*"), ("tos", "ТОС\nфорум ТОС"), ("none", "казачество")])
    assert matcher.suggest("Форум ТОС для молодёжи") == ["youth", "tos"]
    assert [(key, rule.line) for key, rule in matcher.matching_rules("Форум ТОС")] == [
        ("tos", "ТОС"),
        ("tos", "форум ТОС"),
    ]


def test_empty_texts_and_rules():
    assert Matcher([("t", "")]).suggest("что угодно") == []
    assert Matcher([("t", "ТОС")]).suggest("") == []


def test_latin_lookalike_letters_are_read_as_cyrillic():
    assert matches("субсидия", "субcидии")  # a Latin «c»
