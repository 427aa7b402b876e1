"""Regression tests for the hardening issue, in-process: the control clock is
all-or-nothing, every buffer is bounded by count and bytes, createGallery is
linear and leaves the lock to other sites, request and storage limits answer
Wix-shaped 400/413s, empty sites are forgotten, phone JPEGs are accepted and
served media are not sniffed. Socket-level items are in test_serving.py, the
cross-origin and Host checks in test_guard.py."""

from __future__ import annotations

import gc
import io
import threading
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest
from flask.testing import FlaskClient
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from fakegallery import create_app, get_fake
from fakegallery.gallery.rules import GalleryRules
from fakegallery.state.failures import ServerErrors
from fakegallery.web.limits import _long_token
from fakegallery.web.wirelog import WireLog

SITE = "5a1e0c7d-1111-4222-8333-944455566677"
OTHER = "6b2f1d8e-2222-4333-9444-a55566677788"
THIRD = "7c3a2e9f-3333-4444-a555-b66677788899"
PREFIX = "/pro-gallery/v2"
FROZEN = "2026-01-02T03:04:05Z"

Check = Callable[..., dict[str, Any]]


def headers(site: str = SITE) -> dict[str, str]:
    return {"Authorization": "test-key", "wix-site-id": site}


def image(n: int = 0, **extra: Any) -> dict[str, Any]:
    info = {"id": f"11062b_{n:x}~mv2.jpg", "width": 8, "height": 6}
    return {"image": {"imageInfo": info}, **extra}


def client_for(**config: Any) -> FlaskClient:
    return create_app(
        {"TESTING": True, "SEED": 3, "FROZEN_TIME": FROZEN, **config}
    ).test_client()


def create(client: FlaskClient, site: str = SITE, **gallery: Any) -> Any:
    return client.post(
        f"{PREFIX}/galleries", json={"gallery": gallery}, headers=headers(site)
    )


# --- 1. POST /_fake/clock: never a 500, never half applied ----------------------------


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        (b'{"advance": 1e12}', "advance"),
        (b'{"advance": 1e300}', "advance"),
        (b'{"advance": -1e12}', "advance"),
        (b'{"advance": ' + b"9" * 400 + b"}", "body"),
        (b'{"freeze": "0001-01-01T00:00:00+01:00"}', "freeze"),
        (b"[" * 10_000 + b"]" * 10_000, "body"),
        (b'{"freeze": "2040-01-01T00:00:00Z", "advance": 1e12}', "advance"),
        (b'{"unfreeze": true, "advance": 1e300}', "advance"),
    ],
    ids=[
        "advance-1e12",
        "advance-1e300",
        "advance-minus-1e12",
        "400-digit-integer",
        "freeze-year-1-plus-1h",
        "10000-deep-array",
        "freeze-then-overflow",
        "unfreeze-then-overflow",
    ],
)
def test_clock_refusals_are_400_and_change_nothing(
    check_violation: Check, raw: bytes, field: str
) -> None:
    client = client_for()
    before = client.get("/_fake/clock").json
    response = client.post("/_fake/clock", data=raw, content_type="application/json")
    check_violation(response, field, "FORMAT")
    assert client.get("/_fake/clock").json == before


def test_clock_applies_a_whole_valid_call() -> None:
    client = client_for()
    body = {"freeze": "2040-01-01T00:00:00Z", "advance": 60}
    response = client.post("/_fake/clock", json=body)
    assert response.json == {"now": "2040-01-01T00:01:00Z", "frozen": True}


# --- 2. the server-error list: count, bytes, no frames kept ---------------------------


class Big:
    """Something large a failing frame refers to."""

    def __init__(self) -> None:
        self.payload = bytearray(1024 * 1024)


def failing(big: Big, message: str = "boom") -> BaseException:
    try:
        local = big  # noqa: F841 (kept alive by the frame unless released)
        raise RuntimeError(message)
    except RuntimeError as exc:
        return exc


