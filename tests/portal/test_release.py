"""The release id: changes with the templates or translations, so cached pages outliving a
deployment are not served (portal/page_cache.py)."""

import pytest

from portal import release


@pytest.fixture
def site(tmp_path, settings):
    (tmp_path / "templates").mkdir()
    (tmp_path / "locale" / "en" / "LC_MESSAGES").mkdir(parents=True)
    (tmp_path / "templates" / "page.html").write_text("<p>one</p>")
    (tmp_path / "locale" / "en" / "LC_MESSAGES" / "django.mo").write_bytes(b"mo")
    settings.BASE_DIR = tmp_path
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    settings.STATIC_ROOT = None
    release.release_id.cache_clear()
    yield tmp_path
    release.release_id.cache_clear()


def again():
    release.release_id.cache_clear()
    return release.release_id()


def test_same_files_same_id(site):
    assert release.release_id() == again()


def test_a_template_change_is_a_new_release(site):
    before = release.release_id()
    (site / "templates" / "page.html").write_text("<p>two</p>")
    assert again() != before


def test_a_translation_change_is_a_new_release(site):
    before = release.release_id()
    (site / "locale" / "en" / "LC_MESSAGES" / "django.mo").write_bytes(b"mo2")
    assert again() != before


@pytest.mark.django_db
def test_pages_cached_by_an_older_release_are_not_served(client, settings, make_report, sayan, monkeypatch):
    from portal import page_cache
    from reports.status import Status

    settings.PUBLIC_PAGE_CACHE = True
    url = make_report(Status.PUBLISHED, municipality=sayan, year=2024).get_absolute_url()
    client.get(url)
    assert client.get(url)["X-Page-Cache"] == "hit"
    monkeypatch.setattr(page_cache, "release_id", lambda: "next")
    page_cache.process_pages.clear()  # a new release is a new process
    assert client.get(url)["X-Page-Cache"] == "miss"
