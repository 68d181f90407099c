"""Values encrypted at rest (the BSN), with keys from the environment that can rotate.

Library: ``cryptography``'s Fernet (AES-128-CBC with HMAC-SHA256, a timestamp, one
opaque token) through ``MultiFernet``: it encrypts with the first key and decrypts with
any of them, and ``rotate()`` re-encrypts a token under the first key - rotation without
downtime, which is why it was chosen over a home-made AES-GCM scheme (no nonce handling
of our own) and over field packages (django-fernet-fields and its forks are unmaintained).
``cryptography`` is maintained by the Python Cryptographic Authority and already in the
dependency tree (OpenID Connect).

- ``FIELD_ENCRYPTION_KEYS``: Fernet keys, newest first, comma-separated (make one with
  ``manage.py encryption_key``). Rotation: put a new key first, keep the old ones after
  it, run ``manage.py encryption_rotate``, then drop the old keys.
- ``FIELD_INDEX_KEY``: the key of the blind index - an HMAC-SHA256 of the normalised
  value - so one person's records are found by their BSN without decrypting every row.

Outside production (debug, tests, ``make run``) both are derived from ``SECRET_KEY`` when
not set; production refuses to start without them (``backend.security`` checks).
"""

import base64
import hashlib
import hmac
from collections.abc import Callable
from functools import cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register


class UndecryptableValue(Exception):
    """A token none of the configured keys opens (a key dropped too early)."""


def _derived(purpose: str) -> bytes:
    digest = hashlib.sha256(f"{purpose}:{settings.SECRET_KEY}".encode()).digest()
    return base64.urlsafe_b64encode(digest)


def _keys() -> list[bytes]:
    configured = [key.strip().encode() for key in settings.FIELD_ENCRYPTION_KEYS if key.strip()]
    return configured or [_derived("field-encryption")]


@cache
def _box(keys: tuple[bytes, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key) for key in keys])


def encrypt(value: str) -> str:
    """The value as an opaque token (ASCII), or '' for ''."""
    if not value:
        return ""
    return _box(tuple(_keys())).encrypt(value.encode()).decode()


def _opened(token: str, how: Callable[[MultiFernet, bytes], bytes]) -> str:
    if not token:
        return ""
    try:
        return how(_box(tuple(_keys())), token.encode()).decode()
    except InvalidToken:
        raise UndecryptableValue("No configured key opens this value.") from None


def decrypt(token: str) -> str:
    return _opened(token, MultiFernet.decrypt)


def rotate(token: str) -> str:
    """The token re-encrypted under the newest key (a new token each time)."""
    return _opened(token, MultiFernet.rotate)


def blind_index(value: str) -> str:
    """A keyed digest of the value: equal values, equal digests; '' for ''."""
    if not value:
        return ""
    key = settings.FIELD_INDEX_KEY.encode() if settings.FIELD_INDEX_KEY else _derived("index")
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def new_key() -> str:
    return Fernet.generate_key().decode()


@register(Tags.security)
def encryption_keys_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """A key that is no Fernet key stops the service at start, not at the first BSN."""
    found: list[CheckMessage] = []
    for number, key in enumerate(settings.FIELD_ENCRYPTION_KEYS):
        try:
            Fernet(key.strip().encode())
        except (ValueError, TypeError):
            found.append(
                Error(
                    f"FIELD_ENCRYPTION_KEYS[{number}] is not a Fernet key.",
                    hint="python manage.py encryption_key makes one.",
                    id="backend.E010",
                )
            )
    return found


@register(Tags.security, deploy=True)
def encryption_keys_deploy_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if settings.FIELD_ENCRYPTION_KEYS and settings.FIELD_INDEX_KEY:
        return []
    return [
        Warning(
            "FIELD_ENCRYPTION_KEYS or FIELD_INDEX_KEY is not set: BSNs are encrypted and "
            "indexed with keys derived from DJANGO_SECRET_KEY, which then cannot rotate "
            "on its own.",
            hint="Set both (python manage.py encryption_key), README 'Personal data'.",
            id="backend.W010",
        )
    ]
