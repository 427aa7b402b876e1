"""The request wire contract: marshmallow schemas that validate every input.

API bodies, fixture files and generated demo data all load through these schemas,
so there is one parser. Field names are the camelCase wire names, so a loaded dict
is already wire-shaped. Unknown and read-only keys (``_id``, dates,
``imageInfo.url`` …) are dropped, never stored (docs/behaviour.md §5.5, §13.3);
derived enums (item ``type``, ``image.type``) are checked like every enum, then
dropped (§4.2).

The field types, validators, the Base schema and `load` live in fields.py;
they are re-exported here, so ``schemas.load(...)`` stays the one entry point.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping
from typing import Any

from marshmallow import ValidationError, validates_schema

from .. import errors as E
from .fields import GUID_RE as GUID_RE
from .fields import MAX_FREE_FORM_DEPTH as MAX_FREE_FORM_DEPTH
from .fields import Base as Base
from .fields import Bool, Enum, ListOf, Num, Obj, Rfc3339, between, rule, sized
from .fields import Dict as Dict
from .fields import Guid as Guid
from .fields import Int as Int
from .fields import Str as Str
from .fields import load as load
from .fields import non_empty as non_empty

MEDIA_KEYS = ("image", "video", "text")
# The enums of the wire (docs/behaviour.md §4.2–§4.6), each checked by one rule:
# writable or derived, a value must be one of these names (null means unset).
ITEM_TYPES = ("UNDEFINED", "IMAGE", "VIDEO", "TEXT")
IMAGE_TYPES = ("UNDEFINED", "WIX_MEDIA", "EXTERNAL")
VIDEO_TYPES = ("UNDEFINED", "WIX_MEDIA", "YOUTUBE", "VIMEO")
LINK_TYPES = ("UNDEFINED", "EXTERNAL", "INTERNAL")


# --- media (docs/behaviour.md §4.3–§4.6) ----------------------------------------------


class FocalPointSchema(Base):
    x = Num(required=True)
    y = Num(required=True)


class UnsharpMaskingSchema(Base):
    amount = Num(allow_none=True, validate=between(0, 5))
    radius = Num(allow_none=True)
    threshold = Num(allow_none=True, validate=between(0, 1))


class CommonImageSchema(Base):
    """REST `imageInfo` and video posters; `url` is read-only and rebuilt from id,
    Wix's internal `urlExpirationDate` and `sizeInBytes` (sent as nulls in
    posters, docs/behaviour.md §4.4) are read-only too."""

    read_only = frozenset({"url", "urlExpirationDate", "sizeInBytes"})

    id = Str(required=True, validate=non_empty)
    height = Int(required=True, validate=between(0))
    width = Int(required=True, validate=between(0))
    altText = Str(allow_none=True)
    filename = Str(allow_none=True)


class ImageSchema(Base):
    derived = frozenset({"type"})  # always WIX_MEDIA in answers (§4.3)
    type = Enum(IMAGE_TYPES, allow_none=True)
    imageInfo = Obj(CommonImageSchema, required=True)
    focalPoint = Obj(FocalPointSchema)
    exif = Dict(allow_none=True)
    quality = Int(allow_none=True, validate=between(30, 100))
    unsharpMasking = Obj(UnsharpMaskingSchema, allow_none=True)


class ResolutionSchema(Base):
    url = Str(required=True)
    height = Int(required=True, validate=between(0))
    width = Int(required=True, validate=between(0))
    format = Str(required=True)
    quality = Str(allow_none=True)
    filename = Str(allow_none=True)


class VideoInfoSchema(Base):
    id = Str(allow_none=True)
    url = Str(allow_none=True)
    filename = Str(allow_none=True)
    resolutions = ListOf(Obj(ResolutionSchema), validate=sized(high=100))
    posters = ListOf(Obj(CommonImageSchema), validate=sized(high=100))

    @validates_schema
    def _id_or_url(self, data: dict[str, Any], **kw: Any) -> None:
        if not data.get("id") and not data.get("url"):
            raise ValidationError(
                rule(
                    E.REQUIRED_FIELD,
                    "needs `id` (Wix media video) or `url` (YouTube/Vimeo)",
                )
            )


class VideoSchema(Base):
    type = Enum(VIDEO_TYPES, allow_none=True)
    videoInfo = Obj(VideoInfoSchema, required=True)
    durationInMillis = Int(allow_none=True, validate=between(0))


class TextSchema(Base):
    html = Str(required=True)
    css = Dict(allow_none=True)


class TagsSchema(Base):
    values = ListOf(Str(), required=True)


class LinkSchema(Base):
    text = Str(allow_none=True)
    url = Str(allow_none=True)
    type = Enum(LINK_TYPES, allow_none=True)
    target = Str(allow_none=True)
    wixLinkData = Dict(allow_none=True)


def _media_count(data: Mapping[str, Any], keys: tuple[str, ...]) -> list[str]:
    return [k for k in keys if data.get(k) is not None]


class SecondaryMediaSchema(Base):
    image = Obj(ImageSchema)
    text = Obj(TextSchema)

    @validates_schema
    def _one(self, data: dict[str, Any], **kw: Any) -> None:
        if len(_media_count(data, ("image", "text"))) > 1:
            raise ValidationError(rule(E.ONE_OF, "holds either image or text"))


# --- items and galleries (docs/behaviour.md §4.1, §4.2, §5) ---------------------------


def media_rule(found: list[str]) -> str:
    names = ", ".join(found) if found else "none"
    return rule(
        E.ONE_OF,
        f"must have exactly one of image, video or text (found: {names})",
        oneOf=list(MEDIA_KEYS),
    )


class ItemPatchSchema(Base):
    """An item in a PATCH: every key is optional; present keys replace (§6.5)."""

    read_only = frozenset({"createdDate", "updatedDate"})
    derived = frozenset({"type"})  # from the media member set (§6.9)

    id = Str()
    type = Enum(ITEM_TYPES, allow_none=True)
    title = Str(allow_none=True)
    description = Str(allow_none=True)
    sortOrder = Num(allow_none=True)
    link = Obj(LinkSchema, allow_none=True)
    tags = Obj(TagsSchema, allow_none=True)
    image = Obj(ImageSchema)
    video = Obj(VideoSchema)
    text = Obj(TextSchema)
    secondaryMedia = Obj(SecondaryMediaSchema, allow_none=True)

    @validates_schema
    def _at_most_one_media(self, data: dict[str, Any], **kw: Any) -> None:
        found = _media_count(data, MEDIA_KEYS)
        if len(found) > 1:
            raise ValidationError(media_rule(found))


class ItemSchema(ItemPatchSchema):
    """A new item: exactly one of image, video or text (§5.10)."""

    @validates_schema
    def _exactly_one_media(self, data: dict[str, Any], **kw: Any) -> None:
        found = _media_count(data, MEDIA_KEYS)
        if len(found) == 0:
            raise ValidationError(media_rule(found))


class GalleryItemPatchSchema(ItemPatchSchema):
    """An entry of `gallery.items` in updateGallery: with an id it updates that
    item, without one it creates an item (docs/behaviour.md §5.6 (a default))."""

    id = Guid()

    @validates_schema
    def _new_needs_media(self, data: dict[str, Any], **kw: Any) -> None:
        if "id" not in data and not _media_count(data, MEDIA_KEYS):
            raise ValidationError(media_rule([]))


class GallerySchema(Base):
    read_only = frozenset({"totalItems", "createdDate"})
    name = Str(allow_none=True)
    sortOrder = Num(allow_none=True)
    items = ListOf(Obj(ItemSchema))


class GalleryPatchSchema(Base):
    id = Str()
    name = Str(allow_none=True)
    sortOrder = Num(allow_none=True)
    items = ListOf(Obj(GalleryItemPatchSchema))


class CreateGalleryRequest(Base):
    gallery = Obj(GallerySchema, allow_none=True)
    cloneFromGalleryId = Guid(allow_none=True)


class UpdateGalleryRequest(Base):
    gallery = Obj(GalleryPatchSchema, required=True)


class CreateGalleryItemRequest(Base):
    galleryId = Str()
    item = Obj(ItemSchema, required=True)


class UpdateGalleryItemRequest(Base):
    galleryId = Str()
    item = Obj(ItemPatchSchema, required=True)


class BulkDeleteGalleryItemsRequest(Base):
    galleryId = Str()
    itemIds = ListOf(Guid(), required=True, validate=sized(1, 1000))


# --- fixture files: the same shapes, plus the ids and dates tests refer to ------


class FixtureItemSchema(ItemSchema):
    id = Guid()
    createdDate = Rfc3339()
    updatedDate = Rfc3339()


class FixtureGallerySchema(GallerySchema):
    id = Guid()
    createdDate = Rfc3339()
    items = ListOf(Obj(FixtureItemSchema))
    # live site (docs/live-site.md): "editor" also puts a widget with this id on `page`
    origin = Enum(("editor", "backend"))
    page = Str(validate=non_empty)


#: The largest media file a fixture or import may carry (as for uploads).
MAX_MEDIA_BYTES = 25 * 1024 * 1024


class Base64(Str):
    """Standard base64 text, loaded as the bytes it encodes (at most
    MAX_MEDIA_BYTES of them)."""

    default_error_messages: Any = {
        "base64": rule(E.FORMAT, "must be standard base64 text", type="base64"),
        "size": rule(
            E.MAX_SIZE,
            f"encodes more than {MAX_MEDIA_BYTES} bytes",
            maxSize=MAX_MEDIA_BYTES,
        ),
    }

    def _deserialize(self, value: Any, attr: Any, data: Any, **kw: Any) -> Any:
        text = super()._deserialize(value, attr, data, **kw)
        if len(text) > (MAX_MEDIA_BYTES + 2) // 3 * 4:
            raise self.make_error("size")
        try:
            return base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            raise self.make_error("base64") from None


class FixtureMediaSchema(CommonImageSchema):
    """A file already in the site's Media Manager (docs/live-site.md rule 5):
    an imageInfo plus its MIME type, and (exports) the file as base64."""

    mimeType = Str(allow_none=True)
    data = Base64()


_MEDIA_PREFIX = re.compile(r"[0-9a-f]{6}")


def media_prefix(value: Any) -> None:
    if not _MEDIA_PREFIX.fullmatch(value):
        raise ValidationError(
            rule(E.FORMAT, "must be 6 lower-case hex digits", type="hex")
        )


class FixtureWidgetSchema(Base):
    """A gallery widget: `id` is its Editor gallery's id (which may be gone)."""

    id = Guid(required=True)
    connectedGalleryId = Guid(allow_none=True)


class FixturePageSchema(Base):
    name = Str(required=True, validate=non_empty)
    widgets = ListOf(Obj(FixtureWidgetSchema), required=True)


class FixtureSiteSchema(Base):
    siteId = Str()
    galleries = ListOf(Obj(FixtureGallerySchema), required=True)
    published = Bool()
    #: The owner part of the site's uploaded media ids (exports keep it).
    mediaIdPrefix = Str(validate=media_prefix)
    media = ListOf(Obj(FixtureMediaSchema))
    pages = ListOf(Obj(FixturePageSchema))
