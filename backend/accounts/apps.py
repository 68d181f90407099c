from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_migrate
from django.utils.translation import gettext_lazy as _

from backend.accounts.roles import grants_register, platform_grants, roles_sync_after_migrate
from backend.accounts.signals import roles_changed_log


class AccountsConfig(AppConfig):
    name = "backend.accounts"
    label = "accounts"
    verbose_name = _("Accounts and teams")

    def ready(self) -> None:
        grants_register(platform_grants)
        post_migrate.connect(roles_sync_after_migrate, sender=self, dispatch_uid="roles-sync")
        m2m_changed.connect(
            roles_changed_log,
            sender=self.get_model("User").groups.through,
            dispatch_uid="roles-changed-log",
        )
