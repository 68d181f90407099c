from django.contrib import admin

from workbench.models import ProviderAccount


@admin.register(ProviderAccount)
class ProviderAccountAdmin(admin.ModelAdmin):
    """Linking an account that exists already (a local account that moves to the
    identity provider) is a deliberate act of an administrator; a sign-in never does it."""

    list_display = ["user", "issuer", "subject", "linked_at"]
    search_fields = ["user__username", "subject"]
    raw_id_fields = ["user"]
