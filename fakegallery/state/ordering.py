"""The store's order indexes, kept up to date on every write instead of being
rebuilt (docs/performance.md, scale).

`ItemOrder`: one gallery's items sorted by (sortOrder, creation), a missing
sortOrder counting as 0 and ITEM_SORT_DESC reversing the sortOrders
(docs/behaviour.md §5.2). One write costs a binary search and a list insert
(a memmove), so a write, a first page and the sortOrder uniqueness check
(§6.1: the run of equal keys, found by binary search) stay flat however large
the gallery is. Items added in a burst (a fixture, a clone, createGallery with
items) wait in `_pending` and are sorted in once, at the next read: a bulk
write stays O(n log n) instead of n inserts into a long list.

`GalleryOrder`: a site's galleries by (createdDate, creation) and the
galleries holding each sortOrder.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .store import Gallery, Item

ItemKey = tuple[float, int]

#: Up to this many pending items are inserted one by one; more are sorted in.
INSERT_ONE_BY_ONE = 8


class ItemOrder:
    """One gallery's items in order; every method runs under the store lock."""

    __slots__ = (
        "_items",
        "_key",
        "_pending",
        "_place",
        "_sign",
        "_snapshot",
        "descending",
    )

    def __init__(self, descending: bool) -> None:
        self.descending = descending
        sign = self._sign = -1.0 if descending else 1.0

        def place(item: Item) -> float:
            return sign * (item.sort_order or 0.0)

        def key(item: Item) -> ItemKey:
            return (place(item), item.seq)

        self._place: Callable[[Item], float] = place
        self._key: Callable[[Item], ItemKey] = key
        self._items: list[Item] = []
        self._pending: list[Item] = []
        self._snapshot: tuple[Item, ...] | None = None

    def __len__(self) -> int:
        return len(self._items) + len(self._pending)

    def rebuilt(self, descending: bool) -> ItemOrder:
        """The same items ordered the other way (a site's ITEM_SORT_DESC
        changed): one sort, then flat again."""
        order = ItemOrder(descending)
        order._items = sorted([*self._items, *self._pending], key=order._key)
        return order

    def add(self, item: Item) -> None:
        """A new item (or the new version of one `remove`d just before)."""
        self._pending.append(item)
        self._snapshot = None

    def replace(self, old: Item, new: Item) -> None:
        """`new` takes the place of the stored `old` (the same item, changed):
        in place when its sortOrder did not move it."""
        if self._key(old) != self._key(new):
            self.remove(old)
            self.add(new)
            return
        self._items[self._index(old)] = new
        self._snapshot = None

    def remove(self, item: Item) -> None:
        """Take out this exact stored item."""
        del self._items[self._index(item)]
        self._snapshot = None

    def _index(self, item: Item) -> int:
        """Where this exact stored item is."""
        self._settle()
        items, key = self._items, self._key(item)
        index = bisect.bisect_left(items, key, key=self._key)
        while index < len(items) and items[index] is not item:
            if self._key(items[index]) != key:  # a broken index: never hidden
                raise KeyError(item.id)
            index += 1
        if index == len(items):
            raise KeyError(item.id)
        return index

    def remove_many(self, items: Iterable[Item]) -> None:
        gone = {id(i) for i in items}
        if len(gone) <= INSERT_ONE_BY_ONE:
            for item in items:
                self.remove(item)
            return
        self._settle()
        self._items = [i for i in self._items if id(i) not in gone]
        self._snapshot = None

    def _settle(self) -> None:
        pending = self._pending
        if not pending:
            return
        if len(pending) <= INSERT_ONE_BY_ONE:
            for item in pending:
                bisect.insort(self._items, item, key=self._key)
        else:
            self._items.extend(pending)
            self._items.sort(key=self._key)  # sorted runs: close to linear
        self._pending = []

    def page(self, offset: int, limit: int) -> tuple[Item, ...]:
        self._settle()
        return tuple(self._items[offset : offset + limit])

    def all(self) -> tuple[Item, ...]:
        """Every item in order; the tuple is kept until the next write."""
        if self._snapshot is None:
            self._settle()
            self._snapshot = tuple(self._items)
        return self._snapshot

    def holder(self, value: float, exclude: str | None = None) -> str | None:
        """The first item in order, other than `exclude`, whose sortOrder is
        `value`; None when no other item has it."""
        self._settle()
        target = self._sign * value
        index = bisect.bisect_left(self._items, target, key=self._place)
        for item in self._run(index, target):
            if item.sort_order == value and item.id != exclude:
                return item.id
        return None

    def _run(self, index: int, target: float) -> Iterator[Item]:
        """The items from `index` on whose key starts with `target` (equal
        sortOrders, and missing ones when `target` is 0)."""
        items = self._items
        while index < len(items) and self._place(items[index]) == target:
            yield items[index]
            index += 1

    def __contains__(self, value: object) -> bool:
        """Whether an item has this sortOrder (for `free_sort_order`)."""
        return isinstance(value, int | float) and self.holder(float(value)) is not None

    def check(self) -> None:
        """Assert the index is sorted (tests)."""
        self._settle()
        keys = [self._key(i) for i in self._items]
        assert keys == sorted(keys), "item order index out of order"


class GalleryOrder:
    """A site's galleries, oldest first (createdDate, then creation order; a
    default of docs/behaviour.md §5.1), and which galleries hold each
    sortOrder. Every method runs under the store lock."""

    __slots__ = ("_by_sort_order", "_galleries")

    def __init__(self) -> None:
        self._galleries: list[Gallery] = []
        self._by_sort_order: dict[float, set[str]] = {}

    @staticmethod
    def _key(gallery: Gallery) -> tuple[str, int]:
        return (gallery.created_date, gallery.seq)

    def __len__(self) -> int:
        return len(self._galleries)

    def put(self, gallery: Gallery, old: Gallery | None) -> None:
        if old is not None:
            self.remove(old)
        bisect.insort(self._galleries, gallery, key=self._key)
        if gallery.sort_order is not None:
            self._by_sort_order.setdefault(gallery.sort_order, set()).add(gallery.id)

    def remove(self, gallery: Gallery) -> None:
        index = bisect.bisect_left(self._galleries, self._key(gallery), key=self._key)
        if index == len(self._galleries) or self._galleries[index].id != gallery.id:
            raise KeyError(gallery.id)  # a broken index: never hidden
        del self._galleries[index]
        if gallery.sort_order is not None:
            holders = self._by_sort_order[gallery.sort_order]
            holders.discard(gallery.id)
            if not holders:
                del self._by_sort_order[gallery.sort_order]

    def page(self, offset: int, limit: int) -> list[Gallery]:
        return self._galleries[offset : offset + limit]

    def all(self) -> list[Gallery]:
        return list(self._galleries)

    def holder(
        self, value: float, galleries: dict[str, Gallery], exclude: str | None = None
    ) -> str | None:
        """The oldest gallery, other than `exclude`, whose sortOrder is
        `value`; None when no other gallery has it."""
        holders = [g for g in self._by_sort_order.get(value, ()) if g != exclude]
        if not holders:
            return None
        return min(holders, key=lambda g: self._key(galleries[g]))

    def __contains__(self, value: object) -> bool:
        return value in self._by_sort_order

    def check(self) -> None:
        keys = [self._key(g) for g in self._galleries]
        assert keys == sorted(keys), "gallery order index out of order"
