"""Staff sign-in through the municipality's identity provider (OpenID Connect, the
authorization code flow with PKCE), with mozilla-django-oidc.

Why that library: it is small, maintained, does the code flow with PKCE, nonce and JWKS
verification, and is what the Dutch government's Django services already run (Open
Zaak, Open Forms sign in staff through it), so a municipality's identity team knows it.

The identity provider decides who someone is and which groups they are in; the service
decides what each group may do: ``OIDC_ROLE_MAP`` maps the provider's group names to this
service's roles, and the roles are set again at every sign-in (a group taken away at the
provider is a role gone here). Someone in none of the mapped groups is not let in, and no
account is ever made a superuser through it. With ``OIDC_TEAMS_CLAIM`` the provider also
says which teams someone works in (by team code).
"""

import logging
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from backend.accounts.models import Team, User
from backend.accounts.roles import Role

logger = logging.getLogger(__name__)


def mapped_roles(claims: dict[str, Any]) -> set[Role]:
    """The roles the provider's groups give (``OIDC_ROLE_MAP``)."""
    groups = claims.get(settings.OIDC_ROLE_CLAIM) or []
    if isinstance(groups, str):
        groups = [groups]
    return {Role(settings.OIDC_ROLE_MAP[g]) for g in groups if g in settings.OIDC_ROLE_MAP}


class MunicipalOIDCBackend(OIDCAuthenticationBackend):
    """Accounts by the provider's username claim, roles (and teams) from its claims."""

    # It signs people in and nothing more: permissions come from the RoleBackend alone.
    # (Its base class is Django's ModelBackend, which would give a superuser every
    # permission - the rule "a superuser bypasses no rule" must hold with it enabled.)
    def get_user_permissions(self, user_obj: Any, obj: object = None) -> set[str]:
        return set()

    def get_group_permissions(self, user_obj: Any, obj: object = None) -> set[str]:
        return set()

    def get_all_permissions(self, user_obj: Any, obj: object = None) -> set[str]:
        return set()

    def has_perm(self, user_obj: Any, perm: str, obj: object = None) -> bool:
        return False

    def has_module_perms(self, user_obj: Any, app_label: str) -> bool:
        return False

    def _username(self, claims: dict[str, Any]) -> str:
        return str(claims.get(settings.OIDC_USERNAME_CLAIM) or "").strip()[:150]

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        if not self._username(claims):
            logger.warning("oidc_refused reason=no_username_claim")
            return False
        if not mapped_roles(claims):
            # Not logged with the username: the log holds no personal data.
            logger.warning("oidc_refused reason=no_mapped_role")
            return False
        return True

    def filter_users_by_claims(self, claims: dict[str, Any]) -> Any:
        return User.objects.filter(username=self._username(claims))

    def describe_user_by_claims(self, claims: dict[str, Any]) -> str:
        return "the provider's account"

    @transaction.atomic
    def create_user(self, claims: dict[str, Any]) -> User:
        user = User(username=self._username(claims))
        user.set_unusable_password()  # the provider is the only way in
        return self._update(user, claims)

    @transaction.atomic
    def update_user(self, user: User, claims: dict[str, Any]) -> User:
        if not user.is_active:
            raise SuspiciousOperation("inactive account")
        return self._update(user, claims)

    def _update(self, user: User, claims: dict[str, Any]) -> User:
        user.email = str(claims.get("email") or user.email)[:254]
        user.first_name = str(claims.get("given_name") or user.first_name)[:150]
        user.last_name = str(claims.get("family_name") or user.last_name)[:150]
        user.save()
        roles = Group.objects.filter(name__in=[role.value for role in mapped_roles(claims)])
        if set(user.groups.all()) != set(roles):
            user.groups.set(roles)
        if settings.OIDC_TEAMS_CLAIM and settings.OIDC_TEAMS_CLAIM in claims:
            codes = claims[settings.OIDC_TEAMS_CLAIM] or []
            teams = Team.objects.filter(code__in=[codes] if isinstance(codes, str) else codes)
            if set(user.teams.all()) != set(teams):
                user.teams.set(teams)
        return user


class _OnlyWhenConfigured:
    """The provider's routes exist only when it is configured: otherwise a 404, not the
    library's ImproperlyConfigured (a 500) from the view's constructor."""

    @classmethod
    def as_view(cls, **initkwargs: Any) -> Any:
        view = super().as_view(**initkwargs)  # type: ignore[misc]

        def configured(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not settings.OIDC_ENABLED:
                raise Http404
            return view(request, *args, **kwargs)

        return configured


class SignInRequestView(_OnlyWhenConfigured, OIDCAuthenticationRequestView):
    pass


class SignInCallbackView(_OnlyWhenConfigured, OIDCAuthenticationCallbackView):
    pass
