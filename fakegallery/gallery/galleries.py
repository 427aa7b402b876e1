"""The gallery operations: list, get, create or clone, update, delete
(docs/behaviour.md §5.1, §5.2, §5.5–§5.7; the delete cascades to the items).
Writes are all-or-nothing: every check runs before the first write (see
rules.py).

createGallery and updateGallery may carry thousands of items. Their work is
linear in the request, and most of it (ids, JSON bodies, events) is prepared
outside the fake's lock as a `_Plan`; the lock is then held only to check that
the site did not change meanwhile, check the limits and store. When the site
did change (another write to it), the plan is made again; after a few tries,
under the lock.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

import orjson

from ..errors import ItemNotFound
from ..state import events as ev
from ..state.clock import format_time
from ..state.commit import CommitLock
from ..state.store import Gallery, Item, gallery_bytes, item_bytes
from .bulk import BulkRules, cloned_body
from .operations import DEFAULT_ITEM_LIMIT
from .rules import Body

#: Plans made outside the lock before one is made under it.
PLAN_ATTEMPTS = 3


class _Plan(NamedTuple):
    """A prepared gallery write: what to store and publish."""

    gallery: Gallery
    new: bool  # a new gallery (create) or an update
    items: list[Item]  # new and changed items
    events: list[ev.Event]
    added_bytes: int = 0
    response_limit: int = DEFAULT_ITEM_LIMIT


class GalleryOperations(BulkRules):
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
        return self._write(site_id, lambda: self._plan_create(site_id, data))

    def _plan_create(self, site_id: str, data: Mapping[str, Any]) -> _Plan:
        spec: Mapping[str, Any] = data.get("gallery") or {}
        source_id = data.get("cloneFromGalleryId")
        store = self.store
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
        entries = spec.get("items", ())
        gallery_id = self.fresh_id(site_id)
        sort_order = spec.get("sortOrder")
        if sort_order is None:
            sort_order = self.free_sort_order(store.gallery_sort_orders(site_id))
        other = store.gallery_holding(site_id, sort_order)
        where = "on this site"
        self.reject_taken(site_id, "gallery", where, gallery_id, sort_order, other)
        # A copy or a defaulted item must not take a sortOrder that an item of
        # the same request asks for (a 409 the caller could not avoid).
        explicit = {e.get("sortOrder") for e in entries}
        defaulted = len(sources) + sum(e.get("sortOrder") is None for e in entries)
        defaults = iter(self.free_sort_orders(explicit, defaulted))
        fresh = iter(self.fresh_ids(site_id, len(sources) + len(entries)))
        items: list[Item] = []
        for src in sources:
            new_id, value = next(fresh), next(defaults)
            body = cloned_body(src, new_id, value, now)
            if body is not None:  # the stored bytes, spliced (no parse)
                seq = store.next_seq()
                items.append(Item(new_id, gallery_id, value, seq, body))
                continue
            wire = src.wire()
            wire.update(id=new_id, createdDate=now, updatedDate=now, sortOrder=value)
            items.append(self.stored_item(gallery_id, wire, value))
        for entry in entries:
            value = entry.get("sortOrder")
            if value is None:
                value = next(defaults)
            new_id = next(fresh)
            items.append(self.new_item(gallery_id, entry, value, now, item_id=new_id))
        self.check_unique(
            site_id,
            "item",
            f"in gallery '{gallery_id}'",
            {i.id: i.sort_order for i in items},
            [i.id for i in items],
        )
        gallery = Gallery(gallery_id, name, sort_order, now, store.next_seq())
        at, total = self.event_time(), len(items)
        # A new gallery's events are numbered 1, 2, … (entityEventSequence).
        events = [
            self.gallery_event_of(site_id, ev.GALLERY_CREATED, gallery, total, at, 1)
        ]
        events += self.item_events(
            site_id, ev.ITEM_CREATED, gallery_id, "item", [i.body for i in items], at, 2
        )
        return _Plan(
            gallery,
            new=True,
            items=items,
            events=events,
            added_bytes=gallery_bytes(gallery) + sum(map(item_bytes, items)),
            response_limit=max(len(items), DEFAULT_ITEM_LIMIT),
        )

    def update_gallery(
        self, site_id: str, gallery_id: str, data: Mapping[str, Any]
    ) -> Body:
        """docs/behaviour.md §5.6 (a default): partial update. `items` entries
        with an id update that item (404 if it is not in the gallery); entries
        without one are created; unlisted items stay. Returns the gallery with
        the default page of 50 items."""
        self.check_media(site_id, data)  # STRICT_MEDIA (docs/live-site.md rule 5)
        return self._write(
            site_id, lambda: self._plan_update(site_id, gallery_id, data["gallery"])
        )

    def _plan_update(
        self, site_id: str, gallery_id: str, spec: Mapping[str, Any]
    ) -> _Plan:
        store = self.store
        gallery = store.get_gallery(site_id, gallery_id)
        now = format_time(self.clock.now())
        name = spec.get("name", gallery.name)
        sort_order = spec.get("sortOrder", gallery.sort_order)
        if "sortOrder" in spec and sort_order is not None:
            holder = store.gallery_holding(site_id, sort_order, gallery_id)
            where = "on this site"
            self.reject_taken(site_id, "gallery", where, gallery_id, sort_order, holder)
        current = {i.id: i for i in store.list_items(site_id, gallery_id)}
        entries = spec.get("items", ())
        taken = {i.sort_order for i in current.values()}
        taken.update(e.get("sortOrder") for e in entries)
        created: list[Item] = []
        # by id: entries naming one item twice apply in order, one event
        updated: dict[str, Item] = {}
        for entry in entries:
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
        changed = [*updated.values(), *created]
        final = {i.id: i.sort_order for i in current.values()}
        final.update({i.id: i.sort_order for i in changed})
        self.check_unique(
            site_id,
            "item",
            f"in gallery '{gallery_id}'",
            final,
            [i.id for i in changed],
        )
        new = Gallery(gallery_id, name, sort_order, gallery.created_date, gallery.seq)
        total = len(current) + len(created)
        at = self.event_time()
        first = self.events.last_sequence(site_id, gallery_id) + 1
        events = [
            self.gallery_event_of(site_id, ev.GALLERY_UPDATED, new, total, at, first)
        ]
        events += self.item_events(
            site_id,
            ev.ITEM_UPDATED,
            gallery_id,
            "updatedItem",
            [i.body for i in updated.values()],
            at,
            first + 1,
        )
        events += self.item_events(
            site_id,
            ev.ITEM_CREATED,
            gallery_id,
            "item",
            [i.body for i in created],
            at,
            first + 1 + len(updated),
        )
        added = gallery_bytes(new) - gallery_bytes(gallery)
        added += sum(item_bytes(i) for i in changed)
        added -= sum(item_bytes(current[i]) for i in updated)
        return _Plan(new, new=False, items=changed, events=events, added_bytes=added)

    def _write(self, site_id: str, plan: Callable[[], _Plan]) -> Body:
        """Make the plan outside the lock and commit it if the site did not
        change meanwhile; a busy site gets its plan made under the lock. In
        durable mode the plan is always made under the lock: the ids and
        sortOrders it draws are stored with the write (state/commit.py), not
        each in a transaction of its own."""
        attempts = 0 if isinstance(self.lock, CommitLock) else PLAN_ATTEMPTS
        for _ in range(attempts):
            stamp = self.store.stamp(site_id)
            prepared = plan()
            with self.lock:
                if self.store.stamp(site_id) == stamp:
                    return self._commit(site_id, prepared)
        with self.lock:
            return self._commit(site_id, plan())

    def _commit(self, site_id: str, plan: _Plan) -> Body:
        """Check the limits, store, publish; under the lock."""
        gallery = plan.gallery
        if plan.new:
            self.quota.admit_site(site_id)
            self.quota.admit_galleries(site_id, 1)
        self.quota.admit_bytes(plan.added_bytes)
        self.store.put_gallery(site_id, gallery)
        self.store.put_items(site_id, gallery.id, plan.items)
        self.events.publish_many(plan.events)
        return {"gallery": self.gallery_wire(site_id, gallery, 0, plan.response_limit)}

    def delete_gallery(self, site_id: str, gallery_id: str) -> Body:
        """docs/behaviour.md §5.7: cascades to the items, each with its own
        item-deleted event."""
        with self.lock:
            removed = self.store.delete_gallery(site_id, gallery_id)
            first = self.events.last_sequence(site_id, gallery_id) + 1
            events = self.item_events(
                site_id,
                ev.ITEM_DELETED,
                gallery_id,
                "itemId",
                [orjson.dumps(item.id) for item in removed],
                self.event_time(),
                first,
                ev.ORIGINATED_FROM_GALLERY_DELETED,
            )
            body: Body = {"deletedEvent": {}}
            events.append(self.event(site_id, ev.GALLERY_DELETED, gallery_id, body))
            self.events.publish_many(events)
        return {"galleryId": gallery_id}
