"""Fixture import and export: store a gallery as given, and dump a site's state."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson

from .clock import format_time
from .fake import FakeGallery
from .service_common import Body, free_sort_order, fresh_id, gallery_wire, new_item
from .store import Gallery

# Seeding: no events; ids, dates and sortOrders are kept.


def import_gallery(fake: FakeGallery, site_id: str, spec: Mapping[str, Any]) -> Gallery:
    """Store a gallery from a validated fixture entry, keeping its ids, dates
    and sortOrders, defaulting what is missing. Emits no events."""
    store = fake.store
    with store.lock:
        now = format_time(fake.clock.now())
        gallery = Gallery(
            spec.get("id") or fresh_id(fake, site_id),
            spec.get("name"),
            spec.get("sortOrder"),
            spec.get("createdDate") or now,
            store.next_seq(),
        )
        explicit = [i.get("sortOrder") for i in spec.get("items", ())]
        store.put_gallery(site_id, gallery)
        for entry in spec.get("items", ()):
            value = entry.get("sortOrder")
            if value is None:
                value = free_sort_order(fake, explicit)
            created = entry.get("createdDate") or now
            store.put_item(
                site_id,
                new_item(
                    fake,
                    gallery.id,
                    entry,
                    value,
                    created,
                    item_id=entry.get("id") or fresh_id(fake, site_id),
                    updated=entry.get("updatedDate") or created,
                ),
            )
        return gallery


def site_state(fake: FakeGallery, site_id: str) -> Body:
    """A site's galleries with all their items, in wire shape (for tests, and
    the shape of a fixture file)."""
    with fake.store.lock:
        galleries = fake.store.list_galleries(site_id)
        limit = max(
            (fake.store.count_items(site_id, g.id) for g in galleries), default=0
        )
        wire = [gallery_wire(fake, site_id, g, 0, limit) for g in galleries]
    state: Body = orjson.loads(orjson.dumps({"siteId": site_id, "galleries": wire}))
    return state
