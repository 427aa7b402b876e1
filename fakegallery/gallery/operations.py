"""The operations table, the one description of the Pro Gallery API: one
`Operation` per Wix operation, its id the official SDK's method name. Routes,
OpenAPI, tests, the journal and fault matching all read it; an endpoint is one
record here and one method on `GalleryApi` (api.py). § = docs/behaviour.md."""

from __future__ import annotations

from collections.abc import Mapping
from importlib import import_module
from typing import TYPE_CHECKING, Any, NamedTuple

from ..config import MANAGE, READ, Settings
from ..errors import (
    CrossOriginRefused,
    DuplicateSortOrder,
    FakeGalleryError,
    GalleryNotFound,
    HostNotAllowed,
    Internal,
    InvalidArgument,
    ItemNotFound,
    MethodNotAllowed,
    PayloadTooLarge,
    PermissionDenied,
    QuotaExceeded,
    SiteNotPublished,
    Unauthenticated,
)

if TYPE_CHECKING:
    from marshmallow import Schema

ErrorType = type[FakeGalleryError]

#: What any API request can be answered with: a bad path id or query value,
#: the caller refused (docs/behaviour.md §3, §7.2), and the HTTP-level answers.
COMMON_ERRORS: tuple[ErrorType, ...] = (
    InvalidArgument,
    Unauthenticated,
    PermissionDenied,
    CrossOriginRefused,
    HostNotAllowed,
    SiteNotPublished,
    MethodNotAllowed,
    PayloadTooLarge,
    Internal,
)

#: Paging bounds (docs/behaviour.md §5.1–§5.3).
LIST_LIMIT_MAX = 10
LIST_ITEM_LIMIT_MAX = 100
LIST_ITEM_LIMIT = 10  # items per gallery in listGalleries
DEFAULT_ITEM_LIMIT = 50  # getGallery and listGalleryItems


class IntQuery(NamedTuple):
    """An integer query parameter; `high_setting`: the setting bounding it."""

    name: str
    default: int
    low: int
    high: int | None
    description: str
    high_setting: str | None = None

    def upper(self, settings: Settings) -> int | None:
        if self.high_setting:
            value: int = getattr(settings, self.high_setting)
            return value
        return self.high


class GuidListQuery(NamedTuple):
    """A repeated query key of GUIDs (commas also separate them)."""

    name: str
    description: str


Query = IntQuery | GuidListQuery


class Operation(NamedTuple):
    id: str  # the official SDK's method name
    method: str  # lower-case HTTP method
    path: str  # after the API prefix, ids in braces
    permission: str
    handler: str  # the GalleryApi method
    summary: str
    section: str  # in docs/behaviour.md
    response: str  # the OpenAPI component of the success body
    #: (name in the path, field named in a 400 for a bad value)
    path_ids: tuple[tuple[str, str], ...] = ()
    query: tuple[Query, ...] = ()
    #: The request schema's class name in gallery/schemas.py (see `body`).
    body_schema: str | None = None
    body_required: bool = True
    #: Errors beyond COMMON_ERRORS that the operation answers with.
    errors: tuple[ErrorType, ...] = ()
    deprecated: bool = False

    @property
    def body(self) -> type[Schema] | None:
        """The body's schema, imported on first use (docs/performance.md)."""
        if self.body_schema is None:
            return None
        module = import_module(".schemas", __package__)
        return getattr(module, self.body_schema)  # type: ignore[no-any-return]

    @property
    def rule(self) -> str:
        """The Flask URL rule (after the prefix)."""
        return self.path.replace("{", "<").replace("}", ">")

    @property
    def all_errors(self) -> tuple[ErrorType, ...]:
        return COMMON_ERRORS + self.errors

    def documents(self, error: FakeGalleryError) -> bool:
        """True when the operation declares this error's status and code."""
        return any(
            e.status == error.status and e.code == error.code for e in self.all_errors
        )


_ITEM_PAGING = (
    IntQuery("itemOffset", 0, 0, None, "items to skip"),
    IntQuery(
        "itemLimit",
        DEFAULT_ITEM_LIMIT,
        1,
        None,
        "items to return (setting MAX_ITEM_LIMIT)",
        high_setting="max_item_limit",
    ),
)
_GALLERY = ("galleryId", "galleryId")
_ITEM = ("itemId", "itemId")
_G = "/galleries/{galleryId}"
_GI = "/galleries/{galleryId}/items"

