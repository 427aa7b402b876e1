"""OpenAPI 3.1 description of the 12 endpoints, served at GET /_fake/openapi.json.

Request bodies are generated from the marshmallow schemas in schemas.py that
validate requests (openapi_convert.py), so the description cannot drift from the
validation: a field, a bound or a schema-level rule that the converter does not
understand makes the build fail (and tests/test_openapi.py with it). Responses
are described by hand in openapi_responses.py after wire.py and service.py;
schemathesis (tests/test_schemathesis.py) checks every response the app gives
against them. The operations table is openapi_operations.py; this module
assembles the document and serves it.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import Blueprint, Response, current_app

from .api import PREFIXES, ok
from .config import Settings
from .fake import current_fake
from .openapi_convert import REF, STRING, Converter, Json, ref
from .openapi_operations import LINKS, PATH_IDS, operations, param
from .openapi_responses import response_components

#: Re-exported: tests and tools reach the converter and `$ref` root from here.
__all__ = ["PATH", "REF", "Converter", "bp", "build", "openapi_json"]

bp = Blueprint("openapi", __name__, url_prefix="/_fake")

#: Where the description is served (outside every API prefix, spec §11.13).
PATH = "/_fake/openapi.json"

# --- assembling the document ------------------------------------------------------

ERROR_TEXT = {
    "400": ("ValidationError", "invalid argument (validationError)"),
    "401": ("ApplicationError", "no or unknown Authorization (UNAUTHENTICATED)"),
    "403": ("ApplicationError", "permission or site refused (PERMISSION_DENIED)"),
    "404": ("ApplicationError", "gallery or item not found"),
    "409": ("ApplicationError", "duplicate sortOrder (DUPLICATE_SORT_ORDER)"),
}


def _json(schema: Json, description: str) -> Json:
    return {
        "description": description,
        "headers": {"X-Wix-Request-Id": {"$ref": "#/components/headers/RequestId"}},
        "content": {"application/json": {"schema": schema}},
    }


def build(settings: Settings, prefixes: Iterable[str]) -> Json:
    """The whole OpenAPI 3.1 document for an app with these settings."""
    from . import __version__

    prefixes = list(prefixes)
    conv = Converter()
    paths: dict[str, Json] = {}
    for op in operations(settings):
        parameters = [
            PATH_IDS[name]
            for name in ("galleryId", "itemId")
            if "{" + name + "}" in op["path"]
        ]
        parameters += [{"$ref": "#/components/parameters/SiteId"}, *op.get("query", ())]
        responses = {"200": _json(ref(op["response"]), "success: always 200")}
        for status in op["errors"]:
            schema, text = ERROR_TEXT[status]
            responses[status] = _json(ref(schema), text)
        if op["operationId"] in LINKS:
            responses["200"]["links"] = LINKS[op["operationId"]]
        operation: Json = {
            "operationId": op["operationId"],
            "summary": op["summary"],
            "tags": ["items" if "/items" in op["path"] else "galleries"],
            "parameters": parameters,
            "responses": responses,
        }
        if op.get("deprecated"):
            operation["deprecated"] = True
        if "body" in op:
            operation["requestBody"] = {
                "required": op.get("body_required", True),
                "content": {"application/json": {"schema": conv.schema(op["body"])}},
            }
        paths.setdefault(op["path"], {})[op["method"]] = operation
    components = {**response_components(conv)}
    components.update(conv.components)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "fakegallery: Wix Pro Gallery REST API (local fake)",
            "version": __version__,
            "description": "The 12 Pro Gallery endpoints as fakegallery serves "
            "them. Every path is served under each prefix of the `prefix` server "
            "variable; the official JS SDK uses /progallery/v2. Request schemas "
            "are generated from the schemas that validate requests.",
        },
        "servers": [
            {
                "url": "{prefix}",
                "variables": {
                    "prefix": {
                        "default": prefixes[0],
                        "enum": prefixes,
                        "description": "every prefix serves the same API (§1)",
                    }
                },
            }
        ],
        "security": [{"apiKey": []}],
        "tags": [
            {"name": "galleries", "description": "galleries (spec §5.1–§5.7)"},
            {"name": "items", "description": "gallery items (spec §5.8–§5.12)"},
        ],
        "paths": paths,
        "components": {
            "schemas": dict(sorted(components.items())),
            "securitySchemes": {
                "apiKey": {
                    "type": "apiKey",
                    "in": "header",
                    "name": "Authorization",
                    "description": "the raw API key or token, no scheme (§3.1); "
                    "`Bearer <token>` is accepted too",
                }
            },
            "parameters": {
                "SiteId": param(
                    "wix-site-id",
                    "header",
                    STRING,
                    "the site; without it the fake uses DEFAULT_SITE_ID",
                )
            },
            "headers": {
                "RequestId": {
                    "description": "random id; the SDK copies it to error.requestId",
                    "required": True,
                    "schema": STRING,
                }
            },
        },
    }


@bp.get("/openapi.json")
def openapi_json() -> Response:
    """The OpenAPI 3.1 description of this app (its settings shape the bounds)."""
    cache = current_app.extensions.setdefault("fakegallery.openapi", {})
    if "doc" not in cache:
        cache["doc"] = build(current_fake().settings, PREFIXES)
    return ok(cache["doc"])
