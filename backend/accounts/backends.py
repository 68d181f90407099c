"""Permissions come from roles, for everyone: a superuser bypasses no rule.

Django's ``ModelBackend`` gives a superuser every permission, so a superuser would take
any workflow step, read every resident's contact details and approve a decision it may
not (four eyes and Awb 9:7 are checked apart, but the personal-data rule is a
permission). Here ``is_superuser`` means only "may do what an administrator may" (the
administrator role's grants: teams, users, calendars, branding in the admin), plus the
roles the account holds. A superuser that needs case data must be given a role, which is
logged (``backend.accounts.signals``); every request a superuser makes is logged too
(README "Break glass").
"""

from typing import Any

from django.contrib.auth.backends import ModelBackend

from backend.accounts.permission_cache import permissions_cached
from backend.accounts.roles import Role, role_permissions


class RoleBackend(ModelBackend):
    """ModelBackend without the superuser shortcut, its answers cached per account."""

    def get_all_permissions(self, user_obj: Any, obj: object = None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            user_obj._perm_cache = permissions_cached(
                user_obj, lambda: super(RoleBackend, self).get_all_permissions(user_obj)
            )
        return user_obj._perm_cache

    def _get_permissions(self, user_obj: Any, obj: object, from_name: str) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        cache_name = f"_{from_name}_perm_cache"
        cached = getattr(user_obj, cache_name, None)
        if cached is None:
            found = getattr(self, f"_get_{from_name}_permissions")(user_obj)
            rows = found.values_list("content_type__app_label", "codename").order_by()
            cached = {f"{app_label}.{codename}" for app_label, codename in rows}
            if from_name == "group" and user_obj.is_superuser:
                cached |= set(role_permissions()[Role.ADMINISTRATOR])
            setattr(user_obj, cache_name, cached)
        return cached
