"""The fast load path (gallery/fastload.py) decides exactly what marshmallow
decides on success: for generated near-valid bodies of every request and
fixture schema, a fast result equals marshmallow's (key order included), the
fast path never accepts what marshmallow refuses, and it does take every
valid body (else it would only cost time)."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from marshmallow import Schema, ValidationError

from fakegallery.gallery import schemas
from fakegallery.gallery.fastload import fast_load
from fakegallery.live.bodies import CONNECT, EDITOR_GALLERY

GUID = "0b0b0b0b-1111-4222-8333-944455566677"
IMAGE = {
    "imageInfo": {"id": "11062b_a~mv2.jpg", "width": 8, "height": 6, "altText": "a"},
    "focalPoint": {"x": 0.5, "y": 0.5},
    "quality": 90,
    "unsharpMasking": {"amount": 1, "radius": 2, "threshold": 0.5},
    "exif": {"k": [1, {"a": None}]},
}
VIDEO = {
    "type": "YOUTUBE",
    "videoInfo": {
        "url": "https://youtu.be/x",
        "resolutions": [{"url": "u", "height": 1, "width": 2, "format": "mp4"}],
        "posters": [{"id": "p~mv2.jpg", "width": 1, "height": 1}],
    },
    "durationInMillis": 10,
}
ITEMS = [
    {"title": "t", "description": "d", "sortOrder": 3, "image": IMAGE},
    {"video": VIDEO, "link": {"url": "https://x", "type": "EXTERNAL", "text": "go"}},
    {"text": {"html": "<p/>", "css": {"a": 1}}, "tags": {"values": ["a", "b"]}},
    {
        "image": {"imageInfo": {"id": "i", "width": 1, "height": 1}},
        "secondaryMedia": {"text": {"html": "x"}},
    },
]


def reversed_keys(value: Any) -> Any:
    """`value` with every object's keys in reverse order."""
    if isinstance(value, dict):
        return {k: reversed_keys(value[k]) for k in reversed(value)}
    if isinstance(value, list):
        return [reversed_keys(v) for v in value]
    return value


VALID: list[tuple[Schema, Any]] = [
    # keys in another order than declared: the result still has marshmallow's
    (
        schemas.CreateGalleryRequest(),
        reversed_keys({"gallery": {"name": "g", "sortOrder": 1, "items": ITEMS}}),
    ),
    (
        schemas.CreateGalleryRequest(),
        {"gallery": {"name": "g", "sortOrder": 1, "items": ITEMS}},
    ),
    (schemas.CreateGalleryRequest(), {"cloneFromGalleryId": GUID}),
    (
        schemas.UpdateGalleryRequest(),
        {"gallery": {"name": None, "items": [{"id": GUID, "title": "x"}, ITEMS[0]]}},
    ),
    (schemas.CreateGalleryItemRequest(), {"galleryId": GUID, "item": ITEMS[1]}),
    (
        schemas.UpdateGalleryItemRequest(),
        {"item": {"title": None, "link": None, "image": IMAGE}},
    ),
    (schemas.BulkDeleteGalleryItemsRequest(), {"itemIds": [GUID, GUID]}),
    (EDITOR_GALLERY, {"page": "home", "gallery": {"items": ITEMS[:2]}}),
    (CONNECT, {"galleryId": None}),
    (
        schemas.FixtureSiteSchema(),
        {
            "siteId": "s",
            "published": False,
            "galleries": [
                {
                    "id": GUID,
                    "createdDate": "2026-01-02T03:04:05+01:00",
                    "origin": "editor",
                    "items": [
                        {**ITEMS[0], "id": GUID, "updatedDate": "2026-01-02T03:04:05Z"}
                    ],
                }
            ],
            "media": [{"id": "m", "width": 1, "height": 1, "mimeType": "image/png"}],
            "pages": [
                {"name": "home", "widgets": [{"id": GUID, "connectedGalleryId": None}]}
            ],
        },
    ),
]
ODD_VALUES = [
    None,
    0,
    -1,
    1.5,
    101,
    2**70,
    "",
    "x",
    GUID,
    "NaN",
    True,
    [],
    [1],
    {},
    {"x": 1},
]
ODD = st.sampled_from(ODD_VALUES).map(copy.deepcopy)  # mutations must not share


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path into a JSON value (the value itself first)."""
    found = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            found += paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += paths(child, (*prefix, index))
    return found


@st.composite
def near_valid(draw: st.DrawFn) -> tuple[Schema, Any]:
    schema, valid = draw(st.sampled_from(VALID))
    data = copy.deepcopy(valid)
    for _ in range(draw(st.integers(0, 3))):
        where = draw(st.sampled_from(paths(data)))
        if not where:
            if draw(st.booleans()):
                data = draw(ODD)
            continue
        *parent_path, last = where
        parent = data
        for step in parent_path:
            parent = parent[step]
        action = draw(st.sampled_from(["drop", "replace", "add", "media"]))
        if action == "drop":
            del parent[last]
        elif action == "replace":
            parent[last] = draw(ODD)
        elif isinstance(parent, dict):
            if action == "add":
                key = draw(
                    st.sampled_from(
                        ["unknown", "type", "url", "createdDate", "video", "text"]
                    )
                )
                parent[key] = draw(ODD)
            else:
                parent["image"] = copy.deepcopy(IMAGE)
    return schema, data


def marshmallow(schema: Schema, data: Any) -> dict[str, Any] | None:
    try:
        result: dict[str, Any] = schema.load(data)
    except ValidationError:
        return None
    return result


@pytest.mark.parametrize(("schema", "data"), VALID, ids=lambda v: type(v).__name__)
def test_every_valid_body_takes_the_fast_path(schema: Schema, data: Any) -> None:
    fast = fast_load(schema, data)
    assert fast is not None
    assert repr(fast) == repr(schema.load(data))


@settings(
    max_examples=400,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
@given(case=near_valid())
def test_fast_path_agrees_with_marshmallow(case: tuple[Schema, Any]) -> None:
    schema, data = case
    expected = marshmallow(schema, data)
    fast = fast_load(schema, data)
    if expected is None:
        assert fast is None, data
    else:
        assert fast is not None, data
        assert repr(fast) == repr(expected)  # values and key order
