"""One site's galleries and items with their indexes (state/ordering.py), as
the store keeps them: each change here updates every index in the same step.
No lock of its own: `MemoryStore` calls it under the fake's lock."""

from __future__ import annotations

from collections.abc import Iterable

from .ordering import GalleryOrder, ItemOrder
from .records import Gallery, Item, gallery_bytes, item_bytes


class SiteData:
    """The maps and indexes of one site, changed in place by the methods below."""

    __slots__ = (
        "bytes",
        "galleries",
        "gallery_order",
        "ids",
        "items",
        "ordered",
        "stamp",
    )

    def __init__(self) -> None:
        self.galleries: dict[str, Gallery] = {}
        self.items: dict[str, dict[str, Item]] = {}
        #: gallery → its items in order; the direction follows the site's
        #: ITEM_SORT_DESC when read (`MemoryStore._order`).
        self.ordered: dict[str, ItemOrder] = {}
        self.gallery_order = GalleryOrder()
        #: Every gallery and item id of the site: `has_id` in O(1).
        self.ids: set[str] = set()
        #: What the site's galleries and items count for MAX_STORED_BYTES.
        self.bytes = 0
        #: Changes on every write to the site (see `MemoryStore.stamp`).
        self.stamp = 0

    def add_gallery(self, gallery: Gallery) -> int:
        """Store and index the gallery; returns the stored bytes it adds."""
        old = self.galleries.get(gallery.id)
        self.gallery_order.put(gallery, old)
        self.galleries[gallery.id] = gallery
        if gallery.id not in self.items:
            self.items[gallery.id] = {}
            self.ordered[gallery.id] = ItemOrder(False)
        self.ids.add(gallery.id)
        return gallery_bytes(gallery) - (gallery_bytes(old) if old else 0)

    def remove_gallery(self, gallery_id: str) -> int:
        """Forget the gallery and its items; returns the stored bytes freed."""
        gallery = self.galleries.pop(gallery_id)
        self.gallery_order.remove(gallery)
        items = self.items.pop(gallery_id)
        del self.ordered[gallery_id]
        self.ids.discard(gallery_id)
        self.ids.difference_update(items)
        return gallery_bytes(gallery) + sum(map(item_bytes, items.values()))

    def add_items(self, gallery_id: str, items: Iterable[Item]) -> int:
        """Store and index the items; returns the stored bytes they add."""
        stored, order = self.items[gallery_id], self.ordered[gallery_id]
        delta = 0
        for item in items:
            old = stored.get(item.id)
            if old is None:
                order.add(item)
                self.ids.add(item.id)
                delta += item_bytes(item)
            else:
                order.replace(old, item)
                delta += item_bytes(item) - item_bytes(old)
            stored[item.id] = item
        return delta

    def remove_items(self, gallery_id: str, item_ids: Iterable[str]) -> list[Item]:
        """Forget the items with these ids (others are skipped); returns the
        removed ones, in the order given."""
        items = self.items[gallery_id]
        removed = [items.pop(i) for i in dict.fromkeys(item_ids) if i in items]
        self.ordered[gallery_id].remove_many(removed)
        self.ids.difference_update(i.id for i in removed)
        return removed
