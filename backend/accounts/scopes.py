"""API scopes: what a token may be used for, on top of what its account's role allows.

Apps register their scopes in ``AppConfig.ready()`` (``scope_register``) and declare on
each API view which scope each method needs (``required_scopes``); the platform names no
app's scope. A client's token carries a list of scopes and reaches only views that
declare one of them for the method called (fail closed). A staff token carries none
(``None``): its account's role alone decides, as in the workbench.
"""

from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True)
class Scope:
    name: str  # "<resource>:<action>", e.g. "cases:read"
    description: str | Promise


_scopes: dict[str, Scope] = {}


def scope_register(*scopes: Scope) -> None:
    for scope in scopes:
        known = _scopes.get(scope.name)
        if known is not None and known != scope:
            raise ValueError(f"Another scope is already called {scope.name!r}.")
        _scopes[scope.name] = scope


def scopes_known() -> dict[str, Scope]:
    return dict(sorted(_scopes.items()))


def scopes_check(names: list[str]) -> list[str]:
    """The names, de-duplicated and sorted; ``ValueError`` naming any unknown one."""
    unknown = sorted(set(names) - set(_scopes))
    if unknown:
        raise ValueError(f"Unknown scope(s): {', '.join(unknown)}.")
    return sorted(set(names))