def test_errors_do_not_keep_the_locals_of_their_frames() -> None:
    errors = ServerErrors()
    big = Big()
    alive = weakref.ref(big)
    errors.record(failing(big))
    del big
    gc.collect()
    assert alive() is None
    assert "RuntimeError: boom" in errors.dump()["errors"][0]


def test_errors_are_bounded_by_count_and_bytes() -> None:
    errors = ServerErrors(max_errors=100, max_bytes=64 * 1024)
    for _ in range(1000):
        errors.record(failing(Big(), "x" * 2000))
    assert errors.stored_bytes <= 64 * 1024
    kept = errors.dump()
    assert 1 <= len(kept["errors"]) < 100
    assert kept["dropped"] == 1000 - len(kept["errors"])


def test_an_oversized_error_is_kept_shortened() -> None:
    errors = ServerErrors(max_bytes=64 * 1024)
    errors.record(failing(Big(), "y" * 1_000_000))
    (kept,) = errors.take()
    assert type(kept).__name__ == "OversizedServerError"
    assert "characters cut" in str(kept)
    assert len(str(kept)) < 16 * 1024


def test_the_app_keeps_errors_within_its_settings(monkeypatch) -> None:
    app = create_app({"TESTING": True, "ERROR_LOG_MAX_COUNT": 5})
    fake = get_fake(app)

    def broken(*args: Any) -> Any:
        raise RuntimeError("broken on purpose")

    monkeypatch.setattr(fake.gallery, "list_galleries", broken)
    client = app.test_client()
    for _ in range(20):
        assert client.get(f"{PREFIX}/galleries", headers=headers()).status_code == 500
    assert len(fake.take_errors()) == 5
    assert fake.errors.dropped == 15


# --- 3. the event log: count and bytes ------------------------------------------------


def test_event_log_is_bounded_by_bytes(check_error: Check) -> None:
    client = client_for(EVENT_LOG_MAX_BYTES=1024 * 1024)
    fake = get_fake(client.application)
    title = "t" * 60_000
    gallery = create(client, items=[image(title=title)]).json["gallery"]
    item_id = gallery["items"][0]["id"]
    url = f"{PREFIX}/galleries/{gallery['id']}/items/{item_id}"
    for n in range(200):
        body = {"item": {"description": f"d{n}"}}
        assert client.patch(url, json=body, headers=headers()).status_code == 200
    assert fake.events.stored_bytes <= 1024 * 1024
    listed = client.get("/_fake/events").json
    assert 0 < len(listed["events"]) < 30
    assert listed["dropped"] == 202 - len(listed["events"])
    newest = listed["events"][-1]["domainEvent"]["actionEvent"]["body"]["updatedItem"]
    assert newest["description"] == "d199"


def test_event_log_is_bounded_by_count() -> None:
    client = client_for(EVENT_LOG_MAX_COUNT=10)
    create(client, items=[image(n) for n in range(25)])
    listed = client.get("/_fake/events").json
    assert len(listed["events"]) == 10
    assert listed["dropped"] == 16


# --- 4. createGallery: linear, and other sites read while a large one is made --------


def test_default_sort_orders_never_rebuild_what_is_taken(monkeypatch) -> None:
    """The quadratic createGallery/updateGallery built a set of every taken
    sortOrder once per item; now the set is built once per request."""
    rebuilt: list[int] = []
    original = GalleryRules.free_sort_order

    def counting(self: GalleryRules, taken: Any) -> float:
        if not isinstance(taken, set | frozenset):
            rebuilt.append(len(taken))
        return original(self, taken)

    monkeypatch.setattr(GalleryRules, "free_sort_order", counting)
    client = client_for()
    explicit = [image(n, sortOrder=n) for n in range(200)]
    created = create(client, items=[*explicit, *(image(n) for n in range(300))])
    gallery_id = created.json["gallery"]["id"]
    patch = {"gallery": {"items": [image(n) for n in range(300)]}}
    url = f"{PREFIX}/galleries/{gallery_id}"
    assert client.patch(url, json=patch, headers=headers()).status_code == 200
    assert sum(rebuilt) <= 1000


