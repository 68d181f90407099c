"""Signatures on webhook deliveries: HMAC-SHA256 over the event id, the timestamp and the
body, with the subscription's secret (the Standard Webhooks scheme).

Headers sent with each delivery:

- ``webhook-id``: the CloudEvent's ``id`` (the same on every retry: deduplicate on it);
- ``webhook-timestamp``: seconds since 1970 (UTC) when this attempt was signed;
- ``webhook-signature``: ``v1,`` + base64 of HMAC-SHA256(secret, ``id.timestamp.body``).

A receiver recomputes the signature and refuses a timestamp more than
``REPLAY_WINDOW_SECONDS`` away from its clock, so a captured request cannot be replayed
later. ``verify`` below is the reference (the README shows the same in a few lines).
"""

import base64
import hashlib
import hmac
import time

REPLAY_WINDOW_SECONDS = 5 * 60


def signature(secret: str, event_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{event_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def headers(secret: str, event_id: str, body: bytes, now: float | None = None) -> dict[str, str]:
    timestamp = int(time.time() if now is None else now)
    return {
        "webhook-id": event_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature(secret, event_id, timestamp, body),
    }


def verify(secret: str, received: dict[str, str], body: bytes, now: float | None = None) -> bool:
    """True when the headers sign this body with this secret, recently enough."""
    try:
        event_id = received["webhook-id"]
        timestamp = int(received["webhook-timestamp"])
        given = received["webhook-signature"]
    except (KeyError, ValueError):
        return False
    if abs((time.time() if now is None else now) - timestamp) > REPLAY_WINDOW_SECONDS:
        return False
    expected = signature(secret, event_id, timestamp, body)
    # Several signatures may be sent (a secret being rotated): any one will do.
    return any(hmac.compare_digest(expected, each) for each in given.split())
