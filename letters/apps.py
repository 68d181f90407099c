from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from backend.accounts.roles import grants_register
from letters import roles


class LettersConfig(AppConfig):
    name = "letters"
    verbose_name = _("Letters")

    def ready(self) -> None:
        grants_register(roles.grants)
