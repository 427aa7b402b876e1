"""Adversarial review of the API: regression tests for the bugs it found,
invariants that must survive odd input, and many threads writing at once."""

from __future__ import annotations

import json
import random
import threading
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from fakegallery import create_app, get_fake
from fakegallery.gallery.schemas import MAX_FREE_FORM_DEPTH

SITE = "5a1e0c7d-1111-4222-8333-944455566677"
OTHER_SITE = "6b2f1d8e-2222-4333-9444-a55566677788"
HEADERS = {"Authorization": "test-key", "wix-site-id": SITE}
PREFIX = "/pro-gallery/v2"
MISSING = "00000000-0000-4000-8000-000000000000"


def image(media_id: str = "11062b_aaaa~mv2.jpg", **extra: Any) -> dict[str, Any]:
    return {"image": {"imageInfo": {"id": media_id, "width": 8, "height": 6}}, **extra}


def snapshot(client: FlaskClient, site: str = SITE) -> tuple[bytes, bytes]:
    """The site's whole state and event log, as bytes."""
    state = client.get(f"/_fake/state?siteId={site}").get_data()
    events = client.get(f"/_fake/events?siteId={site}").get_data()
    return state, events


def nested(depth: int) -> Any:
    """A JSON object `depth` levels deep: {"a": {"a": ... {} }}."""
    value: Any = {}
    for _ in range(depth - 1):
        value = {"a": value}
    return value


# --- answers are always JSON (docs/behaviour.md §2.1) ---------------------------------


@pytest.mark.parametrize(
    "path", [f"{PREFIX}/galleries", f"{PREFIX}/galleries/x/items/y", "/_fake/state"]
)
def test_options_answers_json_and_keeps_allow(client, path):
    response = client.options(path)
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.json == {}
    assert "GET" in response.headers["Allow"]


def test_double_slash_redirect_has_a_json_body(client):
    response = client.get(f"{PREFIX}//galleries", headers=HEADERS)
    assert response.status_code == 308
    assert response.mimetype == "application/json"
    assert response.headers["Location"].endswith(f"{PREFIX}/galleries")
    error = response.json["details"]["applicationError"]
    assert error["code"] == "PERMANENT_REDIRECT"
    assert error["data"]["location"] == response.headers["Location"]


# --- query integers and GUIDs -------------------------------------------------


@pytest.mark.parametrize("raw", ["1_0", "\u0663", "\uff11", "1.0", "0x5", "1e1"])
def test_query_int_must_be_ascii_decimal(api, check_violation, raw):
    response = api.get("galleries", query_string={"limit": raw})
    violation = check_violation(response, "limit", "FORMAT")
    assert violation["data"] == {"type": "int32"}


def test_query_int_takes_a_sign_and_spaces(api):
    api.create_gallery()
    response = api.get("galleries", query_string={"limit": " +1 "})
    assert response.status_code == 200
    assert len(response.json["galleries"]) == 1


def test_path_guid_with_trailing_newline_is_400(api, check_violation):
    gallery = api.create_gallery()
    response = api.get(f"galleries/{gallery['id']}%0A")
    check_violation(response, "galleryId", "FORMAT")


def test_body_guids_with_trailing_newline_are_400(api, check_violation):
    gallery = api.create_gallery(items=[image()])
    before = snapshot(api.client)
    clone = api.post("galleries", {"cloneFromGalleryId": gallery["id"] + "\n"})
    check_violation(clone, "cloneFromGalleryId", "FORMAT")
    item_id = gallery["items"][0]["id"]
    bulk = api.post(
        f"galleries/{gallery['id']}/items/delete", {"itemIds": [item_id + "\n"]}
    )
    check_violation(bulk, "itemIds[0]", "FORMAT")
    assert snapshot(api.client) == before


# --- free-form JSON (exif, css, wixLinkData) ---------------------------------


