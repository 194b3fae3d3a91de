"""PostgreSQL only: the GIN index exists and is used, and PostgreSQL's `russian` configuration
holds exactly the terms our Snowball stems hold (which is why both databases agree)."""

import time

import pytest
from django.db import connection

from reports import search
from reports.models import Report
from reports.search import index, query
from reports.search import text as search_text
from reports.search.models import SearchDocument

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL full-text search"),
]

GIN = "reports_searchdoc_vector_gin"
TERMS_GIN = "reports_terms_vector_gin"


@pytest.mark.parametrize("name", [GIN, TERMS_GIN])
def test_the_gin_indexes_exist(name):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [name])
        (definition,) = cursor.fetchone()
    assert "USING gin (vector)" in definition


def test_search_uses_the_gin_index_on_a_big_table(build):
    """2,000 published reports with 10 paragraph-sized documents each (40 words of a 5,000-word
    vocabulary), statistics up to date, seqscan allowed: the planner must choose the index."""
    report = build("Абакан", 2020, achievements=["Проведён форум ТОС"])
    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO reports_municipality (name, slug, region, website)
            SELECT 'Город' || g, 'gorod-' || g, 'Край', '' FROM generate_series(1, 200) AS g
            """
        )
        cursor.execute(
            """
            INSERT INTO reports_report (municipality_id, year, status, version, created_at, updated_at)
            SELECT m.id, y, 'published', 1, now(), now()
            FROM reports_municipality m, generate_series(2011, 2020) AS y WHERE m.slug LIKE 'gorod-%%'
            """
        )
        cursor.execute(
            """
            INSERT INTO reports_searchdocument (report_id, section, position, text, stems, vector)
            SELECT r.id, 'achievements', k, t.text, ' ' || t.text || ' ', setweight(to_tsvector('simple', t.text), 'B')
            FROM reports_report r CROSS JOIN generate_series(1, 10) AS k,
                 LATERAL (SELECT 'отчет ' || string_agg('слово' || ((r.id * 7919 + k * 104729 + w * 15485863) %% 5000), ' ') AS text
                          FROM generate_series(1, 40) AS w) AS t
            WHERE r.id <> %s
            """,
            [report.pk],
        )
        cursor.execute("SELECT count(*) FROM reports_searchdocument")
        assert cursor.fetchone()[0] > 20_000
    index.refresh_terms(Report.objects.values_list("pk", flat=True))
    with connection.cursor() as cursor:
        # 18,000 older reports with 40 words each, straight into ReportTerms (their documents do
        # not matter here): a table of 20,000 reports, too big to read whole for a rare word.
        cursor.execute(
            """
            INSERT INTO reports_municipality (name, slug, region, website)
            SELECT 'Село' || g, 'selo-' || g, 'Край', '' FROM generate_series(1, 1800) AS g
            """
        )
        cursor.execute(
            """
            INSERT INTO reports_report (municipality_id, year, status, version, created_at, updated_at)
            SELECT m.id, y, 'published', 1, now(), now()
            FROM reports_municipality m, generate_series(2000, 2009) AS y WHERE m.slug LIKE 'selo-%%'
            """
        )
        cursor.execute(
            """
            INSERT INTO reports_reportterms (report_id, year, stems, vector)
            SELECT r.id, r.year, '', array_to_tsvector(ARRAY['отчет'] || ARRAY(
                SELECT DISTINCT 'слово' || mod(r.id * 7919 + w * 15485863, 5000) FROM generate_series(1, 40) AS w))
            FROM reports_report r JOIN reports_municipality m ON m.id = r.municipality_id WHERE m.slug LIKE 'selo-%%'
            """
        )
        for table in ("reports_municipality", "reports_report", "reports_searchdocument", "reports_reportterms"):
            cursor.execute(f"ANALYZE {table}")
    plans = [
        Report.objects.filter(pk__in=search.matching_report_ids("форум")).explain(),
        Report.objects.filter(pk__in=search.matching_report_ids("Абакан форум ТОС")).explain(),
    ]
    for plan in plans:
        assert f"Bitmap Index Scan on {TERMS_GIN}" in plan, plan
        assert "Seq Scan on reports_searchdocument" not in plan, plan
        assert "Seq Scan on reports_reportterms" not in plan, plan
    assert [hit.report for hit in search.search("форум")] == [report]
    # A word in every report but one: the candidates come newest first off the (year, id) index
    # and the scan stops after CANDIDATES of them — no pass over all the matching reports.
    common = query._candidates(search_text.query_terms("отчёт"), None).explain()
    assert "reports_terms_year_desc" in common, common
    assert "Seq Scan" not in common, common
    assert len(search.search("отчёт", limit=5)) == 5
    assert search.count("отчёт", cap=100) == 101
    assert search.count("отчёт") == 20_000
    assert time.monotonic() - started < 10


def test_postgres_and_snowball_hold_the_same_terms(seeds, hidden):
    """For every document of the seed reports: the lexemes of the tsvector (PostgreSQL's stems)
    are exactly our stems (what SQLite searches)."""
    docs = SearchDocument.objects.all()
    assert docs.count() > 50
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, tsvector_to_array(vector), stems FROM reports_searchdocument")
        rows = cursor.fetchall()
    for pk, lexemes, stems in rows:
        assert set(lexemes) == set(stems.split()), pk


def test_our_stop_words_are_postgresqls():
    words = sorted(search_text.STOP_WORDS)
    with connection.cursor() as cursor:
        cursor.execute("SELECT w FROM unnest(%s::text[]) AS w WHERE to_tsvector('russian', w) <> ''::tsvector", [words])
        assert cursor.fetchall() == []
        cursor.execute("SELECT to_tsvector('russian', 'тос форум пандемии') <> ''::tsvector")
        assert cursor.fetchone() == (True,)


def test_postgres_and_snowball_hold_the_same_positions(seeds, hidden, build):
    """Each lexeme's positions in the tsvector are exactly its places among our stems (stop words
    left out of both), within PostgreSQL's limits: what phrase and proximity ranking rely on."""
    # 300 times «тос»: PostgreSQL keeps 255 of its positions (no item is long enough to pass 16383).
    build("Абакан", 2020, achievements=["тос " * 300 + "форум и в форум", "Форум в ТОС, и не только форум"])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT d.id, d.stems, u.lexeme, u.positions::int[] FROM reports_searchdocument d, unnest(d.vector) u"
        )
        rows = cursor.fetchall()
    vectors, stems = {}, {}
    for pk, doc_stems, lexeme, positions in rows:
        vectors.setdefault(pk, {})[lexeme] = positions
        stems[pk] = doc_stems
    assert len(vectors) > 50
    for pk, doc_stems in stems.items():
        assert vectors[pk] == search_text.positions(doc_stems.split()), pk


