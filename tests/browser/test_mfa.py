"""In a real browser: an Association editor sets up the second factor on first sign-in, keeps
the recovery codes, and signs in later with a code; the pages read well narrow and wide."""

import re

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.conftest import PASSWORD

from .helpers import screenshots

pytestmark = pytest.mark.browser


def _password_step(page, user):
    page.goto("/admin/login/?next=/admin/")
    page.get_by_label("Имя пользователя").fill(user.username)
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()


def test_second_factor_set_up_then_sign_in_with_a_recovery_code(new_page, reviewer, settings):
    settings.MFA_REQUIRED = True
    page = new_page()
    _password_step(page, reviewer)
    expect(page).to_have_url(re.compile(r"/admin/security/setup/"))
    expect(page.get_by_role("heading", name="Вторая защита входа")).to_be_visible()
    expect(page.locator(".mfa-qr svg")).to_be_visible()
    screenshots(page, "mfa-setup")

    # The app: the secret as typed from the page, a code from it.
    secret = page.locator(".mfa-secret").inner_text()
    device = TOTPDevice.objects.get(user=reviewer, confirmed=False)
    assert secret.replace(" ", "") == __import__("base64").b32encode(device.bin_key).decode().rstrip("=")
    page.get_by_label("Код").fill("000000")
    page.get_by_role("button", name="Включить").click()
    expect(page.get_by_text("Код не подошёл")).to_be_visible()
    page.wait_for_timeout(1200)  # after a wrong code the device waits a second (django-otp)
    token = str(TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()).zfill(6)
    page.get_by_label("Код").fill(token)
    page.get_by_role("button", name="Включить").click()
    expect(page.get_by_role("heading", name="Коды восстановления")).to_be_visible()
    codes = page.locator(".mfa-codes code").all_inner_texts()
    assert len(codes) == 10
    screenshots(page, "mfa-recovery-codes")
    page.get_by_role("link", name="Я сохранил коды, продолжить").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))
    page.get_by_role("link", name="Вход и защита").click()
    expect(page.get_by_text("Вторая защита входа включена")).to_be_visible()
    expect(page.get_by_text("Осталось 10 кодов восстановления.")).to_be_visible()

    # Another day, another browser: the password, then a code; a recovery code works once.
    later = new_page()
    _password_step(later, reviewer)
    expect(later).to_have_url(re.compile(r"/admin/security/verify/"))
    screenshots(later, "mfa-verify")
    later.get_by_label("Код").fill(codes[0])
    later.get_by_role("button", name="Войти").click()
    expect(later).to_have_url(re.compile(r"/admin/$"))
    expect(later.get_by_text("Вы вошли по коду восстановления; осталось кодов: 9.")).to_be_visible()
