"""The gallery operations: list, get, create or clone, update, delete
(docs/behaviour.md §5.1, §5.2, §5.5–§5.7; the delete cascades to the items).
Writes are all-or-nothing: every check runs before the first write, under the
fake's lock (see rules.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson

from ..errors import ItemNotFound
from ..state import events as ev
from ..state.clock import format_time
from ..state.store import Gallery, Item
from .operations import DEFAULT_ITEM_LIMIT
from .rules import Body, GalleryRules


class GalleryOperations(GalleryRules):
    """listGalleries, getGallery, createGallery, updateGallery, deleteGallery."""

    def list_galleries(
        self, site_id: str, limit: int, offset: int, item_limit: int
    ) -> Body:
        """docs/behaviour.md §5.1: a page of at most 10 galleries, oldest first,
        each with its first `itemLimit` items; `totalGalleries` counts every
        gallery of the site."""
        with self.lock:
            page = self.store.page_galleries(site_id, offset, limit)
            return {
                "totalGalleries": self.store.count_galleries(site_id),
                "galleries": [
                    self.gallery_wire(site_id, g, 0, item_limit) for g in page
                ],
            }

    def get_gallery(
        self, site_id: str, gallery_id: str, item_offset: int, item_limit: int
    ) -> Body:
        with self.lock:
            gallery = self.store.get_gallery(site_id, gallery_id)
            return {
                "gallery": self.gallery_wire(site_id, gallery, item_offset, item_limit)
            }

    def create_gallery(self, site_id: str, data: Mapping[str, Any]) -> Body:
        """docs/behaviour.md §5.5 / §6.3 / §6.4: plain create or clone.

        Clone copies the name and every item's content; ids, sortOrders and dates
        are new and the copies keep the source's relative order. With both `gallery`
        and `cloneFromGalleryId`, the clone gets `gallery.name`/`sortOrder` on top
        and `gallery.items` appended (undocumented; our choice).
        """
        self.check_media(site_id, data)  # STRICT_MEDIA (docs/live-site.md rule 5)
        spec: Mapping[str, Any] = data.get("gallery") or {}
        source_id = data.get("cloneFromGalleryId")
        store = self.store
        with self.lock:
            now = format_time(self.clock.now())
            name: str | None = spec.get("name")
            sources: list[Item] = []
            if source_id:
                source = store.get_gallery(site_id, source_id)
                if "name" not in spec:
                    name = source.name
                sources = sorted(
                    store.list_items(site_id, source_id),
                    key=lambda i: (i.sort_order or 0.0, i.seq),
                )
            gallery_id = self.fresh_id(site_id)
            sort_order = spec.get("sortOrder")
            if sort_order is None:
                sort_order = self.free_sort_order(store.gallery_sort_orders(site_id))
            other = store.gallery_holding(site_id, sort_order)
            self.reject_taken("gallery", "on this site", gallery_id, sort_order, other)
            explicit = {i.get("sortOrder") for i in spec.get("items", ())}
            items: list[Item] = []
            for src in sources:
                wire = src.wire()
                wire.update(id=self.fresh_id(site_id), createdDate=now, updatedDate=now)
                # `explicit`: a copy must not take a sortOrder that a new item of
                # the same request asks for (a 409 the caller could not avoid).
                value = self.free_sort_order(explicit)
                wire["sortOrder"] = value
                items.append(self.stored_item(gallery_id, wire, value))
            for entry in spec.get("items", ()):
                value = entry.get("sortOrder")
                if value is None:
                    value = self.free_sort_order(explicit)
                new_id = self.fresh_id(site_id)
                items.append(
                    self.new_item(gallery_id, entry, value, now, item_id=new_id)
                )
            self.check_unique(
                "item",
                f"in gallery '{gallery_id}'",
                {i.id: i.sort_order for i in items},
                [i.id for i in items],
            )
            gallery = Gallery(gallery_id, name, sort_order, now, store.next_seq())
            store.put_gallery(site_id, gallery)
            store.put_items(site_id, gallery_id, items)
            self.gallery_event(site_id, ev.GALLERY_CREATED, gallery, gallery_id)
            for item in items:
                body = {"item": orjson.Fragment(item.body)}
                self.item_event(site_id, ev.ITEM_CREATED, gallery_id, body)
            limit = max(len(items), DEFAULT_ITEM_LIMIT)
            return {"gallery": self.gallery_wire(site_id, gallery, 0, limit)}

    def update_gallery(
        self, site_id: str, gallery_id: str, data: Mapping[str, Any]
    ) -> Body:
        """docs/behaviour.md §5.6 (a default): partial update. `items` entries
        with an id update that item (404 if it is not in the gallery); entries
        without one are created; unlisted items stay. Returns the gallery with
        the default page of 50 items."""
        self.check_media(site_id, data)  # STRICT_MEDIA (docs/live-site.md rule 5)
        spec = data["gallery"]
        store = self.store
        with self.lock:
            gallery = store.get_gallery(site_id, gallery_id)
            now = format_time(self.clock.now())
            name = spec.get("name", gallery.name)
            sort_order = spec.get("sortOrder", gallery.sort_order)
            if "sortOrder" in spec and sort_order is not None:
                holder = store.gallery_holding(site_id, sort_order, gallery_id)
                where = "on this site"
                self.reject_taken("gallery", where, gallery_id, sort_order, holder)
            current = {i.id: i for i in store.list_items(site_id, gallery_id)}
            taken = {i.sort_order for i in current.values()}
            taken.update(e.get("sortOrder") for e in spec.get("items", ()))
            created: list[Item] = []
            # by id: entries naming one item twice apply in order, one event
            updated: dict[str, Item] = {}
            for entry in spec.get("items", ()):
                if "id" in entry:
                    old = updated.get(entry["id"]) or current.get(entry["id"])
                    if old is None:
                        raise ItemNotFound(gallery_id, entry["id"])
                    updated[old.id] = self.patched_item(old, entry, now)
                else:
                    value = entry.get("sortOrder")
                    if value is None:
                        value = self.free_sort_order(taken)
                        taken.add(value)
                    new_id = self.fresh_id(site_id)
                    created.append(
                        self.new_item(gallery_id, entry, value, now, item_id=new_id)
                    )
            changed = (*updated.values(), *created)
            final = {i.id: i.sort_order for i in current.values()}
            final.update({i.id: i.sort_order for i in changed})
            self.check_unique(
                "item", f"in gallery '{gallery_id}'", final, [i.id for i in changed]
            )
            gallery = Gallery(
                gallery_id, name, sort_order, gallery.created_date, gallery.seq
            )
            store.put_gallery(site_id, gallery)
            store.put_items(site_id, gallery_id, changed)
            self.gallery_event(site_id, ev.GALLERY_UPDATED, gallery, gallery_id)
            for item in updated.values():
                body = {"updatedItem": orjson.Fragment(item.body)}
                self.item_event(site_id, ev.ITEM_UPDATED, gallery_id, body)
            for item in created:
                body = {"item": orjson.Fragment(item.body)}
                self.item_event(site_id, ev.ITEM_CREATED, gallery_id, body)
            return {"gallery": self.gallery_wire(site_id, gallery)}

    def delete_gallery(self, site_id: str, gallery_id: str) -> Body:
        """docs/behaviour.md §5.7: cascades to the items, each with its own
        item-deleted event."""
        with self.lock:
            removed = self.store.delete_gallery(site_id, gallery_id)
            for item in removed:
                self.item_event(
                    site_id,
                    ev.ITEM_DELETED,
                    gallery_id,
                    {"itemId": item.id},
                    ev.ORIGINATED_FROM_GALLERY_DELETED,
                )
            self.gallery_event(site_id, ev.GALLERY_DELETED, None, gallery_id)
        return {"galleryId": gallery_id}
