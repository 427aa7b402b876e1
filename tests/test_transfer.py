"""Export and import (docs/persistence.md#export-and-import): the document's
shape, byte-identical round trips, all-or-nothing imports with the field path
of every problem, mode=sites, PUT /_fake/state, and the handle's
snapshot()/restore()."""

from __future__ import annotations

import base64
import io
from collections.abc import Callable
from typing import Any

import orjson
import pytest
from conftest import HEADERS, SITE, Api, Builders
from flask.testing import FlaskClient
from PIL import Image

from fakegallery import create_app, get_fake
from fakegallery.fake import FakeGallery
from fakegallery.seeding import demo
from fakegallery.testing.handle import GallerySite

OTHER = "d0d0d0d0-0000-4000-8000-00000000beef"
BASIC = "2f6b3c1e-5d1a-4c7e-9b61-0a2d3e4f5a6b"


@pytest.fixture
def config() -> dict[str, Any]:
    return {
        "SEED": 5,
        "FROZEN_TIME": "2026-01-02T03:04:05Z",
        "FIXTURES": ["basic", "classic-slideshow"],
    }


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (3, 2), (1, 2, 3)).save(buffer, "PNG")
    return buffer.getvalue()


def busy(client: FlaskClient, api: Api, make: Builders) -> dict[str, Any]:
    """API writes of every kind on SITE, on top of the fixtures."""
    site = {"wix-site-id": SITE}
    upload = client.post(
        "/_fake/media?filename=p.png",
        data=png(),
        content_type="image/png",
        headers=site,
    ).json
    assert upload is not None
    client.post(
        "/_fake/editor/galleries",
        json={"page": "about", "gallery": {"items": [make.text()]}},
        headers=site,
    )
    gallery = api.create_gallery(
        name="G", items=[make.image(), make.youtube(), make.text()]
    )
    item = gallery["items"][0]["id"]
    api.patch(f"galleries/{gallery['id']}/items/{item}", {"item": {"sortOrder": None}})
    api.create_item(gallery["id"], make.image(upload["id"], title="uploaded"))
    client.post("/_fake/site/unpublish", headers={"wix-site-id": OTHER})
    return {"gallery": gallery["id"], "media": upload["id"]}


def export(client: FlaskClient, query: str = "media=true") -> bytes:
    response = client.get(f"/_fake/export?{query}")
    assert response.status_code == 200
    return response.data


def post_import(client: FlaskClient, body: Any, mode: str = "all") -> Any:
    data = body if isinstance(body, bytes) else orjson.dumps(body)
    return client.post(
        f"/_fake/import?mode={mode}", data=data, content_type="application/json"
    )


def test_export_document_shape(client: FlaskClient, api: Api, make: Builders) -> None:
    made = busy(client, api, make)
    doc = orjson.loads(export(client, "media=false"))
    assert list(doc) == ["format", "version", "clock", "ids", "sites"]
    assert (doc["format"], doc["version"]) == ("fakegallery-export", 1)
    assert doc["clock"]["frozenAt"] == "2026-01-02T03:04:05Z"
    by_site = {s["siteId"]: s for s in doc["sites"]}
    assert sorted(by_site) == [
        BASIC,
        SITE,
        "c1a55c00-5111-4de5-b0a1-5e1d5e5110e5",
        OTHER,
    ]
    assert by_site[OTHER] == {
        "siteId": OTHER,
        "published": False,
        "galleries": [],
        "media": [],
        "pages": [],
    }
    mine = by_site[SITE]
    assert len(mine["mediaIdPrefix"]) == 6
    assert [m["id"] for m in mine["media"]] == [made["media"]]
    assert "data" not in mine["media"][0]  # only with ?media=true
    assert [p["name"] for p in mine["pages"]] == ["about"]
    [_editor, gallery] = mine["galleries"]
    assert gallery["items"][0]["sortOrder"] is None  # cleared: listed as 0
    wire = api.get(f"galleries/{made['gallery']}?itemLimit=10").json
    assert [i["id"] for i in gallery["items"]] == [
        i["id"]
        for i in wire["gallery"]["items"]  # type: ignore[index]
    ]
    with_media = orjson.loads(export(client))
    [entry] = next(s for s in with_media["sites"] if s["siteId"] == SITE)["media"]
    assert base64.b64decode(entry["data"]) == png()