def test_a_large_create_leaves_other_sites_readable() -> None:
    app = create_app({"TESTING": True, "SEED": 3})
    fake = get_fake(app)
    client = app.test_client()
    create(client, OTHER, name="other")
    read: dict[str, int] = {}
    started = threading.Event()
    original = fake.gallery.new_item

    def read_other_site_midway(*args: Any, **kw: Any) -> Any:
        if kw["item_id"] and not started.is_set():
            started.set()
            # Another site's read from another thread, while this create is
            # being prepared: it must not wait for the create to finish.
            reader = threading.Thread(
                target=lambda: read.update(
                    status=app.test_client()
                    .get(f"{PREFIX}/galleries", headers=headers(OTHER))
                    .status_code
                )
            )
            reader.start()
            reader.join(timeout=30)
            assert not reader.is_alive(), "the read waited for the create"
        return original(*args, **kw)

    fake.gallery.new_item = read_other_site_midway  # type: ignore[method-assign]
    response = create(client, items=[image(n) for n in range(50)])
    assert response.status_code == 200
    assert read == {"status": 200}


def test_a_create_prepared_while_its_site_changed_is_made_again() -> None:
    app = create_app({"TESTING": True, "SEED": 3})
    fake = get_fake(app)
    client = app.test_client()
    plan = fake.gallery._plan_create
    raced: list[int] = []

    def racing(site_id: str, data: Any) -> Any:
        prepared = plan(site_id, data)
        if not raced:  # a write to the same site between plan and commit
            raced.append(1)
            assert create(app.test_client(), name="meanwhile").status_code == 200
        return prepared

    fake.gallery._plan_create = racing  # type: ignore[method-assign]
    response = create(client, name="mine", sortOrder=5, items=[image(1)])
    assert response.status_code == 200
    names = sorted(g["name"] for g in fake.gallery.site_state(SITE)["galleries"])
    assert names == ["meanwhile", "mine"]
    assert len(fake.events.list(SITE)) == 3  # two galleries, one item


# --- 5. limits on requests ------------------------------------------------------------


def test_a_long_name_is_400_naming_field_and_limit(check_violation: Check) -> None:
    client = client_for(MAX_STRING_LENGTH=100)
    response = create(client, name="n" * 101)
    violation = check_violation(response, "gallery.name", "MAX_LENGTH")
    assert violation["data"] == {"maxLength": 100}
    assert client.get("/_fake/sites").json == {"siteIds": []}
    assert create(client, name="n" * 100).status_code == 200


def test_long_strings_deep_in_an_item_and_in_keys(check_violation: Check) -> None:
    client = client_for(MAX_STRING_LENGTH=100)
    items = [image(0), image(1, title="t" * 500)]
    check_violation(create(client, items=items), "gallery.items[1].title", "MAX_LENGTH")
    exif = {"k" * 101: 1}
    item = {"image": {**image(2)["image"], "exif": exif}}
    response = create(client, items=[item])
    assert response.status_code == 400
    field = response.json["details"]["validationError"]["fieldViolations"][0]["field"]
    assert field.startswith("gallery.items[0].image.exif.kkkk")
    assert field.endswith("…")


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(
    text=st.text(
        alphabet=st.sampled_from('ab"\\\n\u00e9\u2603\U0001f600'), max_size=40
    ),
    limit=st.integers(0, 30),
)
def test_the_quick_scan_never_misses_a_long_string(text: str, limit: int) -> None:
    raw = orjson.dumps({"k": [text], text: 1})
    if len(text) > limit:
        assert _long_token(raw, limit)


def test_control_plane_bodies_have_the_string_limit(check_violation: Check) -> None:
    client = client_for(MAX_STRING_LENGTH=100)
    response = client.post("/_fake/clock", json={"freeze": "2" * 5000})
    check_violation(response, "freeze", "MAX_LENGTH")


