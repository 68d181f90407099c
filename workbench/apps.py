from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from backend.accounts.roles import grants_register
from workbench import (
    checks,  # noqa: F401 - registers the workbench's system checks
    roles,
)


class WorkbenchConfig(AppConfig):
    name = "workbench"
    verbose_name = _("Workbench")

    def ready(self) -> None:
        grants_register(roles.grants)
