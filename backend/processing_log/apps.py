from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

from backend.accounts.roles import grants_register
from backend.processing_log import roles
from backend.processing_log.register import INSPECTION, activities_sync, activity_register


class ProcessingLogConfig(AppConfig):
    name = "backend.processing_log"
    label = "processing_log"
    verbose_name = _("Processing log")

    def ready(self) -> None:
        # Connects the Celery signals that give every task its own processing context.
        from backend.processing_log import tasks  # noqa: F401

        grants_register(roles.grants)
        activity_register(INSPECTION)
        post_migrate.connect(
            activities_sync, sender=self, dispatch_uid="processing-activities-sync"
        )
