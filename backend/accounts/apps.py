from django.apps import AppConfig, apps
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _

from backend.accounts.permission_cache import permissions_changed
from backend.accounts.roles import grants_register, platform_grants, roles_sync_after_migrate
from backend.accounts.sessions import session_started
from backend.accounts.signals import roles_changed_log


class AccountsConfig(AppConfig):
    name = "backend.accounts"
    label = "accounts"
    verbose_name = _("Accounts and teams")

    def ready(self) -> None:
        grants_register(platform_grants)
        user_logged_in.connect(session_started, dispatch_uid="session-started")
        post_migrate.connect(roles_sync_after_migrate, sender=self, dispatch_uid="roles-sync")
        user = self.get_model("User")
        m2m_changed.connect(
            roles_changed_log, sender=user.groups.through, dispatch_uid="roles-changed-log"
        )
        # Cached permission sets (permission_cache) go stale on any of these.
        group = apps.get_model("auth", "Group")
        for through in (
            user.groups.through,
            user.user_permissions.through,
            group.permissions.through,
            user.teams.through,
        ):
            m2m_changed.connect(
                permissions_changed, sender=through, dispatch_uid=f"permissions-{through.__name__}"
            )
        # Deleting a role, a permission or a team removes its rows without an m2m signal.
        for model in (group, apps.get_model("auth", "Permission"), self.get_model("Team")):
            post_delete.connect(
                permissions_changed, sender=model, dispatch_uid=f"permissions-{model.__name__}"
            )
        # A role is known by its group's name (has_role).
        post_save.connect(permissions_changed, sender=group, dispatch_uid="permissions-group-saved")
