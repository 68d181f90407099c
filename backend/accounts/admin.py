from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from backend.accounts.models import Team, User


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
