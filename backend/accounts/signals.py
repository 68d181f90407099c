"""Changes to who may do what are logged: a role given or taken, to whom, by user ids and
role names only (never a name). Who did it: the access line with the same request id,
and the admin's history. Connected in AccountsConfig.ready()."""

import logging
from typing import Any

from django.apps import apps

log = logging.getLogger("backend.accounts")


def roles_changed_log(
    instance: Any, action: str, reverse: bool, pk_set: set[int] | None, **_: Any
) -> None:
    """m2m_changed on User.groups, from either side (user.groups or group.user_set)."""
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if reverse:  # instance is a group, pk_set holds users
        users, roles = sorted(pk_set or []), [instance.name]
    else:
        users = [instance.pk]
        group_model = apps.get_model("auth", "Group")
        roles = sorted(
            group_model.objects.filter(pk__in=pk_set or []).values_list("name", flat=True)
        )
    log.warning(
        "roles changed",
        extra={
            "event": "roles_changed",
            "action": action.removeprefix("post_"),
            "users": users,
            "roles": roles,
        },
    )
