"""Which account an identity at the municipality's provider signs in to."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ProviderAccount(models.Model):
    """An account signs in through the provider only by this link, made when the provider
    first signs someone in: the issuer and subject of its ID tokens (OpenID Connect Core
    5.7: the only stable, unique identity). A name the provider sends (its
    ``preferred_username``) never opens an existing account: otherwise whoever could
    choose that name at the provider would take over a local account, the break-glass
    superuser's included."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="provider_account"
    )
    issuer = models.CharField(_("issuer"), max_length=255)
    subject = models.CharField(_("subject identifier"), max_length=255)
    linked_at = models.DateTimeField(_("linked at"), auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="provider_account_unique")
        ]
        verbose_name = _("provider account")
        verbose_name_plural = _("provider accounts")

    def __str__(self) -> str:
        return f"{self.issuer} {self.subject}"
