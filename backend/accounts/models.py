"""Users and teams."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from backend.accounts.roles import Role


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

    def has_role(self, role: Role) -> bool:
        return self.groups.filter(name=role.value).exists()

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username
