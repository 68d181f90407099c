"""Values derived from rows that rarely change (calendars), kept in the process and
checked on every read against a version in the shared cache (``CACHE_URL``).

A change to the rows bumps the version when its transaction commits; every process then
derives the value again on its next read. Until then the change is not committed, so the
old value is still the right one for everyone else, while the transaction that made the
change reads around the cache (read-your-writes; also after a rollback). What no signal
reports (a bulk update, raw SQL, a data migration) and a per-process cache that another
process bumped (the embedded default) are bounded by ``seconds``; a migration or a flush
resets it (post_migrate).
"""

import secrets
import time
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from django.core.cache import cache
from django.db import transaction

T = TypeVar("T")


class Versioned(Generic[T]):
    def __init__(self, name: str, compute: Callable[[], T], seconds: float = 60) -> None:
        self.version_key = f"versioned:{name}"
        self.compute = compute
        self.seconds = seconds
        self._kept: tuple[Any, float, T] | None = None

    def changed(self, **_: Any) -> None:
        """Receiver for post_save and post_delete of the rows the value is derived from."""
        transaction.on_commit(self._bump)

    def _changing(self) -> bool:
        """Whether this transaction changed the rows and has not ended: its bump is still
        waiting for the commit (a rollback, of the transaction or of the savepoint that
        made the change, drops it)."""
        connection = transaction.get_connection()
        return connection.in_atomic_block and any(
            getattr(entry[1], "__self__", None) is self for entry in connection.run_on_commit
        )

    def reset(self, **_: Any) -> None:
        """Receiver for post_migrate (a migration or a flush changed rows without signals)."""
        self._kept = None
        self._bump()

    def get(self) -> T:
        if self._changing():
            return self.compute()  # this transaction changed the rows: read them
        version = cache.get(self.version_key)
        if version is None:
            version = secrets.randbits(31)
            cache.add(self.version_key, version, None)
            version = cache.get(self.version_key, version)
        kept = self._kept
        if kept is not None and kept[0] == version and time.monotonic() - kept[1] < self.seconds:
            return kept[2]
        value = self.compute()
        self._kept = (version, time.monotonic(), value)
        return value

    def _bump(self) -> None:
        try:
            cache.incr(self.version_key)
        except ValueError:  # no version yet (or evicted): any new one differs from the last
            cache.set(self.version_key, secrets.randbits(31), None)