def test_export_media_flag_must_be_a_boolean(
    client: FlaskClient, check_violation: Any
) -> None:
    check_violation(client.get("/_fake/export?media=maybe"), "media", "FORMAT")


def test_export_chosen_sites(client: FlaskClient) -> None:
    doc = orjson.loads(export(client, f"siteId={BASIC}&siteId={OTHER}"))
    assert [s["siteId"] for s in doc["sites"]] == [BASIC, OTHER]
    assert doc["sites"][1]["galleries"] == []  # asked for, so listed though empty


def test_round_trip_export_reset_import_is_byte_identical(
    client: FlaskClient, api: Api, make: Builders, fake: FakeGallery
) -> None:
    busy(client, api, make)
    first = export(client)
    client.post("/_fake/reset")
    answer = post_import(client, first)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    assert answer.json["siteIds"][0] == BASIC  # type: ignore[index]
    assert export(client) == first
    # and the restored fake continues: same next id as one that never stopped
    twin = create_app(
        {
            "SEED": 5,
            "FROZEN_TIME": "2026-01-02T03:04:05Z",
            "FIXTURES": ["basic", "classic-slideshow"],
        }
    )
    twin_api = Api(twin.test_client(), dict(HEADERS))
    busy(twin.test_client(), twin_api, make)
    assert api.create_gallery()["id"] == twin_api.create_gallery()["id"]


def test_round_trip_generated_data(make: Builders) -> None:
    """Every kind of item the demo generator makes survives the trip."""
    app = create_app({"SEED": 9, "FROZEN_TIME": "2026-01-02T03:04:05Z"})
    c = app.test_client()
    data = demo.generate(4, [30, 5, 0, 12], seed=9, site_id=SITE)
    from fakegallery.seeding import fixtures

    fixtures.load_data(get_fake(app), fixtures.validate(data, "demo"), "demo")
    first = export(c)
    fresh = create_app({"SEED": 1})
    assert post_import(fresh.test_client(), first).status_code == 200
    assert export(fresh.test_client()) == first


def test_import_mode_sites_replaces_only_its_sites(
    client: FlaskClient, api: Api, make: Builders
) -> None:
    busy(client, api, make)
    doc = orjson.loads(export(client))
    clock = client.get("/_fake/clock").json
    mine = next(s for s in doc["sites"] if s["siteId"] == SITE)
    mine["galleries"] = mine["galleries"][:1]
    partial = {"format": doc["format"], "version": 1, "sites": [mine]}
    assert post_import(client, partial, "sites").status_code == 200
    after = orjson.loads(export(client))
    by_site = {s["siteId"]: s for s in after["sites"]}
    assert by_site[SITE] == mine
    assert by_site[BASIC] == next(s for s in doc["sites"] if s["siteId"] == BASIC)
    assert client.get("/_fake/clock").json == clock


def test_import_without_clock_and_ids_keeps_defaults(client: FlaskClient) -> None:
    doc = {"format": "fakegallery-export", "version": 1, "sites": []}
    assert post_import(client, doc).status_code == 200
    assert orjson.loads(export(client))["sites"] == []  # everything replaced


