from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from backend.accounts.roles import grants_register
from backend.metrics import register
from backend.outbox.consumers import consumer_register
from letters import roles


class LettersConfig(AppConfig):
    name = "letters"
    verbose_name = _("Letters")

    def ready(self) -> None:
        from letters import metrics  # models: once the registry is ready
        from letters.consumer import LETTERS  # its services import models

        consumer_register(LETTERS)
        grants_register(roles.grants)
        register(metrics.collect)
