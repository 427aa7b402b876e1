"""MODE=loose (docs/journal-and-faults.md#strict-and-loose): the value rules
it relaxes, the rules it keeps, and how it reports what it relaxed — the
X-Fake-Violations header and the journal's rulesRelaxed."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import HEADERS, Api
from flask import Flask

from fakegallery import create_app, get_fake
from fakegallery.config import DEFAULT_SITE_ID
from fakegallery.errors import FieldViolation
from fakegallery.gallery.loose import HEADER, MAX_HEADER, header_value
from fakegallery.seeding.fixtures import FixtureWarning
from fakegallery.state.journal import Query

UNKNOWN = "5a1e0c7d-0000-4222-8333-944455566677"
INFO = {"id": "11062b_a~mv2.jpg", "width": 4, "height": 3}


@pytest.fixture
def loose_app() -> Flask:
    return create_app({"TESTING": True, "SEED": 1, "MODE": "loose"})


@pytest.fixture
def loose(loose_app: Flask) -> Api:
    return Api(loose_app.test_client(), dict(HEADERS))


@pytest.fixture
def gallery_id(loose: Api) -> str:
    return loose.create_gallery(name="g")["id"]


def relaxed_rules(app: Flask) -> list[dict[str, Any]]:
    entry = get_fake(app).journal.select(Query())[-1].to_record()
    rules: list[dict[str, Any]] = entry["rulesRelaxed"]
    return rules


# (method, path, body, status in loose mode, header) — each a 400 in strict mode
RELAXED = [
    ("GET", "galleries?limit=50", None, 200, "limit MAX"),
    ("GET", "galleries?limit=0&offset=-2", None, 200, "limit MIN; offset MIN"),
    ("GET", "galleries?itemLimit=abc", None, 200, "itemLimit FORMAT"),
    ("GET", "galleries/{g}?itemLimit=5000", None, 200, "itemLimit MAX"),
    ("GET", "galleries/not-a-guid", None, 404, "galleryId FORMAT"),
    (
        "POST",
        "galleries/{g}/items",
        {"item": {"image": {"imageInfo": INFO, "quality": 101}}},
        200,
        "item.image.quality MAX",
    ),
    (
        "POST",
        "galleries/{g}/items",
        {"item": {"image": {"imageInfo": {**INFO, "width": -1}}}},
        200,
        "item.image.imageInfo.width MIN",
    ),
    ("POST", "galleries/{g}/items/delete", {"itemIds": []}, 200, "itemIds MIN_SIZE"),
    (
        "POST",
        "galleries/{g}/items/delete",
        {"itemIds": ["x"]},
        200,
        "itemIds[0] FORMAT",
    ),
    ("DELETE", "galleries/{g}/items?itemsIds=x", None, 200, "itemsIds[0] FORMAT"),
    (
        "POST",
        "galleries",
        {"cloneFromGalleryId": "x"},
        404,
        "cloneFromGalleryId FORMAT",
    ),
]


@pytest.mark.parametrize(("method", "path", "body", "status", "header"), RELAXED)
def test_loose_relaxes_value_rules_and_says_which(
    loose_app: Flask,
    loose: Api,
    gallery_id: str,
    method: str,
    path: str,
    body: Any,
    status: int,
    header: str,
) -> None:
    url = path.replace("{g}", gallery_id)
    strict = Api(create_app({"TESTING": True}).test_client(), dict(HEADERS))
    strict_answer = strict.call(method, url, json=body)
    assert strict_answer.status_code in (400, 404)
    assert HEADER not in strict_answer.headers
    response = loose.call(method, url, json=body)
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.headers[HEADER] == header
    relaxed = relaxed_rules(loose_app)
    assert [f"{r['field']} {r['violatedRule']}" for r in relaxed] == header.split("; ")
    assert all(r["description"] for r in relaxed)


def test_honoured_values(loose: Api, gallery_id: str) -> None:
    for i in range(11):
        loose.create_gallery(name=str(i))
    listed = loose.get("galleries?limit=50").json
    assert len(listed["galleries"]) == 12  # type: ignore[index]  # past the 10 cap
    item = {"image": {"imageInfo": INFO, "quality": 101}}
    created = loose.post(f"galleries/{gallery_id}/items", {"item": item}).json
    assert created["item"]["image"]["quality"] == 101  # type: ignore[index]
    minimum = loose.get("galleries?limit=0").json
    assert len(minimum["galleries"]) == 1  # type: ignore[index]  # clamped to 1


NOT_RELAXED = [
    (
        {"item": {"image": {"imageInfo": {**INFO, "width": "4"}}}},
        "item.image.imageInfo.width",
    ),
    (
        {"item": {"image": {"imageInfo": {"width": 4, "height": 3}}}},
        "item.image.imageInfo.id",
    ),
    ({"item": {"title": "no media"}}, "item"),
    ({"item": {"image": {"imageInfo": INFO}, "text": {"html": "x"}}}, "item"),
    ({"item": {"sortOrder": "NaN", "text": {"html": "x"}}}, "item.sortOrder"),
    (
        {"item": {"video": {"type": "DVD", "videoInfo": {"url": "u"}}}},
        "item.video.type",
    ),
    ({}, "item"),
]


@pytest.mark.parametrize(("body", "field"), NOT_RELAXED)
def test_loose_keeps_the_rules_the_response_shape_needs(
    loose_app: Flask,
    loose: Api,
    gallery_id: str,
    body: Any,
    field: str,
) -> None:
    response = loose.post(f"galleries/{gallery_id}/items", body)
    assert response.status_code == 400
    fields = response.json["details"]["validationError"]["fieldViolations"]  # type: ignore[index]
    assert field in [v["field"] for v in fields]
    assert HEADER not in response.headers
    state = get_fake(loose_app).gallery.site_state(HEADERS["wix-site-id"])
    assert state["galleries"][0]["totalItems"] == 0


def test_a_kept_rule_is_reported_alone(loose: Api, gallery_id: str) -> None:
    """A body breaking a relaxed and a kept rule names only the kept one."""
    item = {"image": {"imageInfo": {**INFO, "width": "x"}, "quality": 500}}
    response = loose.post(f"galleries/{gallery_id}/items", {"item": item})
    assert response.status_code == 400
    fields = response.json["details"]["validationError"]["fieldViolations"]  # type: ignore[index]
    assert [v["field"] for v in fields] == ["item.image.imageInfo.width"]


def test_strict_is_the_default() -> None:
    app = create_app({"TESTING": True})
    assert get_fake(app).settings.mode == "strict"
    api = Api(app.test_client(), dict(HEADERS))
    assert api.get("galleries?limit=11").status_code == 400


def test_the_control_plane_stays_strict(loose: Api) -> None:
    response = loose.post("/_fake/live/widgets/x/connect", {"galleryId": "not-a-guid"})
    assert response.status_code == 400


def test_loose_mode_loads_fixtures_loosely(tmp_path: Any) -> None:
    fixture = tmp_path / "site.json"
    fixture.write_text('{"galleries": [{"name": "g", "colour": "red"}]}')
    with pytest.raises(Exception, match="colour"):
        create_app({"FIXTURES": [str(fixture)]})
    with pytest.warns(FixtureWarning, match="colour: unknown key, ignored"):
        app = create_app({"FIXTURES": [str(fixture)], "MODE": "loose"})
    state = get_fake(app).gallery.site_state(DEFAULT_SITE_ID)
    assert [g["name"] for g in state["galleries"]] == ["g"]


def test_header_is_ascii_and_bounded() -> None:
    odd = [
        FieldViolation("naïve\tfield", "d", "MAX"),
        FieldViolation("", "d", "FORMAT"),
    ]
    value = header_value(odd)
    assert value == "na\\xefve?field MAX; (body) FORMAT"
    assert value.isascii()
    many = [FieldViolation(f"items[{i}].quality", "d", "MAX") for i in range(500)]
    long = header_value(many)
    assert len(long) <= MAX_HEADER + 20
    assert long.endswith("more")
