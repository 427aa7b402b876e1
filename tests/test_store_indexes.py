"""The store's indexes (state/ordering.py) against the plain answers they
replace: after random writes, the maintained order equals a full sort, a page
equals a slice of it, the holder of a sortOrder is the first one in that
order, and every id is known. Seeded, so a failure repeats."""

from __future__ import annotations

import random

import orjson
import pytest

from fakegallery.state.store import Gallery, Item, MemoryStore

SITE = "s"
VALUES = [None, 0.0, 1.0, 1.5, 2.0, -3.0, 7.25]  # few values: many duplicates


def check_indexes(store: MemoryStore) -> None:
    """Every index agrees with the data it indexes (the store's internals)."""
    with store.lock:
        for site in store._sites.values():
            site.gallery_order.check()
            assert site.gallery_order.all() == sorted(
                site.galleries.values(), key=lambda g: (g.created_date, g.seq)
            )
            ids = set(site.galleries)
            for gallery_id, items in site.items.items():
                order = site.ordered[gallery_id]
                order.check()
                assert set(map(id, order.all())) == set(map(id, items.values()))
                ids.update(items)
            assert ids == site.ids


def full_sort(items: list[Item], desc: bool) -> list[str]:
    sign = -1.0 if desc else 1.0
    ordered = sorted(items, key=lambda i: (sign * (i.sort_order or 0.0), i.seq))
    return [i.id for i in ordered]


def first_holder(order: list[Item], value: float, exclude: str | None) -> str | None:
    return next(
        (i.id for i in order if i.sort_order == value and i.id != exclude), None
    )


class Model:
    """Random writes to a store, and the same data kept plainly."""

    def __init__(self, seed: int, desc: bool) -> None:
        self.random = random.Random(seed)
        self.desc = desc
        self.store = MemoryStore(item_sort_desc=desc)
        self.galleries: dict[str, Gallery] = {}
        self.items: dict[str, dict[str, Item]] = {}
        self.counter = 0

    def new_id(self) -> str:
        self.counter += 1
        return f"id-{self.counter}"

    def sort_value(self) -> float | None:
        if self.random.random() < 0.5:
            return self.random.choice(VALUES)
        return round(self.random.uniform(-50, 50), 1)

    def item(self, gallery_id: str, item_id: str | None = None) -> Item:
        seq = self.store.next_seq()
        if item_id is not None:
            seq = self.items[gallery_id][item_id].seq  # a changed item keeps it
        item_id = item_id or self.new_id()
        body = orjson.dumps({"id": item_id})
        return Item(item_id, gallery_id, self.sort_value(), seq, body)

    def step(self) -> None:
        choice = self.random.random()
        galleries = list(self.galleries)
        if choice < 0.1 or not galleries:
            date = f"2026-01-0{self.random.randint(1, 3)}T00:00:00Z"
            gallery = Gallery(
                self.new_id(), None, self.sort_value(), date, self.store.next_seq()
            )
            self.store.put_gallery(SITE, gallery)
            self.galleries[gallery.id] = gallery
            self.items[gallery.id] = {}
            return
        gallery_id = self.random.choice(galleries)
        stored = self.items[gallery_id]
        if choice < 0.15:  # a gallery's sortOrder or name changes
            old = self.galleries[gallery_id]
            new = Gallery(old.id, "n", self.sort_value(), old.created_date, old.seq)
            self.store.put_gallery(SITE, new)
            self.galleries[gallery_id] = new
        elif choice < 0.18:
            self.store.delete_gallery(SITE, gallery_id)
            del self.galleries[gallery_id], self.items[gallery_id]
        elif choice < 0.5:  # a burst, some of them changed items
            burst = [self.item(gallery_id) for _ in range(self.random.randint(1, 20))]
            burst += [self.item(gallery_id, i) for i in list(stored)[:3]]
            self.store.put_items(SITE, gallery_id, burst)
            stored.update((i.id, i) for i in burst)
        elif choice < 0.75 and stored:
            changed = self.item(gallery_id, self.random.choice(list(stored)))
            self.store.put_item(SITE, changed)
            stored[changed.id] = changed
        elif stored:
            count = self.random.choice([1, 2, 12, len(stored)])
            gone = self.random.sample(list(stored), min(count, len(stored)))
            deleted = self.store.delete_items(SITE, gallery_id, [*gone, "missing"])
            assert deleted == gone
            for item_id in gone:
                del stored[item_id]

    def compare(self) -> None:
        store = self.store
        check_indexes(store)
        by_date = sorted(self.galleries.values(), key=lambda g: (g.created_date, g.seq))
        assert store.list_galleries(SITE) == by_date
        assert store.page_galleries(SITE, 1, 3) == by_date[1:4]
        assert store.count_galleries(SITE) == len(by_date)
        for value in {g.sort_order for g in by_date if g.sort_order is not None}:
            exclude = self.random.choice([None, by_date[0].id])
            expected = first_holder_gallery(by_date, value, exclude)
            assert store.gallery_holding(SITE, value, exclude) == expected
            assert value in store.gallery_sort_orders(SITE)
        for gallery_id, stored in self.items.items():
            expected = full_sort(list(stored.values()), self.desc)
            listed = store.list_items(SITE, gallery_id)
            assert [i.id for i in listed] == expected
            offset = self.random.randint(0, max(len(expected) - 1, 0))
            page = store.page_items(SITE, gallery_id, offset, 5)
            assert [i.id for i in page] == expected[offset : offset + 5]
            for value in [*VALUES[1:], 99.5]:
                exclude = self.random.choice([None, *expected[:2]])
                holder = store.item_holding(SITE, gallery_id, value, exclude)
                assert holder == first_holder(list(listed), value, exclude)
                taken = store.item_sort_orders(SITE, gallery_id)
                assert (value in taken) == any(
                    i.sort_order == value for i in stored.values()
                )
            for item_id in stored:
                assert store.has_id(SITE, item_id)
        for gallery_id in self.galleries:
            assert store.has_id(SITE, gallery_id)
        assert not store.has_id(SITE, "id-0")


def first_holder_gallery(
    galleries: list[Gallery], value: float, exclude: str | None
) -> str | None:
    return next(
        (g.id for g in galleries if g.sort_order == value and g.id != exclude), None
    )


@pytest.mark.parametrize("desc", [False, True])
@pytest.mark.parametrize("seed", range(6))
def test_indexes_match_a_full_sort_after_random_writes(seed: int, desc: bool) -> None:
    model = Model(seed, desc)
    for step in range(300):
        model.step()
        if step % 10 == 9:
            model.compare()
    model.compare()


def test_deleted_ids_are_forgotten_and_restore_rebuilds_the_indexes() -> None:
    model = Model(99, desc=False)
    for _ in range(200):
        model.step()
    store = model.store
    restored = MemoryStore()
    restored.restore(store.dump())
    check_indexes(restored)
    for gallery_id in model.galleries:
        before = [i.id for i in store.list_items(SITE, gallery_id)]
        assert [i.id for i in restored.list_items(SITE, gallery_id)] == before
    gallery_id = next(iter(model.galleries))
    item_ids = list(model.items[gallery_id])
    store.delete_gallery(SITE, gallery_id)
    assert not store.has_id(SITE, gallery_id)
    assert not any(store.has_id(SITE, i) for i in item_ids)
    check_indexes(store)
