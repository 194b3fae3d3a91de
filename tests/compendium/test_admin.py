"""The back office's compendium pages: the Association's editors only (the ladder), «Пересобрать»."""

import pytest

from compendium.models import BuildState, CompendiumFile, Foreword

pytestmark = pytest.mark.django_db

FOREWORDS = "/admin/compendium/foreword/"
YEARS = "/admin/compendium/buildstate/"


@pytest.mark.parametrize("url", [FOREWORDS, FOREWORDS + "add/", YEARS])
def test_ladder(login, url):
    assert login("anon").get(url).status_code == 302  # to the sign-in page
    assert login("city").get(url).status_code == 403
    assert login("other").get(url).status_code == 403
    assert login("norole").get(url).status_code == 403
    assert login("moderator").get(url).status_code == 200


def test_rebuild_button_is_post_only_and_for_editors(login, year_reports):
    url = "/admin/compendium/buildstate/2024/rebuild/"
    assert login("city").post(url).status_code == 403
    assert login("moderator").get(url).status_code == 405
    response = login("moderator").post(url)
    assert response.status_code == 302
    assert CompendiumFile.objects.filter(year=2024).count() == 2
    page = login("moderator").get(YEARS).content.decode()
    assert "Пересобрать" in page and "отчётов: 2" in page


def test_saving_a_foreword_asks_for_a_rebuild(login, year_reports):
    response = login("moderator").post(
        FOREWORDS + "add/", {"year": 2024, "title": "Слово", "text": "Текст.", "signature": ""}
    )
    assert response.status_code == 302
    assert Foreword.objects.get(year=2024).text == "Текст."
    assert BuildState.objects.get(year=2024).pending
