from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from backend.accounts.roles import grants_register
from backend.processing_log.register import activity_register
from subject_rights import roles
from subject_rights.activities import SUBJECT_ACCESS


class SubjectRightsConfig(AppConfig):
    name = "subject_rights"
    verbose_name = _("Data subjects' rights")

    def ready(self) -> None:
        grants_register(roles.grants)
        activity_register(SUBJECT_ACCESS)
