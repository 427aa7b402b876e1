"""Fixtures fail loudly: unknown keys, ids given twice (in a file, across the
files of one load, against data already loaded) and duplicate item sortOrders
are errors naming the file and the field path; nothing is stored then. Loose
mode turns unknown keys into warnings, never silent drops."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest

from fakegallery import create_app, get_fake
from fakegallery.fake import FakeGallery
from fakegallery.seeding import fixtures as fx

SITE = "5a1e0c7d-7777-4222-8333-944455566677"
G1 = "6f1d8a52-3b7e-4c1a-9d2f-000000000001"
G2 = "6f1d8a52-3b7e-4c1a-9d2f-000000000002"
I1 = "a1000000-0000-4000-8000-000000000001"
I2 = "a1000000-0000-4000-8000-000000000002"
IMAGE = {"imageInfo": {"id": "m.jpg", "width": 4, "height": 3}}


def item(item_id: str | None = None, **extra: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"image": IMAGE, **extra}
    if item_id:
        out["id"] = item_id
    return out


def gallery(gallery_id: str, *items: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"id": gallery_id, "items": list(items), **extra}


def write(tmp_path: Path, name: str, *galleries: dict[str, Any]) -> Path:
    path = tmp_path / name
    path.write_bytes(orjson.dumps({"siteId": SITE, "galleries": list(galleries)}))
    return path


@pytest.fixture
def fake() -> FakeGallery:
    return get_fake(create_app({"SEED": 3}))


def assert_untouched(fake: FakeGallery) -> None:
    assert fake.store.site_ids() == []
    assert fake.live.widgets(SITE) == ()


def test_a_misspelt_key_names_the_file_and_path(
    fake: FakeGallery, tmp_path: Path
) -> None:
    path = write(tmp_path, "typo.json", gallery(G1, item(I1, titel="x")))
    with pytest.raises(fx.FixtureError) as caught:
        fx.load(fake, [path])
    assert str(caught.value).startswith(
        f"{path}: galleries[0].items[0].titel: unknown key"
    )
    assert_untouched(fake)


def test_unknown_keys_deep_and_at_the_top_are_all_named(
    fake: FakeGallery, tmp_path: Path
) -> None:
    raw = {
        "siteId": SITE,
        "extra": 1,
        "galleries": [
            gallery(G1, {"image": {"imageInfo": {**IMAGE["imageInfo"], "size": 9}}})
        ],
    }
    path = tmp_path / "deep.json"
    path.write_bytes(orjson.dumps(raw))
    with pytest.raises(fx.FixtureError) as caught:
        fx.load(fake, [path])
    message = str(caught.value)
    assert "extra: unknown key" in message
    assert "galleries[0].items[0].image.imageInfo.size: unknown key" in message


def test_read_only_response_keys_are_allowed(fake: FakeGallery, tmp_path: Path) -> None:
    """A captured response pasted in keeps `type`, `url`, `totalItems`…"""
    captured = gallery(
        G1,
        {
            "id": I1,
            "type": "IMAGE",
            "createdDate": "2024-01-01T00:00:00Z",
            "updatedDate": "2024-01-01T00:00:00Z",
            "image": {
                "type": "WIX_MEDIA",
                "imageInfo": {**IMAGE["imageInfo"], "url": "https://x/m.jpg"},
            },
        },
        totalItems=1,
        createdDate="2024-01-01T00:00:00Z",
    )
    fx.load(fake, [write(tmp_path, "captured.json", captured)])
    assert fake.gallery.site_state(SITE)["galleries"][0]["items"][0]["id"] == I1


def test_every_exported_state_loads_strictly(fake: FakeGallery) -> None:
    """What /_fake/state exports is a valid fixture, so strict checking never
    refuses the fake's own output."""
    for name in fx.builtin_names():
        loaded = get_fake(create_app({"SEED": 1, "FIXTURES": [name]}))
        for site_id in loaded.store.site_ids():
            state = loaded.gallery.site_state(site_id)
            fx.validate(state, f"export of {name}")


def test_loose_mode_warns_instead(tmp_path: Path) -> None:
    fake = get_fake(create_app({"SEED": 3, "LOOSE_FIXTURES": True}))
    path = write(tmp_path, "typo.json", gallery(G1, item(I1, titel="x")))
    with pytest.warns(fx.FixtureWarning, match=r"items\[0\]\.titel: unknown key"):
        fx.load(fake, [path])
    assert fake.gallery.site_state(SITE)["galleries"][0]["items"][0]["id"] == I1