CASES: list[tuple[str, Callable[[dict[str, Any]], Any], str, str]] = [
    ("not an object", lambda d: [], "", "FORMAT"),
    ("format", lambda d: d.pop("format"), "format", "REQUIRED_FIELD"),
    ("format value", lambda d: d.update(format="other"), "format", "FORMAT"),
    ("newer version", lambda d: d.update(version=2), "version", "MAX"),
    ("version type", lambda d: d.update(version="1"), "version", "FORMAT"),
    ("unknown key", lambda d: d.update(extra=1), "extra", "UNKNOWN_FIELD"),
    ("sites", lambda d: d.update(sites={}), "sites", "FORMAT"),
    ("clock", lambda d: d["clock"].update(frozenAt="soon"), "clock.frozenAt", "FORMAT"),
    ("clock key", lambda d: d["clock"].update(speed=2), "clock.speed", "UNKNOWN_FIELD"),
    ("ids seed", lambda d: d["ids"].update(seed=True), "ids.seed", "FORMAT"),
    ("ids state", lambda d: d["ids"].update(entities="AAAA"), "ids.entities", "FORMAT"),
    (
        "site id",
        lambda d: d["sites"][1].pop("siteId"),
        "sites[1].siteId",
        "REQUIRED_FIELD",
    ),
    (
        "site twice",
        lambda d: d["sites"][1].update(siteId=d["sites"][0]["siteId"]),
        "sites[1].siteId",
        "DUPLICATE",
    ),
    (
        "item rule",
        lambda d: d["sites"][0]["galleries"][0]["items"][1]["image"]["imageInfo"].pop(
            "id"
        ),
        "sites[0].galleries[0].items[1].image.imageInfo.id",
        "REQUIRED_FIELD",
    ),
    (
        "unknown item key",
        lambda d: d["sites"][0]["galleries"][1]["items"][0].update(colour="red"),
        "sites[0].galleries[1].items[0].colour",
        "UNKNOWN_FIELD",
    ),
    (
        "item id twice",
        lambda d: d["sites"][0]["galleries"][1]["items"][0].update(
            id=d["sites"][0]["galleries"][0]["items"][0]["id"]
        ),
        "sites[0].galleries[1].items[0].id",
        "DUPLICATE",
    ),
    (
        "sortOrder twice",
        lambda d: d["sites"][0]["galleries"][0]["items"][1].update(
            sortOrder=d["sites"][0]["galleries"][0]["items"][0]["sortOrder"]
        ),
        "sites[0].galleries[0].items[1].sortOrder",
        "DUPLICATE",
    ),
    (
        "media data",
        lambda d: d["sites"][0]["media"][0].update(data="***"),
        "sites[0].media[0].data",
        "FORMAT",
    ),
    (
        "media prefix",
        lambda d: d["sites"][0].update(mediaIdPrefix="XYZ"),
        "sites[0].mediaIdPrefix",
        "FORMAT",
    ),
    (
        "widget id",
        lambda d: d["sites"][1]["pages"][0]["widgets"][0].update(id="w"),
        "sites[1].pages[0].widgets[0].id",
        "FORMAT",
    ),
]


