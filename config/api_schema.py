"""OpenAPI additions: the API-key security scheme and the error responses every operation can give."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension

ERROR_RESPONSES = {
    "400": "The request has invalid fields (details name them).",
    "401": "No credentials, or an unknown or revoked API key.",
    "403": "Authenticated, but not allowed (a missing scope, or not an author).",
    "404": "No such object among those the caller may see.",
    "409": "Refused by the rules (e.g. the time limit has passed, or not graded yet).",
    "422": "An import with problems; nothing was imported.",
    "429": "Too many requests for this key; retry later.",
}
ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "details"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "details": {"type": "object", "additionalProperties": True},
            },
        }
    },
}


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "config.api.ApiKeyAuthentication"
    name = "apiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An integration's API key: `Authorization: Bearer dxam_…`.",
        }


def add_error_responses(result, generator, request, public):
    """A postprocessing hook: every operation documents the shared error shape for every error status."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    reference = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for status, description in ERROR_RESPONSES.items():
                responses.setdefault(status, {"description": description, "content": reference})
    return result
