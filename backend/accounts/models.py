"""Users and teams."""

import functools

from django.conf import settings
from django.contrib import auth
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext_lazy as _

from backend.accounts.permission_cache import roles_cached
from backend.accounts.roles import Role


def _backends_allow(check: str, user: "User", *args: object) -> bool:
    """True when a backend allows; a backend that raises PermissionDenied stops the search."""
    for backend in _backends(tuple(settings.AUTHENTICATION_BACKENDS)):
        if not hasattr(backend, check):
            continue
        try:
            if getattr(backend, check)(user, *args):
                return True
        except PermissionDenied:
            return False
    return False


@functools.lru_cache(maxsize=4)
def _backends(paths: tuple[str, ...]) -> tuple[object, ...]:
    """The backends of ``AUTHENTICATION_BACKENDS``, made once: Django's ``get_backends``
    imports and instantiates each anew, and a request asks a dozen permissions (the
    backends keep nothing between calls; their answers are cached on the account)."""
    return tuple(auth.load_backend(path) for path in paths)


class Team(models.Model):
    """A team in a department that handles cases (e.g. Klachten Publiekszaken)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    department = models.CharField(_("department"), max_length=120, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """Anyone who signs in: staff, residents and integration clients (by their groups)."""

    teams = models.ManyToManyField(
        Team, related_name="members", blank=True, verbose_name=_("teams")
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    # No superuser shortcut (Django's PermissionsMixin has one): the backends decide, and
    # RoleBackend gives a superuser only the administrator's grants (backends.py).
    def has_perm(self, perm: str, obj: object = None) -> bool:
        return self.is_active and _backends_allow("has_perm", self, perm, obj)

    def has_module_perms(self, app_label: str) -> bool:
        return self.is_active and _backends_allow("has_module_perms", self, app_label)

    def has_role(self, role: Role) -> bool:
        return role.value in roles_cached(self)

    @property
    def display_name(self) -> str:
        return person_display_name(self.first_name, self.last_name, self.username)


def person_display_name(first_name: str, last_name: str, username: str) -> str:
    """A staff member's name as shown: full name, else the username (also for rows read
    without a model instance, as the queue's)."""
    return f"{first_name} {last_name}".strip() or username


class IntegrationClient(models.Model):
    """Another system that calls the API (a form builder, a case system, a dashboard).

    It acts as its own account (``account``, role integration client) and holds tokens,
    each with its own scopes, expiry and restrictions. ``requests_per_minute`` limits all
    of its tokens together (429 with ``Retry-After`` beyond it).
    """

    name = models.CharField(_("name"), max_length=120, unique=True)
    organisation = models.CharField(_("organisation"), max_length=200)
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact e-mail"))
    account = models.OneToOneField(
        User, on_delete=models.PROTECT, related_name="integration_client", verbose_name=_("account")
    )
    requests_per_minute = models.PositiveIntegerField(_("requests per minute"), default=120)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("integration client")
        verbose_name_plural = _("integration clients")

    def __str__(self) -> str:
        return self.name


class ApiToken(models.Model):
    """An API key, stored as its SHA-256 only (shown once when issued), with an expiry.

    A client's token has ``scopes`` (a list) and may be restricted to case kinds and
    teams; a staff member's token has ``scopes=None`` (the role decides). Revoked or
    expired tokens get 401; the row stays as a record of who could call when.
    """

    key_hash = models.CharField(max_length=64, unique=True)
    # The key's first characters, to recognise a token in a list (not enough to use it).
    prefix = models.CharField(_("starts with"), max_length=12)
    name = models.CharField(_("name"), max_length=120, blank=True)
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("account")
    )
    client = models.ForeignKey(
        IntegrationClient,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="tokens",
        verbose_name=_("integration client"),
    )
    scopes = models.JSONField(_("scopes"), null=True, blank=True)
    kinds = models.JSONField(_("only these case kinds"), default=list, blank=True)
    teams = models.ManyToManyField(
        Team, blank=True, related_name="+", verbose_name=_("only these teams")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name or self.user})"
