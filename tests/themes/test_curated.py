"""The curated themes of themes/migrations/0002: their rules on the word forms reports use, and the
migration's way back; the yardstick command over the seed reports."""

import importlib
import io

import pytest
from django.apps import apps
from django.core.management import call_command

from themes.models import Theme
from themes.rules import Matcher, problems

CURATED = importlib.import_module("themes.migrations.0002_curated_themes")
MATCHER = Matcher((slug, keywords) for slug, _name, _description, keywords in CURATED.THEMES)


def test_every_rule_line_is_a_rule():
    for slug, _name, _description, keywords in CURATED.THEMES:
        assert problems(keywords) == [], slug
    assert len(CURATED.THEMES) == 20


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Проведён форум территориального общественного самоуправления", ["tos"]),
        ("Два органа ТОС созданы", ["tos"]),
        ("Субсидии социально ориентированным некоммерческим организациям", ["nko", "grants"]),
        ("Работа с молодёжными объединениями", ["youth"]),
        ("Совет ветеранов провёл встречу", ["seniors"]),
        ("Ветераны труда", ["seniors"]),
        ("Национально – культурное общество таджиков", ["ethnic"]),
        ("взаимодействие с казачьей общественной организацией", ["nko", "cossacks"]),
        ("Встреча с реестровым казачеством", ["cossacks"]),
        ("Межконфессиональный диалог", ["religion"]),
        ("Заседания Общественного Совета по культуре", ["councils"]),
        ("Участие в публичных слушаниях", ["hearings"]),
        ("Три инициативных проекта победили в конкурсе", ["initiative-budgeting"]),
        ("Рассмотрено 120 обращений граждан", ["appeals"]),
        ("Проведено 12 приёмов граждан", ["appeals"]),
        ("График личного приёма главы", ["appeals"]),
        ("Публикации в СМИ и в социальных сетях", ["media"]),
        ("Проведён опрос жителей", ["surveys"]),
        ("Серебряные волонтёры", ["seniors", "volunteers"]),
        ("Благоустройство дворовых территорий", ["urban"]),
        ("Акции к 75-летию Великой Победы", ["patriotic"]),
        ("Грантовую поддержку получили пять проектов", ["grants"]),
        ("Обучающий семинар для председателей", ["training"]),
        ("Советы многоквартирных домов", ["housing"]),
        ("Содействие полиции в охране общественного порядка", ["security"]),
        ("Общественный порядок на празднике", ["security"]),
        # Words that look close but are not the theme.
        ("вопросы для обсуждения", []),
        ("курс на вовлечение институтов гражданского общества", []),
        ("победа в республиканском конкурсе", []),
        ("тостер и тоска", []),
    ],
)
def test_curated_rules_on_word_forms(text, expected):
    assert MATCHER.suggest(text) == expected


@pytest.mark.django_db
def test_the_way_back_deletes_them_and_forward_again_restores_them():
    CURATED.delete(apps, None)
    assert not Theme.objects.exists()
    CURATED.create(apps, None)
    assert Theme.objects.count() == 20


@pytest.mark.django_db
def test_the_yardstick_lists_every_seed_item():
    out = io.StringIO()
    call_command("themes_on_seeds", stdout=out)
    text = out.getvalue()
    assert "Итого пунктов: 56" in text
    assert "→ ТОС  («ТОС»" in text


@pytest.mark.django_db
def test_suggest_themes_tags_items_written_before_the_themes(make_report, client):
    from reports.status import Status

    from .conftest import themes_of

    report = make_report(Status.PUBLISHED)
    assert "/themes/tos/" not in client.get(report.get_absolute_url()).content.decode()
    out = io.StringIO()
    call_command("suggest_themes", stdout=out)
    assert "темы изменились в отчётах: 1" in out.getvalue()
    assert themes_of(report.achievements.get()) == ["tos"]
    assert "/themes/tos/" in client.get(report.get_absolute_url()).content.decode()
