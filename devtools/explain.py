"""Print the PostgreSQL query plans of the public list (with filters) and search pages.

    DATABASE_URL=postgres://…/portal_bench DJANGO_DEBUG=1 python -m devtools.explain [--word WORD]

Renders each page once through Django's test client (page cache off), captures its SQL,
and runs EXPLAIN (ANALYZE, BUFFERS) on every query that touches reports or the search
index, so docs/performance.md can show that nothing scans a whole table.
"""

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ["DJANGO_PUBLIC_PAGE_CACHE"] = "0"


def main():
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from reports.models import Report

    settings.ALLOWED_HOSTS = ["*"]
    parser = argparse.ArgumentParser()
    parser.add_argument("--word", default="молодёжи")
    args = parser.parse_args()

    sample = Report.objects.published().select_related("municipality").order_by("-id").first()
    pages = {
        "list with filters": f"/reports/?region={sample.municipality.region}&year={sample.year}&has=problems",
        "search": f"/search/?q={args.word}",
        "report": sample.get_absolute_url(),
    }
    print(f"reports: {Report.objects.count()}, published: {Report.objects.published().count()}\n")
    client = Client()
    for name, url in pages.items():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        print(f"=== {name}: {url} → {response.status_code}, {len(ctx.captured_queries)} queries")
        for query in ctx.captured_queries:
            sql = query["sql"]
            if not any(t in sql for t in ("reports_report", "reports_searchdocument", "reports_reportterms")):
                continue
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql)
                plan = "\n".join(row[0] for row in cursor.fetchall())
            print("--- " + sql[:300] + (" …" if len(sql) > 300 else ""))
            print(plan + "\n")


if __name__ == "__main__":
    main()
