"""The benchmark's yardstick view: ~20 KB, constant, and not routed unless DJANGO_BENCH=1."""

import pytest
from django.test import RequestFactory

from devtools.yardstick import trivial


def test_trivial_view_is_a_constant_20_kb_html_page():
    first = trivial(RequestFactory().get("/bench/trivial"))
    second = trivial(RequestFactory().get("/bench/trivial"))
    assert first.status_code == 200 and first["Content-Type"] == "text/html; charset=utf-8"
    assert 19 * 1024 <= len(first.content) <= 21 * 1024
    assert first.content == second.content


@pytest.mark.django_db
def test_not_routed_in_a_normal_deployment(client, settings):
    assert settings.BENCH_ENABLED is False
    assert client.get("/bench/trivial").status_code == 404
