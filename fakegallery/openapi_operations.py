"""The 12 operations of the OpenAPI document (spec §5), as a table for openapi.py.

Each entry: path, query and path parameters, request schema class, success and
error statuses; plus the OpenAPI links a stateful run follows.
"""

from __future__ import annotations

from typing import Any

from . import schemas as S
from .config import Settings
from .openapi_convert import GUID, STRING, Json, array

# Paging bounds of the query parameters (spec §5.1–§5.3; api.py applies them).
LIST_LIMIT_MAX = 10
LIST_ITEM_LIMIT_MAX = 100


def param(name: str, where: str, schema: Json, description: str, **kw: Any) -> Json:
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
    return param(name, "query", schema, text)


def _echo(name: str) -> Json:
    return param(
        name,
        "query",
        STRING,
        "The SDK repeats the path id here (spec §2.3); ignored, the path wins.",
    )


PATH_IDS = {
    "galleryId": param("galleryId", "path", GUID, "gallery id (GUID)", required=True),
    "itemId": param("itemId", "path", GUID, "item id (GUID)", required=True),
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
                param(
                    "itemsIds",
                    "query",
                    array(GUID),
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
