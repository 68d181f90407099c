"""drf-spectacular post-processing: make the document say what the wire does.

The renderer camelCases keys, so the schema's property names are camelCased here too;
every response carries the API-Version header; every error is problem+json.
"""

from typing import Any

from django.conf import settings
from drf_spectacular.openapi import AutoSchema

from backend.accounts.authentication import TokenAuthentication
from backend.api.camel import to_camel

PROBLEM_SCHEMA = {
    "type": "object",
    "description": "RFC 9457 problem details.",
    "properties": {
        "type": {"type": "string", "format": "uri"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "invalidParams": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "name": {"type": "string", "description": "camelCase path of the field"},
                    "code": {"type": "string"},
                    "reason": {"type": "string"},
                },
                "required": ["name", "code", "reason"],
            },
        },
    },
    "required": ["type", "title", "status"],
}

API_VERSION_HEADER = {
    "description": "The version of the API that answered (semantic versioning).",
    "schema": {"type": "string", "example": settings.API_VERSION},
}


def _camelize_schema_object(schema: dict[str, Any]) -> None:
    if "properties" in schema:
        schema["properties"] = {to_camel(k): v for k, v in schema["properties"].items()}
        for value in schema["properties"].values():
            if isinstance(value, dict):
                _camelize_schema_object(value)
    if "required" in schema and isinstance(schema["required"], list):
        schema["required"] = [to_camel(name) for name in schema["required"]]
    for key in ("items", "additionalProperties"):
        if isinstance(schema.get(key), dict):
            _camelize_schema_object(schema[key])
    for key in ("allOf", "oneOf", "anyOf"):
        for item in schema.get(key, []):
            if isinstance(item, dict):
                _camelize_schema_object(item)


def camelize_schema(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    for component in result.get("components", {}).get("schemas", {}).values():
        _camelize_schema_object(component)
    return result


# Response shapes that must not match a larger one they are an alternative to (oneOf).
CLOSED_SCHEMAS = ("FilingReceipt",)


def close_alternative_schemas(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    schemas = result.get("components", {}).get("schemas", {})
    for name in CLOSED_SCHEMAS:
        if name in schemas:
            schemas[name]["additionalProperties"] = False
    return result


def add_adr_headers_and_problems(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Problem"] = PROBLEM_SCHEMA
    headers = result["components"].setdefault("headers", {})
    headers["API-Version"] = API_VERSION_HEADER
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            if {} not in operation.get("security", [{}]):
                # Not open to anonymous callers: without credentials, 401.
                operation["responses"].setdefault(
                    "401", {"description": "Problem details (RFC 9457)."}
                )
            for code, response in operation["responses"].items():
                response.setdefault("headers", {})["API-Version"] = {
                    "$ref": "#/components/headers/API-Version"
                }
                if str(code).startswith(("4", "5")):
                    response["content"] = {
                        "application/problem+json": {
                            "schema": {"$ref": "#/components/schemas/Problem"}
                        }
                    }
    return result


class ScopedAutoSchema(AutoSchema):
    """Each operation says which token scope it needs (``required_scopes`` on the view):
    in ``x-scopes`` for tools and in its description for people. An operation without one
    is closed to integration clients' tokens."""

    def get_operation(self, *args: Any, **kwargs: Any) -> dict[str, Any] | None:
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        scope = (getattr(self.view, "required_scopes", None) or {}).get(self.method.upper())
        uses_tokens = any(
            isinstance(authenticator, TokenAuthentication)
            for authenticator in self.view.get_authenticators()
        )
        if not uses_tokens:
            return operation
        operation["x-scopes"] = [scope] if scope else []
        # A client's token is refused a scope it lacks (403) and limited per minute (429).
        responses = operation.setdefault("responses", {})
        responses.setdefault("403", {"description": "Problem details (RFC 9457)."})
        responses.setdefault(
            "429",
            {
                "description": "An integration client over its requests per minute; "
                "Retry-After says when to try again (RFC 9457 problem details)."
            },
        )
        note = (
            f"Integration tokens need the scope `{scope}`."
            if scope
            else "Not open to integration clients' tokens."
        )
        operation["description"] = f"{operation.get('description', '')}\n\n{note}".strip()
        return operation
