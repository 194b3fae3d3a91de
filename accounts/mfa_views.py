"""The second-factor pages of the back office (accounts/mfa.py): set up, enter a code, manage."""

from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login

from . import mfa


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Код"),
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}),
    )


def _wait_message(seconds: int) -> str:
    return ngettext(
        "После неверного кода подождите %(seconds)s секунду и введите код снова.",
        "После неверного кода подождите %(seconds)s секунд и введите код снова.",
        seconds,
    ) % {"seconds": seconds}


def _page(request, template, **context):
    return render(request, template, {**admin.site.each_context(request), **context})


def _verified_or_redirect(request):
    """The pages that change the second factor need it given this session, if there is one."""
    if mfa.has_second_factor(request.user) and not request.user.is_verified():
        return redirect(f"{reverse('mfa_verify')}?{urlencode({'next': request.get_full_path()})}")
    return None


@require_http_methods(["GET", "POST"])
def setup(request):
    """Scan the code (or type the secret), confirm with one code, get the recovery codes once."""
    if mfa.has_second_factor(request.user):
        return _verified_or_redirect(request) or redirect("mfa_overview")
    device = mfa.pending_app_device(request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        matched, wait = mfa.check_code([device], "".join(form.cleaned_data["code"].split()))
        if wait:
            form.add_error("code", _wait_message(wait))
        elif matched is not None:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            codes = mfa.new_recovery_codes(request.user)
            otp_login(request, device)
            return _page(
                request,
                "registration/mfa_codes.html",
                title=_("Коды восстановления"),
                codes=codes,
                next=mfa.safe_next(request, reverse("admin:index")),
            )
        else:
            form.add_error("code", _("Код не подошёл. Проверьте время на телефоне и введите новый код из приложения."))
    return _page(
        request,
        "registration/mfa_setup.html",
        title=_("Вторая защита входа"),
        form=form,
        qr=mfa.qr_svg(device),
        secret=mfa.secret_for_typing(device),
        required=mfa.required_for(request.user),
        next=mfa.safe_next(request, ""),
    )


@require_http_methods(["GET", "POST"])
def verify(request):
    """After the password: the code from the app, or one recovery code."""
    if not mfa.has_second_factor(request.user) and not request.user.is_verified():
        return redirect(mfa.safe_next(request, reverse("admin:index")))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device, wait = mfa.matching_device(request.user, form.cleaned_data["code"])
        if wait:
            form.add_error("code", _wait_message(wait))
        elif device is not None:
            otp_login(request, device)
            if device.name == mfa.RECOVERY_DEVICE:
                left = device.token_set.count()
                messages.warning(
                    request,
                    _("Вы вошли по коду восстановления; осталось кодов: %(left)s. Новые — на странице «Вход и защита».")
                    % {"left": left},
                )
            return redirect(mfa.safe_next(request, reverse("admin:index")))
        else:
            form.add_error(
                "code", _("Код не подошёл. Введите новый код из приложения или один из кодов восстановления.")
            )
    return _page(
        request,
        "registration/mfa_verify.html",
        title=_("Код подтверждения"),
        form=form,
        next=mfa.safe_next(request, ""),
    )


@require_http_methods(["GET", "POST"])
def overview(request):
    """Whether the second factor is on; new recovery codes; turning it off where the role allows."""
    if response := _verified_or_redirect(request):
        return response
    if request.method == "POST":
        if request.POST.get("action") == "codes" and mfa.has_second_factor(request.user):
            return _page(
                request,
                "registration/mfa_codes.html",
                title=_("Коды восстановления"),
                codes=mfa.new_recovery_codes(request.user),
                next=reverse("mfa_overview"),
            )
        if request.POST.get("action") == "off" and not mfa.required_for(request.user):
            mfa.turn_off(request.user)
            messages.success(request, _("Вторая защита входа выключена."))
        return redirect("mfa_overview")
    return _page(
        request,
        "registration/mfa_overview.html",
        title=_("Вход и защита"),
        enabled=mfa.has_second_factor(request.user),
        required=mfa.required_for(request.user),
        recovery_left=sum(d.token_set.count() for d in mfa.StaticDevice.objects.filter(user=request.user)),
    )
