"""The webhooks as an outbox consumer: each public event fanned out to subscriptions."""

import datetime

from backend.outbox.consumers import ALL_TOPICS, Consumer
from backend.webhooks.interest import topic_subscribed
from backend.webhooks.services import webhooks_fan_out

WEBHOOKS = Consumer(
    name="webhooks",
    topics=frozenset({ALL_TOPICS}),  # the catalogue decides which go out
    wants_now=topic_subscribed,
    handle=webhooks_fan_out,
    retry_after=datetime.timedelta(seconds=30),
)
