"""The request wire contract: marshmallow schemas that validate every input.

API bodies, fixture files and generated demo data all load through these schemas,
so there is one parser. Field names are the camelCase wire names, so a loaded dict
is already wire-shaped. Unknown and read-only keys (``_id``, ``type``, dates,
``imageInfo.url`` …) are dropped, never stored (spec §5.5, §sdk-wire 3).

Each error message carries its rule: ``RULE|hex(json data)|text`` (see `violations`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from typing import Any

import orjson
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validates_schema

from . import errors as E
from .clock import format_time, parse_time

GUID_RE = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
)
MEDIA_KEYS = ("image", "video", "text")
VIDEO_TYPES = ("UNDEFINED", "WIX_MEDIA", "YOUTUBE", "VIMEO")
LINK_TYPES = ("UNDEFINED", "EXTERNAL", "INTERNAL")


def rule(code: str, text: str, **data: Any) -> str:
    """Encode a rule, its data and its text into one marshmallow message."""
    # hex keeps JSON braces away from marshmallow's str.format of messages
    return f"{code}|{orjson.dumps(data).hex()}|{text}"


Messages = dict[str, str | list[Any] | dict[Any, Any]]


def _type_messages(kind: str, article: str = "a") -> Messages:
    wrong = rule(E.FORMAT, f"must be {article} {kind}", type=kind)
    return {
        "invalid": wrong,
        "type": wrong,
        "required": rule(E.REQUIRED_FIELD, "is required"),
        "null": rule(E.FORMAT, "must not be null", type=kind),
    }


class Str(fields.String):
    default_error_messages = _type_messages("string")


#: Deepest nesting accepted inside a free-form object (protobuf's default
#: recursion limit). Deeper values would crash orjson.dumps (limit 254 levels)
#: when the item is stored or echoed in an event: a 500 (found by review).
MAX_FREE_FORM_DEPTH = 100


def _depth(value: Any) -> int:
    """How many objects/arrays deep `value` nests (a scalar is 0)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        node, level = stack.pop()
        if isinstance(node, dict):
            children: Any = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in children)
    return deepest


def shallow(value: Any) -> None:
    """Validator of free-form objects: at most MAX_FREE_FORM_DEPTH levels."""
    if _depth(value) > MAX_FREE_FORM_DEPTH:
        raise ValidationError(
            rule(
                E.MAX,
                f"nests deeper than {MAX_FREE_FORM_DEPTH} levels",
                maxDepth=MAX_FREE_FORM_DEPTH,
            )
        )


class Dict(fields.Dict):
    """A free-form JSON object (exif, css, wixLinkData), stored as sent."""

    default_error_messages = _type_messages("object", "an")

    def __init__(self, **kw: Any) -> None:
        super().__init__(**kw)
        self.validators.append(shallow)


class ListOf(fields.List[Any]):
    default_error_messages = _type_messages("array", "an")


class Obj(fields.Nested):
    default_error_messages = _type_messages("object", "an")


INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


class Int(fields.Field[int]):
    """A JSON integer; booleans, floats and numeric strings are refused."""

    default_error_messages = _type_messages("integer", "an")

    def _deserialize(self, value: Any, attr: Any, data: Any, **kw: Any) -> int:
        number: int
        if isinstance(value, bool) or not isinstance(value, int):
            if isinstance(value, float) and value.is_integer():
                number = int(value)
            else:
                raise self.make_error("invalid")
        else:
            number = value
        # A float such as 1e30 is integral but past int64: stored, it would
        # crash the JSON encoder (found by schemathesis).
        if not INT64_MIN <= number <= INT64_MAX:
            raise self.make_error("invalid")
        return number