@pytest.mark.parametrize(
    ("item", "field"),
    [
        (
            lambda v: {
                "image": {
                    "imageInfo": {"id": "a", "width": 1, "height": 1},
                    "exif": v,
                }
            },
            "item.image.exif",
        ),
        (lambda v: {"text": {"html": "x", "css": v}}, "item.text.css"),
        (lambda v: {**image(), "link": {"wixLinkData": v}}, "item.link.wixLinkData"),
    ],
    ids=["exif", "css", "wixLinkData"],
)
def test_too_deep_free_form_json_is_400_not_500(api, check_violation, item, field):
    gallery = api.create_gallery()
    before = snapshot(api.client)
    # 260 levels used to pass validation and crash orjson.dumps (limit 254).
    response = api.post(f"galleries/{gallery['id']}/items", {"item": item(nested(260))})
    violation = check_violation(response, field, "MAX")
    assert violation["data"] == {"maxDepth": MAX_FREE_FORM_DEPTH}
    assert snapshot(api.client) == before


def test_deepest_allowed_free_form_json_round_trips(api, client):
    gallery = api.create_gallery()
    deep = nested(MAX_FREE_FORM_DEPTH)
    created = api.create_item(gallery["id"], {"text": {"html": "x", "css": deep}})
    assert created["text"]["css"] == deep
    # the state and the event log embed it deeper still: both must still encode
    assert client.get(f"/_fake/state?siteId={SITE}").status_code == 200
    events = client.get(f"/_fake/events?siteId={SITE}")
    assert events.status_code == 200
    last = events.json["events"][-1]["domainEvent"]
    assert last["actionEvent"]["body"]["item"]["text"]["css"]


# --- auth ------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["Bearer", "Bearer ", "bearer   "])
def test_bearer_without_a_token_is_401(client, check_error, value):
    response = client.get(
        f"{PREFIX}/galleries", headers={"Authorization": value, "wix-site-id": SITE}
    )
    check_error(response, 401, "UNAUTHENTICATED")


# --- ids: never reuse one the site already has -------------------------------------


def test_create_after_loading_state_exported_under_the_same_seed(tmp_path: Path):
    """The seeded generator draws the exported ids again: creating a gallery
    used to overwrite the imported one (and inherit its items)."""
    config = {"TESTING": True, "SEED": 77, "FROZEN_TIME": "2026-01-02T03:04:05Z"}
    first = create_app(config).test_client()
    headers = {"Authorization": "k", "wix-site-id": SITE}
    made = first.post(
        f"{PREFIX}/galleries",
        json={"gallery": {"name": "A", "items": [image()]}},
        headers=headers,
    )
    assert made.status_code == 200
    exported = first.get(f"/_fake/state?siteId={SITE}").json
    fixture = tmp_path / "exported.json"
    fixture.write_text(json.dumps(exported))

    app = create_app({**config, "FIXTURES": [str(fixture)]})
    client = app.test_client()
    created = client.post(
        f"{PREFIX}/galleries",
        json={"gallery": {"name": "B", "items": [image()]}},
        headers=headers,
    )
    assert created.status_code == 200
    new = created.json["gallery"]
    old = exported["galleries"][0]
    assert new["id"] != old["id"]
    assert new["items"][0]["id"] != old["items"][0]["id"]
    listed = client.get(f"{PREFIX}/galleries", headers=headers).json
    assert [g.get("name") for g in listed["galleries"]] == ["A", "B"]
    assert [g["totalItems"] for g in listed["galleries"]] == [1, 1]
    assert not get_fake(app).take_errors()


# --- updateGallery naming one item twice -----------------------------------------


def test_update_gallery_applies_entries_for_one_item_in_order(api, client):
    gallery = api.create_gallery(items=[image()])
    item_id = gallery["items"][0]["id"]
    events_before = len(client.get("/_fake/events").json["events"])
    response = api.patch(
        f"galleries/{gallery['id']}",
        {
            "gallery": {
                "items": [
                    {"id": item_id, "title": "first", "sortOrder": 5},
                    {"id": item_id, "description": "second"},
                ]
            }
        },
    )
    assert response.status_code == 200
    item = response.json["gallery"]["items"][0]
    # the second entry patches the result of the first, not the stored item
    assert (item["title"], item["description"], item["sortOrder"]) == (
        "first",
        "second",
        5,
    )
    records = client.get("/_fake/events").json["events"][events_before:]
    events = [r["domainEvent"] for r in records]
    slugs = [e["slug"] for e in events]
    assert slugs == ["updated", "gallery_item_updated"]
    assert events[1]["actionEvent"]["body"]["updatedItem"] == item


