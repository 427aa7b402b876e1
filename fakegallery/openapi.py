"""OpenAPI 3.1 description of the 12 endpoints, served at GET /_fake/openapi.json.

Request bodies are generated from the marshmallow schemas in schemas.py that
validate requests, so the description cannot drift from the validation: a field,
a bound or a schema-level rule that this converter does not understand makes the
build fail (and tests/test_openapi.py with it). Responses are described here by
hand after wire.py and service.py; schemathesis (tests/test_schemathesis.py)
checks every response the app gives against them.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from typing import Any

from flask import Blueprint, Response, current_app
from marshmallow import Schema, fields

from . import errors as E
from . import schemas as S
from .api import PREFIXES, ok
from .config import Settings
from .fake import current_fake
from .wire import MEDIA_TYPES

bp = Blueprint("openapi", __name__, url_prefix="/_fake")

#: Where the description is served (outside every API prefix, spec §11.13).
PATH = "/_fake/openapi.json"

Json = dict[str, Any]
REF = "#/components/schemas/"

# Paging bounds of the query parameters (spec §5.1–§5.3; api.py applies them).
LIST_LIMIT_MAX = 10
LIST_ITEM_LIMIT_MAX = 100


# --- marshmallow → JSON Schema (draft 2020-12, as OpenAPI 3.1 uses) -------------


def _ref(name: str) -> Json:
    return {"$ref": REF + name}


def _nullable(prop: Json) -> Json:
    """`allow_none=True`: the JSON Schema 3.1 way, a type list or an anyOf."""
    if "$ref" in prop:
        return {"anyOf": [prop, {"type": "null"}]}
    prop = dict(prop)
    prop["type"] = [prop["type"], "null"]
    if "enum" in prop:
        prop["enum"] = [*prop["enum"], None]
    return prop


def _media_pairs(keys: Iterable[str]) -> list[Json]:
    keys = list(keys)
    return [{"required": [a, b]} for i, a in enumerate(keys) for b in keys[i + 1 :]]


MEDIA = list(S.MEDIA_KEYS)

#: The schema-level rules (`@validates_schema` methods) of schemas.py, by name.
#: A new rule must be added here, or building the description fails.
SCHEMA_RULES: dict[str, Json] = {
    # ItemPatchSchema: at most one of image / video / text (spec §4.2).
    "_at_most_one_media": {"not": {"anyOf": _media_pairs(MEDIA)}},
    # ItemSchema: at least one of them; with the rule above, exactly one (§5.10).
    "_exactly_one_media": {"anyOf": [{"required": [k]} for k in MEDIA]},
    # GalleryItemPatchSchema: an entry without an id creates an item (§5.6).
    "_new_needs_media": {"anyOf": [{"required": [k]} for k in ["id", *MEDIA]]},
    # SecondaryMediaSchema: image or text, not both.
    "_one": {"not": {"required": ["image", "text"]}},
    # VideoInfoSchema: a Wix media `id` or an external `url` (spec §4.4).
    "_id_or_url": {
        "anyOf": [
            {
                "required": [key],
                "properties": {key: {"type": "string", "minLength": 1}},
            }
            for key in ("id", "url")
        ]
    },
}


def _validator(fn: Callable[[Any], Any], prop: Json) -> None:
    """Translate one field validator of schemas.py into JSON Schema keywords."""
    owner = getattr(fn, "__qualname__", "")
    if fn is S.non_empty:
        prop["minLength"] = 1
        return
    if fn is S.shallow:
        return  # a nesting-depth limit has no JSON Schema keyword
    bounds = inspect.getclosurevars(fn).nonlocals
    if owner == "between.<locals>.check":
        if bounds["low"] is not None:
            prop["minimum"] = bounds["low"]
        if bounds["high"] is not None:
            prop["maximum"] = bounds["high"]
        return
    if owner == "sized.<locals>.check":
        if bounds["low"] is not None:
            prop["minItems"] = bounds["low"]
        if bounds["high"] is not None:
            prop["maxItems"] = bounds["high"]
        return
    raise TypeError(f"openapi: no JSON Schema for the validator {owner or fn!r}")


class Converter:
    """Turns marshmallow schema classes into named JSON Schema components."""

    def __init__(self) -> None:
        self.components: dict[str, Json] = {}

    def schema(self, cls: type[Schema]) -> Json:
        """A `$ref` to the component of `cls`, converting it on first use."""
        name = cls.__name__
        if name not in self.components:
            self.components[name] = {}  # placeholder: recursion stops here
            self.components[name] = self._object(cls)
        return _ref(name)

    def _object(self, cls: type[Schema]) -> Json:
        out: Json = {
            "type": "object",
            "description": f"Validated by fakegallery.schemas.{cls.__name__}; "
            "unknown and read-only keys are ignored.",
            "properties": {},
        }
        required = []
        for name, field in cls._declared_fields.items():
            key = field.data_key or name
            out["properties"][key] = self.field(field)
            if field.required:
                required.append(key)
        if required:
            out["required"] = required
        rules = [
            SCHEMA_RULES.get(hook)
            for hook, *_ in cls._hooks.get("validates_schema", ())
        ]
        if None in rules:
            hooks = [h for h, *_ in cls._hooks["validates_schema"]]
            raise TypeError(
                f"openapi: {cls.__name__} has a schema rule with no JSON Schema "
                f"(one of {hooks}); add it to SCHEMA_RULES"
            )
        if len(rules) == 1:
            out.update(rules[0] or {})
        elif rules:
            out["allOf"] = rules
        return out

    def field(self, field: fields.Field[Any]) -> Json:
        prop = self._base(field)
        if field.allow_none:
            prop = _nullable(prop)
        return prop

    def _base(self, field: fields.Field[Any]) -> Json:
        prop: Json
        if isinstance(field, fields.Nested):
            nested = field.nested
            if not (isinstance(nested, type) and issubclass(nested, Schema)):
                raise TypeError(f"openapi: unsupported nested {nested!r}")
            prop = self.schema(nested)
        elif isinstance(field, fields.List):
            prop = {"type": "array", "items": self.field(field.inner)}
        elif isinstance(field, S.Guid):
            prop = {"type": "string", "format": "uuid", "pattern": S.GUID_RE.pattern}
        elif isinstance(field, S.Enum):
            prop = {"type": "string", "enum": list(field.choices)}
        elif isinstance(field, S.Rfc3339):
            prop = {"type": "string", "format": "date-time"}
        elif isinstance(field, fields.String):
            prop = {"type": "string"}
        elif isinstance(field, fields.Dict):
            prop = {"type": "object", "description": "free-form JSON object"}
        elif isinstance(field, S.Int | fields.Integer):
            prop = {
                "type": "integer",
                "format": "int64",
                "minimum": S.INT64_MIN,
                "maximum": S.INT64_MAX,
            }
        elif isinstance(field, S.Num | fields.Float):
            prop = {"type": "number"}
        elif isinstance(field, fields.Boolean) or type(field).__name__ == "Bool":
            prop = {"type": "boolean"}
        else:
            raise TypeError(f"openapi: no JSON Schema for {type(field).__name__}")
        for validator in field.validators:
            _validator(validator, prop)
        if "$ref" in prop and len(prop) > 1:
            prop = {"allOf": [{"$ref": prop.pop("$ref")}], **prop}
        return prop


# --- responses: the wire shapes of wire.py / service.py (spec §4, sdk-wire §4) ---

RFC3339 = {
    "type": "string",
    "format": "date-time",
    "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$",
}
GUID = {"type": "string", "format": "uuid", "pattern": S.GUID_RE.pattern}
STRING = {"type": "string"}
INTEGER = {"type": "integer"}
NUMBER = {"type": "number"}
FREE = {"type": "object", "description": "free-form JSON object, echoed as sent"}


def _closed(required: list[str], properties: Json, description: str = "") -> Json:
    out: Json = {
        "type": "object",
        "required": required,
        "properties": properties,
        "additionalProperties": False,
    }
    if description:
        out["description"] = description
    return out


def _array(item: Json) -> Json:
    return {"type": "array", "items": item}


def response_components(conv: Converter) -> dict[str, Json]:
    """Response schemas. Parts the fake echoes as validated (link, tags, focal
    point, resolutions) reuse the request components."""
    return {
        "CommonImage": _closed(
            ["id", "url", "height", "width"],
            {
                "id": STRING,
                "url": {
                    **STRING,
                    "description": "https://static.wixstatic.com/media/<id>",
                },
                "height": INTEGER,
                "width": INTEGER,
                "altText": STRING,
                "filename": STRING,
            },
            "spec §4.3: `url` is always rebuilt from `id`.",
        ),
        "Image": _closed(
            ["type", "imageInfo"],
            {
                "type": {"type": "string", "enum": ["WIX_MEDIA"]},
                "imageInfo": _ref("CommonImage"),
                "focalPoint": conv.schema(S.FocalPointSchema),
                "exif": FREE,
                "quality": INTEGER,
                "unsharpMasking": conv.field(
                    S.ImageSchema._declared_fields["unsharpMasking"]
                ),
            },
        ),
        "VideoInfo": _closed(
            ["id", "url", "resolutions", "posters"],
            {
                "id": {**STRING, "description": "empty for YouTube/Vimeo (§6.7)"},
                "url": {**STRING, "description": "empty for Wix media video"},
                "filename": STRING,
                "resolutions": _array(conv.schema(S.ResolutionSchema)),
                "posters": _array(_ref("CommonImage")),
            },
        ),
        "Video": _closed(
            ["type", "videoInfo"],
            {
                "type": {"type": "string", "enum": list(S.VIDEO_TYPES)},
                "videoInfo": _ref("VideoInfo"),
                "durationInMillis": INTEGER,
            },
        ),
        "Text": _closed(["html"], {"html": STRING, "css": FREE}),
        "SecondaryMedia": _closed([], {"image": _ref("Image"), "text": _ref("Text")}),
        "Item": _closed(
            ["id", "type", "createdDate", "updatedDate"],
            {
                "id": GUID,
                "type": {
                    "type": "string",
                    "enum": ["UNDEFINED", *MEDIA_TYPES.values()],
                },
                "title": STRING,
                "description": STRING,
                "sortOrder": NUMBER,
                "createdDate": RFC3339,
                "updatedDate": RFC3339,
                "tags": conv.schema(S.TagsSchema),
                "link": conv.schema(S.LinkSchema),
                "image": _ref("Image"),
                "video": _ref("Video"),
                "text": _ref("Text"),
                "secondaryMedia": _ref("SecondaryMedia"),
            },
            "spec §4.2; unset optional fields are left out.",
        ),
        "Gallery": _closed(
            ["id", "createdDate", "totalItems", "items"],
            {
                "id": GUID,
                "name": STRING,
                "createdDate": RFC3339,
                "sortOrder": NUMBER,
                "totalItems": {**INTEGER, "minimum": 0},
                "items": {**_array(_ref("Item")), "description": "the requested page"},
            },
            "spec §4.1; a gallery has no updatedDate.",
        ),
        "ListGalleriesResponse": _closed(
            ["totalGalleries", "galleries"],
            {
                "totalGalleries": {**INTEGER, "minimum": 0},
                "galleries": {**_array(_ref("Gallery")), "maxItems": LIST_LIMIT_MAX},
            },
        ),
        "GalleryResponse": _closed(["gallery"], {"gallery": _ref("Gallery")}),
        "ListGalleryItemsResponse": _closed(["items"], {"items": _array(_ref("Item"))}),
        "ItemResponse": _closed(["item"], {"item": _ref("Item")}),
        "DeleteGalleryResponse": _closed(["galleryId"], {"galleryId": GUID}),
        "BulkDeleteGalleryItemsResponse": _closed(
            ["itemIds"], {"itemIds": _array(GUID)}
        ),
        "DeleteGalleryItemResponse": _closed(["itemId"], {"itemId": GUID}),
        "ApplicationError": _closed(
            ["message", "details"],
            {
                "message": STRING,
                "details": _closed(
                    ["applicationError"],
                    {
                        "applicationError": _closed(
                            ["code", "description", "data"],
                            {"code": STRING, "description": STRING, "data": FREE},
                        )
                    },
                ),
            },
            "spec §7.1; codes live in fakegallery/errors.py.",
        ),
        "ValidationError": _closed(
            ["message", "details"],
            {
                "message": {**STRING, "pattern": "^INVALID_ARGUMENT: "},
                "details": _closed(
                    ["validationError"],
                    {
                        "validationError": _closed(
                            ["fieldViolations"],
                            {
                                "fieldViolations": {
                                    **_array(_ref("FieldViolation")),
                                    "minItems": 1,
                                }
                            },
                        )
                    },
                ),
            },
        ),
        "FieldViolation": _closed(
            ["field", "description", "violatedRule", "data"],
            {
                "field": {
                    **STRING,
                    "description": "wire path, e.g. item.image.imageInfo.id",
                },
                "description": STRING,
                "violatedRule": {"type": "string", "enum": RULES},
                "data": FREE,
            },
        ),
    }


RULES = [
    E.REQUIRED_FIELD,
    E.FORMAT,
    E.MIN,
    E.MAX,
    E.MIN_SIZE,
    E.MAX_SIZE,
    E.ONE_OF,
    E.INVALID_ARGUMENT,
]


# --- operations (spec §5) ----------------------------------------------------------

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


def _param(name: str, where: str, schema: Json, description: str, **kw: Any) -> Json:
    return {
        "name": name,
        "in": where,
        "schema": schema,
        "description": description,
        **kw,
    }


def _int_query(name: str, low: int, high: int | None, default: int, text: str) -> Json:
    schema: Json = {"type": "integer", "minimum": low, "default": default}
    if high is not None:
        schema["maximum"] = high
    return _param(name, "query", schema, text)


def _echo(name: str) -> Json:
    return _param(
        name,
        "query",
        STRING,
        "The SDK repeats the path id here (spec §2.3); ignored, the path wins.",
    )


PATH_IDS = {
    "galleryId": _param("galleryId", "path", GUID, "gallery id (GUID)", required=True),
    "itemId": _param("itemId", "path", GUID, "item id (GUID)", required=True),
}


def operations(settings: Settings) -> list[Json]:
    """The 12 operations: method, path (relative to a prefix), operationId, the
    request schema class (if any), query parameters, success schema, errors."""
    item_paging = [
        _int_query("itemOffset", 0, None, 0, "items to skip"),
        _int_query(
            "itemLimit",
            1,
            settings.max_item_limit,
            50,
            "items to return (setting MAX_ITEM_LIMIT; spec §5.2, §12.13)",
        ),
    ]
    g, gi = "/galleries/{galleryId}", "/galleries/{galleryId}/items"
    return [
        {
            "method": "get",
            "path": "/galleries",
            "operationId": "listGalleries",
            "summary": "List galleries, at most 10 per call, oldest first (§5.1)",
            "query": [
                _int_query("limit", 1, LIST_LIMIT_MAX, 10, "galleries per page"),
                _int_query("offset", 0, None, 0, "galleries to skip"),
                _int_query(
                    "itemLimit", 1, LIST_ITEM_LIMIT_MAX, 10, "items per gallery"
                ),
            ],
            "response": "ListGalleriesResponse",
            "errors": ["400", "401", "403"],
        },
        {
            "method": "post",
            "path": "/galleries",
            "operationId": "createGallery",
            "summary": "Create a gallery, with items or as a clone (§5.5, §6.4)",
            "body": S.CreateGalleryRequest,
            "body_required": False,
            "response": "GalleryResponse",
            "errors": ["400", "401", "403", "404", "409"],
        },
        {
            "method": "get",
            "path": g,
            "operationId": "getGallery",
            "summary": "Get a gallery with a page of its items (§5.2)",
            "query": [_echo("galleryId"), *item_paging],
            "response": "GalleryResponse",
            "errors": ["400", "401", "403", "404"],
        },
        {
            "method": "patch",
            "path": g,
            "operationId": "updateGallery",
            "summary": "Update a gallery: present fields change (§5.6, §6.5)",
            "body": S.UpdateGalleryRequest,
            "response": "GalleryResponse",
            "errors": ["400", "401", "403", "404", "409"],
        },
        {
            "method": "delete",
            "path": g,
            "operationId": "deleteGallery",
            "summary": "Delete a gallery and its items (§5.7)",
            "query": [_echo("galleryId")],
            "response": "DeleteGalleryResponse",
            "errors": ["400", "401", "403", "404"],
        },
        {
            "method": "get",
            "path": gi,
            "operationId": "listGalleryItems",
            "summary": "List a page of a gallery's items (§5.3)",
            "query": [_echo("galleryId"), *item_paging],
            "response": "ListGalleryItemsResponse",
            "errors": ["400", "401", "403", "404"],
        },
        {
            "method": "post",
            "path": gi,
            "operationId": "createGalleryItem",
            "summary": "Add an item to a gallery (§5.10)",
            "body": S.CreateGalleryItemRequest,
            "response": "ItemResponse",
            "errors": ["400", "401", "403", "404", "409"],
        },
        {
            "method": "delete",
            "path": gi,
            "operationId": "deleteGalleryItems",
            "summary": "Deprecated: delete items by `itemsIds` (§5.8)",
            "deprecated": True,
            "query": [
                _echo("galleryId"),
                _param(
                    "itemsIds",
                    "query",
                    _array(GUID),
                    "repeated key (spelled itemsIds); unknown ids are ignored",
                    style="form",
                    explode=True,
                ),
            ],
            "response": "GalleryResponse",
            "errors": ["400", "401", "403", "404"],
        },
        {
            "method": "post",
            "path": gi + "/delete",
            "operationId": "bulkDeleteGalleryItems",
            "summary": "Delete 1–1000 items; answers the ids deleted (§5.9)",
            "body": S.BulkDeleteGalleryItemsRequest,
            "response": "BulkDeleteGalleryItemsResponse",
            "errors": ["400", "401", "403", "404"],
        },
        {
            "method": "get",
            "path": gi + "/{itemId}",
            "operationId": "getGalleryItem",
            "summary": "Get one item (§5.4)",
            "query": [_echo("galleryId"), _echo("itemId")],
            "response": "ItemResponse",
            "errors": ["400", "401", "403", "404"],
        },
        {
            "method": "patch",
            "path": gi + "/{itemId}",
            "operationId": "updateGalleryItem",
            "summary": "Update an item: present fields change (§5.11, §6.5)",
            "body": S.UpdateGalleryItemRequest,
            "response": "ItemResponse",
            "errors": ["400", "401", "403", "404", "409"],
        },
        {
            "method": "delete",
            "path": gi + "/{itemId}",
            "operationId": "deleteGalleryItem",
            "summary": "Delete one item (§5.12)",
            "query": [_echo("galleryId"), _echo("itemId")],
            "response": "DeleteGalleryItemResponse",
            "errors": ["400", "401", "403", "404"],
        },
    ]


def _id_from(expression: str, target: str) -> Json:
    return {"operationId": target, "parameters": {"galleryId": expression}}


#: OpenAPI links, so that a stateful run (schemathesis) reuses real ids.
LINKS: dict[str, Json] = {
    "createGallery": {
        name: _id_from("$response.body#/gallery/id", name)
        for name in (
            "getGallery",
            "updateGallery",
            "deleteGallery",
            "listGalleryItems",
            "createGalleryItem",
            "deleteGalleryItems",
            "bulkDeleteGalleryItems",
        )
    },
    "createGalleryItem": {
        name: {
            "operationId": name,
            "parameters": {
                "galleryId": "$request.path.galleryId",
                "itemId": "$response.body#/item/id",
            },
        }
        for name in ("getGalleryItem", "updateGalleryItem", "deleteGalleryItem")
    },
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
        responses = {"200": _json(_ref(op["response"]), "success: always 200")}
        for status in op["errors"]:
            schema, text = ERROR_TEXT[status]
            responses[status] = _json(_ref(schema), text)
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
                "SiteId": _param(
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
