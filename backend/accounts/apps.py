from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

from backend.accounts.roles import roles_sync_after_migrate


class AccountsConfig(AppConfig):
    name = "backend.accounts"
    label = "accounts"
    verbose_name = _("Accounts and teams")

    def ready(self) -> None:
        post_migrate.connect(roles_sync_after_migrate, sender=self, dispatch_uid="roles-sync")
