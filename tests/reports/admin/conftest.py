import pytest


@pytest.fixture
def actors(city_editor, other_editor, moderator, no_role_user, superuser):
    """The rungs of the permission ladder by name ("anon" is nobody)."""
    return {
        "anon": None,
        "city": city_editor,
        "other": other_editor,
        "moderator": moderator,
        "norole": no_role_user,
        "superuser": superuser,
    }


@pytest.fixture
def login(client, actors):
    """login("city") → the test client, now signed in as that rung (or anonymous)."""

    def as_(name):
        client.logout()
        if actors[name] is not None:
            client.force_login(actors[name])
        return client

    return as_
