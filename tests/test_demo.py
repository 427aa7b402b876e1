"""Demo data: same seed ⇒ same bytes; generated data passes the same validation
as API input, for many seeds; a plausible mix of media."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import pytest
from flask.testing import FlaskClient

from fakegallery import create_app
from fakegallery.gallery import schemas
from fakegallery.gallery.wire import video_type
from fakegallery.seeding import demo

MEDIA_ID = re.compile(r"^[0-9a-f]{6}_[0-9a-f]{32}~mv2\.(jpg|jpeg|png|webp)$")
VIDEO_ID = re.compile(r"^[0-9a-f]{6}_[0-9a-f]{32}$")
READ_ONLY = ("id", "createdDate", "updatedDate")


def _kind(item: dict[str, Any]) -> str:
    if "video" in item:
        info = item["video"]["videoInfo"]
        return video_type(info.get("id") or "", info.get("url") or "")
    return next(k for k in ("image", "text") if k in item)


def test_same_seed_same_bytes() -> None:
    first = demo.dumps(demo.generate(3, 10, seed=42))
    second = demo.dumps(demo.generate(3, 10, seed=42))
    other = demo.dumps(demo.generate(3, 10, seed=43))
    assert first == second
    assert first != other
    assert first.endswith(b"}\n")


def test_site_id_and_item_counts() -> None:
    data = demo.generate(3, [5, 0, 2], seed=1, site_id="s-1")
    assert data["siteId"] == "s-1"
    assert [len(g["items"]) for g in data["galleries"]] == [5, 0, 2]
    assert "siteId" not in demo.generate(1, 1, seed=1)


def test_bad_counts_value_error() -> None:
    with pytest.raises(ValueError, match="2 item counts for 3 galleries"):
        demo.generate(3, [1, 2], seed=1)
    with pytest.raises(ValueError, match="must not be negative"):
        demo.generate(1, -1, seed=1)


@pytest.mark.parametrize("seed", range(40))
def test_many_seeds_pass_fixture_and_api_validation(seed: int) -> None:
    data = demo.generate(2, 8, seed=seed)
    # Nothing is dropped by the schemas: every generated key is a known wire key.
    assert schemas.load(schemas.FixtureSiteSchema(), data) == data
    request = schemas.CreateGalleryRequest()
    for gallery in data["galleries"]:
        body = {
            "name": gallery["name"],
            "sortOrder": gallery["sortOrder"],
            "items": [
                {k: v for k, v in i.items() if k not in READ_ONLY}
                for i in gallery["items"]
            ],
        }
        assert schemas.load(request, {"gallery": body}) == {"gallery": body}


@pytest.fixture
def http() -> FlaskClient:
    return create_app({"SEED": 3}).test_client()


@pytest.mark.parametrize("seed", [0, 7, 99])
def test_generated_galleries_accepted_by_the_api(http: FlaskClient, seed: int) -> None:
    headers = {
        "Authorization": "k",
        "wix-site-id": "5a1e0c7d-3333-4222-8333-944455566677",
    }
    for gallery in demo.generate(2, 10, seed=seed)["galleries"]:
        items = [
            {k: v for k, v in i.items() if k not in READ_ONLY} for i in gallery["items"]
        ]
        response = http.post(
            "/pro-gallery/v2/galleries",
            json={"gallery": {"name": gallery["name"], "items": items}},
            headers=headers,
        )
        assert response.status_code == 200, response.get_data(as_text=True)
        created = response.json["gallery"]  # type: ignore[index]
        assert created["totalItems"] == 10
        assert [i["title"] for i in created["items"]] == [i["title"] for i in items]


def test_mix_of_media_and_plausible_values() -> None:
    data = demo.generate(4, 60, seed=5)
    items = [i for g in data["galleries"] for i in g["items"]]
    kinds = Counter(_kind(i) for i in items)
    assert set(kinds) == {"image", "text", "YOUTUBE", "VIMEO", "WIX_MEDIA"}
    assert kinds["image"] > len(items) / 3
    for item in items:
        assert item["title"]
        assert item["description"]
        assert 1 <= len(item["tags"]["values"]) <= 4
        if "image" in item:
            info = item["image"]["imageInfo"]
            assert MEDIA_ID.match(info["id"]), info["id"]
            assert 400 <= min(info["width"], info["height"]) <= 6000
            assert max(info["width"], info["height"]) >= 800
        elif _kind(item) == "WIX_MEDIA":
            info = item["video"]["videoInfo"]
            assert VIDEO_ID.match(info["id"])
            assert info["posters"][0]["id"].startswith(info["id"])
        elif "text" in item:
            assert item["text"]["html"].startswith("<p>")


def test_sort_orders_and_dates_ascending() -> None:
    data = demo.generate(5, 30, seed=11)
    gallery_orders = [g["sortOrder"] for g in data["galleries"]]
    assert gallery_orders == sorted(set(gallery_orders))
    for gallery in data["galleries"]:
        orders = [i["sortOrder"] for i in gallery["items"]]
        assert orders == sorted(
            set(orders)
        )  # unique and ascending (docs/behaviour.md §6.1)
        dates = [i["createdDate"] for i in gallery["items"]]
        assert dates == sorted(dates)
        assert all(i["updatedDate"] >= i["createdDate"] for i in gallery["items"])
        assert gallery["createdDate"] <= dates[0]
