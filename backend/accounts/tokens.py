"""API tokens: issued once, stored hashed, expiring, revocable, scoped, rate-limited.

A key is shown to its holder once, when issued; the database keeps its SHA-256 only (a
key has 256 random bits, so a plain hash is as strong as a slow one, and every request
can look it up by index). A client's tokens together may make
``IntegrationClient.requests_per_minute`` requests a minute; beyond that 429 with
``Retry-After``.
"""

import datetime
import hashlib
import math
import secrets
import time
from collections.abc import Iterable, Mapping

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext, gettext_lazy
from rest_framework import exceptions

from backend.accounts.models import ApiToken, IntegrationClient, Team, User
from backend.accounts.roles import Role
from backend.accounts.scopes import scopes_check
from backend.query_shapes import ShapeCache

# Recognisable in logs and by secret scanners; the rest is 256 random bits.
KEY_PREFIX = "kb_"
# Last use is written at most this often per token (not a write on every read).
LAST_USED_EVERY = datetime.timedelta(minutes=10)


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def client_create(
    *,
    name: str,
    organisation: str,
    contact_email: str,
    contact_name: str = "",
    requests_per_minute: int = 120,
) -> IntegrationClient:
    """A client with its own account (role integration client, no password: it calls
    with tokens and never signs in)."""
    if IntegrationClient.objects.filter(name=name).exists():
        raise ValidationError({"name": gettext("A client with this name exists already.")})
    username = "client-" + slugify(name)[:140]
    if User.objects.filter(username=username).exists():
        raise ValidationError({"name": gettext("A client with this name exists already.")})
    account = User(username=username)
    account.set_unusable_password()
    account.save()
    account.groups.add(Group.objects.get(name=Role.INTEGRATION_CLIENT.value))
    return IntegrationClient.objects.create(
        name=name,
        organisation=organisation,
        contact_email=contact_email,
        contact_name=contact_name,
        requests_per_minute=requests_per_minute,
        account=account,
    )


@transaction.atomic
def token_issue(
    *,
    user: User | None = None,
    client: IntegrationClient | None = None,
    scopes: Iterable[str] | None = None,
    days: int | None = None,
    name: str = "",
    kinds: Iterable[str] = (),
    teams: Iterable[Team] = (),
) -> tuple[ApiToken, str]:
    """A new token and its key (the only time the key is known).

    For a client: its account, with the scopes given (at least one). For a staff member
    (``user``): no scopes - the role decides. Expires after ``days`` (default
    ``API_TOKEN_DAYS``, at most ``API_TOKEN_MAX_DAYS``).
    """
    if (client is None) == (user is None):
        raise ValueError("A token is for a client or for a user, not both or neither.")
    days = settings.API_TOKEN_DAYS if days is None else days
    if not 1 <= days <= settings.API_TOKEN_MAX_DAYS:
        raise ValidationError(
            {
                "days": gettext("A token lasts between 1 and %(max)d days.")
                % {"max": settings.API_TOKEN_MAX_DAYS}
            }
        )
    if client is not None:
        try:
            checked = scopes_check(list(scopes or []))
        except ValueError as error:
            raise ValidationError({"scopes": str(error)}) from None
        if not checked:
            raise ValidationError({"scopes": gettext("Give a client's token at least one scope.")})
        owner, chosen = client.account, checked
    else:
        if scopes is not None or list(kinds) or list(teams):
            raise ValidationError(
                {"scopes": gettext("A staff token is not scoped: the role decides.")}
            )
        if hasattr(user, "integration_client") or user.has_role(Role.INTEGRATION_CLIENT):
            raise ValidationError(
                {"user": gettext("An integration client's account gets a client's (scoped) token.")}
            )
        owner, chosen = user, None
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        key_hash=key_hash(key),
        prefix=key[:10],
        name=name,
        user=owner,
        client=client,
        scopes=chosen,
        kinds=sorted(set(kinds)),
        expires_at=timezone.now() + datetime.timedelta(days=days),
    )
    token.teams.set(list(teams))
    return token, key


def token_revoke(token: ApiToken) -> ApiToken:
    """From now on the key answers 401; the row stays as the record."""
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    token.refresh_from_db()
    return token


# Whether the token is limited to teams rides along (most are not: a filing then reads
# no teams at all - it was a tenth of a handler's filing).
_token_sql = ShapeCache(
    lambda _, values: (
        ApiToken.objects.select_related("user", "client")
        .annotate(
            limited_to_teams=Exists(
                ApiToken.teams.through.objects.filter(apitoken_id=OuterRef("pk"))
            )
        )
        .filter(key_hash=values.text("hash"))[:1]
    ),
    lambda _: {},
)


def token_teams(token: ApiToken) -> list[Team]:
    """The teams ``token`` is limited to, by name (none: not limited); read only when the
    token, as ``token_for_key`` found it, has any."""
    if getattr(token, "limited_to_teams", True) is False:
        return []
    return sorted(token.teams.all(), key=lambda each: each.name)


def token_for_key(key: str) -> ApiToken:
    """The usable token with this key, or 401 (DRF's ``AuthenticationFailed``)."""
    found = _token_sql.instances(None, {"hash": key_hash(key)})
    if not found:
        raise exceptions.AuthenticationFailed(gettext_lazy("Invalid token."))
    token = found[0]
    now = timezone.now()
    if token.revoked_at is not None:
        raise exceptions.AuthenticationFailed(gettext_lazy("This token was revoked."))
    if token.expires_at <= now:
        raise exceptions.AuthenticationFailed(gettext_lazy("This token has expired."))
    if not token.user.is_active or (token.client is not None and not token.client.is_active):
        raise exceptions.AuthenticationFailed(gettext_lazy("User inactive or deleted."))
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def token_scope_check(token: ApiToken, required: Mapping[str, str] | None, method: str) -> None:
    """403 unless the token may call this method of a view declaring ``required``
    (method -> scope). A staff token (no scopes) is not scope-restricted."""
    if token.scopes is None:
        return
    needed = (required or {}).get(method.upper())
    if needed is None:
        raise exceptions.PermissionDenied(
            gettext_lazy("This endpoint is not open to integration tokens.")
        )
    if needed not in token.scopes:
        raise exceptions.PermissionDenied(
            gettext("This token lacks the scope %(scope)s.") % {"scope": needed}
        )


def client_rate_check(client: IntegrationClient) -> None:
    """Count one request for the client in this minute's window; 429 beyond its limit.

    A fixed window in the shared cache (Redis in production: every web process counts
    together); the window's key expires with it."""
    now = time.time()
    window = int(now // 60)
    key = f"rate:client:{client.pk}:{window}"
    cache.add(key, 0, timeout=120)
    try:
        used = cache.incr(key)
    except ValueError:  # evicted between add and incr: count afresh
        cache.set(key, 1, timeout=120)
        used = 1
    if used > client.requests_per_minute:
        raise exceptions.Throttled(wait=math.ceil((window + 1) * 60 - now))
