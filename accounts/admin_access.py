"""Admin pages that only the Association's editors use (campaigns, themes, compendiums): one
definition of "only them", for every permission the admin asks."""

from .roles import is_association_editor


class AssociationOnly:
    """A ModelAdmin mixin: the Association's editors (and superusers) may see and change; nobody
    else sees the page or its menu entry. City editors see their part on their start page."""

    def has_module_permission(self, request):
        return is_association_editor(request.user)

    def has_view_permission(self, request, obj=None):
        return is_association_editor(request.user)

    def has_add_permission(self, request):
        return is_association_editor(request.user)

    def has_change_permission(self, request, obj=None):
        return is_association_editor(request.user)

    def has_delete_permission(self, request, obj=None):
        return is_association_editor(request.user)
