"""The store contract on its own: not-found errors, ordering, immutability, reset,
and concurrent writers."""

from __future__ import annotations

import threading

import pytest

from fakegallery import create_app
from fakegallery.errors import GalleryNotFound, ItemNotFound
from fakegallery.state.store import Gallery, Item, MemoryStore

G = Gallery("g1", "name", 1.0, "2026-01-01T00:00:00Z", 1)


def _item(item_id: str, order: float | None, seq: int) -> Item:
    return Item(item_id, "g1", order, seq, b"{}")


def test_get_missing_raises_not_found():
    store = MemoryStore()
    with pytest.raises(GalleryNotFound):
        store.get_gallery("s", "g1")
    store.put_gallery("s", G)
    with pytest.raises(ItemNotFound):
        store.get_item("s", "g1", "nope")


def test_items_ordered_by_sort_order_then_creation():
    store = MemoryStore()
    store.put_gallery("s", G)
    for item in [
        _item("b", 2, 1),
        _item("a", 1, 3),
        _item("c", 2, 2),
        _item("z", None, 4),
    ]:
        store.put_item("s", item)
    assert [i.id for i in store.list_items("s", "g1")] == ["z", "a", "b", "c"]
    store.put_item("s", _item("first", -5, 5))
    assert store.list_items("s", "g1")[0].id == "first"  # the cache was dropped


def test_values_are_immutable():
    with pytest.raises(AttributeError):
        G.name = "changed"  # type: ignore[misc]


def test_reset_equals_new_store():
    store = MemoryStore()
    store.put_gallery("s", G)
    store.reset()
    fresh = MemoryStore()
    assert store.site_ids() == fresh.site_ids() == []
    assert store.next_seq() == fresh.next_seq()


def test_sites_are_separate():
    store = MemoryStore()
    store.put_gallery("s1", G)
    assert store.list_galleries("s2") == []
    with pytest.raises(GalleryNotFound):
        store.get_gallery("s2", "g1")


def test_concurrent_writers_lose_nothing():
    app = create_app()
    gallery = (
        app.test_client()
        .post("/pro-gallery/v2/galleries", json={}, headers={"Authorization": "k"})
        .json["gallery"]
    )
    url = f"/pro-gallery/v2/galleries/{gallery['id']}/items"
    failures: list[int] = []

    def writer() -> None:
        client = app.test_client()
        for _ in range(25):
            response = client.post(
                url,
                json={"item": {"text": {"html": "x"}}},
                headers={"Authorization": "k"},
            )
            if response.status_code != 200:
                failures.append(response.status_code)

    threads = [threading.Thread(target=writer) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    listed = app.test_client().get(
        f"/pro-gallery/v2/galleries/{gallery['id']}?itemLimit=200",
        headers={"Authorization": "k"},
    )
    assert failures == []
    orders = [i["sortOrder"] for i in listed.json["gallery"]["items"]]
    assert listed.json["gallery"]["totalItems"] == 200
    assert len(set(orders)) == 200
