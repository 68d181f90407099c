from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from backend.accounts.roles import grants_register
from backend.metrics import register


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Complaints and objections")

    def ready(self) -> None:
        # The workflows are models; they can be imported once the registry is ready.
        from cases import checks, metrics, roles  # noqa: F401 - checks register on import

        grants_register(roles.grants)
        register(metrics.collect)
