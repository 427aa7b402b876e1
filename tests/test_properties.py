"""Property tests (hypothesis) of the API: arbitrary bodies and queries never
give a 5xx, a rejected write changes nothing, and random sequences of writes
keep every invariant (totals, order, unique sortOrders, dates, sites)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    invariant,
    rule,
)

from fakegallery import create_app, get_fake

SITE = "5a1e0c7d-1111-4222-8333-944455566677"
OTHER_SITE = "6b2f1d8e-2222-4333-9444-a55566677788"
HEADERS = {"Authorization": "test-key", "wix-site-id": SITE}
PREFIX = "/pro-gallery/v2"
MISSING = "00000000-0000-4000-8000-000000000000"
CONFIG = {"TESTING": True, "SEED": 99, "FROZEN_TIME": "2026-01-02T03:04:05Z"}
BOUNDED = settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def image(**extra: Any) -> dict[str, Any]:
    return {"image": {"imageInfo": {"id": "a.jpg", "width": 4, "height": 3}}, **extra}


# --- one seeded app, reset to the same start before every example ------------------


class World:
    """An app whose site holds two galleries (one empty) and another site with
    one gallery; `reset()` brings it back to exactly that start."""

    def __init__(self) -> None:
        self.app: Flask = create_app(CONFIG)
        self.client: FlaskClient = self.app.test_client()
        self.reset()

    def call(self, method: str, path: str, body: Any = None, **kw: Any) -> Any:
        return self.client.open(
            f"{PREFIX}/{path}", method=method, json=body, headers=HEADERS, **kw
        )

    def reset(self) -> None:
        get_fake(self.app).reset()
        made = self.call(
            "POST",
            "galleries",
            {"gallery": {"name": "g", "items": [image(), image(title="t")]}},
        ).json["gallery"]
        self.gallery = made["id"]
        self.items = [i["id"] for i in made["items"]]
        self.empty = self.call("POST", "galleries", {}).json["gallery"]["id"]
        other = self.client.post(
            f"{PREFIX}/galleries",
            json={"gallery": {"items": [image()]}},
            headers={**HEADERS, "wix-site-id": OTHER_SITE},
        ).json["gallery"]
        self.foreign = other["id"]
        self.foreign_item = other["items"][0]["id"]

    def snapshot(self) -> tuple[bytes, ...]:
        return tuple(
            self.client.get(f"/_fake/{what}?siteId={site}").get_data()
            for what in ("state", "events")
            for site in (SITE, OTHER_SITE)
        )

    def ids(self) -> list[str]:
        return [self.gallery, self.empty, *self.items, self.foreign, MISSING]


WORLD = World()


def check_answer(response: Any) -> None:
    """200, or a Wix-shaped 4xx JSON error (docs/behaviour.md §2.1, §7.1);
    never a 5xx."""
    assert response.status_code < 500, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = response.json
    assert isinstance(body, dict)
    if response.status_code == 200:
        return
    assert response.status_code in (400, 401, 403, 404, 409), response.status_code
    assert isinstance(body["message"], str)
    (kind,) = body["details"]
    if kind == "validationError":
        violations = body["details"]["validationError"]["fieldViolations"]
        assert violations
        for violation in violations:
            assert set(violation) == {"field", "description", "violatedRule", "data"}
            assert isinstance(violation["data"], dict)
    else:
        assert kind == "applicationError"
        error = body["details"]["applicationError"]
        assert isinstance(error["code"], str)
        assert isinstance(error["data"], dict)


def check_site(client: FlaskClient, site: str = SITE) -> None:
    """Totals, ascending order and unique sortOrders of every gallery."""
    state = client.get(f"/_fake/state?siteId={site}").json
    listed = client.get(
        f"{PREFIX}/galleries", headers={**HEADERS, "wix-site-id": site}
    ).json
    assert listed["totalGalleries"] == len(state["galleries"])
    gallery_orders = [g["sortOrder"] for g in state["galleries"] if "sortOrder" in g]
    assert len(set(gallery_orders)) == len(gallery_orders)
    for gallery in state["galleries"]:
        orders = [i.get("sortOrder", 0) for i in gallery["items"]]
        assert gallery["totalItems"] == len(gallery["items"])
        assert orders == sorted(orders)
        explicit = [i["sortOrder"] for i in gallery["items"] if "sortOrder" in i]
        assert len(set(explicit)) == len(explicit)


# --- strategies: random JSON, and JSON shaped like the wire contract ----------------

KEYS = [
    *("gallery", "item", "items", "itemIds", "galleryId", "cloneFromGalleryId"),
    *("id", "_id", "name", "sortOrder", "title", "description", "type"),
    *("image", "video", "text", "imageInfo", "videoInfo", "html", "css"),
    *("width", "height", "url", "altText", "filename", "focalPoint", "x", "y"),
    *("quality", "unsharpMasking", "amount", "radius", "threshold", "exif"),
    *("tags", "values", "link", "wixLinkData", "target", "secondaryMedia"),
    *("posters", "resolutions", "format", "durationInMillis", "createdDate"),
]
NUMBERS = (
    st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.sampled_from([0, -0.0, 1, 29, 30, 100, 101, 5.5, 1e308, 2**63, 2**64])
)
SCALARS = (
    st.none()
    | st.booleans()
    | NUMBERS
    | st.text(max_size=12)
    | st.sampled_from(["NaN", "Infinity", "undefined", "", "\x00", "\ud7ff"])
)
KEY = st.sampled_from(KEYS) | st.text(max_size=6)
JSON = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(KEY, inner, max_size=4),
    max_leaves=20,
)


def mostly(
    good: st.SearchStrategy[Any], other: st.SearchStrategy[Any], odds: int
) -> st.SearchStrategy[Any]:
    """`good` `odds` times in `odds + 1`, else `other` (st.one_of would give
    each branch the same chance, whatever their repetitions)."""
    return st.integers(0, odds).flatmap(lambda n: other if n == 0 else good)


def maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Usually (11 in 12) the well-formed value, else any JSON at all."""
    return mostly(strategy, JSON, 11)


