from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _

from backend.accounts.roles import grants_register
from backend.accounts.scopes import scope_register
from backend.outbox.consumers import consumer_register
from backend.webhooks import roles, scopes


class WebhooksConfig(AppConfig):
    name = "backend.webhooks"
    label = "webhooks"
    verbose_name = _("Webhooks")

    def ready(self) -> None:
        from backend.webhooks.consumer import WEBHOOKS  # its services import models
        from backend.webhooks.interest import subscribed_topics
        from backend.webhooks.models import Subscription

        consumer_register(WEBHOOKS)
        for signal in (post_save, post_delete):
            signal.connect(subscribed_topics.changed, sender=Subscription)
        post_migrate.connect(subscribed_topics.reset)
        scope_register(scopes.EVENTS_SUBSCRIBE)
        grants_register(roles.grants)
