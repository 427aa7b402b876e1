"""The OpenAPI description at /_fake/openapi.json: complete (12 operations under
every prefix), generated from the request schemas (so it cannot drift), and in
agreement with what the app accepts and answers."""

from __future__ import annotations

import re
from typing import Any

import jsonschema_rs
import pytest
from conftest import Api
from flask import Flask
from flask.testing import FlaskClient
from marshmallow import Schema, ValidationError, validates_schema

from fakegallery import PREFIXES, create_app
from fakegallery.config import Settings
from fakegallery.gallery import schemas as S
from fakegallery.gallery.operations import BY_ID, OPERATIONS
from fakegallery.openapi.convert import REF, Converter
from fakegallery.openapi.document import build
from fakegallery.openapi.routes import PATH

#: The operations table's ids; tests/test_sdk.py checks them (with methods and
#: paths) against the official SDK's own description.
SDK_METHODS = {op.id for op in OPERATIONS}


@pytest.fixture
def doc(client: FlaskClient) -> dict[str, Any]:
    response = client.get(PATH)
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.json is not None
    return response.json


def validator(doc: dict[str, Any], component: str) -> Any:
    """A JSON Schema 2020-12 validator for one component of the document."""
    root = {"components": doc["components"], "$ref": REF + component}
    return jsonschema_rs.Draft202012Validator(root)


def operations(doc: dict[str, Any]) -> dict[tuple[str, str], str]:
    return {
        (method.upper(), path): op["operationId"]
        for path, item in doc["paths"].items()
        for method, op in item.items()
    }


def test_served_outside_the_api_prefixes(doc: dict[str, Any]) -> None:
    assert doc["openapi"] == "3.1.0"
    assert not any(PATH.startswith(p) for p in PREFIXES)
    variable = doc["servers"][0]["variables"]["prefix"]
    assert variable["enum"] == list(PREFIXES)
    assert variable["default"] in PREFIXES


def test_the_12_operations_are_exactly_the_app_routes(
    doc: dict[str, Any], app: Flask, api: Api
) -> None:
    documented = operations(doc)
    assert set(documented.values()) == SDK_METHODS
    assert len(documented) == 12
    # The API rules of the url map (one per prefix, or one with a prefix
    # converter), with Flask's <gallery_id> spelled as OpenAPI's {galleryId}.
    prefixed = re.compile(
        r"^(?:/<\w+:\w+>|" + "|".join(map(re.escape, PREFIXES)) + r")(/galleries.*)$"
    )
    served = set()
    for rule in app.url_map.iter_rules():
        match = prefixed.match(rule.rule)
        if match:
            path = re.sub(
                r"<(\w+)>",
                lambda m: "{" + re.sub(r"_(\w)", lambda c: c[1].upper(), m[1]) + "}",
                match[1],
            )
            methods = (rule.methods or set()) - {"HEAD", "OPTIONS"}
            served |= {(method, path) for method in methods}
    assert served == set(documented)
    # and each is answered under every prefix (an unknown route is NOT_FOUND)
    guid = "5a1e0c7d-0000-4222-8333-944455566677"
    for prefix in PREFIXES:
        for method, path in documented:
            url = prefix + path.replace("{galleryId}", guid).replace("{itemId}", guid)
            response = api.call(method, url, json={})
            code = (response.json or {}).get("details", {}).get("applicationError")
            assert response.status_code in (200, 400, 404), (method, url)
            assert code is None or code["code"] != "NOT_FOUND", (method, url)


def test_request_bodies_are_the_schemas_api_py_validates_with(
    doc: dict[str, Any],
) -> None:
    bodies = {
        op["operationId"]: op["requestBody"]["content"]["application/json"]["schema"]
        for item in doc["paths"].values()
        for op in item.values()
        if "requestBody" in op
    }
    used = {op: BY_ID[op].body for op in BY_ID if BY_ID[op].body is not None}
    assert (
        set(bodies)
        == set(used)
        == {
            "createGallery",
            "updateGallery",
            "createGalleryItem",
            "updateGalleryItem",
            "bulkDeleteGalleryItems",
        }
    )
    for name, schema in used.items():
        assert schema is not None
        assert bodies[name] == {"$ref": REF + schema.__name__}