OBJECT = maybe(st.dictionaries(KEY, JSON, max_size=3))  # exif, css
GOOD_ID = st.sampled_from(WORLD.ids())
ID = mostly(GOOD_ID, st.sampled_from(["", "delete", MISSING + "\n"]), 5)
SIZE = mostly(st.integers(0, 10**6), NUMBERS, 5)
INFO = st.fixed_dictionaries(
    {"id": maybe(st.text(min_size=1, max_size=8)), "width": SIZE, "height": SIZE},
    optional={
        "altText": maybe(st.text(max_size=8)),
        "url": JSON,
    },
)
IMAGE = st.fixed_dictionaries(
    {"imageInfo": maybe(INFO)},
    optional={
        "quality": maybe(st.integers(25, 105)),
        "focalPoint": maybe(st.fixed_dictionaries({"x": NUMBERS, "y": NUMBERS})),
        "exif": OBJECT,
        "unsharpMasking": maybe(
            st.fixed_dictionaries(
                {}, optional={"amount": NUMBERS, "threshold": NUMBERS}
            )
        ),
    },
)
VIDEO = st.fixed_dictionaries(
    {
        "videoInfo": maybe(
            st.fixed_dictionaries(
                {
                    "url": st.sampled_from(
                        ["https://youtu.be/x", "https://vimeo.com/1", ""]
                    )
                    | st.text(max_size=8)
                },
                optional={
                    "id": maybe(st.text(max_size=6)),
                    "posters": st.lists(INFO, max_size=2),
                },
            )
        )
    },
    optional={
        "type": maybe(st.sampled_from(["YOUTUBE", "WIX_MEDIA", "bad"])),
        "durationInMillis": maybe(st.integers(-1, 10**9)),
    },
)
TEXT = st.fixed_dictionaries(
    {"html": maybe(st.text(max_size=8))}, optional={"css": OBJECT}
)
MEDIA = mostly(
    st.one_of(
        st.fixed_dictionaries({key: maybe(value)})
        for key, value in (("image", IMAGE), ("video", VIDEO), ("text", TEXT))
    ),
    st.fixed_dictionaries({}, optional={"image": IMAGE, "video": VIDEO, "text": TEXT}),
    5,
)
ITEM = st.builds(
    lambda media, rest: {**media, **rest},
    MEDIA,
    st.fixed_dictionaries(
        {},
        optional={
            "id": maybe(ID),
            "title": maybe(st.text(max_size=8)),
            "sortOrder": maybe(NUMBERS | st.sampled_from([1, 2])),
            "tags": maybe(
                st.fixed_dictionaries({"values": st.lists(st.text(max_size=4))})
            ),
            "link": maybe(
                st.fixed_dictionaries({}, optional={"text": SCALARS, "url": SCALARS})
            ),
            "secondaryMedia": maybe(
                st.fixed_dictionaries({}, optional={"image": IMAGE})
            ),
            "createdDate": JSON,
            "type": JSON,
        },
    ),
)
GALLERY = st.fixed_dictionaries(
    {},
    optional={
        "id": maybe(ID),
        "name": maybe(st.text(max_size=8)),
        "sortOrder": maybe(NUMBERS),
        "items": maybe(st.lists(maybe(ITEM), max_size=3)),
        "totalItems": JSON,
    },
)


