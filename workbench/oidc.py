"""Staff sign-in through the municipality's identity provider (OpenID Connect, the
authorization code flow with PKCE), with mozilla-django-oidc.

Why that library: it is small, maintained, does the code flow with PKCE, nonce and JWKS
verification, and is what the Dutch government's Django services already run (Open
Zaak, Open Forms sign in staff through it), so a municipality's identity team knows it.

An identity at the provider signs in to the account linked to its issuer and subject
(``ProviderAccount``), made at its first sign-in; the provider's username never opens an
existing account. The identity provider decides who someone is and which groups they
are in; the service
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
from workbench.models import ProviderAccount

logger = logging.getLogger(__name__)


def mapped_roles(claims: dict[str, Any]) -> set[Role]:
    """The roles the provider's groups give (``OIDC_ROLE_MAP``)."""
    groups = claims.get(settings.OIDC_ROLE_CLAIM) or []
    if isinstance(groups, str):
        groups = [groups]
    known = {role.value for role in Role}  # a misspelt role: the system check says so
    wanted = (settings.OIDC_ROLE_MAP.get(group) for group in groups)
    return {Role(role) for role in wanted if role in known}


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

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> User | None:
        """Only the provider's callback signs in (it passes the nonce of its own request):
        a code and state posted to the local sign-in page are not exchanged."""
        if "nonce" not in kwargs:
            return None
        return super().authenticate(request, **kwargs)

    def _username(self, claims: dict[str, Any]) -> str:
        return str(claims.get(settings.OIDC_USERNAME_CLAIM) or "").strip()

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        if not self._username(claims) or len(self._username(claims)) > 150:
            logger.warning("oidc_refused reason=no_usable_username_claim")
            return False
        if not mapped_roles(claims):
            # Not logged with the username: the log holds no personal data.
            logger.warning("oidc_refused reason=no_mapped_role")
            return False
        return True

    def describe_user_by_claims(self, claims: dict[str, Any]) -> str:
        return "the provider's account"

    @transaction.atomic
    def get_or_create_user(self, access_token: str, id_token: str, payload: dict) -> User:
        """The account linked to the ID token's issuer and subject; a first sign-in makes
        a new account, never one that exists (see ``ProviderAccount``)."""
        claims = self.get_userinfo(access_token, id_token, payload)
        if not self.verify_claims(claims):
            raise SuspiciousOperation("claims not accepted")
        if claims.get("sub") != payload.get("sub"):  # OpenID Connect Core 5.3.2
            raise SuspiciousOperation("userinfo is about someone else")
        link = (
            ProviderAccount.objects.select_related("user")
            .filter(issuer=payload.get("iss", ""), subject=payload["sub"])
            .first()
        )
        if link is not None:
            user = link.user
            if not user.is_active or user.is_superuser or user.is_staff:
                logger.warning("oidc_refused reason=account_not_for_the_provider")
                raise SuspiciousOperation("account not for the provider")
            return self._update(user, claims)
        username = self._username(claims)
        if User.objects.filter(username=username).exists():
            logger.warning("oidc_refused reason=username_of_another_account")
            raise SuspiciousOperation("username of another account")
        user = User(username=username)
        user.set_unusable_password()  # the provider is the only way in
        user = self._update(user, claims)
        ProviderAccount.objects.create(
            user=user, issuer=payload.get("iss", ""), subject=payload["sub"]
        )
        return user

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