def test_fields_rules_and_bounds_come_from_the_schemas(doc: dict[str, Any]) -> None:
    schemas = doc["components"]["schemas"]
    image = schemas["ImageSchema"]
    assert image["required"] == ["imageInfo"]
    assert image["properties"]["quality"] == {
        "type": ["integer", "null"],
        "format": "int64",
        "minimum": 30,
        "maximum": 100,
    }
    assert schemas["CommonImageSchema"]["properties"]["id"]["minLength"] == 1
    bulk = schemas["BulkDeleteGalleryItemsRequest"]["properties"]["itemIds"]
    assert (bulk["minItems"], bulk["maxItems"]) == (1, 1000)
    assert bulk["items"]["pattern"] == S.GUID_RE.pattern
    video_type = schemas["VideoSchema"]["properties"]["type"]
    assert video_type["enum"] == [*S.VIDEO_TYPES, None]  # null means unset
    # every marshmallow field of every request component is a property
    for name, component in schemas.items():
        cls = getattr(S, name, None)
        if isinstance(cls, type) and issubclass(cls, Schema):
            assert set(component["properties"]) == set(cls._declared_fields), name


def test_query_bounds_follow_the_settings() -> None:
    doc = build(Settings(max_item_limit=77), PREFIXES)
    get_gallery = doc["paths"]["/galleries/{galleryId}"]["get"]
    limit = next(p for p in get_gallery["parameters"] if p.get("name") == "itemLimit")
    assert limit["schema"]["maximum"] == 77


@pytest.mark.parametrize(
    ("path", "param", "maximum"),
    [
        ("galleries", "limit", 10),
        ("galleries", "itemLimit", 100),
        ("galleries/{G}", "itemLimit", 200),
        ("galleries/{G}/items", "itemLimit", 200),
    ],
)
def test_documented_query_maxima_are_what_the_app_enforces(
    doc: dict[str, Any],
    api: Api,
    check_violation: Any,
    path: str,
    param: str,
    maximum: int,
) -> None:
    template = "/" + path.replace("{G}", "{galleryId}")
    operation = doc["paths"][template]["get"]
    documented = next(p for p in operation["parameters"] if p.get("name") == param)
    assert documented["schema"]["maximum"] == maximum
    url = path.replace("{G}", api.create_gallery(name="q")["id"])
    assert api.get(f"{url}?{param}={maximum}").status_code == 200
    check_violation(api.get(f"{url}?{param}={maximum + 1}"), param, "MAX")


# marshmallow (what the app does) and the generated JSON Schema must agree.
IMAGE = {"imageInfo": {"id": "11062b_a~mv2.jpg", "width": 8, "height": 6}}
ITEM_BODIES = [
    ({"item": {"image": IMAGE}}, True),
    ({"item": {"video": {"videoInfo": {"url": "https://youtu.be/x"}}}}, True),
    ({"item": {"text": {"html": "<p/>"}, "title": None, "link": None}}, True),
    ({"item": {"text": {"html": "x"}, "_id": "ignored", "type": "TEXT"}}, True),
    ({"item": {"image": {**IMAGE, "quality": 30}}}, True),
    ({"item": {"image": {**IMAGE, "quality": 101}}}, False),
    ({"item": {"title": "no media"}}, False),
    ({"item": {"image": IMAGE, "text": {"html": "x"}}}, False),
    ({"item": {"image": {"imageInfo": {"url": "https://x/y.jpg"}}}}, False),
    ({"item": {"image": {"imageInfo": {**IMAGE["imageInfo"], "id": ""}}}}, False),
    ({"item": {"video": {"videoInfo": {"id": "", "url": ""}}}}, False),
    ({"item": {"video": {"videoInfo": {}, "type": "TIKTOK"}}}, False),
    ({"item": {"image": {"imageInfo": {**IMAGE["imageInfo"], "width": 1e30}}}}, False),
    ({"item": {"image": {"imageInfo": {**IMAGE["imageInfo"], "width": 8.0}}}}, True),
    ({"item": {"text": {"html": "x"}, "sortOrder": "NaN"}}, False),
    ({"item": {"text": {"html": 5}}}, False),
    ({"item": None}, False),
    ({}, False),
]


