"""portal.redis_cache: Django's Redis cache with the client object reused (needs a Redis on
127.0.0.1:6379; skipped without one)."""

import socket

import pytest

from portal.redis_cache import PortalRedisCache

URL = "redis://127.0.0.1:6379/13"


def _redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


pytestmark = pytest.mark.skipif(not _redis_answers(), reason="no Redis on 127.0.0.1:6379")


@pytest.fixture
def cache():
    backend = PortalRedisCache(URL, {"KEY_PREFIX": "test-portal", "OPTIONS": {"socket_timeout": 1}})
    backend.clear()
    yield backend
    backend.clear()


def test_behaves_as_a_cache(cache):
    assert cache.get("missing") is None
    cache.set("page", (1, b"<html>", [("Content-Type", "text/html")]), 60)
    assert cache.get("page") == (1, b"<html>", [("Content-Type", "text/html")])
    assert cache.add("lock", 1, 30) is True
    assert cache.add("lock", 1, 30) is False
    assert cache.get_many(["page", "lock", "missing"]) == {"page": (1, b"<html>", [("Content-Type", "text/html")]), "lock": 1}
    cache.delete("lock")
    assert cache.get("lock") is None
    cache.set("generation", 1732900000000000000, None)
    assert cache.get("generation") == 1732900000000000000


def test_one_client_object_per_pool(cache):
    client = cache._cache
    assert client.get_client("a") is client.get_client("b")
    assert client.get_client("a", write=True) is client.get_client("b", write=True)
