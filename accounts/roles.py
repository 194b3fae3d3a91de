"""Roles of the back office, as Django groups set up by code.

A user's role is their group. `sync_roles()` creates the groups and gives them
exactly the model permissions listed here; it is idempotent and runs after every
`migrate` (and `flush`), as Django creates its own permissions: from the post_migrate
signal (accounts.apps), and from `manage.py setup_roles`. Object-level rules (which
municipality, which status) live in reports/permissions.py.
"""

from django.db import DEFAULT_DB_ALIAS
from django.utils.translation import gettext_lazy as _

MUNICIPAL_EDITORS = "Редакторы муниципалитетов"
ASSOCIATION_EDITORS = "Редакторы Ассоциации"

ROLE_LABELS = {
    MUNICIPAL_EDITORS: _("Редактор муниципалитета"),
    ASSOCIATION_EDITORS: _("Редактор Ассоциации"),
}

_ITEMS = ("achievement", "problem", "task", "proposal")
_CRUD = ("view", "add", "change", "delete")

ROLE_PERMISSIONS = {
    MUNICIPAL_EDITORS: (
        [f"reports.{a}_report" for a in _CRUD]
        + [f"reports.{a}_{m}" for m in _ITEMS for a in _CRUD]
        + ["reports.view_municipality"]
    ),
    ASSOCIATION_EDITORS: (
        [f"reports.{a}_report" for a in _CRUD]
        + [f"reports.{a}_{m}" for m in _ITEMS for a in _CRUD]
        + [f"reports.{a}_municipality" for a in _CRUD]
        + [f"accounts.{a}_user" for a in _CRUD]
        + ["auth.view_group"]
        # Failed sign-ins (accounts/throttle.py): see them, and delete them to lift a wait.
        + ["accounts.view_loginfailure", "accounts.delete_loginfailure"]
    ),
}


def sync_roles(verbosity=0, using=DEFAULT_DB_ALIAS):
    """Create the role groups, or set their permissions back to ROLE_PERMISSIONS."""
    from django.apps import apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group, Permission

    # Django creates each app's permissions after that app's post_migrate; the roles name
    # permissions of several apps, so make sure all of them exist first (idempotent).
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=verbosity, using=using)
    for group_name, perm_names in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.using(using).get_or_create(name=group_name)
        perms = []
        for dotted in perm_names:
            app_label, codename = dotted.split(".")
            perm = Permission.objects.using(using).filter(content_type__app_label=app_label, codename=codename).first()
            if perm is None:
                raise LookupError(f"permission {dotted} does not exist")
            perms.append(perm)
        group.permissions.set(perms)


def sync_roles_after_migrate(sender, verbosity=1, using=DEFAULT_DB_ALIAS, **kwargs):
    """post_migrate receiver (accounts.apps): the roles as code says, after every migrate and flush."""
    sync_roles(verbosity=max(verbosity - 1, 0), using=using)


def _group_names(user):
    # Cached on the user object: permission checks ask many times per request.
    names = getattr(user, "_role_group_names", None)
    if names is None:
        names = set(user.groups.values_list("name", flat=True)) if user.pk else set()
        user._role_group_names = names
    return names


def is_association_editor(user) -> bool:
    if not user or not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or ASSOCIATION_EDITORS in _group_names(user)


def is_municipal_editor(user) -> bool:
    if not user or not user.is_authenticated or not user.is_active:
        return False
    return MUNICIPAL_EDITORS in _group_names(user)


def role_label(user) -> str:
    if not user.is_active:
        return str(_("Без роли"))
    if user.is_superuser:
        return str(_("Администратор"))
    if is_association_editor(user):
        return str(ROLE_LABELS[ASSOCIATION_EDITORS])
    if is_municipal_editor(user):
        return str(ROLE_LABELS[MUNICIPAL_EDITORS])
    return str(_("Без роли"))
