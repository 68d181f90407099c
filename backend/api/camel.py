"""camelCase on the wire, snake_case in Python (API Design Rules: camelCase JSON fields).

Keys are converted at the edge (parser and renderer) so serializers keep Python names.
"""

import functools
import re
from typing import Any

import orjson
from django.utils.translation import gettext
from rest_framework.parsers import JSONParser
from rest_framework.renderers import JSONRenderer
from rest_framework.utils import encoders

from backend.api.errors import InvalidParams

_CAMEL_BOUNDARY = re.compile(r"(?<!^)([A-Z])")


@functools.lru_cache(maxsize=4096)
def to_camel(name: str) -> str:
    """``received_at`` -> ``receivedAt``; keys without underscores pass unchanged.
    (Remembered: a page of 50 rows converts the same dozen keys 50 times.)"""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


@functools.lru_cache(maxsize=4096)
def to_snake(name: str) -> str:
    """``receivedAt`` -> ``received_at`` (remembered, as ``to_camel``)."""
    return _CAMEL_BOUNDARY.sub(r"_\1", name).lower()


# Values with no keys inside: not walked (on a page of 50 rows, most of the calls).
_LEAVES = frozenset({str, int, float, bool, type(None)})


@functools.lru_cache(maxsize=4096)
def _camel_keys(keys: tuple) -> tuple:
    """The camelCase keys of a dict with these keys (remembered: the rows of a page all
    have the same ones)."""
    return tuple(to_camel(k) if isinstance(k, str) else k for k in keys)


class Camel(dict):
    """A dict built with camelCase keys, its values too (a queue row, built for the API):
    the renderer passes it as it is instead of building it again key by key."""

    __slots__ = ()


def camel_keys(names: tuple[str, ...]) -> tuple[str, ...]:
    """The camelCase spelling of each name (for a row built with camelCase keys)."""
    return tuple(to_camel(name) for name in names)


def camelize(data: Any) -> Any:
    """Convert every dict key in a JSON-like structure to camelCase."""
    if type(data) is Camel:
        return data
    if isinstance(data, dict):
        values = [v if type(v) in _LEAVES else camelize(v) for v in data.values()]
        return dict(zip(_camel_keys(tuple(data)), values, strict=True))
    if isinstance(data, (list, tuple)):
        return [item if type(item) in _LEAVES else camelize(item) for item in data]
    return data


def snakeize(data: Any) -> Any:
    """Convert every dict key in a JSON-like structure to snake_case."""
    if isinstance(data, dict):
        return {to_snake(k) if isinstance(k, str) else k: snakeize(v) for k, v in data.items()}
    if isinstance(data, list):
        return [snakeize(item) for item in data]
    return data


def _camel_key(key: Any) -> bool:
    """Whether a key is camelCase (not ``received_at``, not ``Subject``)."""
    return not isinstance(key, str) or not ("_" in key or key[:1].isupper())


def _all_camel(data: Any) -> bool:
    """Whether every key is camelCase (the usual answer, found without naming paths)."""
    if isinstance(data, dict):
        return all(_camel_key(key) for key in data) and all(
            type(value) in _LEAVES or _all_camel(value) for value in data.values()
        )
    if isinstance(data, list):
        return all(type(item) in _LEAVES or _all_camel(item) for item in data)
    return True


def non_camel_keys(data: Any) -> list[str]:
    """Paths of keys that are not camelCase (``received_at``, ``Subject``)."""
    return [] if _all_camel(data) else _paths_not_camel(data, "")


def _paths_not_camel(data: Any, path: str) -> list[str]:
    found: list[str] = []
    if isinstance(data, dict):
        for key, value in data.items():
            here = f"{path}.{key}" if path else str(key)
            if not _camel_key(key):
                found.append(here)
            found.extend(_paths_not_camel(value, here))
    elif isinstance(data, list):
        for index, item in enumerate(data):
            found.extend(_paths_not_camel(item, f"{path}.{index}" if path else str(index)))
    return found


# No request of this API nests deeper than a filing's parties (4 levels); 32 leaves room
# and keeps every walk over a body far from Python's recursion limit.
MAX_DEPTH = 32
_SURROGATE = re.compile("[\ud800-\udfff]")


def shape_problems(data: Any) -> list[dict[str, str]]:
    """What makes a parsed body unusable, before anything walks it recursively: nesting
    deeper than ``MAX_DEPTH``, and text with a lone surrogate (JSON lets ``\\ud800``
    through; it is no character, and no database or renderer can store it)."""
    problems: list[dict[str, str]] = []
    pending: list[tuple[Any, str, int]] = [(data, "", 0)]
    while pending:
        value, path, depth = pending.pop()
        if depth > MAX_DEPTH:
            return [_too_deep(path or "(body)")]
        if isinstance(value, dict):
            for key, item in value.items():
                here = f"{path}.{key}" if path else str(key)
                if _SURROGATE.search(key):
                    here = f"{path}.(key)" if path else "(key)"
                    problems.append(_not_text(here))
                pending.append((item, here, depth + 1))
        elif isinstance(value, list):
            pending.extend(
                (item, f"{path}.{index}" if path else str(index), depth + 1)
                for index, item in enumerate(value)
            )
        elif isinstance(value, str) and _SURROGATE.search(value):
            problems.append(_not_text(path or "(body)"))
    return problems


def _too_deep(name: str) -> dict[str, str]:
    reason = gettext("The body nests deeper than %(depth)s levels.") % {"depth": MAX_DEPTH}
    return {"name": name, "code": "too_deep", "reason": reason}


def _not_text(name: str) -> dict[str, str]:
    reason = gettext("Contains a code that is not a character (a lone surrogate).")
    return {"name": name, "code": "invalid_text", "reason": reason}


class CamelCaseJSONParser(JSONParser):
    """Parses a JSON body and converts its keys to snake_case."""

    def parse(self, stream, media_type=None, parser_context=None):  # noqa: ANN001, ANN201
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:  # nested beyond what the JSON decoder itself can follow
            raise InvalidParams([_too_deep("(body)")]) from None
        problems = shape_problems(data)
        if problems:
            raise InvalidParams(problems)
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


_ENCODER = encoders.JSONEncoder()
_OPTIONS = orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME
_JS_LINE_BREAKS = (("\u2028".encode(), b"\\u2028"), ("\u2029".encode(), b"\\u2029"))


class CamelCaseJSONRenderer(JSONRenderer):
    """Renders data with camelCase keys.

    The bytes are DRF's (compact, UTF-8, its encoder for moments, decimals and lazy
    text, U+2028 and U+2029 escaped), written by orjson in C: the standard library's
    encoder was 7 % of a queue page's time. A request for indented JSON (``Accept:
    application/json; indent=4``) gets DRF's own. Unlike the standard library, orjson
    writes a float NaN as null rather than refusing it: this API writes no floats.
    """

    def render(self, data, accepted_media_type=None, renderer_context=None):  # noqa: ANN001, ANN201
        data = camelize(data)
        indent = self.get_indent(accepted_media_type, renderer_context or {})
        if data is None or indent is not None or self.ensure_ascii:
            return super().render(data, accepted_media_type, renderer_context)
        written = orjson.dumps(data, default=_ENCODER.default, option=_OPTIONS)
        for line_break, escaped in _JS_LINE_BREAKS:
            if line_break in written:
                written = written.replace(line_break, escaped)
        return written


class ProblemJSONRenderer(CamelCaseJSONRenderer):
    """Renders RFC 9457 problem details; chosen by the exception handler."""

    media_type = "application/problem+json"
    format = "problem+json"
