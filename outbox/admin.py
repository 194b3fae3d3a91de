from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.roles import is_association_editor

from .models import OutgoingEmail
from .tasks import deliver_email


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    """The Association sees what the portal mailed and what could not be delivered; nobody edits it."""

    list_display = ("created_at", "to", "subject", "kind", "state", "attempts")
    list_filter = ("state", "kind")
    search_fields = ("to", "subject")
    readonly_fields = ("to", "subject", "body", "kind", "state", "attempts", "last_error", "created_at", "sent_at")
    actions = ["send_again"]

    def has_module_permission(self, request):
        return is_association_editor(request.user)

    def has_view_permission(self, request, obj=None):
        return is_association_editor(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Отправить выбранные письма ещё раз"))
    def send_again(self, request, queryset):
        ids = list(queryset.exclude(state=OutgoingEmail.State.SENT).values_list("pk", flat=True))
        OutgoingEmail.objects.filter(pk__in=ids).update(state=OutgoingEmail.State.PENDING, attempts=0)
        for pk in ids:
            deliver_email.delay(pk)
        self.message_user(
            request,
            ngettext("%(n)d письмо поставлено в очередь.", "%(n)d писем поставлено в очередь.", len(ids))
            % {"n": len(ids)},
            messages.SUCCESS,
        )
