"""Bulk writes and exports (gallery/bulk.py): the work per item is one draw
from each bulk helper, never a per-item call that takes a lock or parses the
stored JSON again, and the bulk paths give the same bytes as the single ones.
Counted, not timed: the figures are in benchmarks/ (docs/contributing.md)."""

from __future__ import annotations

import copy
from typing import Any

import orjson
import pytest
from conftest import SITE
from marshmallow import fields
from test_fastload import ITEMS

from fakegallery.gallery import schemas
from fakegallery.gallery.bulk import cloned_body
from fakegallery.gallery.wire import WireBuilder, ordered
from fakegallery.seeding import fixtures
from fakegallery.state import events as ev
from fakegallery.state.clock import Clock, Ids
from fakegallery.state.records import Item

COUNT = 60


def _count(monkeypatch: pytest.MonkeyPatch, owner: Any, name: str) -> list[int]:
    """Count calls of `owner.name` (still calling it)."""
    calls = [0]
    original = getattr(owner, name)

    def counted(*args: Any, **kw: Any) -> Any:
        calls[0] += 1
        return original(*args, **kw)

    monkeypatch.setattr(owner, name, counted)
    return calls


def _no_parse(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count orjson.loads calls made through the module attribute (as every
    module of the package calls it) and Item.wire calls."""
    loads = _count(monkeypatch, orjson, "loads")
    wires = _count(monkeypatch, Item, "wire")
    return [loads, wires]  # type: ignore[list-item]


def _images(n: int) -> list[dict[str, Any]]:
    return [
        {
            "title": f"t{i}",
            "image": {"imageInfo": {"id": f"a_{i}", "width": 2, "height": 1}},
            "tags": {"values": ["a", "b"]},
        }
        for i in range(n)
    ]


def test_create_draws_ids_sort_orders_and_request_ids_once(api, monkeypatch):
    guid = _count(monkeypatch, Ids, "guid")
    guids = _count(monkeypatch, Ids, "guids")
    request_id = _count(monkeypatch, Ids, "request_id")
    sort_order = _count(monkeypatch, Clock, "next_sort_order")
    gallery = api.create_gallery(name="big", items=_images(COUNT))
    assert gallery["totalItems"] == COUNT
    assert guid[0] == 1  # the gallery's id
    assert guids[0] == 1  # every item's
    assert sort_order[0] == 1  # the gallery's default; the items' come in bulk
    # the request's own id and the gallery event's: none per item
    assert request_id[0] <= 3


def test_create_loads_every_leaf_without_marshmallow_bookkeeping(api, monkeypatch):
    calls = _count(monkeypatch, fields.Field, "deserialize")
    api.create_gallery(name="big", items=_images(COUNT))
    assert calls[0] == 0


def test_bulk_events_are_kept_as_built(api, fake, monkeypatch):
    """The log numbers and stamps an event only when the write did not: a bulk
    write's events are recorded as they are, no copy each."""
    copies = _count(monkeypatch, ev.Event, "_replace")
    gallery = api.create_gallery(name="big", items=_images(COUNT))
    assert copies[0] <= 1  # the gallery's own event
    listed = fake.events.list(SITE)
    assert [e.sequence for e in listed] == list(range(1, COUNT + 2))
    first = listed[1].to_dict()
    assert first["entityId"] == gallery["id"]
    assert first["actionEvent"]["body"]["item"] == gallery["items"][0]


def test_delete_publishes_once_with_every_event(api, fake, monkeypatch):
    gallery = api.create_gallery(name="big", items=_images(COUNT))
    publishes = _count(monkeypatch, fake.events, "publish_many")
    assert api.delete(f"galleries/{gallery['id']}").status_code == 200
    assert publishes[0] == 1
    listed = fake.events.list(SITE)[COUNT + 1 :]
    assert [e.event_type for e in listed] == [ev.ITEM_DELETED] * COUNT + [
        ev.GALLERY_DELETED
    ]
    assert [e.body["actionEvent"]["body"]["itemId"] for e in listed[:-1]] == [
        i["id"] for i in gallery["items"]
    ]
    assert {e.originated_from for e in listed[:-1]} == {
        ev.ORIGINATED_FROM_GALLERY_DELETED
    }
    assert [e.sequence for e in listed] == list(range(COUNT + 2, 2 * COUNT + 3))


def test_clone_splices_stored_bytes(api, fake, monkeypatch):
    source = api.create_gallery(name="src", items=_images(COUNT))
    loads, wires = _no_parse(monkeypatch)
    response = api.post("galleries", {"cloneFromGalleryId": source["id"]})
    assert response.status_code == 200
    assert wires[0] == 0  # type: ignore[index]
    assert loads[0] <= 1  # type: ignore[index]  # the request body
    copies = response.json["gallery"]["items"]
    for original, copied in zip(source["items"], copies, strict=True):
        assert copied["id"] != original["id"]
        assert copied["sortOrder"] > source["items"][-1]["sortOrder"]
        rest = {k: v for k, v in copied.items() if k not in ("id", "sortOrder")}
        assert rest == {
            k: v for k, v in original.items() if k not in ("id", "sortOrder")
        }


STORED = [
    *ITEMS,
    {"image": {"imageInfo": {"id": "i", "width": 1, "height": 1}}},
    {"text": {"html": '"createdDate":"x"'}, "title": 'a","updatedDate":"b'},
    {
        "image": {
            "imageInfo": {"id": "i", "width": 1, "height": 1},
            "exif": {"createdDate": "z"},
        }
    },
    {"text": {"html": "x", "css": {"updatedDate": "y"}}, "sortOrder": None},
]


@pytest.mark.parametrize("entry", STORED)
@pytest.mark.parametrize("sort_order", [None, 5, 1.25])
def test_cloned_body_is_the_parsed_copy(entry, sort_order):
    """The splice gives what parsing, updating and re-serialising gives, or
    declines (None) where a free-form object is present."""
    loaded = schemas.load(schemas.ItemSchema(), copy.deepcopy(entry))
    builder = WireBuilder()
    wire = builder.new(loaded, "1" * 36, sort_order, "2026-01-01T00:00:00Z", "u")
    item = Item("1" * 36, "g", sort_order, 1, orjson.dumps(wire))
    spliced = cloned_body(item, "2" * 36, 7.5, "2030-02-03T04:05:06Z")
    expected = item.wire()
    expected.update(id="2" * 36, sortOrder=7.5)
    expected.update(
        createdDate="2030-02-03T04:05:06Z", updatedDate="2030-02-03T04:05:06Z"
    )
    free_form = "exif" in str(entry) or "css" in str(entry)
    if free_form:
        assert spliced is None
    else:
        assert spliced == orjson.dumps(ordered(expected))


@pytest.mark.parametrize("entry", [*STORED, {**ITEMS[0], "text": {"html": "two"}}])
def test_new_wire_is_apply_then_ordered(entry):
    """WireBuilder.new (one pass, in order) equals patching into a dict and
    re-keying it, also for data with two media members (the last wins)."""
    builder = WireBuilder()
    data = {k: v for k, v in copy.deepcopy(entry).items() if k != "sortOrder"}
    for sort_order in (None, 3.5):
        wire: dict[str, Any] = {"id": "i", "createdDate": "c", "updatedDate": "u"}
        builder.apply(wire, data)
        if sort_order is not None:
            wire["sortOrder"] = sort_order
        made = builder.new(data, "i", sort_order, "c", "u")
        assert orjson.dumps(made) == orjson.dumps(ordered(wire))


def test_state_export_does_not_parse_stored_items(api, client, monkeypatch):
    api.create_gallery(name="a", items=_images(COUNT))
    gallery = api.create_gallery(name="b", items=_images(3))
    item = gallery["items"][0]["id"]
    cleared = {"item": {"sortOrder": None}}
    assert (
        api.patch(f"galleries/{gallery['id']}/items/{item}", cleared).status_code == 200
    )
    loads, wires = _no_parse(monkeypatch)
    state = client.get(f"/_fake/state?siteId={SITE}")
    export = client.get("/_fake/export")
    assert state.status_code == export.status_code == 200
    assert loads[0] == wires[0] == 0  # type: ignore[index]
    monkeypatch.undo()
    assert len(state.json["galleries"][0]["items"]) == COUNT
    exported = export.json["sites"][0]["galleries"][1]["items"][0]
    assert list(exported)[:2] == ["id", "sortOrder"]
    assert exported["sortOrder"] is None


def test_put_state_answers_without_parsing_stored_items(api, client, monkeypatch):
    gallery = api.create_gallery(name="a", items=_images(COUNT))
    state = client.get(f"/_fake/state?siteId={SITE}").json
    loads, wires = _no_parse(monkeypatch)
    response = client.put(f"/_fake/state?siteId={SITE}", json=state)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert loads[0] == 1  # type: ignore[index]  # the request body
    assert wires[0] == 0  # type: ignore[index]
    monkeypatch.undo()
    assert response.json["galleries"][0]["id"] == gallery["id"]


def test_fixture_load_draws_in_bulk(fake, monkeypatch):
    guid = _count(monkeypatch, Ids, "guid")
    sort_order = _count(monkeypatch, Clock, "next_sort_order")
    raw = {"galleries": [{"name": "f", "items": _images(COUNT)}]}
    fixtures.load_data(fake, fixtures.validate(raw, "test"), "test", SITE)
    assert guid[0] == 1  # the gallery's id
    assert sort_order[0] == 0
    gallery = fake.gallery.site_state(SITE)["galleries"][0]
    orders = [i["sortOrder"] for i in gallery["items"]]
    assert orders == sorted(orders)
    assert len(set(orders)) == COUNT


def test_guid_texts_are_uuid4_texts():
    """The GUIDs a bulk draw formats are what `uuid` writes for the same bits."""
    import random
    import uuid

    from fakegallery.state.guids import guid_text, guid_texts

    draw = random.Random(7).getrandbits
    values = [0, (1 << 128) - 1, *(draw(128) for _ in range(2000))]
    expected = [str(uuid.UUID(int=v, version=4)) for v in values]
    assert guid_texts(values) == expected
    assert [guid_text(v) for v in values[:50]] == expected[:50]
