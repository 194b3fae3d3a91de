"""The second factor (accounts/mfa.py): required for association editors and administrators,
optional for city editors, asked once per session, recovery codes once each, resettable by the
Association; the pages are for signed-in staff only."""

import re

import pytest
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import mfa

pytestmark = pytest.mark.django_db

PASSWORD = "demo-password-1"


@pytest.fixture(autouse=True)
def required(settings):
    settings.MFA_REQUIRED = True


@pytest.fixture(autouse=True)
def passwords(moderator, city_editor):
    for user in (moderator, city_editor):
        user.set_password(PASSWORD)
        user.save()


def sign_in(user, client=None):
    """Password only (the first step), as the login form does it."""
    client = client or Client()
    response = client.post("/admin/login/?next=/admin/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    return client


def code_for(device):
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return str(totp.token()).zfill(device.digits)


def enrol(client, user):
    page = client.get("/admin/security/setup/")
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post("/admin/security/setup/", {"code": code_for(device), "next": "/admin/"})
    assert response.status_code == 200
    codes = re.findall(r"<li><code>(\w+)</code></li>", response.content.decode())
    assert len(codes) == mfa.RECOVERY_CODES
    return TOTPDevice.objects.get(user=user, confirmed=True), codes


def test_an_association_editor_must_set_it_up_before_anything_else(moderator):
    client = sign_in(moderator)
    for url in ("/admin/", "/admin/reports/report/", "/admin/accounts/user/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/admin/security/setup/")
    page = client.get("/admin/security/setup/").content.decode()
    assert "<svg" in page and "Для вашей роли вход защищается вторым шагом" in page
    assert mfa.secret_for_typing(TOTPDevice.objects.get(user=moderator)) in page


def test_a_wrong_code_does_not_turn_it_on(moderator):
    client = sign_in(moderator)
    client.get("/admin/security/setup/")
    response = client.post("/admin/security/setup/", {"code": "000000"})
    assert "Код не подошёл" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=moderator, confirmed=True).exists()
    assert client.get("/admin/")["Location"].startswith("/admin/security/setup/")


def test_after_a_wrong_code_the_next_waits_a_moment_and_says_so(moderator):
    from datetime import timedelta

    client = sign_in(moderator)
    client.get("/admin/security/setup/")
    device = TOTPDevice.objects.get(user=moderator)
    client.post("/admin/security/setup/", {"code": "000000"})
    hurried = client.post("/admin/security/setup/", {"code": code_for(device)})
    assert "После неверного кода подождите 1 секунду" in hurried.content.decode()
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=device.__class__.objects.get(pk=device.pk).throttling_failure_timestamp
        - timedelta(seconds=5)
    )
    calm = client.post("/admin/security/setup/", {"code": code_for(device)})
    assert "Коды восстановления" in calm.content.decode()


def test_setting_it_up_shows_the_recovery_codes_once_and_opens_the_back_office(moderator):
    client = sign_in(moderator)
    device, codes = enrol(client, moderator)
    assert len(set(codes)) == mfa.RECOVERY_CODES
    assert client.get("/admin/").status_code == 200  # this session gave the code
    overview = client.get("/admin/security/").content.decode()
    assert "Вторая защита входа включена" in overview and "Выключить" not in overview  # required for the role


def test_the_next_sign_in_asks_for_the_code_and_a_recovery_code_works_once(moderator):
    device, codes = enrol(sign_in(moderator), moderator)
    client = sign_in(moderator)
    response = client.get("/admin/reports/report/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/security/verify/")
    wrong = client.post("/admin/security/verify/", {"code": "123456"})
    assert "Код не подошёл" in wrong.content.decode()
    ok = client.post("/admin/security/verify/", {"code": codes[0], "next": "/admin/reports/report/"})
    assert ok.status_code == 302 and ok["Location"] == "/admin/reports/report/"
    assert client.get("/admin/reports/report/").status_code == 200
    assert not StaticToken.objects.filter(token=codes[0]).exists()  # used up
    again = sign_in(moderator)
    assert "Код не подошёл" in again.post("/admin/security/verify/", {"code": codes[0]}).content.decode()


def test_the_app_code_opens_the_session(moderator):
    enrol(sign_in(moderator), moderator)
    device = TOTPDevice.objects.get(user=moderator)
    device.last_t = -1  # the code of this time step was used when setting it up
    device.save()
    client = sign_in(moderator)
    response = client.post("/admin/security/verify/", {"code": code_for(device), "next": "/admin/"})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_a_foreign_next_address_is_not_followed(moderator):
    device, codes = enrol(sign_in(moderator), moderator)
    client = sign_in(moderator)
    response = client.post("/admin/security/verify/", {"code": codes[1], "next": "https://evil.example/"})
    assert response["Location"] == "/admin/"


def test_city_editors_may_go_without_and_may_turn_it_on_and_off(city_editor):
    client = sign_in(city_editor)
    assert client.get("/admin/").status_code == 200
    assert "Вторая защита входа выключена" in client.get("/admin/security/").content.decode()
    enrol(client, city_editor)
    assert "Выключить вторую защиту" in client.get("/admin/security/").content.decode()
    other = sign_in(city_editor)
    assert other.get("/admin/")["Location"].startswith("/admin/security/verify/")
    client.post("/admin/security/", {"action": "off"})
    assert not mfa.has_second_factor(city_editor)
    assert sign_in(city_editor).get("/admin/").status_code == 200


def test_the_security_page_needs_the_code_before_changing_anything(city_editor):
    device, codes = enrol(sign_in(city_editor), city_editor)
    client = sign_in(city_editor)  # password only
    response = client.post("/admin/security/", {"action": "off"})
    assert response.status_code == 302 and response["Location"].startswith("/admin/security/verify/")
    assert mfa.has_second_factor(city_editor)
    assert client.post("/admin/security/", {"action": "codes"}).status_code == 302
    assert StaticToken.objects.filter(token__in=codes).count() == len(codes)  # the old ones still work


def test_new_recovery_codes_replace_the_old_ones(moderator):
    client = sign_in(moderator)
    device, old = enrol(client, moderator)
    response = client.post("/admin/security/", {"action": "codes"})
    new = re.findall(r"<li><code>(\w+)</code></li>", response.content.decode())
    assert len(new) == mfa.RECOVERY_CODES and not set(new) & set(old)
    assert not StaticToken.objects.filter(token__in=old).exists()


@pytest.mark.parametrize("url", ["/admin/security/", "/admin/security/setup/", "/admin/security/verify/"])
def test_the_pages_are_for_signed_in_staff_only(url, make_user):
    response = Client().get(url)
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    outsider = make_user("outsider")  # no role: not staff
    client = Client()
    client.force_login(outsider)
    assert client.get(url)["Location"].startswith("/admin/login/")


@pytest.mark.parametrize(
    ("rung", "allowed"), [("city", False), ("norole", False), ("moderator", True), ("superuser", True)]
)
def test_resetting_someone_elses_second_factor_ladder(rung, allowed, login, city_editor, settings):
    enrol(sign_in(city_editor), city_editor)
    settings.MFA_REQUIRED = False  # the acting person signs in with force_login
    client = login(rung)
    client.post("/admin/accounts/user/", {"action": "reset_second_factor", "_selected_action": [city_editor.pk]})
    assert mfa.has_second_factor(city_editor) is not allowed


def test_the_requirement_can_be_switched_off_for_development(moderator, settings):
    settings.MFA_REQUIRED = False
    assert sign_in(moderator).get("/admin/").status_code == 200
