"""Startup checks: a misspelt legal interpretation must stop the service, not be ignored
(a reading the municipality chose that silently does nothing is a wrong date later)."""

import dataclasses
from typing import Any

from django.conf import settings
from django.core.checks import Error, register

from cases.legal.terms import Interpretation


@register()
def legal_interpretation_check(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    chosen = settings.LEGAL_INTERPRETATION
    known = {field.name for field in dataclasses.fields(Interpretation)}
    if not isinstance(chosen, dict):
        return [Error("LEGAL_INTERPRETATION must be a JSON object.", id="cases.E001")]
    errors = [
        Error(
            f"LEGAL_INTERPRETATION has no setting {name!r}.",
            hint=f"Known settings: {', '.join(sorted(known))}.",
            id="cases.E001",
        )
        for name in sorted(set(chosen) - known)
    ]
    errors += [
        Error(f"LEGAL_INTERPRETATION[{name!r}] must be true or false.", id="cases.E002")
        for name, value in sorted(chosen.items())
        if name in known and not isinstance(value, bool)
    ]
    return errors
