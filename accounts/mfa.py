"""The second factor of the back office: a code from an authenticator app (TOTP), with one-time
recovery codes for a lost phone. django-otp keeps the devices and the throttling of wrong
codes; this module says who must have one and asks for it.

- Association editors and administrators must set one up (MFA_REQUIRED; on in production):
  after the password they are taken to the set-up page and can do nothing else until it is done.
- City editors may set one up from «Вход и защита»; once they have, they are asked for it too.
- Whoever has one is asked for a code after the password, once per session (the session is then
  "verified", django_otp.login). A recovery code works once in place of the app's code.
"""

import base64
import io
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .roles import is_association_editor

RECOVERY_CODES = 10
APP_DEVICE = "Приложение"  # device names, shown to the person in the admin's device lists
RECOVERY_DEVICE = "Коды восстановления"

# Back-office addresses that stay open before the second factor: signing in and out, the
# second-factor pages themselves, password reset, and the admin's translations for scripts.
OPEN_PREFIXES = ("/admin/login/", "/admin/logout/", "/admin/security/", "/admin/password_reset/", "/admin/reset/")


def required_for(user) -> bool:
    return settings.MFA_REQUIRED and (user.is_superuser or is_association_editor(user))


def has_second_factor(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def pending_app_device(user) -> TOTPDevice:
    """The app being set up: one unconfirmed device per person, its secret kept until confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=APP_DEVICE, confirmed=False)


def qr_svg(device: TOTPDevice) -> str:
    """The device's otpauth:// address as an inline SVG QR code (no script, no external image)."""
    buffer = io.BytesIO()
    segno.make(device.config_url, error="m").save(buffer, kind="svg", scale=5, xmldecl=False, svgns=True)
    return buffer.getvalue().decode()


def secret_for_typing(device: TOTPDevice) -> str:
    """The secret in base32, in groups of four, for apps without a camera."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def new_recovery_codes(user) -> list[str]:
    """Replace the person's recovery codes with fresh ones; the old ones stop working."""
    device, _ = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_DEVICE, defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def seconds_to_wait(device) -> int:
    """After wrong codes django-otp makes a device wait 1, 2, 4 … seconds before the next try."""
    allowed, extra = device.verify_is_allowed()
    if allowed or not extra or "locked_until" not in extra:
        return 0
    return max(1, int(-(-(extra["locked_until"] - timezone.now()).total_seconds() // 1)))


def check_code(devices, code: str) -> tuple[object | None, int]:
    """(The device among `devices` this code belongs to, or None; seconds to wait first, if any.)
    A recovery code is used up; a wrong code makes its device wait longer (django-otp)."""
    wait = 0
    for device in devices:
        if wait_here := seconds_to_wait(device):
            wait = max(wait, wait_here)
        elif device.verify_token(code):
            return device, 0
    return None, wait


def matching_device(user, code: str) -> tuple[object | None, int]:
    """The person's device this code belongs to (see check_code)."""
    code = "".join(code.split()).lower()
    # Six digits are the app's; anything else is tried as a recovery code, so a recovery code
    # typed in never counts as a wrong app code.
    model = TOTPDevice if code.isdigit() and len(code) <= 8 else StaticDevice
    return check_code(model.objects.filter(user=user, confirmed=True), code)


def turn_off(user) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


def safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return default


class SecondFactorMiddleware:
    """After AuthenticationMiddleware and django-otp's OTPMiddleware: a back-office request of a
    signed-in person who has a second factor and has not given it this session goes to the code
    page; one whose role requires it and who has none goes to the set-up page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        path = request.path
        if (
            user is not None
            and user.is_authenticated
            and path.startswith("/admin/")
            and not path.startswith(OPEN_PREFIXES)
            and not user.is_verified()
        ):
            back = urlencode({"next": request.get_full_path()})
            if user_has_device(user):
                return redirect(f"{reverse('mfa_verify')}?{back}")
            if required_for(user):
                return redirect(f"{reverse('mfa_setup')}?{back}")
        return self.get_response(request)
