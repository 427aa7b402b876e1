"""Building blocks that the gallery and item operations share.

A gallery's wire shape, building and patching items, default sortOrders, fresh
ids, and the sortOrder uniqueness check (spec §6.1).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

import orjson

from .errors import DuplicateSortOrder
from .fake import FakeGallery
from .store import Gallery, Item
from .wire import ordered

DEFAULT_ITEM_LIMIT = 50  # spec §5.2: getGallery / listGalleryItems default page

Body = dict[str, Any]


def gallery_wire(
    fake: FakeGallery,
    site_id: str,
    gallery: Gallery,
    item_offset: int = 0,
    item_limit: int = DEFAULT_ITEM_LIMIT,
    with_items: bool = True,
) -> Body:
    """A gallery's wire shape; `items` is the requested page of stored JSON
    (orjson Fragments, never re-serialised), `totalItems` the full count."""
    items = fake.store.list_items(site_id, gallery.id)
    out: Body = {"id": gallery.id}
    if gallery.name is not None:
        out["name"] = gallery.name
    out["createdDate"] = gallery.created_date
    if gallery.sort_order is not None:
        out["sortOrder"] = gallery.sort_order
    out["totalItems"] = len(items)
    page = items[item_offset : item_offset + item_limit] if with_items else ()
    out["items"] = [orjson.Fragment(i.body) for i in page]
    return out


def free_sort_order(fake: FakeGallery, taken: Iterable[float | None]) -> float:
    """The next default sortOrder, bumped past any value already taken (§6.1)."""
    used = set(taken)
    value = fake.clock.next_sort_order()
    while value in used:
        value = fake.clock.next_sort_order()
    return value


def fresh_id(fake: FakeGallery, site_id: str) -> str:
    """A new GUID no gallery or item of the site has. Imported fixtures keep
    their ids, and a state exported under the same SEED holds exactly the ids
    the generator draws next: without this check createGallery overwrote the
    imported gallery (found by review)."""
    entity_id = fake.ids.guid()
    while fake.store.has_id(site_id, entity_id):
        entity_id = fake.ids.guid()
    return entity_id


def new_item(
    fake: FakeGallery,
    gallery_id: str,
    data: Mapping[str, Any],
    sort_order: float | None,
    now: str,
    *,
    item_id: str,
    updated: str | None = None,
) -> Item:
    """A new item from validated `data` (its `id` and `sortOrder` are given)."""
    wire: Body = {
        "id": item_id,
        "createdDate": now,
        "updatedDate": updated or now,
    }
    patch = {k: v for k, v in data.items() if k not in ("id", "sortOrder")}
    fake.wire.apply(wire, patch)
    if sort_order is not None:
        wire["sortOrder"] = sort_order
    return freeze(fake, gallery_id, wire, sort_order)


def freeze(
    fake: FakeGallery, gallery_id: str, wire: Body, sort_order: float | None
) -> Item:
    """Store-ready Item of an item's wire dict (JSON bytes, a new seq)."""
    return Item(
        id=wire["id"],
        gallery_id=gallery_id,
        sort_order=sort_order,
        seq=fake.store.next_seq(),
        body=orjson.dumps(ordered(wire)),
    )


def patched_item(
    fake: FakeGallery, item: Item, patch: Mapping[str, Any], now: str
) -> Item:
    """spec §5.11 / §6.5: present keys replace, null clears, dates: only
    `updatedDate` moves."""
    wire = item.wire()
    fake.wire.apply(wire, {k: v for k, v in patch.items() if k != "id"})
    wire["updatedDate"] = now
    sort_order = wire.get("sortOrder")
    return Item(
        item.id, item.gallery_id, sort_order, item.seq, orjson.dumps(ordered(wire))
    )


def check_unique(
    fake: FakeGallery,
    kind: str,
    where: str,
    final: Mapping[str, float | None],
    changed: Iterable[str],
) -> None:
    """Reject a changed entity whose sortOrder another one also has (§6.1)."""
    if not fake.settings.reject_duplicate_sort_order:
        return
    counts = Counter(v for v in final.values() if v is not None)
    for entity_id in changed:
        value = final[entity_id]
        if value is not None and counts[value] > 1:
            other = next(k for k, v in final.items() if v == value and k != entity_id)
            raise DuplicateSortOrder(
                f"sortOrder {value} of {kind} '{entity_id}' is already used by "
                f"{kind} '{other}' {where}",
                {"sortOrder": value, "id": entity_id, "conflictsWith": other},
            )
