"""The in-memory, site-scoped store: galleries and items behind one lock.

No rules, no HTTP, no events. Values are immutable (frozen dataclasses; items keep
their wire JSON as bytes), so the store can hand them out without copying and no
caller can change state outside the lock. `get_*` raise NotFound, never return None.

The indexes (every id of a site, the order of items and galleries, who holds a
sortOrder) are updated by each write, so no single-item operation re-scans a
gallery or a site (state/ordering.py, docs/performance.md).

Each change is reported to `changes` (state/component.py) with a key: a gallery
is its id, an item is ``<gallery id>/<item id>`` (ids are GUIDs). Durable mode
stores what the keys name (fakegallery/persistence/rows.py).
"""

from __future__ import annotations

import threading
from collections.abc import Container, Iterable
from dataclasses import dataclass, field
from typing import Any, ClassVar

import orjson

from ..errors import GalleryNotFound, ItemNotFound
from . import compact
from .component import NO_CHANGES, ChangeSink
from .ordering import GalleryOrder, ItemOrder

Json = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Gallery:
    id: str
    name: str | None
    sort_order: float | None
    created_date: str  # RFC3339, whole seconds, UTC
    seq: int  # creation order: breaks ties between equal dates


@dataclass(frozen=True, slots=True)
class Item:
    id: str
    gallery_id: str
    sort_order: float | None
    seq: int
    body: bytes  # the item's wire JSON, ready to send (see gallery/wire.py)

    def wire(self) -> dict[str, Any]:
        """A fresh, mutable copy of the item's wire shape."""
        result: dict[str, Any] = orjson.loads(self.body)
        return result


def _restored(gallery_id: str, data: Json) -> Item:
    """An item of a dump: its `wire` JSON, or (from a data dir) its exact
    `body` bytes and `id`."""
    if "body" in data:
        body = bytes(memoryview(data["body"]))  # exact size (state/compact.py)
        return Item(data["id"], gallery_id, data["sortOrder"], data["seq"], body)
    wire = data["wire"]
    body = compact.dumps(wire)
    return Item(wire["id"], gallery_id, data["sortOrder"], data["seq"], body)


@dataclass(slots=True)
class _Site:
    galleries: dict[str, Gallery] = field(default_factory=dict)
    items: dict[str, dict[str, Item]] = field(default_factory=dict)
    ordered: dict[str, ItemOrder] = field(default_factory=dict)
    gallery_order: GalleryOrder = field(default_factory=GalleryOrder)
    #: Every gallery and item id of the site: `has_id` in O(1).
    ids: set[str] = field(default_factory=set)