def test_items_per_request(check_violation: Check) -> None:
    client = client_for(MAX_ITEMS_PER_REQUEST=3)
    response = create(client, items=[image(n) for n in range(4)])
    violation = check_violation(response, "gallery.items", "MAX_SIZE")
    assert violation["data"] == {"maxSize": 3}
    gallery_id = create(client, items=[image(n) for n in range(3)]).json["gallery"][
        "id"
    ]
    patch = {"gallery": {"items": [image(n) for n in range(4)]}}
    url = f"{PREFIX}/galleries/{gallery_id}"
    response = client.patch(url, json=patch, headers=headers())
    check_violation(response, "gallery.items", "MAX_SIZE")
    editor = {"gallery": {"items": [image(n) for n in range(4)]}}
    response = client.post("/_fake/editor/galleries", json=editor, headers=headers())
    check_violation(response, "gallery.items", "MAX_SIZE")


def test_json_bodies_and_uploads_have_their_own_size_limits(
    check_error: Check,
) -> None:
    client = client_for(MAX_REQUEST_BYTES=4096, MAX_MEDIA_REQUEST_BYTES=200_000)
    response = create(client, name="n" * 5000)
    check_error(response, 413, "REQUEST_ENTITY_TOO_LARGE")
    photo = noisy_png(60_000)
    assert 4096 < len(photo) < 200_000
    upload = client.post(
        "/_fake/media",
        data={"file": (io.BytesIO(photo), "p.png")},
        headers=headers(),
    )
    assert upload.status_code == 200, upload.get_data(as_text=True)
    too_big = noisy_png(300_000)
    upload = client.post(
        "/_fake/media",
        data={"file": (io.BytesIO(too_big), "p.png")},
        headers=headers(),
    )
    check_error(upload, 413, "REQUEST_ENTITY_TOO_LARGE")


def noisy_png(size: int) -> bytes:
    """A PNG of about `size` bytes (random pixels do not compress)."""
    import random

    side = int((size / 3) ** 0.5) + 1
    pixels = random.Random(size).randbytes(side * side * 3)
    out = io.BytesIO()
    Image.frombytes("RGB", (side, side), pixels).save(out, "PNG")
    return out.getvalue()


# --- 5. limits on storage: sites, galleries, bytes -----------------------------------


def test_site_limit_counts_every_kind_of_site(check_error: Check) -> None:
    client = client_for(MAX_SITES=2)
    assert create(client, SITE).status_code == 200
    unpublish = client.post("/_fake/site/unpublish", headers=headers(OTHER))
    assert unpublish.status_code == 200
    error = check_error(create(client, THIRD), 413, "QUOTA_EXCEEDED")
    assert error["data"] == {"setting": "MAX_SITES", "limit": 2}
    refused = client.post("/_fake/site/unpublish", headers=headers(THIRD))
    check_error(refused, 413, "QUOTA_EXCEEDED")
    upload = client.post(
        "/_fake/media",
        data={"file": (io.BytesIO(noisy_png(100)), "p.png")},
        headers=headers(THIRD),
    )
    check_error(upload, 413, "QUOTA_EXCEEDED")
    assert client.get("/_fake/sites").json["siteIds"] == sorted([SITE, OTHER])
    assert client.post(f"/_fake/reset?siteId={OTHER}").status_code == 200
    assert create(client, THIRD).status_code == 200


def test_galleries_per_site(check_error: Check) -> None:
    client = client_for(MAX_GALLERIES_PER_SITE=2)
    assert create(client).status_code == 200
    assert create(client).status_code == 200
    error = check_error(create(client), 413, "QUOTA_EXCEEDED")
    assert error["data"]["setting"] == "MAX_GALLERIES_PER_SITE"
    assert create(client, OTHER).status_code == 200