# --- clone next to explicit sortOrders -------------------------------------------


def test_clone_copies_avoid_a_sort_order_the_request_asks_for(api):
    source = api.create_gallery(items=[image()])
    # frozen clock: the gallery, then the copy, get the next two default values
    copy_default = source["items"][0]["sortOrder"] + 0.002
    response = api.post(
        "galleries",
        {
            "cloneFromGalleryId": source["id"],
            "gallery": {"items": [image(sortOrder=round(copy_default, 3))]},
        },
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    orders = [i["sortOrder"] for i in response.json["gallery"]["items"]]
    assert len(set(orders)) == 2
    assert round(copy_default, 3) in orders


# --- invariants ------------------------------------------------------------------


def test_rejected_writes_change_nothing(api):
    gallery = api.create_gallery(name="g", sortOrder=1, items=[image(sortOrder=1)])
    other = api.create_gallery(name="h", sortOrder=2, items=[image(sortOrder=2)])
    gid, item_id = gallery["id"], gallery["items"][0]["id"]
    other_item = other["items"][0]["id"]
    before = snapshot(api.client)
    rejected = [
        api.post("galleries", {"gallery": {"sortOrder": 2}}),  # 409
        api.post("galleries", {"gallery": {"items": [image(), {}]}}),  # 400
        api.post("galleries", {"cloneFromGalleryId": MISSING}),  # 404
        api.patch(f"galleries/{gid}", {"gallery": {"name": "x", "sortOrder": 2}}),
        api.patch(
            f"galleries/{gid}",
            {"gallery": {"name": "x", "items": [image(), {"id": other_item}]}},
        ),
        api.patch(
            f"galleries/{gid}",
            {"gallery": {"items": [{"id": item_id, "title": "t"}, image(sortOrder=1)]}},
        ),
        api.post(f"galleries/{gid}/items", {"item": image(sortOrder=1)}),
        api.post(f"galleries/{MISSING}/items", {"item": image()}),
        api.patch(f"galleries/{gid}/items/{other_item}", {"item": {"title": "t"}}),
        api.patch(f"galleries/{gid}/items/{item_id}", {"item": {"sortOrder": "NaN"}}),
        api.patch(
            f"galleries/{gid}/items/{item_id}",
            {"item": {"title": "t", "image": {"imageInfo": {"id": "x"}}}},
        ),
        api.post(f"galleries/{gid}/items/delete", {"itemIds": []}),
        api.post(f"galleries/{MISSING}/items/delete", {"itemIds": [item_id]}),
        api.delete(f"galleries/{MISSING}/items", query_string={"itemsIds": item_id}),
        api.delete(f"galleries/{gid}/items", query_string={"itemsIds": "nope"}),
        api.delete(f"galleries/{gid}/items/{other_item}"),
        api.delete(f"galleries/{MISSING}"),
    ]
    statuses = [r.status_code for r in rejected]
    assert all(400 <= s < 500 for s in statuses), statuses
    for response in rejected:
        details = response.json["details"]
        assert len(details) == 1
        assert set(details) <= {"applicationError", "validationError"}
    assert snapshot(api.client) == before


def test_sites_never_see_each_other(api, client):
    gallery = api.create_gallery(name="mine", items=[image()])
    gid, item_id = gallery["id"], gallery["items"][0]["id"]
    intruder = {"headers": {"wix-site-id": OTHER_SITE}}
    assert api.get("galleries", **intruder).json == {
        "totalGalleries": 0,
        "galleries": [],
    }
    before = snapshot(client)
    for response in (
        api.get(f"galleries/{gid}", **intruder),
        api.get(f"galleries/{gid}/items", **intruder),
        api.get(f"galleries/{gid}/items/{item_id}", **intruder),
        api.patch(f"galleries/{gid}", {"gallery": {"name": "x"}}, **intruder),
        api.patch(f"galleries/{gid}/items/{item_id}", {"item": {}}, **intruder),
        api.post(f"galleries/{gid}/items", {"item": image()}, **intruder),
        api.post(f"galleries/{gid}/items/delete", {"itemIds": [item_id]}, **intruder),
        api.delete(f"galleries/{gid}/items/{item_id}", **intruder),
        api.delete(f"galleries/{gid}", **intruder),
        api.post("galleries", {"cloneFromGalleryId": gid}, **intruder),
    ):
        assert response.status_code == 404, response.get_data(as_text=True)
        assert response.json["details"]["applicationError"]["code"] == (
            "GALLERY_NOT_FOUND"
        )
    assert snapshot(client) == before
    assert client.get(f"/_fake/events?siteId={OTHER_SITE}").json["events"] == []


def test_created_dates_never_move_and_read_only_keys_are_not_echoed(api, fake):
    gallery = api.create_gallery(name="g", items=[image()])
    item = gallery["items"][0]
    fake.clock.advance(3600)
    noise = {
        "id": MISSING,
        "_id": MISSING,
        "createdDate": "1999-01-01T00:00:00Z",
        "_createdDate": "1999-01-01T00:00:00Z",
        "updatedDate": "1999-01-01T00:00:00Z",
        "totalItems": 99,
        "type": "VIDEO",
        "token": "t",
        "secure": True,
        "bogus": {"x": 1},
    }
    patched_gallery = api.patch(
        f"galleries/{gallery['id']}", {"gallery": {**noise, "name": "g2"}}
    ).json["gallery"]
    assert patched_gallery["createdDate"] == gallery["createdDate"]
    assert patched_gallery["id"] == gallery["id"]
    assert patched_gallery["totalItems"] == 1
    info = {"id": "new.jpg", "width": 1, "height": 2, "url": "wix:image://v1/x"}
    patched_item = api.patch(
        f"galleries/{gallery['id']}/items/{item['id']}",
        {"item": {**noise, "image": {"imageInfo": info, "type": "EXTERNAL"}}},
    ).json["item"]
    assert patched_item["id"] == item["id"]
    assert patched_item["createdDate"] == item["createdDate"]
    assert patched_item["updatedDate"] > item["updatedDate"]
    assert patched_item["type"] == "IMAGE"
    assert patched_item["image"]["type"] == "WIX_MEDIA"
    assert patched_item["image"]["imageInfo"]["url"].endswith("/media/new.jpg")
    text = json.dumps(patched_item) + json.dumps(patched_gallery)
    for key in ("_id", "_createdDate", "token", "secure", "bogus", "1999"):
        assert key not in text


def test_clone_leaves_the_source_untouched_and_delete_cascades(api, client):
    source = api.create_gallery(name="s", items=[image(), image(title="b")])
    before = api.get(f"galleries/{source['id']}").get_data()
    clone = api.post("galleries", {"cloneFromGalleryId": source["id"]}).json["gallery"]
    assert api.get(f"galleries/{source['id']}").get_data() == before
    assert [i.get("title") for i in clone["items"]] == [None, "b"]
    assert not {i["id"] for i in clone["items"]} & {i["id"] for i in source["items"]}
    deleted = api.delete(f"galleries/{source['id']}")
    assert deleted.json == {"galleryId": source["id"]}
    for item in source["items"]:
        gone = api.get(f"galleries/{source['id']}/items/{item['id']}")
        assert gone.status_code == 404
    events = [r["domainEvent"] for r in client.get("/_fake/events").json["events"]]
    cascade = [
        e["actionEvent"]["body"]["itemId"]
        for e in events
        if e.get("originatedFrom") == "Gallery Deleted"
    ]
    assert cascade == [i["id"] for i in source["items"]]
    assert events[-1]["slug"] == "deleted"
    # the clone keeps its own copies
    assert api.get(f"galleries/{clone['id']}").json["gallery"]["totalItems"] == 2


# --- many threads, one app ---------------------------------------------------------


def _worker(app: Flask, seed: int, galleries: list[str], lock: threading.Lock) -> Any:
    client = app.test_client()  # one client per thread
    rnd = random.Random(seed)
    statuses: Counter[int] = Counter()

    def call(method: str, path: str, body: Any = None) -> Any:
        response = client.open(
            f"{PREFIX}/{path}", method=method, json=body, headers=HEADERS
        )
        statuses[response.status_code] += 1
        return response

    for _ in range(40):
        with lock:
            known = list(galleries)
        roll = rnd.random()
        if roll < 0.15 or not known:
            count = rnd.randint(0, 3)
            made = call("POST", "galleries", {"gallery": {"items": [image()] * count}})
            if made.status_code == 200:
                with lock:
                    galleries.append(made.json["gallery"]["id"])
            continue
        gid = rnd.choice(known)
        if roll < 0.40:
            order = rnd.choice([None, 1, 2, 3])
            call("POST", f"galleries/{gid}/items", {"item": image(sortOrder=order)})
            continue
        listed = call("GET", f"galleries/{gid}/items")
        items = listed.json.get("items", []) if listed.status_code == 200 else []
        if roll < 0.55 and items:
            patch = {"title": "t", "sortOrder": rnd.randint(1, 6)}
            call(
                "PATCH",
                f"galleries/{gid}/items/{rnd.choice(items)['id']}",
                {"item": patch},
            )
        elif roll < 0.65 and items:
            ids = [i["id"] for i in items[:2]]
            call("POST", f"galleries/{gid}/items/delete", {"itemIds": ids})
        elif roll < 0.72:
            call("DELETE", f"galleries/{gid}")
        elif roll < 0.80:
            call("POST", "galleries", {"cloneFromGalleryId": gid})
        elif roll < 0.90:
            call("PATCH", f"galleries/{gid}", {"gallery": {"items": [image()]}})
        else:
            call("GET", "galleries?limit=10&itemLimit=100")
    return statuses


def test_many_threads_keep_every_invariant(app, client, fake):
    galleries: list[str] = []
    lock = threading.Lock()
    results: list[Counter[int]] = []
    failures: list[BaseException] = []

    def run(seed: int) -> None:
        try:
            results.append(_worker(app, seed, galleries, lock))
        except BaseException as exc:  # surfaced below, not lost in the thread
            failures.append(exc)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures
    statuses = sum(results, Counter())
    assert sum(statuses.values()) >= 8 * 40
    assert all(s in (200, 404, 409) for s in statuses), statuses
    assert not fake.take_errors()

    state = client.get(f"/_fake/state?siteId={SITE}").json
    alive = {g["id"]: g for g in state["galleries"]}
    listed = client.get(f"{PREFIX}/galleries", headers=HEADERS).json
    assert listed["totalGalleries"] == len(alive)
    gallery_orders = [g["sortOrder"] for g in alive.values()]
    assert len(set(gallery_orders)) == len(gallery_orders)
    net: Counter[str] = Counter()
    for record in client.get(f"/_fake/events?siteId={SITE}").json["events"]:
        event = record["domainEvent"]
        if event["slug"] == "gallery_item_created":
            net[event["entityId"]] += 1
        elif event["slug"] == "gallery_item_deleted":
            net[event["entityId"]] -= 1
    for gid, gallery in alive.items():
        orders = [i.get("sortOrder", 0) for i in gallery["items"]]
        assert gallery["totalItems"] == len(gallery["items"]) == net[gid]
        assert orders == sorted(orders)
        assert len(set(orders)) == len(orders)


def test_an_item_keeping_its_own_sort_order_is_no_conflict(api):
    gallery = api.create_gallery(items=[image(sortOrder=7), image(sortOrder=8)])
    first, second = gallery["items"]
    same = api.patch(
        f"galleries/{gallery['id']}/items/{first['id']}",
        {"item": {"sortOrder": 7, "title": "t"}},
    )
    assert same.status_code == 200
    # swapping values in one updateGallery is fine: only the result counts
    swapped = api.patch(
        f"galleries/{gallery['id']}",
        {
            "gallery": {
                "items": [
                    {"id": first["id"], "sortOrder": 8},
                    {"id": second["id"], "sortOrder": 7},
                ]
            }
        },
    )
    assert swapped.status_code == 200
    ids = [i["id"] for i in swapped.json["gallery"]["items"]]
    assert ids == [second["id"], first["id"]]
