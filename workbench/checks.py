"""The workbench's styles and htmx are vendored from npm by the build
(``scripts/vendor-assets.sh``, run by ``make install``); without them every page would
render unstyled, so say so at start-up rather than in a user's browser."""

from pathlib import Path

from django.core.checks import Warning, register

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
