"""One function per Pro Gallery operation: defaults, sortOrder, clone, cascade,
paging and events. Routes call these with validated input; the store holds data.

Every write checks everything first and only then writes, all under the store
lock, so a rejected request leaves the store exactly as it was (all-or-nothing).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

import orjson

from . import events as ev
from .clock import format_time
from .errors import DuplicateSortOrder, ItemNotFound
from .fake import FakeGallery
from .store import Gallery, Item
from .wire import ordered

DEFAULT_ITEM_LIMIT = 50  # spec §5.2: getGallery / listGalleryItems default page
LIST_ITEM_LIMIT = 10  # spec §5.1: items per gallery in listGalleries

Body = dict[str, Any]


# --- reading ------------------------------------------------------------------


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


def list_galleries(
    fake: FakeGallery, site_id: str, limit: int, offset: int, item_limit: int
) -> Body:
    """spec §5.1: a page of at most 10 galleries, oldest first, each with its
    first `itemLimit` items; `totalGalleries` counts every gallery of the site."""
    with fake.store.lock:
        galleries = fake.store.list_galleries(site_id)
        page = galleries[offset : offset + limit]
        return {
            "totalGalleries": len(galleries),
            "galleries": [gallery_wire(fake, site_id, g, 0, item_limit) for g in page],
        }


def get_gallery(
    fake: FakeGallery, site_id: str, gallery_id: str, item_offset: int, item_limit: int
) -> Body:
    with fake.store.lock:
        gallery = fake.store.get_gallery(site_id, gallery_id)
        return {
            "gallery": gallery_wire(fake, site_id, gallery, item_offset, item_limit)
        }


def list_gallery_items(
    fake: FakeGallery, site_id: str, gallery_id: str, item_offset: int, item_limit: int
) -> Body:
    """spec §5.3: `{items}` only; no total and no paging metadata."""
    items = fake.store.list_items(site_id, gallery_id)
    page = items[item_offset : item_offset + item_limit]
    return {"items": [orjson.Fragment(i.body) for i in page]}


def get_gallery_item(
    fake: FakeGallery, site_id: str, gallery_id: str, item_id: str
) -> Body:
    item = fake.store.get_item(site_id, gallery_id, item_id)
    return {"item": orjson.Fragment(item.body)}


# --- building items -------------------------------------------------------------


def _free_sort_order(fake: FakeGallery, taken: Iterable[float | None]) -> float:
    """The next default sortOrder, bumped past any value already taken (§6.1)."""
    used = set(taken)
    value = fake.clock.next_sort_order()
    while value in used:
        value = fake.clock.next_sort_order()
    return value


def _fresh_id(fake: FakeGallery, site_id: str) -> str:
    """A new GUID no gallery or item of the site has. Imported fixtures keep
    their ids, and a state exported under the same SEED holds exactly the ids
    the generator draws next: without this check createGallery overwrote the
    imported gallery (found by review)."""
    entity_id = fake.ids.guid()
    while fake.store.has_id(site_id, entity_id):
        entity_id = fake.ids.guid()
    return entity_id


def _new_item(
    fake: FakeGallery,
    gallery_id: str,
    data: Mapping[str, Any],
    sort_order: float | None,
    now: str,
    *,
    item_id: str,
    updated: str | None = None,
) -> Item:
    wire: Body = {
        "id": item_id,
        "createdDate": now,
        "updatedDate": updated or now,
    }
    patch = {k: v for k, v in data.items() if k not in ("id", "sortOrder")}
    fake.wire.apply(wire, patch)
    if sort_order is not None:
        wire["sortOrder"] = sort_order
    return _freeze(fake, gallery_id, wire, sort_order)


def _freeze(
    fake: FakeGallery, gallery_id: str, wire: Body, sort_order: float | None
) -> Item:
    return Item(
        id=wire["id"],
        gallery_id=gallery_id,
        sort_order=sort_order,
        seq=fake.store.next_seq(),
        body=orjson.dumps(ordered(wire)),
    )


def _patched_item(
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


def _check_unique(
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


def _emit(
    fake: FakeGallery,
    site_id: str,
    event_type: str,
    gallery_id: str,
    body: Body,
    originated_from: str | None = None,
) -> None:
    """Record a domain event; `entityId` is the gallery id, also for item
    events (spec §8.1 [INF])."""
    fake.events.append(
        ev.Event(
            id=fake.ids.request_id(),
            event_type=event_type,
            site_id=site_id,
            entity_id=gallery_id,
            event_time=fake.clock.now().isoformat().replace("+00:00", "Z"),
            body=body,
            originated_from=originated_from,
        )
    )


def _item_event(
    fake: FakeGallery,
    site_id: str,
    event_type: str,
    gallery_id: str,
    body: Body,
    originated_from: str | None = None,
) -> None:
    action = {"actionEvent": {"body": body}}
    _emit(fake, site_id, event_type, gallery_id, action, originated_from)


def _gallery_event(
    fake: FakeGallery, site_id: str, event_type: str, gallery: Gallery | None, gid: str
) -> None:
    if gallery is None:
        body: Body = {"deletedEvent": {}}
    else:
        # spec §8.1: gallery events leave out the items but keep totalItems.
        entity = gallery_wire(fake, site_id, gallery, with_items=False)
        key = "createdEvent" if event_type == ev.GALLERY_CREATED else "updatedEvent"
        field = "entity" if key == "createdEvent" else "currentEntity"
        body = {key: {field: orjson.loads(orjson.dumps(entity))}}
    _emit(fake, site_id, event_type, gid, body)


# --- galleries ----------------------------------------------------------------


def create_gallery(fake: FakeGallery, site_id: str, data: Mapping[str, Any]) -> Body:
    """spec §5.5 / §6.3 / §6.4: plain create or clone.

    Clone copies the name and every item's content; ids, sortOrders and dates
    are new and the copies keep the source's relative order. With both `gallery`
    and `cloneFromGalleryId`, the clone gets `gallery.name`/`sortOrder` on top
    and `gallery.items` appended (undocumented; our choice).
    """
    fake.live.check_media(site_id, data)  # STRICT_MEDIA (live.py, rule 5)
    spec: Mapping[str, Any] = data.get("gallery") or {}
    source_id = data.get("cloneFromGalleryId")
    store = fake.store
    with store.lock:
        now = format_time(fake.clock.now())
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
        galleries = {g.id: g.sort_order for g in store.list_galleries(site_id)}
        gallery_id = _fresh_id(fake, site_id)
        sort_order = spec.get("sortOrder")
        if sort_order is None:
            sort_order = _free_sort_order(fake, galleries.values())
        _check_unique(
            fake,
            "gallery",
            "on this site",
            {**galleries, gallery_id: sort_order},
            [gallery_id],
        )
        explicit = [i.get("sortOrder") for i in spec.get("items", ())]
        items: list[Item] = []
        for src in sources:
            wire = src.wire()
            wire.update(id=_fresh_id(fake, site_id), createdDate=now, updatedDate=now)
            # `explicit`: a copy must not take a sortOrder that a new item of
            # the same request asks for (a 409 the caller could not avoid).
            value = _free_sort_order(fake, explicit)
            wire["sortOrder"] = value
            items.append(_freeze(fake, gallery_id, wire, value))
        for entry in spec.get("items", ()):
            value = entry.get("sortOrder")
            if value is None:
                value = _free_sort_order(fake, explicit)
            new_id = _fresh_id(fake, site_id)
            items.append(_new_item(fake, gallery_id, entry, value, now, item_id=new_id))
        _check_unique(
            fake,
            "item",
            f"in gallery '{gallery_id}'",
            {i.id: i.sort_order for i in items},
            [i.id for i in items],
        )
        gallery = Gallery(gallery_id, name, sort_order, now, store.next_seq())
        store.put_gallery(site_id, gallery)
        for item in items:
            store.put_item(site_id, item)
        _gallery_event(fake, site_id, ev.GALLERY_CREATED, gallery, gallery_id)
        for item in items:
            _item_event(
                fake, site_id, ev.ITEM_CREATED, gallery_id, {"item": item.wire()}
            )
        limit = max(len(items), DEFAULT_ITEM_LIMIT)
        return {"gallery": gallery_wire(fake, site_id, gallery, 0, limit)}


def update_gallery(
    fake: FakeGallery, site_id: str, gallery_id: str, data: Mapping[str, Any]
) -> Body:
    """spec §5.6 [INF]: partial update. `items` entries with an id update that
    item (404 if it is not in the gallery); entries without one are created;
    unlisted items stay. Returns the gallery with the default page of 50 items."""
    fake.live.check_media(site_id, data)  # STRICT_MEDIA (live.py, rule 5)
    spec = data["gallery"]
    store = fake.store
    with store.lock:
        gallery = store.get_gallery(site_id, gallery_id)
        now = format_time(fake.clock.now())
        name = spec.get("name", gallery.name)
        sort_order = spec.get("sortOrder", gallery.sort_order)
        if "sortOrder" in spec:
            galleries = {g.id: g.sort_order for g in store.list_galleries(site_id)}
            galleries[gallery_id] = sort_order
            _check_unique(fake, "gallery", "on this site", galleries, [gallery_id])
        current = {i.id: i for i in store.list_items(site_id, gallery_id)}
        explicit = [e.get("sortOrder") for e in spec.get("items", ())]
        taken = [i.sort_order for i in current.values()] + explicit
        created: list[Item] = []
        # by id: entries naming one item twice apply in order, one event
        updated: dict[str, Item] = {}
        for entry in spec.get("items", ()):
            if "id" in entry:
                old = updated.get(entry["id"]) or current.get(entry["id"])
                if old is None:
                    raise ItemNotFound(gallery_id, entry["id"])
                updated[old.id] = _patched_item(fake, old, entry, now)
            else:
                value = entry.get("sortOrder")
                if value is None:
                    value = _free_sort_order(fake, taken)
                    taken.append(value)
                new_id = _fresh_id(fake, site_id)
                created.append(
                    _new_item(fake, gallery_id, entry, value, now, item_id=new_id)
                )
        changed = (*updated.values(), *created)
        final = {i.id: i.sort_order for i in current.values()}
        final.update({i.id: i.sort_order for i in changed})
        _check_unique(
            fake, "item", f"in gallery '{gallery_id}'", final, [i.id for i in changed]
        )
        gallery = Gallery(
            gallery_id, name, sort_order, gallery.created_date, gallery.seq
        )
        store.put_gallery(site_id, gallery)
        for item in changed:
            store.put_item(site_id, item)
        _gallery_event(fake, site_id, ev.GALLERY_UPDATED, gallery, gallery_id)
        for item in updated.values():
            _item_event(
                fake, site_id, ev.ITEM_UPDATED, gallery_id, {"updatedItem": item.wire()}
            )
        for item in created:
            _item_event(
                fake, site_id, ev.ITEM_CREATED, gallery_id, {"item": item.wire()}
            )
        return {"gallery": gallery_wire(fake, site_id, gallery)}


def delete_gallery(fake: FakeGallery, site_id: str, gallery_id: str) -> Body:
    """spec §5.7: cascades to the items, each with its own item-deleted event."""
    with fake.store.lock:
        removed = fake.store.delete_gallery(site_id, gallery_id)
        for item in removed:
            _item_event(
                fake,
                site_id,
                ev.ITEM_DELETED,
                gallery_id,
                {"itemId": item.id},
                ev.ORIGINATED_FROM_GALLERY_DELETED,
            )
        _gallery_event(fake, site_id, ev.GALLERY_DELETED, None, gallery_id)
    return {"galleryId": gallery_id}


# --- items --------------------------------------------------------------------


def create_gallery_item(
    fake: FakeGallery, site_id: str, gallery_id: str, data: Mapping[str, Any]
) -> Body:
    fake.live.check_media(site_id, data)  # STRICT_MEDIA (live.py, rule 5)
    entry = data["item"]
    store = fake.store
    with store.lock:
        current = {i.id: i.sort_order for i in store.list_items(site_id, gallery_id)}
        value = entry.get("sortOrder")
        if value is None:
            value = _free_sort_order(fake, current.values())
        now = format_time(fake.clock.now())
        new_id = _fresh_id(fake, site_id)
        item = _new_item(fake, gallery_id, entry, value, now, item_id=new_id)
        _check_unique(
            fake,
            "item",
            f"in gallery '{gallery_id}'",
            {**current, item.id: value},
            [item.id],
        )
        store.put_item(site_id, item)
        _item_event(fake, site_id, ev.ITEM_CREATED, gallery_id, {"item": item.wire()})
    return {"item": orjson.Fragment(item.body)}


def update_gallery_item(
    fake: FakeGallery,
    site_id: str,
    gallery_id: str,
    item_id: str,
    data: Mapping[str, Any],
) -> Body:
    fake.live.check_media(site_id, data)  # STRICT_MEDIA (live.py, rule 5)
    store = fake.store
    with store.lock:
        old = store.get_item(site_id, gallery_id, item_id)
        item = _patched_item(fake, old, data["item"], format_time(fake.clock.now()))
        if "sortOrder" in data["item"]:
            final = {i.id: i.sort_order for i in store.list_items(site_id, gallery_id)}
            final[item_id] = item.sort_order
            _check_unique(fake, "item", f"in gallery '{gallery_id}'", final, [item_id])
        store.put_item(site_id, item)
        _item_event(
            fake, site_id, ev.ITEM_UPDATED, gallery_id, {"updatedItem": item.wire()}
        )
    return {"item": orjson.Fragment(item.body)}


def _delete_items(
    fake: FakeGallery, site_id: str, gallery_id: str, item_ids: list[str]
) -> list[str]:
    deleted = fake.store.delete_items(site_id, gallery_id, item_ids)
    for item_id in deleted:
        _item_event(fake, site_id, ev.ITEM_DELETED, gallery_id, {"itemId": item_id})
    return deleted


def delete_gallery_item(
    fake: FakeGallery, site_id: str, gallery_id: str, item_id: str
) -> Body:
    with fake.store.lock:
        fake.store.get_item(site_id, gallery_id, item_id)
        _delete_items(fake, site_id, gallery_id, [item_id])
    return {"itemId": item_id}


def bulk_delete_gallery_items(
    fake: FakeGallery, site_id: str, gallery_id: str, item_ids: list[str]
) -> Body:
    """spec §5.9 [INF]: ids not in the gallery are dropped from the answer."""
    with fake.store.lock:
        return {"itemIds": _delete_items(fake, site_id, gallery_id, item_ids)}


def delete_gallery_items(
    fake: FakeGallery, site_id: str, gallery_id: str, item_ids: list[str]
) -> Body:
    """spec §5.8 (deprecated): returns the gallery after the deletion; unknown
    ids are ignored."""
    with fake.store.lock:
        _delete_items(fake, site_id, gallery_id, item_ids)
        gallery = fake.store.get_gallery(site_id, gallery_id)
        return {"gallery": gallery_wire(fake, site_id, gallery)}


# --- seeding (fixtures): no events, ids and dates kept ----------------------------


def import_gallery(fake: FakeGallery, site_id: str, spec: Mapping[str, Any]) -> Gallery:
    """Store a gallery from a validated fixture entry, keeping its ids, dates
    and sortOrders, defaulting what is missing. Emits no events."""
    store = fake.store
    with store.lock:
        now = format_time(fake.clock.now())
        gallery = Gallery(
            spec.get("id") or _fresh_id(fake, site_id),
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
                value = _free_sort_order(fake, explicit)
            created = entry.get("createdDate") or now
            store.put_item(
                site_id,
                _new_item(
                    fake,
                    gallery.id,
                    entry,
                    value,
                    created,
                    item_id=entry.get("id") or _fresh_id(fake, site_id),
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
