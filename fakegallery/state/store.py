"""The in-memory, site-scoped store: galleries and items behind one lock.

No rules, no HTTP, no events. Values are immutable (frozen dataclasses in
records.py; items keep their wire JSON as bytes), so the store can hand them out
without copying and no caller can change state outside the lock. `get_*` raise
NotFound, never return None.

The indexes (every id of a site, the order of items and galleries, who holds a
sortOrder) are updated by each write, so no single-item operation re-scans a
gallery or a site (state/ordering.py, docs/performance.md). The store also counts
what its data weighs (MAX_STORED_BYTES, state/quota.py) and stamps each write to
a site, so an operation that prepares a large write outside the lock can tell
whether the site changed meanwhile.

Each change is reported to `changes` (state/component.py) with a key: a gallery
is its id, an item is ``<gallery id>/<item id>`` (ids are GUIDs). Durable mode
stores what the keys name (fakegallery/persistence/rows.py).
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Container, Iterable
from typing import Any, ClassVar

from ..errors import GalleryNotFound, ItemNotFound
from .component import NO_CHANGES, ChangeSink
from .ordering import ItemOrder
from .records import ENTRY_OVERHEAD as ENTRY_OVERHEAD
from .records import Gallery as Gallery
from .records import Item as Item
from .records import gallery_bytes as gallery_bytes
from .records import item_bytes as item_bytes
from .records import restored_item
from .site_data import SiteData

Json = dict[str, Any]


class MemoryStore:
    """Sites → galleries → items. Every method takes the (re-entrant) lock; the
    operations hold `lock` across a read-check-write so each request is atomic.
    A component (state/component.py)."""

    name: ClassVar[str] = "store"

    def __init__(
        self,
        lock: threading.RLock | None = None,
        item_sort_desc: bool | Callable[[str], bool] = False,
    ) -> None:
        self.lock = lock or threading.RLock()
        #: Per site: list items by descending sortOrder (ITEM_SORT_DESC, which
        #: a site can override: state/site_settings.py).
        self.descending: Callable[[str], bool] = (
            item_sort_desc
            if callable(item_sort_desc)
            else lambda site_id: bool(item_sort_desc)
        )
        self._sites: dict[str, SiteData] = {}
        self._seq = 0
        self.changes: ChangeSink = NO_CHANGES
        self._bytes = 0
        # Never restarts (not even on reset), so a stamp is never reused.
        self._stamps = itertools.count(1)

    # --- component ----------------------------------------------------------------

    def reset(self) -> None:
        """Forget everything: the store is then the same as a new one."""
        with self.lock:
            self._sites = {}
            self._seq = 0
            self._bytes = 0
            self.changes.changed(self.name)

    def drop_site(self, site_id: str) -> None:
        with self.lock:
            site = self._sites.pop(site_id, None)
            if site is not None:
                self._bytes -= site.bytes
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
        sites: dict[str, SiteData] = {}
        for site_id, galleries in data["sites"].items():
            site = sites[site_id] = SiteData()
            for g in galleries:
                gallery = Gallery(
                    g["id"], g["name"], g["sortOrder"], g["createdDate"], g["seq"]
                )
                site.bytes += site.add_gallery(gallery)
                items = [restored_item(gallery.id, i) for i in g["items"]]
                site.bytes += site.add_items(gallery.id, items)
        with self.lock:
            for site in sites.values():
                site.stamp = next(self._stamps)
            self._sites = sites
            self._seq = int(data["seq"])
            self._bytes = sum(site.bytes for site in sites.values())
            self.changes.changed(self.name)

    # --- sites ----------------------------------------------------------------------

    def site_ids(self) -> list[str]:
        """The sites that hold at least one gallery."""
        with self.lock:
            return sorted(self._sites)

    def has_site(self, site_id: str) -> bool:
        with self.lock:
            return site_id in self._sites

    def stamp(self, site_id: str) -> int | None:
        """A value that changes on every write to the site (None: no data).
        An operation that prepares a write outside the lock compares stamps to
        know whether the site changed meanwhile."""
        with self.lock:
            site = self._sites.get(site_id)
            return site.stamp if site is not None else None

    def stored_bytes(self) -> int:
        """The JSON bytes of every gallery and item, plus a fixed overhead per
        entry (ENTRY_OVERHEAD): what MAX_STORED_BYTES bounds."""
        with self.lock:
            return self._bytes

    def next_seq(self) -> int:
        with self.lock:
            self._seq += 1
            return self._seq

    def has_id(self, site_id: str, entity_id: str) -> bool:
        """True when a gallery or an item of the site already has this id."""
        with self.lock:
            site = self._sites.get(site_id)
            return site is not None and entity_id in site.ids

    def _site(self, site_id: str) -> SiteData:
        site = self._sites.get(site_id)
        if site is None:
            site = self._sites[site_id] = SiteData()
        return site

    def _written(self, site: SiteData, delta: int) -> None:
        site.stamp = next(self._stamps)
        site.bytes += delta
        self._bytes += delta

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
            return site.gallery_order.page(offset, limit) if site is not None else []

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
            site = self._site(site_id)
            self._written(site, site.add_gallery(gallery))
            self.changes.changed(self.name, site_id, gallery.id)

    def delete_gallery(self, site_id: str, gallery_id: str) -> tuple[Item, ...]:
        """Remove a gallery and its items; return the removed items in order.
        A site left without galleries is forgotten (docs/control-plane.md)."""
        with self.lock:
            removed = self.list_items(site_id, gallery_id)
            site = self._sites[site_id]
            self._written(site, -site.remove_gallery(gallery_id))
            if not site.galleries:
                del self._sites[site_id]
                self._bytes -= site.bytes
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
        """The gallery's order index, in the direction the site's
        ITEM_SORT_DESC asks for now (re-sorted once when the switch moved)."""
        self.get_gallery(site_id, gallery_id)
        site = self._sites[site_id]
        order = site.ordered[gallery_id]
        descending = self.descending(site_id)
        if order.descending != descending:
            order = site.ordered[gallery_id] = order.rebuilt(descending)
        return order

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
        items = list(items)
        with self.lock:
            self.get_gallery(site_id, gallery_id)
            site = self._sites[site_id]
            self._written(site, site.add_items(gallery_id, items))
            for item in items:
                self.changes.changed(self.name, site_id, f"{gallery_id}/{item.id}")

    def delete_items(
        self, site_id: str, gallery_id: str, item_ids: list[str]
    ) -> list[str]:
        """Delete the given items; ids not in the gallery are skipped. Returns
        the ids actually deleted, in the order given."""
        with self.lock:
            self.get_gallery(site_id, gallery_id)
            site = self._sites[site_id]
            removed = site.remove_items(gallery_id, item_ids)
            if removed:
                self._written(site, -sum(map(item_bytes, removed)))
            for item in removed:
                self.changes.changed(self.name, site_id, f"{gallery_id}/{item.id}")
            return [i.id for i in removed]
