"""Users of the back office, managed by association editors.

The role is chosen from a short list (it sets the user's group and staff flag);
superuser status and raw permissions stay out of reach of non-superusers, so an
association editor can neither create a superuser nor edit one.
"""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm
from django.contrib.auth.models import Group
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portal.admin_titles import RussianTitles
from reports.permissions import can_manage_users

from . import mfa, throttle
from .models import LoginFailure, User
from .roles import ASSOCIATION_EDITORS, MUNICIPAL_EDITORS, ROLE_LABELS

ROLE_CHOICES = [("", _("Без роли (нет доступа к кабинету)"))] + [(k, v) for k, v in ROLE_LABELS.items()]


class RoleFormMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"] = forms.ChoiceField(label=_("Роль"), choices=ROLE_CHOICES, required=False)
        if self.instance.pk:
            names = set(self.instance.groups.values_list("name", flat=True))
            self.fields["role"].initial = next((n for n in ROLE_LABELS if n in names), "")
        if "language" in self.fields:
            # Not asked of whoever does not care: Russian, as for everyone else.
            self.fields["language"].required = False

    def clean_language(self):
        return self.cleaned_data.get("language") or settings.LANGUAGE_CODE

    def clean(self):
        data = super().clean()
        if data.get("role") == MUNICIPAL_EDITORS and "municipalities" in self.fields and not data.get("municipalities"):
            self.add_error("municipalities", _("Укажите хотя бы один муниципалитет для редактора муниципалитета."))
        return data


class PortalUserCreationForm(RoleFormMixin, UserCreationForm):
    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "first_name", "last_name", "email", "position", "language", "municipalities")


class PortalUserChangeForm(RoleFormMixin, UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(RussianTitles, BaseUserAdmin):
    add_title = _("Новый пользователь")  # not Django's «Добавить пользователь»
    add_form_template = "admin/accounts/user/add_form.html"
    form = PortalUserChangeForm
    add_form = PortalUserCreationForm
    list_display = ("username", "full_name", "email", "role_name", "municipality_names", "is_active", "login_locked")
    list_filter = ("groups", "is_active", "municipalities")
    actions = ["unlock_login", "reset_second_factor"]
    filter_horizontal = ("municipalities",)
    search_fields = ("username", "first_name", "last_name", "email")

    base_fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Человек"), {"fields": ("last_name", "first_name", "position", "email", "language")}),
        (_("Доступ"), {"fields": ("role", "municipalities", "is_active")}),
    )
    superuser_fieldsets = (
        (_("Только для администратора"), {"fields": ("is_superuser", "user_permissions")}),
        (_("Даты"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"fields": ("username", "password1", "password2")}),
        (_("Человек"), {"fields": ("last_name", "first_name", "position", "email", "language")}),
        (_("Доступ"), {"fields": ("role", "municipalities")}),
    )

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return self.add_fieldsets
        if request.user.is_superuser:
            return self.base_fieldsets + self.superuser_fieldsets
        return self.base_fieldsets

    def get_form(self, request, obj=None, **kwargs):
        # Only the fields shown may be posted (a crafted is_superuser=on must do nothing);
        # "role" is a form-only field added by RoleFormMixin, not a model field.
        shown = flatten_fieldsets(self.get_fieldsets(request, obj))
        kwargs["fields"] = [f for f in shown if f not in ("role", "password1", "password2", "password")]
        return super().get_form(request, obj, **kwargs)

    @admin.display(description=_("имя"), ordering="last_name")
    def full_name(self, obj):
        return obj.get_full_name() or "—"

    @admin.display(description=_("роль"))
    def role_name(self, obj):
        names = [g.name for g in obj.groups.all()]
        return ", ".join(str(ROLE_LABELS.get(n, n)) for n in names) or (
            "—" if not obj.is_superuser else _("администратор")
        )

    @admin.display(description=_("муниципалитеты"))
    def municipality_names(self, obj):
        return ", ".join(m.name for m in obj.municipalities.all())

    def get_queryset(self, request):
        qs = super().get_queryset(request).prefetch_related("groups", "municipalities")
        qs = qs.annotate(_login_locked=Exists(throttle.limited_usernames().filter(username=OuterRef("username"))))
        return qs if request.user.is_superuser else qs.filter(is_superuser=False)

    @admin.display(description=_("вход ограничен"), boolean=True, ordering="_login_locked")
    def login_locked(self, obj):
        return getattr(obj, "_login_locked", False)

    @admin.action(description=_("Снять блокировку входа с выбранных пользователей"))
    def unlock_login(self, request, queryset):
        users = [u for u in queryset if self.has_change_permission(request, u)]
        for user in users:
            throttle.forget(user.get_username())
        self.message_user(
            request,
            ngettext(
                "Блокировка входа снята: %(count)d пользователь может войти снова.",
                "Блокировка входа снята: %(count)d пользователя могут войти снова.",
                len(users),
            )
            % {"count": len(users)},
            messages.SUCCESS,
        )

    @admin.action(description=_("Сбросить вторую защиту входа (потерян телефон)"))
    def reset_second_factor(self, request, queryset):
        users = [u for u in queryset if self.has_change_permission(request, u) and u != request.user]
        for user in users:
            mfa.turn_off(user)
        self.message_user(
            request,
            ngettext(
                "Вторая защита сброшена у %(count)d пользователя: при следующем входе её можно настроить заново.",
                "Вторая защита сброшена у %(count)d пользователей: при следующем входе её можно настроить заново.",
                len(users),
            )
            % {"count": len(users)},
            messages.SUCCESS,
        )

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not can_manage_users(request.user):
            actions.pop("unlock_login", None)
            actions.pop("reset_second_factor", None)
        return actions

    def has_module_permission(self, request):
        return can_manage_users(request.user) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return (
            can_manage_users(request.user)
            and self._may_touch(request, obj)
            and super().has_view_permission(request, obj)
        )

    def has_add_permission(self, request):
        return can_manage_users(request.user) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return (
            can_manage_users(request.user)
            and self._may_touch(request, obj)
            and super().has_change_permission(request, obj)
        )

    def has_delete_permission(self, request, obj=None):
        return (
            can_manage_users(request.user)
            and self._may_touch(request, obj)
            and super().has_delete_permission(request, obj)
        )

    @staticmethod
    def _may_touch(request, obj):
        return obj is None or request.user.is_superuser or not obj.is_superuser

    def save_model(self, request, obj, form, change):
        role = form.cleaned_data.get("role", "")
        obj.is_staff = bool(role) or obj.is_superuser
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        role = form.cleaned_data.get("role", "")
        user = form.instance
        role_groups = Group.objects.filter(name__in=[ASSOCIATION_EDITORS, MUNICIPAL_EDITORS])
        user.groups.remove(*role_groups)
        if role:
            user.groups.add(Group.objects.get(name=role))
        if role != MUNICIPAL_EDITORS:
            user.municipalities.clear()


# Groups are roles set up by code (accounts/roles.py), not edited by hand.
if admin.site.is_registered(Group):
    admin.site.unregister(Group)


@admin.register(LoginFailure)
class LoginFailureAdmin(RussianTitles, admin.ModelAdmin):
    """Failed sign-ins of the last day: who typed which name from where. Deleting the rows of an
    address lifts its wait (the unlock action on users does it for a name)."""

    list_display = ("at", "username", "address")
    list_filter = ("at",)
    search_fields = ("username", "address")
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
