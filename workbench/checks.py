"""The workbench's styles and htmx are vendored from npm by the build
(``scripts/vendor-assets.sh``, run by ``make install``); without them every page would
render unstyled, so say so at start-up rather than in a user's browser."""

from pathlib import Path

from django.conf import settings
from django.core.checks import Error, Warning, register

from backend.accounts.roles import Role

VENDOR = Path(__file__).resolve().parent / "static" / "workbench" / "vendor"
VENDORED = ("htmx.min.js", "utrecht-components.css", "theme.css")


@register()
def vendored_assets_check(app_configs: object, **kwargs: object) -> list[Warning]:
    missing = [name for name in VENDORED if not (VENDOR / name).is_file()]
    if not missing:
        return []
    return [
        Warning(
            f"The workbench's vendored files are missing: {', '.join(missing)}.",
            hint="Run `make install` (it runs scripts/vendor-assets.sh).",
            id="workbench.W001",
        )
    ]


@register()
def oidc_role_map_check(app_configs: object, **kwargs: object) -> list[Error]:
    """A misspelt role in OIDC_ROLE_MAP would refuse everyone at sign-in: say so at start."""
    roles = {role.value for role in Role}
    wrong = sorted(
        f"{group}={role}" for group, role in settings.OIDC_ROLE_MAP.items() if role not in roles
    )
    if not wrong:
        return []
    return [
        Error(
            f"OIDC_ROLE_MAP names roles that do not exist: {', '.join(wrong)}.",
            hint=f"Roles: {', '.join(sorted(roles))}.",
            id="workbench.E001",
        )
    ]
