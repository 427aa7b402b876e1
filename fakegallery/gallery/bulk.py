"""What a write of many items draws in one step: fresh ids, default sortOrders
and item events (createGallery, clone, updateGallery, fixture and import loads).

Each gives exactly what as many single draws would (`GalleryRules.fresh_id`,
`free_sort_order`, `item_event_of`): the same ids from the seeded stream, the
same sortOrders, the same event bytes. Drawn in bulk they cost a lock and a
call per request instead of per item, so a 16,000-item write stays well under
a second (docs/contributing.md, "Bulk writes").
"""

from __future__ import annotations

import sys
from collections.abc import Container, Sequence

import orjson

from ..state import events as ev
from ..state.store import Item
from .rules import GalleryRules


class BulkRules(GalleryRules):
    """Bulk draws over the shared rules."""

    def fresh_ids(self, site_id: str, count: int) -> list[str]:
        """`count` new GUIDs no gallery or item of the site has: the values
        `count` calls of `fresh_id` return, in order."""
        has_id = self.store.has_id
        found: list[str] = []
        while len(found) < count:
            drawn = self.ids.guids(count - len(found))
            found += [i for i in drawn if not has_id(site_id, i)]
        return found

    def free_sort_orders(
        self, taken: Container[float | None], count: int
    ) -> list[float]:
        """`count` default sortOrders, none in `taken`: the values `count`
        calls of `free_sort_order(taken)` return, in order."""
        found: list[float] = []
        while len(found) < count:
            drawn = self.clock.next_sort_orders(count - len(found))
            found += [v for v in drawn if v not in taken]
        return found

    def item_events(
        self,
        site_id: str,
        event_type: str,
        gallery_id: str,
        key: str,
        values: Sequence[bytes],
        at: str,
        first: int,
        originated_from: str | None = None,
    ) -> list[ev.Event]:
        """One item event per JSON value, numbered from `first`, as
        `item_event_of` makes it with the body ``{key: value}`` (e.g. an
        item's stored bytes): each payload is the value spliced into the
        envelope's bytes, which is what orjson writes for a Fragment."""
        head = b'{"actionEvent":{"body":{"' + key.encode() + b'":'
        # the log interns these when it stamps an event: done once here
        site, entity = sys.intern(site_id), sys.intern(gallery_id)
        fqdn = self.events.entity_fqdn
        ids = self.ids.request_ids(len(values))
        return [
            ev.Event(
                event_id,
                event_type,
                site,
                entity,
                at,
                head + value + b"}}}",
                originated_from,
                fqdn,
                number,
            )
            for number, (event_id, value) in enumerate(
                zip(ids, values, strict=True), first
            )
        ]


#: Keys of the free-form objects (exif, text css, a link's wixLinkData): only
#: inside them could another `"createdDate":"` key appear in a stored item.
_FREE_FORM = (b'"exif":', b'"css":', b'"wixLinkData":')
_CREATED = b',"createdDate":"'
_UPDATED = b'","updatedDate":"'


def cloned_body(item: Item, new_id: str, sort_order: float, now: str) -> bytes | None:
    """The stored JSON of a copy of `item` (docs/behaviour.md §6.4): its bytes
    with a new id, sortOrder and both dates, spliced in without parsing the
    item. None when the bytes are not laid out as the store writes them (then
    the caller parses): ``{"id":…[,"sortOrder":…],…,"createdDate":…,
    "updatedDate":…,…}`` in protobuf order, no free-form object that could
    hold a date key of its own, the dates plain strings."""
    body = item.body
    head = b'{"id":' + orjson.dumps(item.id)
    if not body.startswith(head) or any(key in body for key in _FREE_FORM):
        return None
    rest = len(head)
    if body.startswith(b',"sortOrder":', rest):
        rest = body.find(b",", rest + 1)  # a number holds no comma
        if rest < 0:
            return None
    created = body.find(_CREATED, rest)
    if created < 0 or body.find(_CREATED, created + 1) >= 0:
        return None
    start = created + len(_CREATED)
    updated = body.find(_UPDATED, start)
    if updated < 0 or b'"' in body[start:updated] or b"\\" in body[start:updated]:
        return None
    end = body.find(b'"', updated + len(_UPDATED))
    if end < 0 or b"\\" in body[updated + len(_UPDATED) : end]:
        return None
    date = now.encode()
    return b"".join(
        (
            b'{"id":',
            orjson.dumps(new_id),
            b',"sortOrder":',
            orjson.dumps(sort_order),
            body[rest:created],
            _CREATED,
            date,
            _UPDATED,
            date,
            body[end:],
        )
    )
