"""The OpenAPI response schemas: every success and error body, written by hand.

They follow gallery/wire.py, the operations and errors.py (docs/behaviour.md
§4, §7.1, §13.4);
schemathesis (tests/test_schemathesis.py) checks every response against them.
"""

from __future__ import annotations

from .. import errors as E
from ..gallery import schemas as S
from ..gallery.operations import LIST_LIMIT_MAX
from ..gallery.wire import MEDIA_TYPES
from .convert import (
    FREE,
    GUID,
    INTEGER,
    NUMBER,
    RFC3339,
    STRING,
    Converter,
    Json,
    array,
    closed,
    ref,
)

NULLABLE_STRING = {"type": ["string", "null"]}
POSTER_KEYS = (
    "id",
    "url",
    "height",
    "width",
    "altText",
    "urlExpirationDate",
    "filename",
    "sizeInBytes",
)


def response_components(conv: Converter) -> dict[str, Json]:
    """Response schemas. Parts the fake echoes as validated (link, tags, focal
    point) reuse the request components."""
    return {
        "CommonImage": closed(
            ["id", "url", "height", "width"],
            {
                "id": STRING,
                "url": {
                    **STRING,
                    "description": "https://static.wixstatic.com/media/<id>",
                },
                "height": INTEGER,
                "width": INTEGER,
                "altText": STRING,
                "filename": STRING,
            },
            "docs/behaviour.md §4.3: `url` is always rebuilt from `id`.",
        ),
        "Poster": closed(
            [*POSTER_KEYS],
            {
                "id": STRING,
                "url": {
                    **STRING,
                    "description": "https://static.wixstatic.com/media/<id>",
                },
                "height": INTEGER,
                "width": INTEGER,
                "altText": NULLABLE_STRING,
                "urlExpirationDate": {"type": "null"},
                "filename": NULLABLE_STRING,
                "sizeInBytes": {"type": "null"},
            },
            "docs/behaviour.md §4.4: every member present, as in Wix's real "
            "poster sample; a YouTube/Vimeo video gets one Wix-hosted poster.",
        ),
        "Resolution": closed(
            ["url", "height", "width", "format", "quality", "filename"],
            {
                "url": STRING,
                "height": INTEGER,
                "width": INTEGER,
                "format": {**STRING, "description": "e.g. mp4, hls, Youtube"},
                "quality": NULLABLE_STRING,
                "filename": NULLABLE_STRING,
            },
            "docs/behaviour.md §4.4: `quality` and `filename` null when unset.",
        ),
        "Image": closed(
            ["type", "imageInfo"],
            {
                "type": {"type": "string", "enum": ["WIX_MEDIA"]},
                "imageInfo": ref("CommonImage"),
                "focalPoint": conv.schema(S.FocalPointSchema),
                "exif": FREE,
                "quality": INTEGER,
                "unsharpMasking": conv.field(
                    S.ImageSchema._declared_fields["unsharpMasking"]
                ),
            },
        ),
        "VideoInfo": closed(
            ["id", "url", "resolutions", "posters"],
            {
                "id": {**STRING, "description": "empty for YouTube/Vimeo (§6.7)"},
                "url": {**STRING, "description": "empty for Wix media video"},
                "filename": STRING,
                "resolutions": array(ref("Resolution")),
                "posters": array(ref("Poster")),
            },
        ),
        "Video": closed(
            ["type", "videoInfo"],
            {
                "type": {"type": "string", "enum": list(S.VIDEO_TYPES)},
                "videoInfo": ref("VideoInfo"),
                "durationInMillis": INTEGER,
            },
        ),
        "Text": closed(["html"], {"html": STRING, "css": FREE}),
        "SecondaryMedia": closed([], {"image": ref("Image"), "text": ref("Text")}),
        "Item": closed(
            ["id", "type", "createdDate", "updatedDate"],
            {
                "id": GUID,
                "type": {
                    "type": "string",
                    "enum": ["UNDEFINED", *MEDIA_TYPES.values()],
                },
                "title": STRING,
                "description": STRING,
                "sortOrder": NUMBER,
                "createdDate": RFC3339,
                "updatedDate": RFC3339,
                "tags": conv.schema(S.TagsSchema),
                "link": conv.schema(S.LinkSchema),
                "image": ref("Image"),
                "video": ref("Video"),
                "text": ref("Text"),
                "secondaryMedia": ref("SecondaryMedia"),
            },
            "docs/behaviour.md §4.2; unset optional fields are left out.",
        ),
        "Gallery": closed(
            ["id", "createdDate", "totalItems", "items"],
            {
                "id": GUID,
                "name": STRING,
                "createdDate": RFC3339,
                "sortOrder": NUMBER,
                "totalItems": {**INTEGER, "minimum": 0},
                "items": {**array(ref("Item")), "description": "the requested page"},
            },
            "docs/behaviour.md §4.1; a gallery has no updatedDate.",
        ),
        "ListGalleriesResponse": closed(
            ["totalGalleries", "galleries"],
            {
                "totalGalleries": {**INTEGER, "minimum": 0},
                "galleries": {**array(ref("Gallery")), "maxItems": LIST_LIMIT_MAX},
            },
        ),
        "GalleryResponse": closed(["gallery"], {"gallery": ref("Gallery")}),
        "ListGalleryItemsResponse": closed(["items"], {"items": array(ref("Item"))}),
        "ItemResponse": closed(["item"], {"item": ref("Item")}),
        "DeleteGalleryResponse": closed(["galleryId"], {"galleryId": GUID}),
        "BulkDeleteGalleryItemsResponse": closed(["itemIds"], {"itemIds": array(GUID)}),
        "DeleteGalleryItemResponse": closed(["itemId"], {"itemId": GUID}),
        "ApplicationError": closed(
            ["message", "details"],
            {
                "message": STRING,
                "details": closed(
                    ["applicationError"],
                    {
                        "applicationError": closed(
                            ["code", "description", "data"],
                            {"code": STRING, "description": STRING, "data": FREE},
                        )
                    },
                ),
            },
            "docs/behaviour.md §7.1; codes live in fakegallery/errors.py.",
        ),
        "ValidationError": closed(
            ["message", "details"],
            {
                "message": {**STRING, "pattern": "^INVALID_ARGUMENT: "},
                "details": closed(
                    ["validationError"],
                    {
                        "validationError": closed(
                            ["fieldViolations"],
                            {
                                "fieldViolations": {
                                    **array(ref("FieldViolation")),
                                    "minItems": 1,
                                }
                            },
                        )
                    },
                ),
            },
        ),
        "FieldViolation": closed(
            ["field", "description", "violatedRule", "data"],
            {
                "field": {
                    **STRING,
                    "description": "wire path, e.g. item.image.imageInfo.id",
                },
                "description": STRING,
                "violatedRule": {"type": "string", "enum": list(E.RULES)},
                "data": FREE,
            },
        ),
    }