OPERATIONS: tuple[Operation, ...] = (
    Operation(
        "listGalleries",
        "get",
        "/galleries",
        READ,
        "list_galleries",
        "List galleries, at most 10 per call, oldest first",
        "§5.1",
        "ListGalleriesResponse",
        query=(
            IntQuery("limit", LIST_LIMIT_MAX, 1, LIST_LIMIT_MAX, "galleries per page"),
            IntQuery("offset", 0, 0, None, "galleries to skip"),
            IntQuery(
                "itemLimit",
                LIST_ITEM_LIMIT,
                1,
                LIST_ITEM_LIMIT_MAX,
                "items per gallery",
            ),
        ),
    ),
    Operation(
        "createGallery",
        "post",
        "/galleries",
        MANAGE,
        "create_gallery",
        "Create a gallery, with items or as a clone",
        "§5.5",
        "GalleryResponse",
        body_schema="CreateGalleryRequest",
        body_required=False,
        errors=(GalleryNotFound, DuplicateSortOrder, QuotaExceeded),
    ),
    Operation(
        "getGallery",
        "get",
        _G,
        READ,
        "get_gallery",
        "Get a gallery with a page of its items",
        "§5.2",
        "GalleryResponse",
        path_ids=(_GALLERY,),
        query=_ITEM_PAGING,
        errors=(GalleryNotFound,),
    ),
    Operation(
        "updateGallery",
        "patch",
        _G,
        MANAGE,
        "update_gallery",
        "Update a gallery: present fields change",
        "§5.6",
        "GalleryResponse",
        path_ids=(("galleryId", "gallery.id"),),
        body_schema="UpdateGalleryRequest",
        errors=(GalleryNotFound, ItemNotFound, DuplicateSortOrder, QuotaExceeded),
    ),
    Operation(
        "deleteGallery",
        "delete",
        _G,
        MANAGE,
        "delete_gallery",
        "Delete a gallery and its items",
        "§5.7",
        "DeleteGalleryResponse",
        path_ids=(_GALLERY,),
        errors=(GalleryNotFound,),
    ),
    Operation(
        "listGalleryItems",
        "get",
        _GI,
        READ,
        "list_gallery_items",
        "List a page of a gallery's items",
        "§5.3",
        "ListGalleryItemsResponse",
        path_ids=(_GALLERY,),
        query=_ITEM_PAGING,
        errors=(GalleryNotFound,),
    ),
    Operation(
        "createGalleryItem",
        "post",
        _GI,
        MANAGE,
        "create_gallery_item",
        "Add an item to a gallery",
        "§5.10",
        "ItemResponse",
        path_ids=(_GALLERY,),
        body_schema="CreateGalleryItemRequest",
        errors=(GalleryNotFound, DuplicateSortOrder, QuotaExceeded),
    ),
    Operation(
        "deleteGalleryItems",
        "delete",
        _GI,
        MANAGE,
        "delete_gallery_items",
        "Deprecated: delete items by `itemsIds`",
        "§5.8",
        "GalleryResponse",
        path_ids=(_GALLERY,),
        query=(
            GuidListQuery(
                "itemsIds", "repeated key (spelled itemsIds); unknown ids are ignored"
            ),
        ),
        errors=(GalleryNotFound,),
        deprecated=True,
    ),
    Operation(
        "bulkDeleteGalleryItems",
        "post",
        _GI + "/delete",
        MANAGE,
        "bulk_delete_gallery_items",
        "Delete 1–1000 items; answers the ids deleted",
        "§5.9",
        "BulkDeleteGalleryItemsResponse",
        path_ids=(_GALLERY,),
        body_schema="BulkDeleteGalleryItemsRequest",
        errors=(GalleryNotFound,),
    ),
    Operation(
        "getGalleryItem",
        "get",
        _GI + "/{itemId}",
        READ,
        "get_gallery_item",
        "Get one item",
        "§5.4",
        "ItemResponse",
        path_ids=(_GALLERY, _ITEM),
        errors=(GalleryNotFound, ItemNotFound),
    ),
    Operation(
        "updateGalleryItem",
        "patch",
        _GI + "/{itemId}",
        MANAGE,
        "update_gallery_item",
        "Update an item: present fields change",
        "§5.11",
        "ItemResponse",
        path_ids=(_GALLERY, ("itemId", "item.id")),
        body_schema="UpdateGalleryItemRequest",
        errors=(GalleryNotFound, ItemNotFound, DuplicateSortOrder, QuotaExceeded),
    ),
    Operation(
        "deleteGalleryItem",
        "delete",
        _GI + "/{itemId}",
        MANAGE,
        "delete_gallery_item",
        "Delete one item",
        "§5.12",
        "DeleteGalleryItemResponse",
        path_ids=(_GALLERY, _ITEM),
        errors=(GalleryNotFound, ItemNotFound),
    ),
)

#: Operations by id (the SDK method name).
BY_ID: Mapping[str, Operation] = {op.id: op for op in OPERATIONS}


def describe(op: Operation) -> dict[str, Any]:
    """A JSON summary of one operation (for /_fake/operations and tools)."""
    return {
        "id": op.id,
        "method": op.method.upper(),
        "path": op.path,
        "permission": op.permission,
        "summary": op.summary,
        "docs": f"docs/behaviour.md {op.section}",
        "errors": sorted({f"{e.status} {e.code}" for e in op.all_errors}),
        "deprecated": op.deprecated,
    }