def test_postgres_ranks_documents_as_python_does(build):
    """The SQL score and closeness of a document (query._DocScore, query._DocCloseness) equal the
    Python ones SQLite uses (query._score, query._closeness), on random documents and queries."""
    import random

    from django.db.models import Q

    from reports.search.query import _all_tsquery, _closeness, _DocCloseness, _DocScore, _score

    rng = random.Random(14)
    words = ["форум", "форума", "летний", "летнего", "тос", "совет", "советы", "молодежь", "и", "в", "не"]
    for n in range(12):
        build(
            f"Город{n}",
            2000 + n,
            achievements=[" ".join(rng.choice(words) for _ in range(rng.randint(1, 25))) for _ in range(4)],
        )
    queries = ["форум", "летний форум", "форум летний", "тос совет", "совет", "летний форум тос", "форум сове"]
    queries += [" ".join(rng.sample(words[:8], rng.randint(2, 3))) for _ in range(15)]
    compared = 0
    for text in queries:
        terms = search_text.query_terms(text)
        docs = SearchDocument.objects.filter(query._any_term_q(terms)).annotate(
            sql_score=_DocScore(terms), sql_closeness=_DocCloseness(terms)
        )
        for doc in docs.filter(Q(vector=_all_tsquery(terms))) if len(terms) > 1 else docs:
            hits = search_text.term_hits(doc.stems.split(), terms)
            assert doc.sql_score == _score(doc.section, hits), (text, doc.text)
            if len(terms) > 1:
                assert doc.sql_closeness == _closeness(hits, len(terms)), (text, doc.text)
            compared += 1
    assert compared > 100


def test_suggestions_stay_cheap_on_a_national_vocabulary(build):
    """200,000 words in the vocabulary, 67,000 of them beginning with «об» and 11 to 15 letters
    long (the worst case for two edits): two edits are looked up through the (head, length)
    index, and a suggestion takes milliseconds (5-60 ms on a vocabulary of a million words)."""
    from django.test.utils import CaptureQueriesContext

    from reports.search.models import SearchWord
    from reports.search.suggest import _a_third_of, _edits, _word_in

    build("Абакан", 2024, achievements=["Работа с общественностью: общественность довольна, субсидии получены"])
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO reports_searchword (word, head, length, reports)
            SELECT w, left(w, 2), char_length(w), 1 + g % 50 FROM (
                SELECT g, CASE WHEN g % 3 = 0
                    THEN 'об' || substr(translate(md5(g::text), '0123456789abcdef', 'абвгдежзиклмнопр'), 1, 9 + g % 5)
                    ELSE substr(translate(md5(g::text), '0123456789abcdef', 'рстуфхцчшщыьэюяа'), 1, 4 + g % 11)
                END AS w FROM generate_series(1, 200000) AS g
            ) AS words ON CONFLICT DO NOTHING
            """
        )
        cursor.execute("ANALYZE reports_searchword")
    assert SearchWord.objects.count() > 190_000
    assert SearchWord.objects.filter(head="об", length__range=(11, 15)).count() > 60_000

    # The one-edit variants (a thousand) are one array: the planner probes the primary key or, on a
    # vocabulary this small, hashes the array and reads the table once; both take milliseconds.
    variants = SearchWord.objects.filter(_word_in(sorted(_edits("обшественность")))).explain()
    assert "ANY" in variants, variants[:300]
    near = SearchWord.objects.filter(head="об", length__range=(11, 15)).filter(_a_third_of("обшественнось")).explain()
    assert "reports_searchword_head" in near and "Seq Scan" not in near, near[:300]

    for typed, expected in [("субсидйи", "субсидии"), ("обшественность", "общественность")] * 2 + [
        ("обшественнось", "общественность")
    ] * 2:
        with CaptureQueriesContext(connection) as ctx:
            started = time.monotonic()
            suggestion = search.suggest(typed, found=0)
            elapsed = time.monotonic() - started
        assert suggestion.query == expected
        assert len(ctx.captured_queries) <= 3
        assert elapsed < 1.0, (typed, elapsed)  # typically 5-60 ms
