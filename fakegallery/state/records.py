"""The stored values: a gallery, an item (its wire JSON as bytes), and what
each counts for the stored-bytes limit (MAX_STORED_BYTES, state/quota.py).
Immutable, so the store hands them out without copying."""

from __future__ import annotations

from typing import Any, NamedTuple

import orjson

from . import compact

Json = dict[str, Any]

#: What one stored gallery or item costs beyond its JSON bytes (the objects and
#: index entries around it), for the stored-bytes count (MAX_STORED_BYTES).
ENTRY_OVERHEAD = 256


class Gallery(NamedTuple):
    id: str
    name: str | None
    sort_order: float | None
    created_date: str  # RFC3339, whole seconds, UTC
    seq: int  # creation order: breaks ties between equal dates


class Item(NamedTuple):
    id: str
    gallery_id: str
    sort_order: float | None
    seq: int
    body: bytes  # the item's wire JSON, ready to send (see gallery/wire.py)

    def wire(self) -> dict[str, Any]:
        """A fresh, mutable copy of the item's wire shape."""
        result: dict[str, Any] = orjson.loads(self.body)
        return result


def restored_item(gallery_id: str, data: Json) -> Item:
    """An item of a dump: its `wire` JSON, or (from a data dir) its exact
    `body` bytes and `id`."""
    if "body" in data:
        body = bytes(memoryview(data["body"]))  # exact size (state/compact.py)
        return Item(data["id"], gallery_id, data["sortOrder"], data["seq"], body)
    wire = data["wire"]
    body = compact.dumps(wire)
    return Item(wire["id"], gallery_id, data["sortOrder"], data["seq"], body)


def gallery_bytes(gallery: Gallery) -> int:
    return ENTRY_OVERHEAD + len((gallery.name or "").encode())


def item_bytes(item: Item) -> int:
    return ENTRY_OVERHEAD + len(item.body)
