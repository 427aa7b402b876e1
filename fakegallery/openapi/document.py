"""The OpenAPI 3.1 document of the 12 operations, built from the operations
table (gallery/operations.py).

Request bodies are generated from the marshmallow schemas that validate
requests (convert.py), so the description cannot drift from the validation: a
field, a bound or a schema-level rule the converter does not understand makes
the build fail. Responses are described by hand in responses.py; every error
response lists exactly the codes the table declares for that operation and
status, so a conformance run (tests/test_schemathesis.py) fails when a route
answers with anything undocumented.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..config import Settings
from ..errors import FakeGalleryError, TooManyRequests
from ..gallery.operations import OPERATIONS, GuidListQuery, IntQuery, Operation
from .convert import GUID, STRING, Converter, Json, array, ref
from .responses import response_components


def param(name: str, where: str, schema: Json, description: str, **kw: Any) -> Json:
    return {
        "name": name,
        "in": where,
        "schema": schema,
        "description": description,
        **kw,
    }


PATH_IDS = {
    "galleryId": param("galleryId", "path", GUID, "gallery id (GUID)", required=True),
    "itemId": param("itemId", "path", GUID, "item id (GUID)", required=True),
}


def _query(op: Operation, settings: Settings) -> list[Json]:
    out: list[Json] = []
    if op.method in ("get", "delete"):
        # The SDK repeats the path ids in the query (docs/behaviour.md §2.3).
        for name, _field in op.path_ids:
            text = "The SDK repeats the path id here; ignored, the path wins."
            out.append(param(name, "query", STRING, text))
    for q in op.query:
        if isinstance(q, IntQuery):
            schema: Json = {"type": "integer", "minimum": q.low, "default": q.default}
            high = q.upper(settings)
            if high is not None:
                schema["maximum"] = high
            out.append(param(q.name, "query", schema, q.description))
        else:
            assert isinstance(q, GuidListQuery)
            out.append(
                param(
                    q.name,
                    "query",
                    array(GUID),
                    q.description,
                    style="form",
                    explode=True,
                )
            )
    return out


def _id_from(expression: str, target: str) -> Json:
    return {"operationId": target, "parameters": {"galleryId": expression}}


#: OpenAPI links, so that a stateful run (schemathesis) reuses real ids.
LINKS: dict[str, Json] = {
    "createGallery": {
        op.id: _id_from("$response.body#/gallery/id", op.id)
        for op in OPERATIONS
        if op.path_ids == (("galleryId", "galleryId"),)
        or op.path_ids == (("galleryId", "gallery.id"),)
    },
    "createGalleryItem": {
        op.id: {
            "operationId": op.id,
            "parameters": {
                "galleryId": "$request.path.galleryId",
                "itemId": "$response.body#/item/id",
            },
        }
        for op in OPERATIONS
        if len(op.path_ids) == 2
    },
}


def _json(schema: Json, description: str) -> Json:
    return {
        "description": description,
        "headers": {"X-Wix-Request-Id": {"$ref": "#/components/headers/RequestId"}},
        "content": {"application/json": {"schema": schema}},
    }


def _error_response(status: int, errors: list[type[FakeGalleryError]]) -> Json:
    """One status's errors: a validationError body for 400, else an
    applicationError whose code is one of those the table declares."""
    codes = sorted({e.code for e in errors})
    if status == 400:
        return _json(ref("ValidationError"), "invalid argument (validationError)")
    code_schema: Json = {"type": "string", "enum": codes}
    schema: Json = {
        "allOf": [
            ref("ApplicationError"),
            {
                "properties": {
                    "details": {
                        "properties": {
                            "applicationError": {"properties": {"code": code_schema}}
                        }
                    }
                }
            },
        ]
    }
    names = ", ".join(codes)
    return _json(schema, f"{names} (docs/behaviour.md §7)")


def _responses(op: Operation, settings: Settings) -> Json:
    responses: Json = {"200": _json(ref(op.response), "success: always 200")}
    by_status: dict[int, list[type[FakeGalleryError]]] = {}
    errors = op.all_errors
    if settings.rate_limit is not None:  # docs/journal-and-faults.md#rate-limit
        errors += (TooManyRequests,)
    for error in errors:
        by_status.setdefault(error.status, []).append(error)
    for status in sorted(by_status):
        responses[str(status)] = _error_response(status, by_status[status])
    if op.id in LINKS:
        responses["200"]["links"] = LINKS[op.id]
    return responses


def build(settings: Settings, prefixes: Iterable[str]) -> Json:
    """The whole OpenAPI 3.1 document for an app with these settings."""
    from .. import __version__

    prefixes = list(prefixes)
    conv = Converter()
    paths: dict[str, Json] = {}
    for op in OPERATIONS:
        parameters = [PATH_IDS[name] for name, _field in op.path_ids]
        parameters += [{"$ref": "#/components/parameters/SiteId"}]
        parameters += _query(op, settings)
        operation: Json = {
            "operationId": op.id,
            "summary": f"{op.summary} ({op.section})",
            "tags": ["items" if "/items" in op.path else "galleries"],
            "parameters": parameters,
            "responses": _responses(op, settings),
        }
        if op.deprecated:
            operation["deprecated"] = True
        if op.body is not None:
            operation["requestBody"] = {
                "required": op.body_required,
                "content": {"application/json": {"schema": conv.schema(op.body)}},
            }
        paths.setdefault(op.path, {})[op.method] = operation
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
            "are generated from the schemas that validate requests; section "
            "numbers point to docs/behaviour.md.",
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
            {"name": "galleries", "description": "galleries (§5.1–§5.7)"},
            {"name": "items", "description": "gallery items (§5.8–§5.12)"},
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
