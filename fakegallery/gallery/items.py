"""The item operations: list, get, create, update and delete one, many, or
(deprecated) by query (docs/behaviour.md §5.3, §5.4, §5.8–§5.12). Writes are
all-or-nothing (see rules.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson

from ..state import events as ev
from ..state.clock import format_time
from ..state.store import item_bytes
from .rules import Body, GalleryRules


class ItemOperations(GalleryRules):
    """The item operations: list, get, create, update, delete one or many."""

    def list_gallery_items(
        self, site_id: str, gallery_id: str, item_offset: int, item_limit: int
    ) -> Body:
        """docs/behaviour.md §5.3: `{items}` only; no total and no paging metadata."""
        page = self.store.page_items(site_id, gallery_id, item_offset, item_limit)
        return {"items": [orjson.Fragment(i.body) for i in page]}

    def get_gallery_item(self, site_id: str, gallery_id: str, item_id: str) -> Body:
        item = self.store.get_item(site_id, gallery_id, item_id)
        return {"item": orjson.Fragment(item.body)}

    def create_gallery_item(
        self, site_id: str, gallery_id: str, data: Mapping[str, Any]
    ) -> Body:
        self.check_media(site_id, data)  # STRICT_MEDIA (docs/live-site.md rule 5)
        entry = data["item"]
        store = self.store
        with self.lock:
            taken = store.item_sort_orders(site_id, gallery_id)  # 404 first
            value = entry.get("sortOrder")
            if value is None:
                value = self.free_sort_order(taken)
            now = format_time(self.clock.now())
            new_id = self.fresh_id(site_id)
            item = self.new_item(gallery_id, entry, value, now, item_id=new_id)
            other = store.item_holding(site_id, gallery_id, value, None)
            where = f"in gallery '{gallery_id}'"
            self.reject_taken(site_id, "item", where, new_id, value, other)
            self.quota.admit_bytes(item_bytes(item))
            store.put_item(site_id, item)
            body = {"item": orjson.Fragment(item.body)}
            self.item_event(site_id, ev.ITEM_CREATED, gallery_id, body)
        return {"item": orjson.Fragment(item.body)}

    def update_gallery_item(
        self,
        site_id: str,
        gallery_id: str,
        item_id: str,
        data: Mapping[str, Any],
    ) -> Body:
        self.check_media(site_id, data)  # STRICT_MEDIA (docs/live-site.md rule 5)
        store = self.store
        with self.lock:
            old = store.get_item(site_id, gallery_id, item_id)
            item = self.patched_item(old, data["item"], format_time(self.clock.now()))
            value = item.sort_order
            if "sortOrder" in data["item"] and value is not None:
                other = store.item_holding(site_id, gallery_id, value, item_id)
                where = f"in gallery '{gallery_id}'"
                self.reject_taken(site_id, "item", where, item_id, value, other)
            self.quota.admit_bytes(item_bytes(item) - item_bytes(old))
            store.put_item(site_id, item)
            body = {"updatedItem": orjson.Fragment(item.body)}
            self.item_event(site_id, ev.ITEM_UPDATED, gallery_id, body)
        return {"item": orjson.Fragment(item.body)}

    def _delete_items(
        self, site_id: str, gallery_id: str, item_ids: list[str]
    ) -> list[str]:
        deleted = self.store.delete_items(site_id, gallery_id, item_ids)
        for item_id in deleted:
            self.item_event(site_id, ev.ITEM_DELETED, gallery_id, {"itemId": item_id})
        return deleted

    def delete_gallery_item(self, site_id: str, gallery_id: str, item_id: str) -> Body:
        with self.lock:
            self.store.get_item(site_id, gallery_id, item_id)
            self._delete_items(site_id, gallery_id, [item_id])
        return {"itemId": item_id}

    def bulk_delete_gallery_items(
        self, site_id: str, gallery_id: str, data: Mapping[str, Any]
    ) -> Body:
        """§5.9 (a default): ids not in the gallery are dropped from the answer."""
        with self.lock:
            return {"itemIds": self._delete_items(site_id, gallery_id, data["itemIds"])}

    def delete_gallery_items(
        self, site_id: str, gallery_id: str, item_ids: list[str]
    ) -> Body:
        """docs/behaviour.md §5.8 (deprecated): returns the gallery after the
        deletion; unknown ids are ignored."""
        with self.lock:
            self._delete_items(site_id, gallery_id, item_ids)
            gallery = self.store.get_gallery(site_id, gallery_id)
            return {"gallery": self.gallery_wire(site_id, gallery)}