def test_a_gallery_id_twice_in_one_file(fake: FakeGallery, tmp_path: Path) -> None:
    path = write(tmp_path, "twice.json", gallery(G1), gallery(G1, name="again"))
    with pytest.raises(fx.FixtureError) as caught:
        fx.load(fake, [path])
    assert str(caught.value) == (
        f"{path}: galleries[1].id: id '{G1}' is also {path}: galleries[0].id"
    )
    assert_untouched(fake)


def test_an_item_id_twice_across_galleries(fake: FakeGallery, tmp_path: Path) -> None:
    path = write(tmp_path, "items.json", gallery(G1, item(I1)), gallery(G2, item(I1)))
    with pytest.raises(fx.FixtureError, match=r"galleries\[1\]\.items\[0\]\.id: id"):
        fx.load(fake, [path])
    assert_untouched(fake)


def test_a_gallery_id_twice_across_files(fake: FakeGallery, tmp_path: Path) -> None:
    first = write(tmp_path, "a.json", gallery(G1, name="first"))
    second = write(tmp_path, "b.json", gallery(G1, name="second"))
    with pytest.raises(fx.FixtureError) as caught:
        fx.load(fake, [first, second])
    message = str(caught.value)
    assert message.startswith(f"{second}: galleries[0].id:")
    assert f"{first}: galleries[0].id" in message
    assert_untouched(fake)


def test_an_id_already_in_the_site(fake: FakeGallery, tmp_path: Path) -> None:
    fx.load(fake, [write(tmp_path, "a.json", gallery(G1, item(I1)))])
    before = fake.gallery.site_state(SITE)
    path = write(tmp_path, "b.json", gallery(G2, item(I1)))
    with pytest.raises(fx.FixtureError) as caught:
        fx.load(fake, [path])
    assert str(caught.value).startswith(
        f"{path}: galleries[0].items[0].id: id '{I1}' is already in site '{SITE}'"
    )
    assert fake.gallery.site_state(SITE) == before


def test_duplicate_item_sort_orders(fake: FakeGallery, tmp_path: Path) -> None:
    path = write(
        tmp_path, "orders.json", gallery(G1, item(sortOrder=5), item(sortOrder=5))
    )
    with pytest.raises(fx.FixtureError) as caught:
        fx.load(fake, [path])
    assert str(caught.value) == (
        f"{path}: galleries[0].items[1].sortOrder: 5 is also "
        f"{path}: galleries[0].items[0].sortOrder in the same gallery"
    )
    assert_untouched(fake)


def test_duplicate_sort_orders_allowed_when_the_api_allows_them(tmp_path: Path) -> None:
    fake = get_fake(create_app({"REJECT_DUPLICATE_SORT_ORDER": False}))
    path = write(tmp_path, "o.json", gallery(G1, item(sortOrder=5), item(sortOrder=5)))
    fx.load(fake, [path])
    assert fake.gallery.site_state(SITE)["galleries"][0]["totalItems"] == 2


def test_the_same_file_twice_in_one_load(fake: FakeGallery, tmp_path: Path) -> None:
    path = write(tmp_path, "a.json", gallery(G1))
    with pytest.raises(fx.FixtureError, match="is also"):
        fx.load(fake, [path, path])
    assert_untouched(fake)


def test_the_same_file_into_two_sites_is_fine(
    fake: FakeGallery, tmp_path: Path
) -> None:
    path = write(tmp_path, "a.json", gallery(G1, item(I1)))
    other = "5a1e0c7d-8888-4222-8333-944455566677"
    assert fx.load(fake, [path], site_id=SITE) == [SITE]
    assert fx.load(fake, [path], site_id=other) == [other]
    assert sorted(fake.store.site_ids()) == sorted([SITE, other])


def test_serve_refuses_a_bad_fixture_at_start(tmp_path: Path) -> None:
    path = write(tmp_path, "twice.json", gallery(G1), gallery(G1))
    with pytest.raises(fx.FixtureError, match=r"galleries\[1\]\.id"):
        create_app({"FIXTURES": [str(path)]})
