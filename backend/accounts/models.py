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
