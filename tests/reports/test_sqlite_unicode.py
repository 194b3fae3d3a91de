"""Case-insensitive Cyrillic search behaves the same on SQLite and PostgreSQL.

SQLite's own LIKE/lower()/upper() fold ASCII only; portal/sqlite.py replaces
them per connection. These tests run on both databases.
"""

import pytest
from django.db import connection
from django.db.models.functions import Lower, Upper

from reports.models import Achievement, Municipality

sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="«ё» = «е» folding is the SQLite search helper's own rule"
)


@pytest.fixture
def places(db, sayan, kogalym):
    Municipality.objects.create(name="Берёзовский", slug="berezovsky", region="Кемеровская область — Кузбасс")
    Municipality.objects.create(name="Белово", slug="belovo", region="Кемеровская область — Кузбасс")
    Municipality.objects.create(
        name="Ленинск-Кузнецкий", slug="leninsk-kuznetsky", region="Кемеровская область — Кузбасс"
    )
    return Municipality.objects.all()


def _names(queryset):
    return sorted(queryset.values_list("name", flat=True))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "lookup, term, expected",
    [
        ("icontains", "саяно", ["Саяногорск"]),
        ("icontains", "САЯНО", ["Саяногорск"]),
        ("icontains", "КОГАЛЫМ", ["Когалым"]),
        ("icontains", "когАлым", ["Когалым"]),
        ("icontains", "кузнецкий", ["Ленинск-Кузнецкий"]),
        ("icontains", "бел", ["Белово"]),
        ("icontains", "Москва", []),
        ("iexact", "саяногорск", ["Саяногорск"]),
        ("iexact", "саяно", []),
        ("istartswith", "ЛЕНИНСК", ["Ленинск-Кузнецкий"]),
        ("iendswith", "ГОРСК", ["Саяногорск"]),
        ("contains", "Саяно", ["Саяногорск"]),
    ],
)
def test_case_insensitive_cyrillic_lookups(lookup, term, expected, places):
    assert _names(Municipality.objects.filter(**{f"name__{lookup}": term})) == expected


@pytest.fixture
def texts(make_report):
    report = make_report(items=False)
    for position, text in enumerate(
        [
            "Проведён форум ТОС",
            "Проведен семинар старост",
            "Охват 100% школ",
            "Охват 1000 человек",
            "план_2024 утверждён",
            "план-2024 обсуждается",
            "путь C:\\отчёты",
            "путь C:/отчёты",
        ],
        start=1,
    ):
        Achievement.objects.create(report=report, text=text, position=position)
    return report


def _texts(**lookup):
    return sorted(Achievement.objects.filter(**lookup).values_list("text", flat=True))


@pytest.mark.django_db
def test_icontains_on_item_text(texts):
    assert _texts(text__icontains="тос") == ["Проведён форум ТОС"]
    assert _texts(text__icontains="Тос") == ["Проведён форум ТОС"]
    assert _texts(text__icontains="СЕМИНАР") == ["Проведен семинар старост"]
    assert _texts(text__icontains="форум тос") == ["Проведён форум ТОС"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "term, expected",
    [
        ("100%", ["Охват 100% школ"]),
        ("%", ["Охват 100% школ"]),
        ("1000", ["Охват 1000 человек"]),
        ("план_2024", ["план_2024 утверждён"]),
        ("_", ["план_2024 утверждён"]),
        ("C:\\", ["путь C:\\отчёты"]),
        ("%школ", []),
    ],
)
def test_like_wildcards_in_the_term_are_literal(term, expected, texts):
    assert _texts(text__icontains=term) == expected


@pytest.mark.django_db
def test_lower_and_upper_fold_cyrillic(places):
    lowered = dict(Municipality.objects.annotate(low=Lower("name")).values_list("name", "low"))
    assert lowered["Саяногорск"] == "саяногорск"
    assert lowered["Когалым"] == "когалым"
    assert lowered["Берёзовский"] == "берёзовский"  # lower() itself keeps «ё»
    assert lowered["Ленинск-Кузнецкий"] == "ленинск-кузнецкий"
    uppered = dict(Municipality.objects.annotate(up=Upper("name")).values_list("name", "up"))
    assert uppered["Когалым"] == "КОГАЛЫМ"
    assert _names(Municipality.objects.annotate(low=Lower("name")).filter(low="когалым")) == ["Когалым"]


@pytest.mark.django_db
def test_lower_in_order_by_sorts_case_insensitively(db):
    for name, slug in [("ангарск", "angarsk-lower"), ("Бийск", "biysk"), ("Абакан", "abakan")]:
        Municipality.objects.create(name=name, slug=slug)
    ordered = list(Municipality.objects.order_by(Lower("name")).values_list("name", flat=True))
    assert ordered == ["Абакан", "ангарск", "Бийск"]


@sqlite_only
@pytest.mark.django_db
@pytest.mark.parametrize(
    "term, expected",
    [
        ("березов", ["Берёзовский"]),
        ("БЕРЁЗОВ", ["Берёзовский"]),
        ("берёзовский", ["Берёзовский"]),
    ],
)
def test_yo_and_ye_match_each_other_on_sqlite(term, expected, places):
    assert _names(Municipality.objects.filter(name__icontains=term)) == expected


@sqlite_only
@pytest.mark.django_db
def test_yo_and_ye_match_each_other_in_item_text_on_sqlite(texts):
    both = ["Проведен семинар старост", "Проведён форум ТОС"]
    assert _texts(text__icontains="проведён") == sorted(both)
    assert _texts(text__icontains="проведен") == sorted(both)
    assert _texts(text__icontains="ПРОВЕДЁН ФОРУМ") == ["Проведён форум ТОС"]
