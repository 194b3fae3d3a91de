"""The yardstick of `make bench` (devtools/bench.py): a view that does no work of its own.

It answers a constant HTML page of about 20 KB — the size of a typical public page —
built once at import, so a request costs only what gunicorn, the WSGI layer and the
portal's whole middleware stack cost. Each page of the benchmark is reported as a
fraction of this view's requests per second, measured in the same run on the same
machine, which makes the figures comparable between machines.

Routed at /bench/trivial only when DJANGO_BENCH=1 (settings.BENCH_ENABLED); never in
a normal deployment.
"""

from django.http import HttpResponse

TARGET_BYTES = 20 * 1024


def _build_page() -> bytes:
    head = (
        '<!doctype html>\n<html lang="ru">\n<head>\n<meta charset="utf-8">\n'
        "<title>Пустая страница для замера</title>\n</head>\n<body>\n<main>\n"
        "<h1>Пустая страница для замера</h1>\n"
    )
    tail = "</main>\n</body>\n</html>\n"
    line = (
        "<p>Эта страница ничего не читает из базы и не рисует шаблон: она показывает, "
        "сколько стоит сам путь запроса через gunicorn и промежуточные слои.</p>\n"
    )
    body = []
    size = len((head + tail).encode())
    number = 0
    while size < TARGET_BYTES:
        number += 1
        paragraph = line.replace("<p>", f'<p id="p{number}">', 1)
        body.append(paragraph)
        size += len(paragraph.encode())
    return (head + "".join(body) + tail).encode()


PAGE = _build_page()


def trivial(request):
    return HttpResponse(PAGE, content_type="text/html; charset=utf-8")
