"""Seeding and inspection: store a gallery exactly as a fixture gives it, and
export a site's galleries in wire shape (the shape of a fixture file)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson

from ..state.clock import format_time
from ..state.store import Gallery
from .bulk import BulkRules
from .rules import Body
from .wire import editor_filenames


class Snapshots(BulkRules):
    """Import a gallery as given (fixtures) and export a site (state)."""

    def import_gallery(
        self, site_id: str, spec: Mapping[str, Any], exact: bool = False
    ) -> Gallery:
        """Store a gallery from a validated fixture entry, keeping its ids, dates
        and sortOrders, defaulting what is missing. Emits no events. An Editor
        gallery (`origin: "editor"`) gets the Editor's image filenames
        (docs/behaviour.md §8.7). `exact` (imports): an item's explicit
        `"sortOrder": null` stays unset, as after a PATCH that cleared it,
        instead of getting the default."""
        store = self.store
        entries: list[Mapping[str, Any]] = list(spec.get("items", ()))
        if spec.get("origin") == "editor":
            entries = list(editor_filenames(entries))
        with self.lock:
            now = format_time(self.clock.now())
            gallery = Gallery(
                spec.get("id") or self.fresh_id(site_id),
                spec.get("name"),
                spec.get("sortOrder"),
                spec.get("createdDate") or now,
                store.next_seq(),
            )
            explicit = {i.get("sortOrder") for i in entries}
            store.put_gallery(site_id, gallery)
            # Drawn in bulk, in the order single draws would come (bulk.py).
            unset = [
                entry.get("sortOrder") is None and not (exact and "sortOrder" in entry)
                for entry in entries
            ]
            defaults = iter(self.free_sort_orders(explicit, sum(unset)))
            fresh = iter(self.fresh_ids(site_id, sum(not e.get("id") for e in entries)))
            items = []
            for entry, defaulted in zip(entries, unset, strict=True):
                value = next(defaults) if defaulted else entry.get("sortOrder")
                created = entry.get("createdDate") or now
                items.append(
                    self.new_item(
                        gallery.id,
                        entry,
                        value,
                        created,
                        item_id=entry.get("id") or next(fresh),
                        updated=entry.get("updatedDate") or created,
                    )
                )
            store.put_items(site_id, gallery.id, items)
            return gallery

    def site_state(self, site_id: str) -> Body:
        """A site's galleries with all their items, in wire shape (for tests, and
        the shape of a fixture file)."""
        state: Body = orjson.loads(self.site_state_json(site_id))
        return state

    def site_state_json(self, site_id: str) -> bytes:
        """`site_state` as JSON, written from the stored bytes of the items
        (never parsed again): linear in the site's size."""
        with self.lock:
            galleries = self.store.list_galleries(site_id)
            limit = max(
                (self.store.count_items(site_id, g.id) for g in galleries), default=0
            )
            wire = [self.gallery_wire(site_id, g, 0, limit) for g in galleries]
            return orjson.dumps({"siteId": site_id, "galleries": wire})