class MemoryStore:
    """Sites → galleries → items. Every method takes the (re-entrant) lock; the
    operations hold `lock` across a read-check-write so each request is atomic.
    A component (state/component.py)."""

    name: ClassVar[str] = "store"

    def __init__(
        self, lock: threading.RLock | None = None, item_sort_desc: bool = False
    ) -> None:
        self.lock = lock or threading.RLock()
        self.item_sort_desc = item_sort_desc
        self._sites: dict[str, _Site] = {}
        self._seq = 0
        self.changes: ChangeSink = NO_CHANGES

    # --- component ----------------------------------------------------------------

    def reset(self) -> None:
        """Forget everything: the store is then the same as a new one."""
        with self.lock:
            self._sites = {}
            self._seq = 0
            self.changes.changed(self.name)

    def drop_site(self, site_id: str) -> None:
        with self.lock:
            self._sites.pop(site_id, None)
            self.changes.changed(self.name, site_id)

    def dump(self) -> Json:
        """Every site's galleries and items, items as their exact wire JSON."""
        with self.lock:
            return {
                "seq": self._seq,
                "sites": {
                    site_id: [
                        {
                            "id": g.id,
                            "name": g.name,
                            "sortOrder": g.sort_order,
                            "createdDate": g.created_date,
                            "seq": g.seq,
                            "items": [
                                {
                                    "seq": i.seq,
                                    "sortOrder": i.sort_order,
                                    "wire": i.wire(),
                                }
                                for i in site.items[g.id].values()
                            ],
                        }
                        for g in site.galleries.values()
                    ]
                    for site_id, site in self._sites.items()
                },
            }

    def restore(self, data: Json) -> None:
        sites: dict[str, _Site] = {}
        for site_id, galleries in data["sites"].items():
            site = sites[site_id] = _Site()
            for g in galleries:
                gallery = Gallery(
                    g["id"], g["name"], g["sortOrder"], g["createdDate"], g["seq"]
                )
                self._add_gallery(site, gallery)
                items = [_restored(gallery.id, i) for i in g["items"]]
                self._add_items(site, gallery.id, items)
        with self.lock:
            self._sites = sites
            self._seq = int(data["seq"])
            self.changes.changed(self.name)

    def site_ids(self) -> list[str]:
        with self.lock:
            return sorted(self._sites)

    def next_seq(self) -> int:
        with self.lock:
            self._seq += 1
            return self._seq

    def has_id(self, site_id: str, entity_id: str) -> bool:
        """True when a gallery or an item of the site already has this id."""
        with self.lock:
            site = self._sites.get(site_id)
            return site is not None and entity_id in site.ids

    def _site(self, site_id: str) -> _Site:
        site = self._sites.get(site_id)
        if site is None:
            site = self._sites[site_id] = _Site()
        return site

    # --- galleries --------------------------------------------------------------

    def list_galleries(self, site_id: str) -> list[Gallery]:
        """Oldest first (docs/behaviour.md §5.1, a default); creation order
        breaks ties."""
        with self.lock:
            site = self._sites.get(site_id)
            return site.gallery_order.all() if site is not None else []

    def page_galleries(self, site_id: str, offset: int, limit: int) -> list[Gallery]:
        """`limit` galleries from `offset` in `list_galleries` order."""
        with self.lock:
            site = self._sites.get(site_id)
            if site is None:
                return []
            return site.gallery_order.page(offset, limit)

    def count_galleries(self, site_id: str) -> int:
        with self.lock:
            site = self._sites.get(site_id)
            return len(site.galleries) if site is not None else 0

    def gallery_sort_orders(self, site_id: str) -> Container[float | None]:
        """The sortOrders the site's galleries hold (read it under `lock`)."""
        with self.lock:
            site = self._sites.get(site_id)
            return site.gallery_order if site is not None else frozenset()

    def gallery_holding(
        self, site_id: str, sort_order: float, exclude: str | None = None
    ) -> str | None:
        """The oldest gallery other than `exclude` with this sortOrder, if any."""
        with self.lock:
            site = self._sites.get(site_id)
            if site is None:
                return None
            return site.gallery_order.holder(sort_order, site.galleries, exclude)

    def get_gallery(self, site_id: str, gallery_id: str) -> Gallery:
        with self.lock:
            site = self._sites.get(site_id)
            gallery = site.galleries.get(gallery_id) if site else None
            if gallery is None:
                raise GalleryNotFound(gallery_id)
            return gallery

    def put_gallery(self, site_id: str, gallery: Gallery) -> None:
        with self.lock:
            self._add_gallery(self._site(site_id), gallery)
            self.changes.changed(self.name, site_id, gallery.id)

    def _add_gallery(self, site: _Site, gallery: Gallery) -> None:
        site.gallery_order.put(gallery, site.galleries.get(gallery.id))
        site.galleries[gallery.id] = gallery
        if gallery.id not in site.items:
            site.items[gallery.id] = {}
            site.ordered[gallery.id] = ItemOrder(self.item_sort_desc)
        site.ids.add(gallery.id)

    def delete_gallery(self, site_id: str, gallery_id: str) -> tuple[Item, ...]:
        """Remove a gallery and its items; return the removed items in order."""
        with self.lock:
            removed = self.list_items(site_id, gallery_id)
            site = self._site(site_id)
            site.gallery_order.remove(site.galleries.pop(gallery_id))
            site.ids.discard(gallery_id)
            site.ids.difference_update(site.items.pop(gallery_id))
            del site.ordered[gallery_id]
            self.changes.changed(self.name, site_id, gallery_id)
            for item in removed:
                self.changes.changed(self.name, site_id, f"{gallery_id}/{item.id}")
            return removed

    # --- items ------------------------------------------------------------------

    def count_items(self, site_id: str, gallery_id: str) -> int:
        with self.lock:
            self.get_gallery(site_id, gallery_id)
            return len(self._sites[site_id].items[gallery_id])

    def _order(self, site_id: str, gallery_id: str) -> ItemOrder:
        self.get_gallery(site_id, gallery_id)
        return self._sites[site_id].ordered[gallery_id]

    def list_items(self, site_id: str, gallery_id: str) -> tuple[Item, ...]:
        """Items by sortOrder (missing counts as 0; ITEM_SORT_DESC reverses
        sortOrders), ties by creation order."""
        with self.lock:
            return self._order(site_id, gallery_id).all()

    def page_items(
        self, site_id: str, gallery_id: str, offset: int, limit: int
    ) -> tuple[Item, ...]:
        """`limit` items from `offset` in `list_items` order."""
        with self.lock:
            return self._order(site_id, gallery_id).page(offset, limit)

    def item_sort_orders(self, site_id: str, gallery_id: str) -> Container[Any]:
        """The sortOrders the gallery's items hold (read it under `lock`)."""
        with self.lock:
            return self._order(site_id, gallery_id)

    def item_holding(
        self, site_id: str, gallery_id: str, sort_order: float, exclude: str | None
    ) -> str | None:
        """The first item in order, other than `exclude`, with this sortOrder."""
        with self.lock:
            return self._order(site_id, gallery_id).holder(sort_order, exclude)

    def get_item(self, site_id: str, gallery_id: str, item_id: str) -> Item:
        with self.lock:
            self.get_gallery(site_id, gallery_id)
            item = self._sites[site_id].items[gallery_id].get(item_id)
            if item is None:
                raise ItemNotFound(gallery_id, item_id)
            return item

    def put_item(self, site_id: str, item: Item) -> None:
        self.put_items(site_id, item.gallery_id, (item,))

    def put_items(self, site_id: str, gallery_id: str, items: Iterable[Item]) -> None:
        """Add or replace items of one gallery (each `gallery_id` must match)."""
        with self.lock:
            self.get_gallery(site_id, gallery_id)
            added = self._add_items(self._sites[site_id], gallery_id, items)
            for item_id in added:
                self.changes.changed(self.name, site_id, f"{gallery_id}/{item_id}")

    @staticmethod
    def _add_items(site: _Site, gallery_id: str, items: Iterable[Item]) -> list[str]:
        """Store the items, index them; returns their ids."""
        stored, order = site.items[gallery_id], site.ordered[gallery_id]
        ids = []
        for item in items:
            ids.append(item.id)
            old = stored.get(item.id)
            if old is None:
                order.add(item)
                site.ids.add(item.id)
            else:
                order.replace(old, item)
            stored[item.id] = item
        return ids

    def delete_items(
        self, site_id: str, gallery_id: str, item_ids: list[str]
    ) -> list[str]:
        """Delete the given items; ids not in the gallery are skipped. Returns
        the ids actually deleted, in the order given."""
        with self.lock:
            self.get_gallery(site_id, gallery_id)
            site = self._sites[site_id]
            items = site.items[gallery_id]
            removed = [items.pop(i) for i in dict.fromkeys(item_ids) if i in items]
            site.ordered[gallery_id].remove_many(removed)
            site.ids.difference_update(i.id for i in removed)
            for item in removed:
                self.changes.changed(self.name, site_id, f"{gallery_id}/{item.id}")
            return [i.id for i in removed]