@pytest.mark.parametrize(
    ("change", "field", "rule"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_import_refused_whole_with_the_field_path(
    client: FlaskClient,
    change: Callable[[dict[str, Any]], Any],
    field: str,
    rule: str,
) -> None:
    original = export(client)
    doc = orjson.loads(original)
    replaced = change(doc)
    body = replaced if isinstance(replaced, list) else doc
    answer = post_import(client, body)
    assert answer.status_code == 400, answer.get_data(as_text=True)
    violations = answer.json["details"]["validationError"]["fieldViolations"]  # type: ignore[index]
    assert [(v["field"], v["violatedRule"]) for v in violations] == [(field, rule)]
    assert export(client) == original  # nothing changed


def test_import_many_problems_are_listed_together(client: FlaskClient) -> None:
    doc = orjson.loads(export(client))
    doc["version"] = 7
    doc["sites"][0]["galleries"][0]["items"][0]["title"] = 5
    answer = post_import(client, doc, mode="some")
    fields = [
        v["field"] for v in answer.json["details"]["validationError"]["fieldViolations"]
    ]  # type: ignore[index]
    assert fields == ["mode", "version", "sites[0].galleries[0].items[0].title"]


def test_import_not_json(client: FlaskClient) -> None:
    answer = client.post("/_fake/import", data=b"{", content_type="application/json")
    assert answer.status_code == 400
    assert (
        answer.json["details"]["validationError"]["fieldViolations"][0]["field"]
        == "body"
    )  # type: ignore[index]


def test_import_a_failure_while_applying_puts_everything_back(
    client: FlaskClient, fake: FakeGallery, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = export(client)
    doc = orjson.loads(original)
    doc["sites"].append({"siteId": OTHER, "galleries": []})
    from fakegallery.transfer import importing

    real = importing.store_site

    def failing(fake: FakeGallery, site: str, data: Any, exact: bool = False) -> None:
        real(fake, site, data, exact)
        if site == OTHER:
            raise RuntimeError("disk on fire")

    monkeypatch.setattr(importing, "store_site", failing)
    assert post_import(client, doc).status_code == 500
    [error] = fake.take_errors()
    assert str(error) == "disk on fire"
    assert export(client) == original


# --- PUT /_fake/state -----------------------------------------------------------------


def test_put_state_get_then_put_changes_nothing(client: FlaskClient) -> None:
    site = {"wix-site-id": BASIC}
    client.post("/_fake/media", data=png(), content_type="image/png", headers=site)
    client.post("/_fake/editor/galleries", json={}, headers=site)
    client.post("/_fake/site/unpublish", headers=site)
    before = export(client)
    state = client.get(f"/_fake/state?siteId={BASIC}").json
    # orjson keeps key order (free-form objects such as text.css are stored as
    # sent; Flask's test client would sort them)
    answer = client.put(
        f"/_fake/state?siteId={BASIC}",
        data=orjson.dumps(state),
        content_type="application/json",
    )
    assert answer.status_code == 200, answer.get_data(as_text=True)
    assert answer.json == state
    assert export(client) == before  # widgets, media, flag kept; nothing added


def test_put_state_sort_order_null_stays_unset(client: FlaskClient) -> None:
    state = client.get(f"/_fake/state?siteId={BASIC}").json
    assert state is not None
    items = state["galleries"][0]["items"]
    items[0]["sortOrder"] = None
    del items[1]["sortOrder"]  # missing: the default, as in fixture files
    answer = client.put(f"/_fake/state?siteId={BASIC}", json=state).json
    listed = answer["galleries"][0]["items"]  # type: ignore[index]
    assert "sortOrder" not in listed[0]
    assert listed[-1]["id"] == items[1]["id"]  # the default: now, the largest
    assert listed[-1]["sortOrder"] > 1.7e9


def test_put_state_replaces_galleries_and_copies_sites(client: FlaskClient) -> None:
    state = client.get(f"/_fake/state?siteId={BASIC}").json
    assert state is not None
    state["galleries"] = state["galleries"][:1]
    state["galleries"][0]["name"] = "Renamed"
    answer = client.put(f"/_fake/state?siteId={OTHER}", json=state)  # query wins
    assert answer.status_code == 200
    assert [g["name"] for g in answer.json["galleries"]] == ["Renamed"]  # type: ignore[index]
    assert len(client.get(f"/_fake/state?siteId={BASIC}").json["galleries"]) == 2  # type: ignore[index]
    assert (
        client.put(
            "/_fake/state", json={"galleries": [], "published": False}
        ).status_code
        == 200
    )
    assert client.get("/_fake/live").json["published"] is False  # type: ignore[index]


def test_put_state_refused_whole(client: FlaskClient, check_violation: Any) -> None:
    before = export(client)
    state = client.get(f"/_fake/state?siteId={BASIC}").json
    assert state is not None
    state["galleries"][1]["items"][0]["image"]["imageInfo"]["width"] = -1
    answer = client.put(f"/_fake/state?siteId={BASIC}", json=state)
    check_violation(answer, "galleries[1].items[0].image.imageInfo.width", "MIN")
    check_violation(
        client.put("/_fake/state", json={"gallery": []}), "gallery", "UNKNOWN_FIELD"
    )
    check_violation(client.put("/_fake/state", json=[1]), "", "FORMAT")
    assert export(client) == before


# --- durable mode: an import is one transaction ---------------------------------------


def test_import_into_a_data_dir_survives_a_restart(
    tmp_path: Any, client: FlaskClient
) -> None:
    doc = export(client)
    settings = {"SEED": 2, "DATA_DIR": str(tmp_path / "d")}
    app = create_app(settings)
    assert post_import(app.test_client(), doc).status_code == 200
    get_fake(app).close()
    again = create_app(settings)
    try:
        assert export(again.test_client()) == doc
    finally:
        get_fake(again).close()


# --- the pytest handle ----------------------------------------------------------------


def test_handle_snapshot_restore(fakegallery: GallerySite) -> None:
    fakegallery.load("basic")
    fakegallery.add_editor_gallery({"name": "E"}, page="p")
    fakegallery.publish(False)
    baseline = fakegallery.snapshot()
    state, live = fakegallery.state(), fakegallery.live()
    fakegallery.publish(True)
    fakegallery.client.delete(
        f"{fakegallery.api_url}/galleries/{state['galleries'][0]['id']}"
    )
    fakegallery.restore(baseline)
    assert fakegallery.state() == state
    assert fakegallery.live() == live
    assert baseline.item_count == sum(g["totalItems"] for g in state["galleries"])


def test_handle_restore_into_another_site(fakegallery: GallerySite) -> None:
    fakegallery.load("classic-slideshow")
    copied = fakegallery.snapshot()
    other = GallerySite(fakegallery.server, OTHER)
    try:
        other.restore(copied)
        assert other.state()["galleries"] == fakegallery.state()["galleries"]
        assert other.live()["pages"] == fakegallery.live()["pages"]
    finally:
        other.close()
