"""The scope an integration client's token needs to manage its subscriptions."""

from django.utils.translation import gettext_lazy as _

from backend.accounts.scopes import Scope

EVENTS_SUBSCRIBE = Scope(
    "events:subscribe", _("Subscribe to events (webhooks) about the client's cases or all.")
)