WRITES: dict[str, tuple[str, str, st.SearchStrategy[Any]]] = {
    "createGallery": (
        "POST",
        "galleries",
        st.fixed_dictionaries(
            {}, optional={"gallery": maybe(GALLERY), "cloneFromGalleryId": maybe(ID)}
        ),
    ),
    "updateGallery": (
        "PATCH",
        "galleries/{g}",
        st.fixed_dictionaries({"gallery": maybe(GALLERY)}, optional={"galleryId": ID}),
    ),
    "createGalleryItem": (
        "POST",
        "galleries/{g}/items",
        st.fixed_dictionaries({"item": maybe(ITEM)}, optional={"galleryId": ID}),
    ),
    "updateGalleryItem": (
        "PATCH",
        "galleries/{g}/items/{i}",
        st.fixed_dictionaries({"item": maybe(ITEM)}),
    ),
    "bulkDeleteGalleryItems": (
        "POST",
        "galleries/{g}/items/delete",
        st.fixed_dictionaries(
            {"itemIds": maybe(st.lists(GOOD_ID, max_size=4) | st.lists(ID, max_size=4))}
        ),
    ),
}
TARGETS = st.sampled_from(
    [
        (WORLD.gallery, WORLD.items[0]),
        (WORLD.gallery, WORLD.items[1]),
        (WORLD.empty, WORLD.items[0]),
        (WORLD.foreign, WORLD.foreign_item),
        (MISSING, MISSING),
    ]
)


def assert_write_is_all_or_nothing(method: str, path: str, raw: bytes) -> None:
    WORLD.reset()
    before = WORLD.snapshot()
    response = WORLD.client.open(
        f"{PREFIX}/{path}",
        method=method,
        data=raw,
        headers={**HEADERS, "Content-Type": "application/json"},
    )
    check_answer(response)
    event(f"status {response.status_code}")  # --hypothesis-show-statistics
    if response.status_code == 200:
        check_site(WORLD.client)
    else:
        assert WORLD.snapshot() == before, response.get_data(as_text=True)
    assert not get_fake(WORLD.app).take_errors()


@pytest.mark.parametrize("operation", list(WRITES))
@BOUNDED
@given(data=st.data())
def test_any_body_gives_200_or_a_wix_4xx_and_4xx_changes_nothing(operation, data):
    method, template, bodies = WRITES[operation]
    gallery, item = data.draw(TARGETS)
    body = data.draw(maybe(bodies))
    path = template.format(g=gallery, i=item)
    assert_write_is_all_or_nothing(method, path, json.dumps(body).encode())


@settings(max_examples=40, deadline=None)
@given(
    operation=st.sampled_from(list(WRITES)),
    raw=st.binary(max_size=40) | st.sampled_from([b"", b"  ", b"null", b"[]", b"1"]),
)
def test_any_bytes_as_body_give_200_or_400(operation, raw):
    method, template, _ = WRITES[operation]
    path = template.format(g=WORLD.gallery, i=WORLD.items[0])
    assert_write_is_all_or_nothing(method, path, raw)


READS = [
    "galleries",
    "galleries/{g}",
    "galleries/{g}/items",
    "galleries/{g}/items/{i}",
]
QUERY_KEYS = ["limit", "offset", "itemLimit", "itemOffset", "galleryId", "itemId"]


@settings(max_examples=60, deadline=None)
@given(
    path=st.sampled_from(READS),
    query=st.lists(
        st.tuples(
            st.sampled_from(QUERY_KEYS) | st.text(max_size=4),
            st.text(max_size=6)
            | st.integers(-(10**12), 10**12).map(str)
            | st.sampled_from(["1_0", "\u0663", " 2 ", "+3", "-0", "9" * 30]),
        ),
        max_size=4,
    ),
)
def test_any_query_gives_200_or_400(path, query):
    url = path.format(g=WORLD.gallery, i=WORLD.items[0])
    response = WORLD.call("GET", url, query_string=query)
    check_answer(response)
    assert response.status_code in (200, 400)
    assert not get_fake(WORLD.app).take_errors()


# --- random sequences of writes keep the invariants ------------------------------


