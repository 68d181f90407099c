"""Roles are groups of permissions; apps grant their permissions to roles.

Each app says who may do what in its own ``roles`` module and registers it in its
``ready()`` (``grants_register``); the platform knows no app by name. ``roles_sync`` makes
every role group hold exactly the permissions granted to it. It runs after every
``migrate`` (post_migrate), so a new step or permission needs no hand-written data
migration. Permission names are ``app_label.codename``.
"""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum

from django.apps import apps as global_apps


class Role(StrEnum):
    RESIDENT = "resident"
    CASE_HANDLER = "case_handler"
    LEGAL_STAFF = "legal_staff"
    TEAM_LEAD = "team_lead"
    INTEGRATION_CLIENT = "integration_client"
    ADMINISTRATOR = "administrator"


STAFF_ROLES = frozenset({Role.CASE_HANDLER, Role.LEGAL_STAFF, Role.TEAM_LEAD})
ADMINISTRATOR = frozenset({Role.ADMINISTRATOR})


@dataclass(frozen=True)
class Grant:
    """A permission and the roles that hold it.

    ``model`` (``app_label.model_name``) is set for a permission that no model's
    ``Meta.permissions`` declares (a workflow step's): the sync creates it there, named
    ``name``.
    """

    permission: str
    roles: frozenset[Role]
    model: str = ""
    name: str = ""


GrantSource = Callable[[], Iterable[Grant]]
_SOURCES: list[GrantSource] = []


def grants_register(source: GrantSource) -> None:
    """Add an app's grants (called from its AppConfig.ready())."""
    if source not in _SOURCES:
        _SOURCES.append(source)


def grants() -> list[Grant]:
    return [grant for source in _SOURCES for grant in source()]


def role_permissions() -> dict[Role, list[str]]:
    """Every role with the permissions granted to it, sorted."""
    found: dict[Role, set[str]] = {role: set() for role in Role}
    for grant in grants():
        for role in grant.roles:
            found[role].add(grant.permission)
    return {role: sorted(permissions) for role, permissions in found.items()}


def admin_grants(app_label: str, model: str, actions: str = "view") -> Iterator[Grant]:
    """The Django admin's model permissions (``view``, ``add``, ``change``, ``delete``)
    for the administrator role, who configures the service there."""
    for action in actions.split():
        yield Grant(permission=f"{app_label}.{action}_{model}", roles=ADMINISTRATOR)


def platform_grants() -> Iterator[Grant]:
    """The platform's admin pages: accounts and teams, the roles (read-only: they follow
    the code), the outbox, and the login lockout (an administrator unlocks by deleting an
    attempt)."""
    yield from admin_grants("accounts", "user", "view add change")
    yield from admin_grants("accounts", "team", "view add change")
    # Integration clients and their tokens ("change" on a token is its revocation).
    yield from admin_grants("accounts", "integrationclient", "view add change")
    yield from admin_grants("accounts", "apitoken", "view add change")
    yield from admin_grants("auth", "group")
    yield from admin_grants("outbox", "outboxmessage")
    # "change" is the replay of dead-lettered deliveries; no field is editable.
    yield from admin_grants("outbox", "outboxdelivery", "view change")
    yield from admin_grants("axes", "accessattempt", "view delete")


def _declared_permissions_create(apps) -> None:  # noqa: ANN001
    """Permissions from a grant rather than a Meta; skipped while the model does not exist
    in this (historical) state."""
    content_type_model = apps.get_model("contenttypes", "ContentType")
    permission_model = apps.get_model("auth", "Permission")
    for grant in grants():
        if not grant.model:
            continue
        app_label, model_name = grant.model.split(".")
        try:
            apps.get_model(app_label, model_name)
        except LookupError:
            continue
        content_type, _ = content_type_model.objects.get_or_create(
            app_label=app_label, model=model_name
        )
        codename = grant.permission.split(".", 1)[1]
        permission, created = permission_model.objects.get_or_create(
            content_type=content_type, codename=codename, defaults={"name": grant.name[:255]}
        )
        if not created and permission.name != grant.name[:255]:
            permission.name = grant.name[:255]
            permission.save(update_fields=["name"])


def roles_sync(apps) -> None:  # noqa: ANN001 - a migration's app registry or django.apps
    """Create or update every role group with exactly its permissions.

    Idempotent. Permissions that do not exist yet (their model comes in a later
    migration) are skipped; the sync after the last migration grants them.
    """
    from django.contrib.auth.management import create_permissions

    # Django creates Meta permissions after all migrations ran; roles need them now.
    for app_config in apps.get_app_configs():
        before = getattr(app_config, "models_module", None)
        app_config.models_module = before or True
        try:
            create_permissions(app_config, apps=apps, verbosity=0)
        finally:
            app_config.models_module = before
    _declared_permissions_create(apps)
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for role, names in role_permissions().items():
        group, _ = group_model.objects.get_or_create(name=role.value)
        wanted = {tuple(dotted.split(".", 1)) for dotted in names}
        found = [
            p
            for p in permission_model.objects.filter(
                codename__in=[codename for _, codename in wanted]
            ).select_related("content_type")
            if (p.content_type.app_label, p.codename) in wanted
        ]
        group.permissions.set(found)


def roles_sync_after_migrate(sender, apps=None, **kwargs) -> None:  # noqa: ANN001
    """post_migrate receiver: the roles follow the code after every migrate (and flush,
    which sends the signal without a migration state)."""
    roles_sync(apps or global_apps)
