"""Benchmark data: an item whose stored wire JSON is about 600 bytes, fakes
filled with n of them, and a socket-free client for a fake."""

from __future__ import annotations

import copy
from typing import Any

import orjson
import requests

from fakegallery import create_app, get_fake
from fakegallery.fake import FakeGallery
from fakegallery.seeding import fixtures
from fakegallery.testing.transport import wsgi_session

SITE = "5a1e0c7d-6666-4222-8333-944455566677"
OTHER_SITE = "5a1e0c7d-5555-4222-8333-944455566677"
BASE = "http://fakegallery.bench"
API = BASE + "/pro-gallery/v2"
HEADERS = {"Authorization": "bench", "wix-site-id": SITE}

#: An image item as a client sends it; stored, it is ~600 bytes of JSON.
ITEM: dict[str, Any] = {
    "title": "Harbour at dawn",
    "description": "Fishing boats leave before sunrise; a long exposure.",
    "image": {
        "imageInfo": {
            "id": "efc3df_0de6e21898ede80fd7a9198e15384f59~mv2.jpg",
            "width": 4032,
            "height": 3024,
            "altText": "Boats leaving a harbour at dawn",
            "filename": "harbour-dawn.jpg",
        },
        "focalPoint": {"x": 0.42, "y": 0.61},
    },
    "tags": {"values": ["harbour", "dawn"]},
}


#: The scale table adds galleries to a site that already holds 10,000 (n/10 at
#: n = 100,000), one more than the default quota allows.
ROOMY = {"MAX_GALLERIES_PER_SITE": 1_000_000}


def new_fake(**settings: Any) -> tuple[Any, FakeGallery]:
    app = create_app({"SEED": 1, "FIXTURES": [], **ROOMY, **settings})
    return app, get_fake(app)


def client(app: Any, site_id: str = SITE) -> requests.Session:
    """A socket-free `requests.Session` for `app`, with the site's headers."""
    return wsgi_session(app, BASE, {**HEADERS, "wix-site-id": site_id})


def validated_item() -> dict[str, Any]:
    """ITEM as the fixture loader validates it (once; copies are cheap)."""
    doc = fixtures.validate({"galleries": [{"items": [ITEM]}]}, "bench")
    item: dict[str, Any] = doc["galleries"][0]["items"][0]
    return item


def gallery_spec(
    gallery_id: str, count: int, template: dict[str, Any], start: float = 1.0
) -> dict[str, Any]:
    """A validated fixture gallery of `count` items with ids and distinct
    sortOrders, built by copying one validated item."""
    items = []
    for index in range(count):
        entry = copy.copy(template)
        entry["id"] = f"00000000-0000-4000-8000-{index:012d}"
        entry["sortOrder"] = start + index
        items.append(entry)
    return {"id": gallery_id, "name": "bench", "items": items}


def gallery_id(index: int) -> str:
    return f"11111111-0000-4000-8000-{index:012d}"


def fill(fake: FakeGallery, site_id: str, galleries: int, items: int) -> list[str]:
    """Store `galleries` galleries of `items` items each in the site, as the
    fixture loader does after validation. Returns the gallery ids."""
    template = validated_item()
    ids = []
    for index in range(galleries):
        gid = gallery_id(index)
        spec = gallery_spec(gid, items, template)
        fake.gallery.import_gallery(site_id, spec)
        ids.append(gid)
    return ids


def stored_size(fake: FakeGallery, site_id: str, gid: str) -> int:
    """Bytes of one stored item's wire JSON."""
    items = fake.gallery.site_state(site_id)["galleries"]
    gallery = next(g for g in items if g["id"] == gid)
    return len(orjson.dumps(gallery["items"][0]))
