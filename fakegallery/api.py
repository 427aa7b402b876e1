"""The 12 Pro Gallery endpoints (spec §5). Each view: authorize → parse → one
service call → JSON. The blueprint is mounted under every prefix (spec §1)."""

from __future__ import annotations

import re
from typing import Any

import orjson
from flask import Blueprint, Response, request
from marshmallow import Schema
from werkzeug.routing import BaseConverter

from . import schemas
from . import service as svc
from .auth import authorize
from .config import MANAGE, READ
from .errors import FORMAT, MAX, MIN, InvalidArgument
from .fake import FakeGallery, current_fake

# spec §1: the documented prefix, the SDK's, and the one a custom host gets.
PREFIXES = ("/pro-gallery/v2", "/progallery/v2", "/_api/pro-gallery-server/v2")


class PrefixConverter(BaseConverter):
    """Matches any of the API prefixes, so each endpoint is one URL rule rather
    than one per prefix (werkzeug compiles every rule: ~0.7 ms each at start)."""

    regex = "|".join(re.escape(p.lstrip("/")) for p in PREFIXES)
    part_isolating = False  # a prefix spans several path segments


bp = Blueprint("api", __name__, url_prefix="/<apiprefix:prefix>")


@bp.url_value_preprocessor
def _drop_prefix(endpoint: str | None, values: dict[str, Any] | None) -> None:
    """Every prefix serves the same store: views never see which one was used."""
    if values is not None:
        values.pop("prefix", None)


# Request schemas are built once (building one per call costs ~0.4 F, perf §4.6).
CREATE_GALLERY = schemas.CreateGalleryRequest()
UPDATE_GALLERY = schemas.UpdateGalleryRequest()
CREATE_ITEM = schemas.CreateGalleryItemRequest()
UPDATE_ITEM = schemas.UpdateGalleryItemRequest()
BULK_DELETE = schemas.BulkDeleteGalleryItemsRequest()


def ok(body: Any) -> Response:
    """spec §2.1: every success is HTTP 200 with a JSON object."""
    return Response(orjson.dumps(body), status=200, mimetype="application/json")


_DECIMAL = re.compile(r"[+-]?[0-9]+")


def int_arg(name: str, default: int, low: int, high: int | None = None) -> int:
    """A numeric query parameter; non-numeric or out of range → 400 (§7.4)."""
    raw = request.args.get(name, "").strip()
    if not raw:
        return default
    try:
        # int() alone also takes "1_0" and non-ASCII digits ("٣", "１").
        if not _DECIMAL.fullmatch(raw):
            raise ValueError(raw)
        value = int(raw)
    except ValueError:
        raise InvalidArgument.one(
            name, f"must be an integer, got {raw!r}", FORMAT, type="int32"
        ) from None
    if value < low:
        raise InvalidArgument.one(name, f"must be at least {low}", MIN, min=low)
    if high is not None and value > high:
        raise InvalidArgument.one(name, f"must be at most {high}", MAX, max=high)
    return value


def guid(name: str, value: str) -> str:
    """Path ids are GUIDs (`@format GUID`, spec §7.4)."""
    if not schemas.GUID_RE.fullmatch(value):  # `$` alone lets a final \n through
        raise InvalidArgument.one(name, "must be a GUID", FORMAT, type="GUID")
    return value


def body(schema: Schema) -> dict[str, Any]:
    """The JSON body, validated. Path parameters repeated in it are accepted and
    ignored: the path wins (spec §2.7)."""
    raw = request.get_data(cache=True)
    data: Any = {}
    if raw.strip():
        try:
            data = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            raise InvalidArgument.one(
                "body", f"is not valid JSON ({exc})", FORMAT, type="JSON"
            ) from None
    if not isinstance(data, dict):
        raise InvalidArgument.one(
            "body", "must be a JSON object", FORMAT, type="object"
        )
    return schemas.load(schema, data)


def item_paging(fake: FakeGallery) -> tuple[int, int]:
    """itemOffset ≥ 0 and itemLimit 1..MAX_ITEM_LIMIT, default 50 (§5.2)."""
    offset = int_arg("itemOffset", 0, 0)
    limit = int_arg(
        "itemLimit", svc.DEFAULT_ITEM_LIMIT, 1, fake.settings.max_item_limit
    )
    return offset, limit