@pytest.mark.parametrize(("body", "valid"), ITEM_BODIES)
def test_schema_and_marshmallow_agree_on_items(
    doc: dict[str, Any], body: dict[str, Any], valid: bool
) -> None:
    described = validator(doc, "CreateGalleryItemRequest").is_valid(body)
    try:
        S.load(S.CreateGalleryItemRequest(), body)
        loaded = True
    except S.E.InvalidArgument:
        loaded = False
    assert (described, loaded) == (valid, valid)


@pytest.mark.parametrize(
    ("body", "valid"),
    [
        (
            {"gallery": {"items": [{"id": "5a1e0c7d-1111-4222-8333-944455566677"}]}},
            True,
        ),
        ({"gallery": {"items": [{"title": "new, no media"}]}}, False),
        ({"gallery": {"items": [{"id": "not-a-guid", "title": "x"}]}}, False),
        ({"gallery": {"name": None, "sortOrder": 3}}, True),
        ({}, False),
    ],
)
def test_schema_and_marshmallow_agree_on_gallery_patches(
    doc: dict[str, Any], body: dict[str, Any], valid: bool
) -> None:
    described = validator(doc, "UpdateGalleryRequest").is_valid(body)
    try:
        S.load(S.UpdateGalleryRequest(), body)
        loaded = True
    except S.E.InvalidArgument:
        loaded = False
    assert (described, loaded) == (valid, valid)


def test_responses_validate_against_the_description(
    doc: dict[str, Any], api: Api
) -> None:
    """Every media kind, tags, link, focal point, secondary media: the answer
    matches the closed response schemas (no extra or missing keys)."""
    gallery = api.create_gallery(
        name="all kinds",
        items=[
            {
                "image": {**IMAGE, "focalPoint": {"x": 0.5, "y": 0.5}, "quality": 90},
                "tags": {"values": ["a"]},
                "link": {"url": "https://e.x", "text": None},
                "secondaryMedia": {"text": {"html": "<p>hover</p>"}},
            },
            {"video": {"videoInfo": {"url": "https://vimeo.com/1"}}, "title": "v"},
            {
                "video": {
                    "videoInfo": {
                        "id": "v1",
                        "filename": "c.mp4",
                        "posters": [{"id": "p.jpg", "width": 2, "height": 1}],
                    },
                    "durationInMillis": 5,
                }
            },
            {"text": {"html": "<p/>", "css": {"a": 1}}},
        ],
    )
    gid = gallery["id"]
    checks = [
        ("GalleryResponse", api.get(f"galleries/{gid}")),
        ("ListGalleriesResponse", api.get("galleries")),
        ("ListGalleryItemsResponse", api.get(f"galleries/{gid}/items")),
        (
            "ItemResponse",
            api.get(f"galleries/{gid}/items/{gallery['items'][0]['id']}"),
        ),
        ("ValidationError", api.get("galleries?limit=0")),
        ("ApplicationError", api.get(f"galleries/{gid}/items/{gid}")),
        ("DeleteGalleryResponse", api.delete(f"galleries/{gid}")),
    ]
    for component, response in checks:
        errors = list(validator(doc, component).iter_errors(response.json))
        assert errors == [], (component, [str(e) for e in errors])
        assert "X-Wix-Request-Id" in response.headers


def test_a_marshmallow_rule_without_a_translation_fails_the_build() -> None:
    """So that a new validation rule cannot silently go undocumented."""

    class Odd(S.Base):
        n = S.Int(validate=lambda v: None)

    with pytest.raises(TypeError, match="no JSON Schema for the validator"):
        Converter().schema(Odd)

    class Ruled(S.Base):
        n = S.Int()

        @validates_schema
        def _brand_new_rule(self, data: dict[str, Any], **kw: Any) -> None:
            raise ValidationError("never")

    with pytest.raises(TypeError, match="add it to SCHEMA_RULES"):
        Converter().schema(Ruled)


def test_cached_per_app_and_shaped_by_its_settings() -> None:
    app = create_app({"TESTING": True, "MAX_ITEM_LIMIT": 120})
    client = app.test_client()
    first = client.get(PATH).json
    assert first is not None
    params = first["paths"]["/galleries/{galleryId}/items"]["get"]["parameters"]
    assert (
        next(p for p in params if p.get("name") == "itemLimit")["schema"]["maximum"]
        == 120
    )
    assert client.get(PATH).json == first