class Num(fields.Field[float]):
    """A finite JSON number (spec §4.7: "NaN"/"Infinity" strings are refused)."""

    default_error_messages: Messages = {
        **_type_messages("number"),
        "finite": rule(E.FORMAT, "must be a finite number", type="number"),
    }

    def _deserialize(self, value: Any, attr: Any, data: Any, **kw: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            if isinstance(value, str) and value in ("NaN", "Infinity", "-Infinity"):
                raise self.make_error("finite")
            raise self.make_error("invalid")
        if not math.isfinite(value):
            raise self.make_error("finite")
        return value


class Guid(Str):
    """A GUID string (``@format GUID``, spec §7.4)."""

    default_error_messages: Messages = {
        "guid": rule(E.FORMAT, "must be a GUID", type="GUID"),
    }

    def _deserialize(self, value: Any, attr: Any, data: Any, **kw: Any) -> str:
        text = super()._deserialize(value, attr, data, **kw)
        if not GUID_RE.fullmatch(text):  # `$` alone lets a final \n through
            raise self.make_error("guid")
        return text


class Enum(Str):
    """A string restricted to an enum's values."""

    def __init__(self, choices: tuple[str, ...], **kw: Any) -> None:
        super().__init__(**kw)
        self.choices = choices

    def _deserialize(self, value: Any, attr: Any, data: Any, **kw: Any) -> str:
        text = super()._deserialize(value, attr, data, **kw)
        if text not in self.choices:
            raise ValidationError(
                rule(
                    E.FORMAT,
                    f"must be one of {', '.join(self.choices)}",
                    type="enum",
                    values=list(self.choices),
                )
            )
        return text


class Rfc3339(Str):
    """An RFC3339 date-time, normalised to whole-second UTC (fixtures only)."""

    default_error_messages: Messages = {
        "date": rule(E.FORMAT, "must be an RFC3339 date-time", type="date-time"),
    }

    def _deserialize(self, value: Any, attr: Any, data: Any, **kw: Any) -> str:
        text = super()._deserialize(value, attr, data, **kw)
        try:
            return format_time(parse_time(text))
        except ValueError:
            raise self.make_error("date") from None


def between(
    low: float | None = None, high: float | None = None
) -> Callable[[Any], None]:
    """Validator: the number lies in [low, high] (spec @min/@max annotations)."""

    def check(value: Any) -> None:
        if value is None:
            return
        if low is not None and value < low:
            raise ValidationError(rule(E.MIN, f"must be at least {low}", min=low))
        if high is not None and value > high:
            raise ValidationError(rule(E.MAX, f"must be at most {high}", max=high))

    return check


def sized(low: int | None = None, high: int | None = None) -> Callable[[Any], None]:
    """Validator: the array has between low and high entries."""

    def check(value: Any) -> None:
        if low is not None and len(value) < low:
            raise ValidationError(
                rule(E.MIN_SIZE, f"must have at least {low} entries", minSize=low)
            )
        if high is not None and len(value) > high:
            raise ValidationError(
                rule(E.MAX_SIZE, f"must have at most {high} entries", maxSize=high)
            )

    return check


def non_empty(value: Any) -> None:
    if value == "":
        raise ValidationError(rule(E.REQUIRED_FIELD, "must not be empty"))


class Base(Schema):
    """Wire schema base: unknown and read-only keys are dropped, not stored."""

    class Meta:
        unknown = EXCLUDE

    error_messages = {
        "type": rule(E.FORMAT, "must be an object", type="object"),
    }


# --- media (spec §4.3–§4.6) ---------------------------------------------------


class FocalPointSchema(Base):
    x = Num(required=True)
    y = Num(required=True)


class UnsharpMaskingSchema(Base):
    amount = Num(allow_none=True, validate=between(0, 5))
    radius = Num(allow_none=True)
    threshold = Num(allow_none=True, validate=between(0, 1))


class CommonImageSchema(Base):
    """REST `imageInfo` and video posters; `url` is read-only and rebuilt from id."""

    id = Str(required=True, validate=non_empty)
    height = Int(required=True, validate=between(0))
    width = Int(required=True, validate=between(0))
    altText = Str(allow_none=True)
    filename = Str(allow_none=True)


class ImageSchema(Base):
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
    type = Enum(VIDEO_TYPES)
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
    type = Enum(LINK_TYPES)
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


# --- items and galleries (spec §4.1, §4.2, §5) --------------------------------


def media_rule(found: list[str]) -> str:
    names = ", ".join(found) if found else "none"
    return rule(
        E.ONE_OF,
        f"must have exactly one of image, video or text (found: {names})",
        oneOf=list(MEDIA_KEYS),
    )


class ItemPatchSchema(Base):
    """An item in a PATCH: every key is optional; present keys replace (§6.5)."""

    id = Str()
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
    item, without one it creates an item (spec §5.6 [INF])."""

    id = Guid()

    @validates_schema
    def _new_needs_media(self, data: dict[str, Any], **kw: Any) -> None:
        if "id" not in data and not _media_count(data, MEDIA_KEYS):
            raise ValidationError(media_rule([]))


class GallerySchema(Base):
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
    # live site (live.py): "editor" also puts a widget with this id on `page`
    origin = Enum(("editor", "backend"))
    page = Str(validate=non_empty)


class Bool(fields.Field[bool]):
    """A JSON boolean; strings and numbers are refused."""

    default_error_messages = _type_messages("boolean")

    def _deserialize(self, value: Any, attr: Any, data: Any, **kw: Any) -> bool:
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


class FixtureMediaSchema(CommonImageSchema):
    """A file already in the site's Media Manager (seeds 002/004): an imageInfo
    plus its MIME type."""

    mimeType = Str(allow_none=True)


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
    media = ListOf(Obj(FixtureMediaSchema))
    pages = ListOf(Obj(FixturePageSchema))


# --- turning marshmallow errors into Wix field violations ---------------------


def violations(messages: Any, path: str = "") -> list[E.FieldViolation]:
    """Flatten marshmallow's nested messages into violations with wire paths,
    e.g. ``gallery.items[3].image.imageInfo.id``."""
    found: list[E.FieldViolation] = []
    if isinstance(messages, Mapping):
        for key, sub in messages.items():
            if key == "_schema":
                child = path
            elif isinstance(key, int):
                child = f"{path}[{key}]"
            else:
                child = f"{path}.{key}" if path else str(key)
            found.extend(violations(sub, child))
    elif isinstance(messages, list | tuple):
        for message in messages:
            found.extend(violations(message, path))
    else:
        found.append(_decode(str(messages), path))
    return found


def _decode(message: str, path: str) -> E.FieldViolation:
    parts = message.split("|", 2)
    if len(parts) == 3 and parts[0].isupper():
        data = orjson.loads(bytes.fromhex(parts[1]))
        return E.FieldViolation(path, parts[2], parts[0], data)
    return E.FieldViolation(path, message, E.INVALID_ARGUMENT)


def load(schema: Schema, data: Any, path: str = "") -> dict[str, Any]:
    """Validate `data`; raise `InvalidArgument` naming every broken field."""
    try:
        result: dict[str, Any] = schema.load(data)
    except ValidationError as exc:
        raise E.InvalidArgument(violations(exc.messages, path)) from None
    return result
