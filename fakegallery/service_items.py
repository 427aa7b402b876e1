"""The item operations: list, get, create, update and delete (spec §5).

They cover spec §5.3, §5.4 and §5.8–§5.12: delete one, many, or (deprecated) by
query. Writes are all-or-nothing (see service.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson

from . import events as ev
from .clock import format_time
from .fake import FakeGallery
from .service_common import (
    Body,
    check_unique,
    free_sort_order,
    fresh_id,
    gallery_wire,
    new_item,
    patched_item,
)
from .service_events import item_event


def list_gallery_items(
    fake: FakeGallery, site_id: str, gallery_id: str, item_offset: int, item_limit: int
) -> Body:
    """spec §5.3: `{items}` only; no total and no paging metadata."""
    items = fake.store.list_items(site_id, gallery_id)
    page = items[item_offset : item_offset + item_limit]
    return {"items": [orjson.Fragment(i.body) for i in page]}


def get_gallery_item(
    fake: FakeGallery, site_id: str, gallery_id: str, item_id: str
) -> Body:
    item = fake.store.get_item(site_id, gallery_id, item_id)
    return {"item": orjson.Fragment(item.body)}


def create_gallery_item(
    fake: FakeGallery, site_id: str, gallery_id: str, data: Mapping[str, Any]
) -> Body:
    fake.live.check_media(site_id, data)  # STRICT_MEDIA (media.py, live.py rule 5)
    entry = data["item"]
    store = fake.store
    with store.lock:
        current = {i.id: i.sort_order for i in store.list_items(site_id, gallery_id)}
        value = entry.get("sortOrder")
        if value is None:
            value = free_sort_order(fake, current.values())
        now = format_time(fake.clock.now())
        new_id = fresh_id(fake, site_id)
        item = new_item(fake, gallery_id, entry, value, now, item_id=new_id)
        check_unique(
            fake,
            "item",
            f"in gallery '{gallery_id}'",
            {**current, item.id: value},
            [item.id],
        )
        store.put_item(site_id, item)
        item_event(fake, site_id, ev.ITEM_CREATED, gallery_id, {"item": item.wire()})
    return {"item": orjson.Fragment(item.body)}


def update_gallery_item(
    fake: FakeGallery,
    site_id: str,
    gallery_id: str,
    item_id: str,
    data: Mapping[str, Any],
) -> Body:
    fake.live.check_media(site_id, data)  # STRICT_MEDIA (media.py, live.py rule 5)
    store = fake.store
    with store.lock:
        old = store.get_item(site_id, gallery_id, item_id)
        item = patched_item(fake, old, data["item"], format_time(fake.clock.now()))
        if "sortOrder" in data["item"]:
            final = {i.id: i.sort_order for i in store.list_items(site_id, gallery_id)}
            final[item_id] = item.sort_order
            check_unique(fake, "item", f"in gallery '{gallery_id}'", final, [item_id])
        store.put_item(site_id, item)
        item_event(
            fake, site_id, ev.ITEM_UPDATED, gallery_id, {"updatedItem": item.wire()}
        )
    return {"item": orjson.Fragment(item.body)}


def _delete_items(
    fake: FakeGallery, site_id: str, gallery_id: str, item_ids: list[str]
) -> list[str]:
    deleted = fake.store.delete_items(site_id, gallery_id, item_ids)
    for item_id in deleted:
        item_event(fake, site_id, ev.ITEM_DELETED, gallery_id, {"itemId": item_id})
    return deleted


def delete_gallery_item(
    fake: FakeGallery, site_id: str, gallery_id: str, item_id: str
) -> Body:
    with fake.store.lock:
        fake.store.get_item(site_id, gallery_id, item_id)
        _delete_items(fake, site_id, gallery_id, [item_id])
    return {"itemId": item_id}


def bulk_delete_gallery_items(
    fake: FakeGallery, site_id: str, gallery_id: str, item_ids: list[str]
) -> Body:
    """spec §5.9 [INF]: ids not in the gallery are dropped from the answer."""
    with fake.store.lock:
        return {"itemIds": _delete_items(fake, site_id, gallery_id, item_ids)}


def delete_gallery_items(
    fake: FakeGallery, site_id: str, gallery_id: str, item_ids: list[str]
) -> Body:
    """spec §5.8 (deprecated): returns the gallery after the deletion; unknown
    ids are ignored."""
    with fake.store.lock:
        _delete_items(fake, site_id, gallery_id, item_ids)
        gallery = fake.store.get_gallery(site_id, gallery_id)
        return {"gallery": gallery_wire(fake, site_id, gallery)}
