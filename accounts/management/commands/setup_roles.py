from django.core.management.base import BaseCommand

from accounts.roles import ROLE_PERMISSIONS, sync_roles


class Command(BaseCommand):
    help = "Создаёт или обновляет группы ролей и их права (безопасно запускать повторно)."

    def handle(self, *args, **options):
        sync_roles(verbosity=options["verbosity"])
        for name, perms in ROLE_PERMISSIONS.items():
            self.stdout.write(f"{name}: прав — {len(perms)}")
