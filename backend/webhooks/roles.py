"""Administrators see subscriptions and deliveries in the admin and replay dead ones."""

from collections.abc import Iterator

from backend.accounts.roles import Grant, admin_grants


def grants() -> Iterator[Grant]:
    yield from admin_grants("webhooks", "subscription", "view change")
    # "change" on a delivery is its replay; nothing on it is edited.
    yield from admin_grants("webhooks", "webhookdelivery", "view change")
