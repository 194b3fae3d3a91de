"""Developer tooling: synthetic data at national scale and the benchmarks of `make bench`.

Not part of the portal. Production settings do not install this app (portal/settings.py
installs it only with DJANGO_DEBUG=1 or DJANGO_BENCH=1) and the Docker image does not
contain it (.dockerignore), so `generate_demo_data` and the benchmark's yardstick view do
not exist in a deployment. It reaches the domain only through public names: the models,
`reports.publication`, `reports.search.text.indexed_text` and `reports.search.index`.

    synthetic/      generator.py (pure Python: names, texts, dates), vocabulary.py (its words),
                    bulk.py (writing it fast: COPY on PostgreSQL)
    management/     manage.py generate_demo_data
    yardstick.py    the trivial view every page of the benchmark is measured against
    bench.py        make bench: gunicorn + wrk over every public page -> docs/bench-<N>.md
    loadtest.py     make loadtest: sustained load and a worker killed mid-load
    explain.py      the PostgreSQL query plans of the list and search pages
"""
