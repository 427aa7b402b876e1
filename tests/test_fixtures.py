"""Fixture files: every shipped fixture loads; a bad file fails with its name
and the field path, and leaves the store untouched."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest

from fakegallery import create_app, get_fake
from fakegallery.seeding import fixtures as fx
from fakegallery.seeding import shipped
from fakegallery.testing.handle import GallerySite
from fakegallery.transfer.document import export

LARGE_SITE = "b1a2c3d4-2525-4250-8250-000000000250"
CLASSIC_SITE = "c1a55c00-5111-4de5-b0a1-5e1d5e5110e5"


def _site(name: str) -> tuple[str, dict[str, Any]]:
    fake = get_fake(create_app({"SEED": 1, "FIXTURES": [name]}))
    [site_id] = fake.store.site_ids()
    return site_id, fake.gallery.site_state(site_id)


@pytest.mark.parametrize("name", fx.builtin_names())
def test_every_shipped_fixture_loads(name: str) -> None:
    raw = orjson.loads((fx.builtin_dir() / f"{name}.json").read_bytes())
    site_id, state = _site(name)
    assert site_id == raw["siteId"]
    assert [g["id"] for g in state["galleries"]] == [g["id"] for g in raw["galleries"]]
    for gallery, source in zip(state["galleries"], raw["galleries"], strict=True):
        assert gallery["totalItems"] == len(source["items"])


@pytest.mark.parametrize("name", fx.builtin_names())
def test_shipped_fixture_is_checked_validates_to_itself(name: str) -> None:
    """seeding/shipped.py loads these bytes without validating them: that is
    only sound while validation changes nothing in them (the next test shows
    that the stored state is then the same, byte for byte)."""
    data = (fx.builtin_dir() / f"{name}.json").read_bytes()
    raw = orjson.loads(data)
    canonical = orjson.dumps(raw, option=orjson.OPT_SORT_KEYS)
    validated = orjson.dumps(fx.validate(raw, name), option=orjson.OPT_SORT_KEYS)
    assert validated == canonical, f"{name}.json must be in the validated shape"
    assert shipped.CHECKED.get(f"{name}.json") == shipped.digest(data), (
        f"fixtures/{name}.json changed: once it validates to itself and the "
        f"next test passes, put {shipped.digest(data)!r} in "
        "fakegallery/seeding/shipped.py"
    )


@pytest.mark.parametrize("name", fx.builtin_names())
def test_shipped_fixture_checked_load_equals_validated_load(
    name: str, tmp_path: Path
) -> None:
    copy = tmp_path / f"{name}.json"  # outside fixtures/: validated as always
    copy.write_bytes((fx.builtin_dir() / f"{name}.json").read_bytes())
    settings = {"SEED": 1, "FROZEN_TIME": "2026-01-01T00:00:00Z"}
    checked = get_fake(create_app({**settings, "FIXTURES": [name]}))
    validated = get_fake(create_app({**settings, "FIXTURES": [str(copy)]}))
    [site_id] = checked.store.site_ids()
    assert validated.store.site_ids() == [site_id]
    # byte for byte: the stored JSON, key order included, media and pages
    assert export(checked, site_ids=[site_id]) == export(validated, site_ids=[site_id])


def test_changed_shipped_fixture_is_validated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = (fx.builtin_dir() / "basic.json").read_bytes()
    changed = tmp_path / "basic.json"
    changed.write_bytes(data.replace(b'"Travel"', b'{"not": "a name"}'))
    monkeypatch.setattr(fx, "builtin_dir", lambda: tmp_path)
    assert not shipped.checked(changed, changed.read_bytes(), tmp_path)
    with pytest.raises(fx.FixtureError, match=r"basic\.json: galleries\[0\]\.name"):
        fx.load(get_fake(create_app()), ["basic"])
    monkeypatch.setattr(shipped, "CHECKED", {"basic.json": shipped.digest(data)})
    (tmp_path / "basic.json").write_bytes(data)
    assert shipped.checked(changed, data, tmp_path)


def test_shipped_fixtures_fill_distinct_sites() -> None:
    fake = get_fake(create_app({"FIXTURES": [str(fx.builtin_dir())]}))
    assert len(fake.store.site_ids()) == len(fx.builtin_names()) >= 3


def test_large_25_galleries_one_with_250_items() -> None:
    app = create_app({"FIXTURES": ["large"]})
    _, state = _site("large")
    assert len(state["galleries"]) == 25
    assert max(g["totalItems"] for g in state["galleries"]) == 250
    big = next(g for g in state["galleries"] if g["totalItems"] == 250)
    headers = {"Authorization": "k", "wix-site-id": LARGE_SITE}
    page = app.test_client().get(
        f"/pro-gallery/v2/galleries/{big['id']}?itemOffset=200&itemLimit=100",
        headers=headers,
    )
    assert page.status_code == 200
    assert page.json["gallery"]["totalItems"] == 250  # type: ignore[index]
    assert len(page.json["gallery"]["items"]) == 50  # type: ignore[index]


def test_classic_slideshow_editor_shape() -> None:
    site_id, state = _site("classic-slideshow")
    assert site_id == CLASSIC_SITE
    [gallery] = state["galleries"]
    assert "name" not in gallery
    assert "sortOrder" not in gallery
    orders = [i["sortOrder"] for i in gallery["items"]]
    assert orders[0] == 1611056409.2088726
    assert orders == sorted(orders)
    for item in gallery["items"]:
        info = item["image"]["imageInfo"]
        assert info["filename"] == info["id"]
        assert info["url"] == "https://static.wixstatic.com/media/" + info["id"]


def _write(path: Path, data: Any) -> Path:
    path.write_bytes(orjson.dumps(data))
    return path


GOOD = {"galleries": [{"name": "ok", "items": [{"text": {"html": "<p>a</p>"}}]}]}


def test_bad_file_names_file_and_field_path(tmp_path: Path) -> None:
    bad = {
        "galleries": [
            {"items": [{"text": {"html": "x"}}, {"image": {"imageInfo": {"width": 1}}}]}
        ]
    }
    path = _write(tmp_path / "broken.json", bad)
    with pytest.raises(fx.FixtureError) as caught:
        fx.parse(path)
    message = str(caught.value)
    assert message.startswith(str(path) + ": ")
    assert "galleries[0].items[1].image.imageInfo.id: is required" in message
    assert "galleries[0].items[1].image.imageInfo.height: is required" in message


def test_bad_json_names_file(tmp_path: Path) -> None:
    path = tmp_path / "trunc.json"
    path.write_text('{"galleries": [')
    with pytest.raises(fx.FixtureError, match=r"trunc\.json: not valid JSON"):
        fx.parse(path)


def test_unknown_name_lists_shipped() -> None:
    with pytest.raises(fx.FixtureError, match=r"no-such: no such fixture.*basic"):
        fx.resolve("no-such")


def test_one_bad_file_nothing_loaded(tmp_path: Path) -> None:
    good = _write(tmp_path / "good.json", GOOD)
    bad = _write(tmp_path / "bad.json", {"galleries": [{"sortOrder": "soon"}]})
    fake = get_fake(create_app({"SEED": 1}))
    with pytest.raises(fx.FixtureError, match=r"bad\.json: galleries\[0\]\.sortOrder"):
        fx.load(fake, [good, bad])
    assert fake.store.site_ids() == []


def test_handle_load_bad_file_leaves_site_empty(
    fakegallery: GallerySite, tmp_path: Path
) -> None:
    path = _write(tmp_path / "bad.json", {"galleries": [{"items": [{}]}]})
    with pytest.raises(fx.FixtureError, match=r"bad\.json: galleries\[0\]\.items\[0\]"):
        fakegallery.load(path)
    assert fakegallery.state()["galleries"] == []
    fakegallery.load(_write(tmp_path / "good.json", GOOD))
    assert [g["name"] for g in fakegallery.state()["galleries"]] == ["ok"]