def test_stored_bytes(check_error: Check) -> None:
    client = client_for(MAX_STORED_BYTES=20_000)
    fake = get_fake(client.application)
    gallery = create(client, items=[image(n) for n in range(10)]).json["gallery"]
    used = fake.quota.stored_bytes()
    assert 0 < used <= 20_000
    before = client.get("/_fake/state").get_data()
    events = len(fake.events.list())
    error = check_error(
        create(client, items=[image(n) for n in range(100)]), 413, "QUOTA_EXCEEDED"
    )
    assert error["data"] == {"setting": "MAX_STORED_BYTES", "limit": 20_000}
    url = f"{PREFIX}/galleries/{gallery['id']}/items"
    check_error(
        client.post(
            url, json={"item": image(1, title="t" * 20_000)}, headers=headers()
        ),
        413,
        "QUOTA_EXCEEDED",
    )
    assert client.get("/_fake/state").get_data() == before
    assert len(fake.events.list()) == events
    assert client.delete(f"{PREFIX}/galleries/{gallery['id']}", headers=headers())
    assert fake.quota.stored_bytes() == 0


def test_wire_log_is_rotated_at_its_size(tmp_path: Path) -> None:
    log = tmp_path / "wire.jsonl"
    client = client_for(WIRE_LOG=str(log), WIRE_LOG_MAX_BYTES=4096)
    for _ in range(40):
        assert client.get("/_fake/health").status_code == 200
    older = tmp_path / "wire.jsonl.1"
    assert log.stat().st_size <= 4096
    assert older.stat().st_size <= 4096
    lines = log.read_bytes().count(b"\n") + older.read_bytes().count(b"\n")
    capture = client.application.wsgi_app.app.app  # faults → Guard → Capture
    (wire,) = [s for s in capture.sinks if isinstance(s, WireLog)]
    assert lines + wire.dropped == 40
    assert wire.dropped > 0
    big = create(client, name="n" * 10_000)
    assert big.status_code == 200
    last = orjson.loads(log.read_bytes().splitlines()[-1])
    assert "not logged" in last["requestBody"]


# --- 6. sites without data drop out ---------------------------------------------------


def test_a_site_whose_last_gallery_is_deleted_is_not_listed() -> None:
    client = client_for()
    gallery_id = create(client, OTHER).json["gallery"]["id"]
    assert client.get("/_fake/sites").json == {"siteIds": [OTHER]}
    url = f"{PREFIX}/galleries/{gallery_id}"
    assert client.delete(url, headers=headers(OTHER)).status_code == 200
    assert client.get("/_fake/sites").json == {"siteIds": []}
    client.post("/_fake/site/unpublish", headers=headers(OTHER))
    assert client.get("/_fake/sites").json == {"siteIds": [OTHER]}
    client.post("/_fake/site/publish", headers=headers(OTHER))
    assert client.get("/_fake/sites").json == {"siteIds": []}


# --- 7, 8. media: phone JPEGs, nosniff ------------------------------------------------


def mpo() -> bytes:
    """A JPEG with a Multi-Picture Format segment, as phone cameras write."""
    out = io.BytesIO()
    first, second = Image.new("RGB", (32, 24), "red"), Image.new("RGB", (8, 6))
    first.save(out, "MPO", save_all=True, append_images=[second])
    return out.getvalue()


def test_a_phone_photo_is_a_jpeg() -> None:
    client = client_for()
    data = mpo()
    assert Image.open(io.BytesIO(data)).format == "MPO"
    response = client.post(
        "/_fake/media", data={"file": (io.BytesIO(data), "IMG_0001.JPG")}
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    media = response.json
    assert media["id"].endswith("~mv2.jpg")
    assert (media["mimeType"], media["width"], media["height"]) == (
        "image/jpeg",
        32,
        24,
    )


def test_served_media_and_json_are_not_sniffed() -> None:
    client = client_for()
    media = client.post(
        "/_fake/media", data={"file": (io.BytesIO(mpo()), "a.jpg")}
    ).json
    served = client.get(media["url"])
    assert served.status_code == 200
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    answer = client.get("/_fake/health")
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
