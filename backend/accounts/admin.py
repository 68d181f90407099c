from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from rest_framework.authtoken.models import TokenProxy

from backend.accounts.models import ApiToken, IntegrationClient, Team, User
from backend.accounts.scopes import scopes_known
from backend.accounts.tokens import client_create, token_issue, token_revoke

# DRF's plain-text tokens are gone (hashed ApiTokens replaced them): no page for them.
if admin.site.is_registered(TokenProxy):
    admin.site.unregister(TokenProxy)


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "department", "is_active"]
    list_filter = ["is_active", "department"]
    search_fields = ["name", "code"]
    prepopulated_fields = {"code": ["name"]}


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "first_name", "last_name", "is_active", "role_names"]
    list_filter = ["groups", "teams", "is_active", "is_staff"]
    filter_horizontal = ["groups", "user_permissions", "teams"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Teams"), {"fields": ["teams"]}),
    )

    # Rights are granted by someone else: nobody widens their own (separation of duties),
    # and only a superuser makes a superuser. A superuser may give itself a role - the
    # break-glass route - which the log records (backend.accounts.signals).
    RIGHTS = ("groups", "user_permissions", "is_superuser", "is_staff")

    def get_readonly_fields(self, request, obj=None):  # noqa: ANN001, ANN201
        fixed = set(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fixed |= {"is_superuser", "user_permissions"}
            if obj is not None and obj.pk == request.user.pk:
                fixed |= set(self.RIGHTS)
        return sorted(fixed)

    def has_change_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        # A superuser's account (its password included) is changed only by a superuser:
        # otherwise an administrator could take over the break-glass account.
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    @admin.display(description=_("roles"))
    def role_names(self, obj: User) -> str:
        return ", ".join(group.name for group in obj.groups.all())

    def get_queryset(self, request):  # noqa: ANN001, ANN201
        return super().get_queryset(request).prefetch_related("groups")


class TokenIssueForm(forms.ModelForm):
    """Issue a client's token: its key is shown once, on the page after saving."""

    scopes = forms.MultipleChoiceField(
        label=_("scopes"), choices=(), widget=forms.CheckboxSelectMultiple
    )
    days = forms.IntegerField(
        label=_("valid for (days)"), min_value=1, initial=lambda: settings.API_TOKEN_DAYS
    )

    class Meta:
        model = ApiToken
        fields = ["client", "name", "kinds", "teams"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scopes"].choices = [
            (name, f"{name} - {scope.description}") for name, scope in scopes_known().items()
        ]
        self.fields["client"].required = True
        self.fields["days"].max_value = settings.API_TOKEN_MAX_DAYS


@admin.register(IntegrationClient)
class IntegrationClientAdmin(admin.ModelAdmin):
    """Clients are made with their account (no password: they call with tokens)."""

    list_display = ["name", "organisation", "contact_email", "requests_per_minute", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "organisation"]
    readonly_fields = ["account", "created_at"]

    def save_model(
        self, request: HttpRequest, obj: IntegrationClient, form: Any, change: bool
    ) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        made = client_create(
            name=obj.name,
            organisation=obj.organisation,
            contact_email=obj.contact_email,
            contact_name=obj.contact_name,
            requests_per_minute=obj.requests_per_minute,
        )
        obj.pk, obj.account = made.pk, made.account


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are issued here or with ``apitoken issue``; never edited, only revoked."""

    list_display = ["prefix", "name", "client", "user", "expires_at", "revoked_at", "last_used_at"]
    list_filter = ["client", "revoked_at"]
    search_fields = ["prefix", "name", "client__name", "user__username"]
    actions = ["revoke"]

    def get_form(self, request: HttpRequest, obj: ApiToken | None = None, **kwargs: Any) -> Any:
        # Issuing has its own form (scopes, days); a token's page only shows it.
        kwargs["form"] = TokenIssueForm if obj is None else forms.ModelForm
        return super().get_form(request, obj, **kwargs)

    def get_readonly_fields(self, request: HttpRequest, obj: ApiToken | None = None) -> list[str]:
        if obj is None:
            return []
        return [
            "prefix", "name", "user", "client", "scopes", "kinds", "teams",
            "created_at", "expires_at", "revoked_at", "last_used_at",
        ]  # fmt: skip

    def get_fields(self, request: HttpRequest, obj: ApiToken | None = None) -> list[str]:
        if obj is None:
            return ["client", "name", "scopes", "days", "kinds", "teams"]
        return self.get_readonly_fields(request, obj)

    def save_model(self, request: HttpRequest, obj: ApiToken, form: Any, change: bool) -> None:
        if change:
            return  # nothing on a token is edited
        token, key = token_issue(
            client=form.cleaned_data["client"],
            scopes=form.cleaned_data["scopes"],
            days=form.cleaned_data["days"],
            kinds=form.cleaned_data.get("kinds") or [],
            teams=form.cleaned_data.get("teams") or [],
            name=form.cleaned_data.get("name", ""),
        )
        obj.pk = token.pk
        messages.warning(
            request,
            _("The token's key, shown only now - copy it to the client: %(key)s") % {"key": key},
        )

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        pass  # token_issue set the teams

    def has_delete_permission(self, request: HttpRequest, obj: ApiToken | None = None) -> bool:
        return False

    @admin.action(description=_("Revoke"), permissions=["change"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        for token in queryset.filter(revoked_at__isnull=True):
            token_revoke(token)
