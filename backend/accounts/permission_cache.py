"""Who may do what, per account, kept in the shared cache (``CACHE_URL``): the two
permission queries and the team lookup of every request saved.

Any change to an account's roles, a role's permissions, an account's own permissions or
its teams bumps one version, which every entry is checked against (the receivers are connected in
AccountsConfig.ready()). With several web processes the cache must be shared (Redis), as
for the filing throttle: a per-process cache would keep a revoked role for up to
``ENTRY_SECONDS`` in the other processes.
"""

import secrets
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db import transaction

VERSION_KEY = "permissions:version"
ENTRY_SECONDS = 600


def permissions_changed(action: str = "", **_: Any) -> None:
    """Every cached permission set is stale: now (a change read back in this transaction
    sees it) and again when the change commits (a reader that filled the cache between
    the two saw the old rows). Receives m2m_changed (after the change) and post_delete."""
    if action.startswith("pre_"):
        return
    _version_bump()
    transaction.on_commit(_version_bump)


def _version_bump() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # no version yet (or evicted): any new one differs from the last
        cache.set(VERSION_KEY, _fresh_version(), None)


def _fresh_version() -> int:
    return secrets.randbits(31)


def permissions_cached(user: Any, compute: Callable[[], set[str]]) -> set[str]:
    """The account's permissions from the cache, or computed and stored for the version
    read before computing (a change during the computation leaves it stale, not wrong)."""
    return set(_account_cached(user, "permissions", lambda: sorted(compute())))


def team_ids_cached(user: Any) -> list[int]:
    """The teams the account works in (what its queue shows), cached as its permissions."""
    return _account_cached(user, "teams", lambda: sorted(user.teams.values_list("pk", flat=True)))


def roles_cached(user: Any) -> list[str]:
    """The account's roles (group names), cached as its permissions."""
    return _account_cached(
        user, "roles", lambda: sorted(user.groups.values_list("name", flat=True))
    )


def _account_cached(user: Any, name: str, compute: Callable[[], list]) -> list:
    key = f"{name}:{user.pk}:{int(user.is_superuser)}"
    found = cache.get_many([VERSION_KEY, key])
    version = found.get(VERSION_KEY)
    if version is None:
        version = _fresh_version()
        cache.add(VERSION_KEY, version, None)
        version = cache.get(VERSION_KEY, version)
    entry = found.get(key)
    if entry is not None and entry[0] == version:
        return list(entry[1])
    value = compute()
    cache.set(key, (version, value), ENTRY_SECONDS)
    return value
