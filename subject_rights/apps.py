from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

from backend.accounts.roles import grants_register
from backend.processing_log.register import activity_register
from subject_rights import roles
from subject_rights.activities import RETENTION_ACTIVITY, SUBJECT_ACCESS


class SubjectRightsConfig(AppConfig):
    name = "subject_rights"
    verbose_name = _("Data subjects' rights")

    def ready(self) -> None:
        from subject_rights import retention  # imports models

        grants_register(roles.grants)
        activity_register(SUBJECT_ACCESS)
        activity_register(RETENTION_ACTIVITY)
        # This app has no models, so no post_migrate of its own: after the cases app's.
        post_migrate.connect(
            retention.rules_sync,
            sender=apps.get_app_config("cases"),
            dispatch_uid="retention-rules",
        )