@bp.get("/galleries")
def list_galleries() -> Response:
    fake = current_fake()
    site = authorize(fake, READ).site_id
    limit = int_arg("limit", 10, 1, 10)  # §5.1: at most 10 galleries per call
    offset = int_arg("offset", 0, 0)
    item_limit = int_arg("itemLimit", svc.LIST_ITEM_LIMIT, 1, 100)
    return ok(svc.list_galleries(fake, site, limit, offset, item_limit))


@bp.post("/galleries")
def create_gallery() -> Response:
    fake = current_fake()
    site = authorize(fake, MANAGE).site_id
    return ok(svc.create_gallery(fake, site, body(CREATE_GALLERY)))


@bp.get("/galleries/<gallery_id>")
def get_gallery(gallery_id: str) -> Response:
    fake = current_fake()
    site = authorize(fake, READ).site_id
    guid("galleryId", gallery_id)
    offset, limit = item_paging(fake)
    return ok(svc.get_gallery(fake, site, gallery_id, offset, limit))


@bp.patch("/galleries/<gallery_id>")
def update_gallery(gallery_id: str) -> Response:
    fake = current_fake()
    site = authorize(fake, MANAGE).site_id
    guid("gallery.id", gallery_id)
    return ok(svc.update_gallery(fake, site, gallery_id, body(UPDATE_GALLERY)))


@bp.delete("/galleries/<gallery_id>")
def delete_gallery(gallery_id: str) -> Response:
    fake = current_fake()
    site = authorize(fake, MANAGE).site_id
    guid("galleryId", gallery_id)
    return ok(svc.delete_gallery(fake, site, gallery_id))


@bp.get("/galleries/<gallery_id>/items")
def list_gallery_items(gallery_id: str) -> Response:
    fake = current_fake()
    site = authorize(fake, READ).site_id
    guid("galleryId", gallery_id)
    offset, limit = item_paging(fake)
    return ok(svc.list_gallery_items(fake, site, gallery_id, offset, limit))


@bp.post("/galleries/<gallery_id>/items")
def create_gallery_item(gallery_id: str) -> Response:
    fake = current_fake()
    site = authorize(fake, MANAGE).site_id
    guid("galleryId", gallery_id)
    return ok(svc.create_gallery_item(fake, site, gallery_id, body(CREATE_ITEM)))


@bp.delete("/galleries/<gallery_id>/items")
def delete_gallery_items(gallery_id: str) -> Response:
    """Deprecated (§5.8): ids in repeated `itemsIds` keys (commas also work)."""
    fake = current_fake()
    site = authorize(fake, MANAGE).site_id
    guid("galleryId", gallery_id)
    ids = [
        part.strip()
        for value in request.args.getlist("itemsIds")
        for part in value.split(",")
        if part.strip()
    ]
    for index, item_id in enumerate(ids):
        guid(f"itemsIds[{index}]", item_id)
    return ok(svc.delete_gallery_items(fake, site, gallery_id, ids))


# Registered as its own rule so that "delete" is never taken for an item id (§5.9).
@bp.post("/galleries/<gallery_id>/items/delete")
def bulk_delete_gallery_items(gallery_id: str) -> Response:
    fake = current_fake()
    site = authorize(fake, MANAGE).site_id
    guid("galleryId", gallery_id)
    ids = body(BULK_DELETE)["itemIds"]
    return ok(svc.bulk_delete_gallery_items(fake, site, gallery_id, ids))


@bp.get("/galleries/<gallery_id>/items/<item_id>")
def get_gallery_item(gallery_id: str, item_id: str) -> Response:
    fake = current_fake()
    site = authorize(fake, READ).site_id
    guid("galleryId", gallery_id)
    guid("itemId", item_id)
    return ok(svc.get_gallery_item(fake, site, gallery_id, item_id))


@bp.patch("/galleries/<gallery_id>/items/<item_id>")
def update_gallery_item(gallery_id: str, item_id: str) -> Response:
    fake = current_fake()
    site = authorize(fake, MANAGE).site_id
    guid("galleryId", gallery_id)
    guid("item.id", item_id)
    data = body(UPDATE_ITEM)
    return ok(svc.update_gallery_item(fake, site, gallery_id, item_id, data))


@bp.delete("/galleries/<gallery_id>/items/<item_id>")
def delete_gallery_item(gallery_id: str, item_id: str) -> Response:
    fake = current_fake()
    site = authorize(fake, MANAGE).site_id
    guid("galleryId", gallery_id)
    guid("itemId", item_id)
    return ok(svc.delete_gallery_item(fake, site, gallery_id, item_id))
