"""What the gallery and item operations share: their collaborators, a gallery's
wire shape, building and patching items, default sortOrders, fresh ids, the
sortOrder uniqueness check (docs/behaviour.md §6.1), the strict-media check and
the events a write publishes (§8.1).

Every write checks everything first and only then writes, all under the fake's
lock, so a rejected request leaves the state exactly as it was (all-or-nothing).
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Container, Iterable, Mapping
from typing import Any

import orjson

from ..errors import DuplicateSortOrder
from ..state import compact
from ..state import events as ev
from ..state.clock import Clock, Ids, format_precise
from ..state.events import EventLog
from ..state.media import MediaLibrary
from ..state.quota import Quota
from ..state.site_settings import SiteSettings
from ..state.store import Gallery, Item, MemoryStore
from .media_check import require_media
from .operations import DEFAULT_ITEM_LIMIT
from .wire import WireBuilder, ordered

Body = dict[str, Any]


class GalleryRules:
    """The state the operations act on and the switches that shape the rules.
    Each operation is a method of `GalleryApi` (api.py), which mixes the
    gallery and item operations over this base."""

    def __init__(
        self,
        *,
        site_settings: SiteSettings,
        lock: threading.RLock,
        store: MemoryStore,
        clock: Clock,
        ids: Ids,
        events: EventLog,
        media: MediaLibrary,
        quota: Quota,
    ) -> None:
        #: The app's settings with each site's overrides.
        self.site_settings = site_settings
        self.lock = lock
        self.store = store
        self.clock = clock
        self.ids = ids
        self.events = events
        self.media = media
        self.quota = quota
        self.wire = WireBuilder(site_settings.settings.drop_undefined_strings)

    def switch(self, site_id: str, name: str) -> Any:
        """A setting as in force for one site (state/site_settings.py)."""
        return self.site_settings.switch(site_id, name)

    # --- shapes ---------------------------------------------------------------------

    def gallery_wire(
        self,
        site_id: str,
        gallery: Gallery,
        item_offset: int = 0,
        item_limit: int = DEFAULT_ITEM_LIMIT,
        with_items: bool = True,
    ) -> Body:
        """A gallery's wire shape; `items` is the requested page of stored JSON
        (orjson Fragments, never re-serialised), `totalItems` the full count."""
        total = self.store.count_items(site_id, gallery.id)
        page: tuple[Item, ...] = ()
        if with_items:
            page = self.store.page_items(site_id, gallery.id, item_offset, item_limit)
        return gallery_entity(gallery, total, [orjson.Fragment(i.body) for i in page])

    # --- ids and defaults -----------------------------------------------------------

    def free_sort_order(self, taken: Container[float | None]) -> float:
        """The next default sortOrder, bumped past any value in `taken` (§6.1):
        a set, or the store's index of a gallery's or a site's sortOrders."""
        value = self.clock.next_sort_order()
        while value in taken:
            value = self.clock.next_sort_order()
        return value

    def fresh_id(self, site_id: str) -> str:
        """A new GUID no gallery or item of the site has. Imported fixtures keep
        their ids, and a state exported under the same SEED holds exactly the
        ids the generator draws next: without this check createGallery could
        overwrite an imported gallery."""
        entity_id = self.ids.guid()
        while self.store.has_id(site_id, entity_id):
            entity_id = self.ids.guid()
        return entity_id

    # --- items ----------------------------------------------------------------------

    def new_item(
        self,
        gallery_id: str,
        data: Mapping[str, Any],
        sort_order: float | None,
        now: str,
        *,
        item_id: str,
        updated: str | None = None,
    ) -> Item:
        """A new item from validated `data` (its `id` and `sortOrder` are given)."""
        wire = self.wire.new(data, item_id, sort_order, now, updated or now)
        return Item(
            id=item_id,
            gallery_id=gallery_id,
            sort_order=sort_order,
            seq=self.store.next_seq(),
            body=compact.dumps(wire),  # in protobuf order already
        )

    def stored_item(
        self, gallery_id: str, wire: Body, sort_order: float | None
    ) -> Item:
        """The store's immutable Item of an item's wire dict (JSON bytes, a new seq)."""
        return Item(
            id=wire["id"],
            gallery_id=gallery_id,
            sort_order=sort_order,
            seq=self.store.next_seq(),
            body=compact.dumps(ordered(wire)),
        )

    def patched_item(self, item: Item, patch: Mapping[str, Any], now: str) -> Item:
        """docs/behaviour.md §5.11 / §6.5: present keys replace, null clears;
        of the dates only `updatedDate` moves."""
        wire = item.wire()
        self.wire.apply(wire, {k: v for k, v in patch.items() if k != "id"})
        wire["updatedDate"] = now
        sort_order = wire.get("sortOrder")
        return Item(
            item.id, item.gallery_id, sort_order, item.seq, compact.dumps(ordered(wire))
        )

    # --- checks ---------------------------------------------------------------------

    def check_unique(
        self,
        site_id: str,
        kind: str,
        where: str,
        final: Mapping[str, float | None],
        changed: Iterable[str],
    ) -> None:
        """Reject a changed entity whose sortOrder another one also has (§6.1)."""
        if not self.switch(site_id, "reject_duplicate_sort_order"):
            return
        counts = Counter(v for v in final.values() if v is not None)
        for entity_id in changed:
            value = final[entity_id]
            if value is not None and counts[value] > 1:
                other = next(
                    k for k, v in final.items() if v == value and k != entity_id
                )
                self.reject_taken(site_id, kind, where, entity_id, value, other)

    def reject_taken(
        self,
        site_id: str,
        kind: str,
        where: str,
        entity_id: str,
        value: Any,
        other: str | None,
    ) -> None:
        """§6.1 for one entity whose sortOrder `value` entity `other` already
        has (None: nobody has it); the store's indexes find `other`."""
        if other is not None and self.switch(site_id, "reject_duplicate_sort_order"):
            raise DuplicateSortOrder(
                f"sortOrder {value} of {kind} '{entity_id}' is already used by "
                f"{kind} '{other}' {where}",
                {"sortOrder": value, "id": entity_id, "conflictsWith": other},
            )

    def check_media(self, site_id: str, data: Mapping[str, Any]) -> None:
        """STRICT_MEDIA (docs/live-site.md, rule 5): every image of a validated
        write must be in the site's Media Manager."""
        if self.switch(site_id, "strict_media"):
            require_media(self.media.ids(site_id), data)

    # --- events (docs/behaviour.md §8.1) --------------------------------------------

    def event(
        self,
        site_id: str,
        event_type: str,
        gallery_id: str,
        body: Body,
        originated_from: str | None = None,
        at: str | None = None,
        sequence: int | None = None,
    ) -> ev.Event:
        """A domain event, not yet published; `entityId` is the gallery id, also
        for item events (a default: docs/behaviour.md §8.1). `at` is its time
        (default: now); one write gives all its events one instant. The log
        numbers it on publishing; a `sequence` given ahead saves it a copy."""
        return ev.Event.of(
            id=self.ids.request_id(),
            event_type=event_type,
            site_id=site_id,
            entity_id=gallery_id,
            event_time=at or self.event_time(),
            body=body,
            originated_from=originated_from,
            entity_fqdn=self.events.entity_fqdn,
            sequence=sequence,
        )

    def event_time(self) -> str:
        """Now, with six fraction digits as Wix's eventTime (§4.7)."""
        return format_precise(self.clock.now(), "microseconds")

    def item_event_of(
        self,
        site_id: str,
        event_type: str,
        gallery_id: str,
        body: Body,
        originated_from: str | None = None,
        at: str | None = None,
        sequence: int | None = None,
    ) -> ev.Event:
        """An item event: `body` wrapped in an `actionEvent`."""
        action = {"actionEvent": {"body": body}}
        return self.event(
            site_id, event_type, gallery_id, action, originated_from, at, sequence
        )

    def gallery_event_of(
        self,
        site_id: str,
        event_type: str,
        gallery: Gallery,
        total: int,
        at: str | None = None,
        sequence: int | None = None,
    ) -> ev.Event:
        """A gallery created or updated event; `total` is its item count after
        the write (§8.1: gallery events leave out the items but keep
        totalItems)."""
        entity = gallery_entity(gallery, total, [])
        key = "createdEvent" if event_type == ev.GALLERY_CREATED else "updatedEvent"
        field = "entity" if key == "createdEvent" else "currentEntity"
        body = {key: {field: entity}}
        return self.event(
            site_id, event_type, gallery.id, body, at=at, sequence=sequence
        )

    def item_event(
        self,
        site_id: str,
        event_type: str,
        gallery_id: str,
        body: Body,
        originated_from: str | None = None,
    ) -> None:
        """Publish an item event now."""
        self.events.publish(
            self.item_event_of(site_id, event_type, gallery_id, body, originated_from)
        )


def gallery_entity(gallery: Gallery, total: int, items: list[Any]) -> Body:
    """A gallery's wire fields in the protobuf order of a real answer
    (docs/behaviour.md §4.1); `totalItems` is `total`, `items` the page."""
    out: Body = {"id": gallery.id}
    if gallery.name is not None:
        out["name"] = gallery.name
    out["totalItems"] = total
    out["items"] = items
    if gallery.sort_order is not None:
        out["sortOrder"] = gallery.sort_order
    out["createdDate"] = gallery.created_date
    return out