class GalleryMachine(RuleBasedStateMachine):
    """Random writes through the API; after each step the totals, the order,
    unique sortOrders, the created dates and the other site must hold, and a
    rejected write must have changed nothing."""

    galleries = Bundle("galleries")

    def __init__(self) -> None:
        super().__init__()
        WORLD.reset()
        self.client = WORLD.client
        self.fake = get_fake(WORLD.app)
        self.foreign = WORLD.snapshot()[1::2]  # the other site's state, events
        self.created: dict[str, str] = {}  # id → createdDate, first seen

    def send(self, method: str, path: str, body: Any = None) -> Any:
        before = WORLD.snapshot()
        response = WORLD.call(method, path, body)
        check_answer(response)
        if response.status_code != 200:
            assert WORLD.snapshot() == before
        return response

    @rule(target=galleries, count=st.integers(0, 3), order=st.sampled_from([None, 1]))
    def create(self, count, order):
        items = [image(sortOrder=order) if n == 0 else image() for n in range(count)]
        response = self.send("POST", "galleries", {"gallery": {"items": items}})
        return (
            response.json["gallery"]["id"] if response.status_code == 200 else MISSING
        )

    @rule(target=galleries, source=galleries)
    def clone(self, source):
        before = self.client.get(f"{PREFIX}/galleries/{source}", headers=HEADERS)
        response = self.send("POST", "galleries", {"cloneFromGalleryId": source})
        after = self.client.get(f"{PREFIX}/galleries/{source}", headers=HEADERS)
        assert after.get_data() == before.get_data()  # the source never changes
        return (
            response.json["gallery"]["id"] if response.status_code == 200 else MISSING
        )

    @rule(gallery=galleries, order=st.sampled_from([None, 1, 2, 3]))
    def add_item(self, gallery, order):
        self.send(
            "POST", f"galleries/{gallery}/items", {"item": image(sortOrder=order)}
        )

    @rule(
        gallery=galleries,
        pick=st.integers(0, 5),
        patch=st.fixed_dictionaries(
            {},
            optional={
                "title": st.text(max_size=3) | st.none(),
                "sortOrder": st.sampled_from([None, 1, 2, 3, 4.5]),
                "text": st.just({"html": "<p>x</p>"}),
            },
        ),
    )
    def update_item(self, gallery, pick, patch):
        items = self.items(gallery)
        item = items[pick % len(items)]["id"] if items else MISSING
        self.send("PATCH", f"galleries/{gallery}/items/{item}", {"item": patch})

    @rule(
        gallery=galleries,
        name=st.text(max_size=3) | st.none(),
        order=st.sampled_from([None, 1, 2]),
        new=st.booleans(),
        pick=st.integers(0, 5),
    )
    def update_gallery(self, gallery, name, order, new, pick):
        items = self.items(gallery)
        entries: list[dict[str, Any]] = [image()] if new else []
        if items:
            entries.append({"id": items[pick % len(items)]["id"], "title": "u"})
        body = {"gallery": {"name": name, "sortOrder": order, "items": entries}}
        self.send("PATCH", f"galleries/{gallery}", body)

    @rule(gallery=galleries, pick=st.integers(0, 5), bulk=st.booleans())
    def delete_item(self, gallery, pick, bulk):
        items = self.items(gallery)
        item = items[pick % len(items)]["id"] if items else MISSING
        if bulk:
            self.send("POST", f"galleries/{gallery}/items/delete", {"itemIds": [item]})
        else:
            self.send("DELETE", f"galleries/{gallery}/items/{item}")

    @rule(gallery=consumes(galleries))
    def delete_gallery(self, gallery):
        items = self.items(gallery)
        response = self.send("DELETE", f"galleries/{gallery}")
        if response.status_code == 200:
            for item in items:  # the cascade (docs/behaviour.md §5.7)
                gone = WORLD.call("GET", f"galleries/{gallery}/items/{item['id']}")
                assert gone.status_code == 404

    @rule(seconds=st.sampled_from([1, 3600]))
    def tick(self, seconds):
        self.fake.clock.advance(seconds)

    def items(self, gallery: str) -> list[dict[str, Any]]:
        response = WORLD.call("GET", f"galleries/{gallery}/items?itemLimit=200")
        return response.json["items"] if response.status_code == 200 else []

    @invariant()
    def site_is_consistent(self):
        check_site(self.client)

    @invariant()
    def created_dates_never_change(self):
        state = self.client.get(f"/_fake/state?siteId={SITE}").json
        for gallery in state["galleries"]:
            for entity in (gallery, *gallery["items"]):
                first = self.created.setdefault(entity["id"], entity["createdDate"])
                assert entity["createdDate"] == first

    @invariant()
    def other_site_is_untouched(self):
        assert WORLD.snapshot()[1::2] == self.foreign

    @invariant()
    def no_server_errors(self):
        assert not self.fake.take_errors()


TestGalleryMachine = pytest.mark.slow(GalleryMachine.TestCase)
TestGalleryMachine.settings = settings(
    max_examples=25,
    stateful_step_count=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
