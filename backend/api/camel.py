"""camelCase on the wire, snake_case in Python (API Design Rules: camelCase JSON fields).

Keys are converted at the edge (parser and renderer) so serializers keep Python names.
"""

import re
from typing import Any

from django.utils.translation import gettext
from rest_framework.parsers import JSONParser
from rest_framework.renderers import JSONRenderer

from backend.api.errors import InvalidParams

_CAMEL_BOUNDARY = re.compile(r"(?<!^)([A-Z])")


def to_camel(name: str) -> str:
    """``received_at`` -> ``receivedAt``; keys without underscores pass unchanged."""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def to_snake(name: str) -> str:
    """``receivedAt`` -> ``received_at``."""
    return _CAMEL_BOUNDARY.sub(r"_\1", name).lower()


def camelize(data: Any) -> Any:
    """Convert every dict key in a JSON-like structure to camelCase."""
    if isinstance(data, dict):
        return {to_camel(k) if isinstance(k, str) else k: camelize(v) for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return [camelize(item) for item in data]
    return data


def snakeize(data: Any) -> Any:
    """Convert every dict key in a JSON-like structure to snake_case."""
    if isinstance(data, dict):
        return {to_snake(k) if isinstance(k, str) else k: snakeize(v) for k, v in data.items()}
    if isinstance(data, list):
        return [snakeize(item) for item in data]
    return data


def non_camel_keys(data: Any, path: str = "") -> list[str]:
    """Paths of keys that are not camelCase (``received_at``, ``Subject``)."""
    found: list[str] = []
    if isinstance(data, dict):
        for key, value in data.items():
            here = f"{path}.{key}" if path else str(key)
            if isinstance(key, str) and ("_" in key or key[:1].isupper()):
                found.append(here)
            found.extend(non_camel_keys(value, here))
    elif isinstance(data, list):
        for index, item in enumerate(data):
            found.extend(non_camel_keys(item, f"{path}.{index}" if path else str(index)))
    return found


class CamelCaseJSONParser(JSONParser):
    """Parses a JSON body and converts its keys to snake_case."""

    def parse(self, stream, media_type=None, parser_context=None):  # noqa: ANN001, ANN201
        data = super().parse(stream, media_type, parser_context)
        wrong = non_camel_keys(data)
        if wrong:
            # Accepting snake_case silently would let two spellings of one field collide.
            raise InvalidParams(
                [
                    {
                        "name": path,
                        "code": "invalid",
                        "reason": gettext("Unknown field: use camelCase."),
                    }
                    for path in wrong
                ]
            )
        return snakeize(data)


class CamelCaseJSONRenderer(JSONRenderer):
    """Renders data with camelCase keys."""

    def render(self, data, accepted_media_type=None, renderer_context=None):  # noqa: ANN001, ANN201
        return super().render(camelize(data), accepted_media_type, renderer_context)


class ProblemJSONRenderer(CamelCaseJSONRenderer):
    """Renders RFC 9457 problem details; chosen by the exception handler."""

    media_type = "application/problem+json"
    format = "problem+json"
